//! The parlay slip, computed as the bettor types: payout, profit and combined odds from the
//! exact leg prices the slip carries, with the same `domain` pricing the server settles with,
//! and stake rules explained inline. The server's figure still wins: the stake is confirmed by
//! the slip's own sync action when the field loses focus, and the widget it sends back replaces
//! this one (a difference between the two is logged).
//!
//! Pure apart from [`LiveSlip`]'s signals: [`quote_as_typed`] is tested natively.

use super::account::HouseStakeRules;
use crate::betting::SlipActionPayload;
use crate::domain::{
    price_parlay, validate_stake, BetLimits, BetValidationError, Cents, DecimalOdds, MoneyError,
    ParlayLeg, ParlayOptions,
};
use leptos::prelude::*;

pub use crate::domain::slip_actions::LOCK_IN;
/// The form field of the stake (`widgets::STAKE_FIELD`).
pub const STAKE_FIELD: &str = "stake";
/// The labels of the rows the slip computes live, as `widgets/parlay.rs` writes them
/// (a native test renders a real slip and finds them).
pub const PAYOUT_LABEL: &str = "Payout";
pub const COMBINED_LABEL: &str = "Combined odds";
/// The profit caption starts so (`Profit $X if every leg wins; …`).
pub const PROFIT_PREFIX: &str = "Profit ";

/// What the slip shows for the stake as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveQuote {
    pub stake: Cents,
    pub payout: Cents,
    pub profit: Cents,
    pub price: Option<DecimalOdds>,
}

/// Prices `legs` at the stake the bettor typed, or says what is wrong with the stake.
/// `rules` are the house's (unknown until loaded: only the always-true checks apply).
pub fn quote_as_typed(
    legs: &[DecimalOdds],
    typed: &str,
    rules: Option<HouseStakeRules>,
) -> Result<LiveQuote, String> {
    if typed.trim().is_empty() {
        return Err("Enter a stake.".into());
    }
    let stake = Cents::parse_dollars(typed).map_err(|e| match e {
        MoneyError::SubCent(_) => "Stakes are in whole cents: at most two decimals.".to_owned(),
        MoneyError::Overflow => "That stake is far too large.".to_owned(),
        _ => "Enter an amount like 25 or 25.50.".to_owned(),
    })?;
    if !stake.is_positive() {
        return Err("The stake must be more than $0.00.".into());
    }
    if let Some(rules) = rules {
        // The server's one stake rule, worded for the field.
        let limits = BetLimits {
            min_stake: Cents::new(rules.min_stake_cents),
            max_stake: Cents::new(rules.max_stake_cents),
            ..BetLimits::default()
        };
        validate_stake(stake, &limits).map_err(|e| match e {
            BetValidationError::StakeBelowMin { min, .. } => {
                format!("The smallest stake is {min}.")
            }
            BetValidationError::StakeAboveMax { max, .. } => format!("The largest stake is {max}."),
            other => other.to_string(),
        })?;
    }
    let legs: Vec<ParlayLeg> = legs.iter().cloned().map(ParlayLeg::pending).collect();
    let quote = price_parlay(&legs, stake, &ParlayOptions::default())
        .map_err(|e| format!("This slip cannot be priced: {e}."))?;
    if let Some(rules) = rules {
        if quote.payout.get() > rules.max_payout_cents {
            return Err(format!(
                "This would pay {}, over the {} most a ticket may pay. Lower the stake.",
                quote.payout,
                Cents::new(rules.max_payout_cents)
            ));
        }
    }
    Ok(LiveQuote {
        stake,
        payout: quote.payout,
        profit: quote.profit,
        price: quote.price,
    })
}

/// The exact leg prices a slip widget carries in its Lock It In payload; `None` for other
/// widgets (or a slip whose prices cannot be read, which then shows the server's figures).
pub fn slip_prices(widget: &serde_json::Value) -> Option<Vec<DecimalOdds>> {
    SlipActionPayload::leg_prices(&super::wire::button_action(widget, LOCK_IN)?.payload)
}

/// A slip being edited: its prices, the stake as typed, and whether the bettor has typed
/// (until then the slip shows the server's own figures).
#[derive(Clone, Copy)]
pub struct LiveSlip {
    pub prices: StoredValue<Vec<DecimalOdds>>,
    pub stake: RwSignal<String>,
    pub typed: RwSignal<bool>,
    pub quote: Memo<Result<LiveQuote, String>>,
}

impl LiveSlip {
    pub fn new(prices: Vec<DecimalOdds>, rules: Signal<Option<HouseStakeRules>>) -> Self {
        let prices = StoredValue::new(prices);
        let stake = RwSignal::new(String::new());
        let quote = Memo::new(move |_| {
            let typed = stake.get();
            prices.with_value(|p| quote_as_typed(p, &typed, rules.get()))
        });
        LiveSlip {
            prices,
            stake,
            typed: RwSignal::new(false),
            quote,
        }
    }

    /// The stake field showed `server_stake` and the row `shown_payout`: if our own pricing
    /// of that stake disagrees, the server's figure stays and the difference is logged.
    pub fn check_server_payout(self, server_stake: &str, shown_payout: &str) {
        let ours = self
            .prices
            .with_value(|p| quote_as_typed(p, server_stake, None));
        if let Ok(ours) = ours {
            if ours.payout.to_string() != shown_payout {
                leptos::logging::warn!(
                    "slip payout differs: the server says {shown_payout}, the page computed {} \
                     for a stake of {server_stake}; showing the server's",
                    ours.payout
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AmericanOdds;

    fn rules() -> Option<HouseStakeRules> {
        Some(HouseStakeRules {
            min_stake_cents: 100,
            max_stake_cents: 100_000,
            max_payout_cents: 25_000_000,
        })
    }

    fn american(a: i64) -> DecimalOdds {
        AmericanOdds::try_from(a).unwrap().to_decimal()
    }

    #[test]
    fn every_keystroke_prices_the_slip_exactly() {
        // −110 and +150 on $25: 21/11 × 5/2 × 25 = $119.318… → $119.32 half-up.
        let legs = [american(-110), american(150)];
        let q = quote_as_typed(&legs, "25", rules()).unwrap();
        assert_eq!(q.payout, Cents::new(11_932));
        assert_eq!(q.profit, Cents::new(9_432));
        assert_eq!(q.price.unwrap(), DecimalOdds::from_ratio(105, 22).unwrap());
        assert_eq!(
            quote_as_typed(&legs, "2", rules()).unwrap().payout,
            Cents::new(955)
        );
        assert_eq!(
            quote_as_typed(&legs, "$1,000", rules()).unwrap().payout,
            Cents::new(477_273)
        );
    }

    #[test]
    fn invalid_stakes_explain_themselves() {
        let legs = [american(-110), american(150)];
        let err = |typed: &str| quote_as_typed(&legs, typed, rules()).unwrap_err();
        assert_eq!(err(""), "Enter a stake.");
        assert_eq!(err("abc"), "Enter an amount like 25 or 25.50.");
        assert_eq!(
            err("1.005"),
            "Stakes are in whole cents: at most two decimals."
        );
        assert_eq!(err("-5"), "The stake must be more than $0.00.");
        assert_eq!(err("0"), "The stake must be more than $0.00.");
        assert_eq!(err("0.50"), "The smallest stake is $1.00.");
        assert_eq!(err("1000.01"), "The largest stake is $1,000.00.");
        // Without the house's rules only the checks that always hold apply.
        assert!(quote_as_typed(&legs, "0.50", None).is_ok());
        // A long shot over the payout cap.
        let long = vec![american(10_000); 3];
        assert!(err_with(&long, "100").contains("over the $250,000.00 most a ticket may pay"));
    }

    fn err_with(legs: &[DecimalOdds], typed: &str) -> String {
        quote_as_typed(legs, typed, rules()).unwrap_err()
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_real_slip_widget_carries_its_prices_and_the_live_rows() {
        use crate::domain::OddsFormat;
        use crate::widgets::golden::sample_slip;
        let slip = sample_slip();
        let sizing = crate::betting::StakeSizing::new(crate::domain::KellySizing::default(), None);
        let widget = crate::widgets::parlay_slip(&slip, OddsFormat::American, &sizing);
        // As the page reads it: the JSON the server sends.
        let prices =
            slip_prices(&serde_json::to_value(&widget).unwrap()).expect("the slip's prices");
        let expected: Vec<DecimalOdds> = slip.legs.iter().map(|l| l.price.clone()).collect();
        assert_eq!(prices, expected);
        // Our pricing of the server's stake is the server's payout.
        let q = quote_as_typed(&prices, &slip.stake().to_plain_string(), None).unwrap();
        assert_eq!(q.payout, slip.quote().unwrap().payout);
        // The rows the page replaces are there, labelled as this module expects.
        let json = serde_json::to_string(&widget).unwrap();
        for needle in [
            format!("\"value\":\"{PAYOUT_LABEL}\""),
            format!("\"value\":\"{COMBINED_LABEL}\""),
            format!("\"value\":\"{PROFIT_PREFIX}{}", q.profit),
            format!("\"name\":\"{STAKE_FIELD}\""),
        ] {
            assert!(json.contains(&needle), "{needle} not in the slip");
        }
    }
}
