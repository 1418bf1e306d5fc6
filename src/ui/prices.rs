//! Prices in the bettor's chosen format. Widgets and answers write American odds ("-110",
//! "+150"); the page shows every such price in the format the header toggle picked, converted
//! exactly by the domain's odds types.

use crate::domain::{format_odds, parse_odds, OddsFormat};
use leptos::prelude::*;

/// The page's chosen odds format, provided as context.
#[derive(Clone, Copy)]
pub struct ChosenOddsFormat(pub ReadSignal<OddsFormat>);

/// Where an American price starts: a sign at a word start, then at least three digits that end
/// the number ("+4" is a line, "220.5" a total, "-110" a price).
fn price_at(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if !matches!(bytes[start], b'+' | b'-') {
        return None;
    }
    let at_word_start = start == 0 || matches!(bytes[start - 1], b' ' | b'(' | b'[' | b'\n');
    if !at_word_start {
        return None;
    }
    let digits = bytes[start + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let end = start + 1 + digits;
    let ends_number = bytes
        .get(end)
        .is_none_or(|b| !b.is_ascii_digit() && *b != b'.');
    (digits >= 3 && ends_number).then_some(end)
}

/// Whether the text holds a price (so only such texts follow the toggle).
pub fn has_price(text: &str) -> bool {
    (0..text.len()).any(|i| text.is_char_boundary(i) && price_at(text, i).is_some())
}

/// The text with every American price shown in `format`.
pub fn show_prices(text: &str, format: OddsFormat) -> String {
    if format == OddsFormat::American {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < text.len() {
        if text.is_char_boundary(i) {
            if let Some(end) = price_at(text, i) {
                if let Ok(price) = parse_odds(&text[i..end], OddsFormat::American) {
                    out.push_str(&text[copied..i]);
                    out.push_str(&format_odds(&price, format));
                    copied = end;
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// Text that follows the odds toggle when it holds a price.
pub fn priced_text(text: String) -> AnyView {
    match use_context::<ChosenOddsFormat>() {
        Some(ChosenOddsFormat(format)) if has_price(&text) => {
            (move || show_prices(&text, format.get())).into_any()
        }
        _ => text.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_change_format_and_lines_totals_and_rates_do_not() {
        let board = "Heat +4 -110 · O 220.5 -115 · hold 4.5% · Lakers ML (+150)";
        assert!(has_price(board));
        assert_eq!(show_prices(board, OddsFormat::American), board);
        assert_eq!(
            show_prices(board, OddsFormat::Decimal),
            "Heat +4 1.91 · O 220.5 1.87 · hold 4.5% · Lakers ML (2.50)"
        );
        assert_eq!(show_prices("+150", OddsFormat::Fractional), "3/2");
        assert_eq!(show_prices("-200", OddsFormat::Decimal), "1.50");
        for plain in ["Lakers -4", "O 220", "-4.5", "+1000.5", "x-110", "12-110"] {
            assert!(!has_price(plain), "{plain}");
            assert_eq!(show_prices(plain, OddsFormat::Decimal), plain);
        }
    }

    #[test]
    fn text_around_prices_survives_untouched() {
        assert_eq!(
            show_prices("Knicks ML (-320), Nuggets −500 é +100", OddsFormat::Decimal),
            "Knicks ML (1.31), Nuggets −500 é 2.00"
        );
    }
}
