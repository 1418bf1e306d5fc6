//! The Odds API's bookmaker keys and the regions that carry them, as its bookmaker list
//! publishes them (2026-11). `[betting] books` and `sharp_book` name these keys; start-up
//! checks them here, so a misspelt or retired key (`caesars` for `williamhill_us`) stops the
//! server by name instead of silently quoting no book at all. A book the provider added after
//! this list goes in `[betting] extra_book_keys`.

/// `(key, regions)`: every bookmaker key and the `regions` values that include it.
pub const BOOKMAKERS: &[(&str, &[&str])] = &[
    // United States
    ("betonlineag", &["us", "eu"]),
    ("betmgm", &["us"]),
    ("betrivers", &["us"]),
    ("betus", &["us"]),
    ("bovada", &["us"]),
    ("williamhill_us", &["us"]),
    ("draftkings", &["us"]),
    ("fanatics", &["us"]),
    ("fanduel", &["us"]),
    ("lowvig", &["us"]),
    ("mybookieag", &["us", "eu"]),
    ("ballybet", &["us2"]),
    ("betanysports", &["us2", "eu"]),
    ("betparx", &["us2"]),
    ("espnbet", &["us2"]),
    ("fliff", &["us2"]),
    ("hardrockbet", &["us2"]),
    ("rebet", &["us2"]),
    ("windcreek", &["us2"]),
    // United Kingdom
    ("sport888", &["uk", "eu"]),
    ("betfair_ex_uk", &["uk"]),
    ("betfair_sb_uk", &["uk"]),
    ("betvictor", &["uk", "eu"]),
    ("betway", &["uk"]),
    ("boylesports", &["uk"]),
    ("casumo", &["uk"]),
    ("coral", &["uk"]),
    ("grosvenor", &["uk"]),
    ("ladbrokes_uk", &["uk"]),
    ("leovegas", &["uk"]),
    ("livescorebet", &["uk"]),
    ("matchbook", &["uk", "eu"]),
    ("paddypower", &["uk"]),
    ("skybet", &["uk"]),
    ("smarkets", &["uk"]),
    ("unibet_uk", &["uk"]),
    ("virginbet", &["uk"]),
    ("williamhill", &["uk", "eu"]),
    // Europe
    ("onexbet", &["eu"]),
    ("betclic_fr", &["eu"]),
    ("betfair_ex_eu", &["eu"]),
    ("betsson", &["eu"]),
    ("coolbet", &["eu"]),
    ("everygame", &["eu"]),
    ("gtbets", &["eu"]),
    ("leovegas_se", &["eu"]),
    ("marathonbet", &["eu"]),
    ("nordicbet", &["eu"]),
    ("parionssport_fr", &["eu"]),
    ("pinnacle", &["eu"]),
    ("suprabets", &["eu"]),
    ("tipico_de", &["eu"]),
    ("unibet_fr", &["eu"]),
    ("unibet_it", &["eu"]),
    ("unibet_nl", &["eu"]),
    ("unibet_se", &["eu"]),
    ("winamax_de", &["eu"]),
    ("winamax_fr", &["eu"]),
    // Australia
    ("betfair_ex_au", &["au"]),
    ("betr_au", &["au"]),
    ("betright", &["au"]),
    ("boombet", &["au"]),
    ("dabble_au", &["au"]),
    ("ladbrokes_au", &["au"]),
    ("neds", &["au"]),
    ("playup", &["au"]),
    ("pointsbetau", &["au"]),
    ("sportsbet", &["au"]),
    ("tab", &["au"]),
    ("tabtouch", &["au"]),
    ("unibet", &["au"]),
];

/// Names people use for a book whose key is different.
const ALIASES: &[(&str, &str)] = &[
    ("caesars", "williamhill_us"),
    ("caesars_sportsbook", "williamhill_us"),
    ("mgm", "betmgm"),
    ("espn", "espnbet"),
    ("espn_bet", "espnbet"),
    ("hardrock", "hardrockbet"),
    ("betonline", "betonlineag"),
    ("mybookie", "mybookieag"),
    ("888sport", "sport888"),
    ("1xbet", "onexbet"),
    ("betfair", "betfair_ex_uk"),
    ("ladbrokes", "ladbrokes_uk"),
    ("pointsbet", "pointsbetau"),
    ("unibet_us", "betrivers"),
];

/// Whether `key` is one of the provider's bookmaker keys (or an operator-added one).
pub fn is_known(key: &str, extra: &[String]) -> bool {
    BOOKMAKERS.iter().any(|(k, _)| *k == key) || extra.iter().any(|k| k == key)
}

/// The regions that carry `key` (none for an unknown or operator-added key).
pub fn regions_of(key: &str) -> &'static [&'static str] {
    BOOKMAKERS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(&[], |(_, regions)| regions)
}

/// The deployment's book settings, checked against the provider's keys:
/// - every key of `books` and `sharp_book` exists (an unknown key fails, named, with the key
///   it probably meant);
/// - with no `books` filter the provider is asked by `regions`, so the sharp book must be in
///   one of them, or fair prices would silently never be anchored to it.
pub fn check(
    books: &[String],
    sharp_book: Option<&str>,
    regions: &str,
    extra: &[String],
) -> Result<(), String> {
    for (setting, key) in books
        .iter()
        .map(|k| ("betting.books", k.as_str()))
        .chain(sharp_book.map(|k| ("betting.sharp_book", k)))
    {
        if !is_known(key, extra) {
            let hint = suggestion(key)
                .map(|s| format!(" (did you mean {s:?}?)"))
                .unwrap_or_default();
            return Err(format!(
                "{setting}: {key:?} is not a bookmaker key of The Odds API{hint}; if the \
                 provider added it after this release, list it in betting.extra_book_keys"
            ));
        }
    }
    if let (true, Some(sharp)) = (books.is_empty(), sharp_book) {
        let carried = regions_of(sharp);
        let asked: Vec<&str> = regions.split(',').map(str::trim).collect();
        if !carried.is_empty() && !carried.iter().any(|r| asked.contains(r)) {
            return Err(format!(
                "betting.sharp_book: {sharp:?} is quoted in region {} but betting.region is \
                 {regions:?}, so its line would never be asked for; add the region or list \
                 betting.books",
                carried.join(" / ")
            ));
        }
    }
    Ok(())
}

/// The key a misspelling or a brand name most likely meant.
fn suggestion(key: &str) -> Option<&'static str> {
    let wanted = key.to_ascii_lowercase().replace(['-', ' '], "_");
    if let Some((_, k)) = ALIASES.iter().find(|(alias, _)| *alias == wanted) {
        return Some(k);
    }
    BOOKMAKERS
        .iter()
        .map(|(k, _)| (strsim::levenshtein(&wanted, k), *k))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn books(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn the_shipped_books_and_common_sharp_books_are_known() {
        let shipped = books(&["draftkings", "fanduel", "betmgm", "williamhill_us"]);
        assert_eq!(check(&shipped, Some("pinnacle"), "us", &[]), Ok(()));
        assert_eq!(check(&[], None, "us", &[]), Ok(()));
    }

    #[test]
    fn an_unknown_key_is_named_with_the_key_it_meant() {
        let err = check(&books(&["draftkings", "caesars"]), None, "us", &[]).unwrap_err();
        assert!(
            err.contains("betting.books") && err.contains("\"caesars\""),
            "{err}"
        );
        assert!(err.contains("\"williamhill_us\""), "{err}");
        let err = check(&books(&["fandual"]), None, "us", &[]).unwrap_err();
        assert!(err.contains("\"fanduel\""), "{err}");
        let err = check(&[], Some("pinnacle_sports"), "eu", &[]).unwrap_err();
        assert!(err.contains("betting.sharp_book"), "{err}");
        // Nothing close: no guess.
        let err = check(&books(&["zzzzzzzz"]), None, "us", &[]).unwrap_err();
        assert!(!err.contains("did you mean"), "{err}");
    }

    #[test]
    fn an_operator_can_add_a_book_the_provider_added_later() {
        let extra = books(&["newbook"]);
        assert_eq!(check(&books(&["newbook"]), None, "us", &extra), Ok(()));
        assert!(check(&books(&["newbook"]), None, "us", &[]).is_err());
    }

    #[test]
    fn a_sharp_book_outside_the_asked_regions_is_refused_without_a_book_filter() {
        let err = check(&[], Some("pinnacle"), "us", &[]).unwrap_err();
        assert!(
            err.contains("eu") && err.contains("betting.region"),
            "{err}"
        );
        assert_eq!(check(&[], Some("pinnacle"), "us,eu", &[]), Ok(()));
        // A book filter asks by key, whatever the region.
        assert_eq!(
            check(&books(&["fanduel"]), Some("pinnacle"), "us", &[]),
            Ok(())
        );
    }

    #[test]
    fn the_catalogue_has_each_key_once_in_lowercase_with_known_regions() {
        let mut keys: Vec<&str> = BOOKMAKERS.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), before, "a key is listed twice");
        for (key, regions) in BOOKMAKERS {
            assert!(key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
            assert!(!regions.is_empty());
            for region in *regions {
                assert!(
                    ["us", "us2", "uk", "eu", "au"].contains(region),
                    "{key}: {region}"
                );
            }
        }
        for (_, target) in ALIASES {
            assert!(is_known(target, &[]), "alias to unknown {target}");
        }
    }
}
