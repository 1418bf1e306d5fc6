//! The edge of a price, as the odds board and the slip print it: expected value at the fair
//! (no-vig) probability, and the fractional-Kelly stake for the user's bankroll.
//!
//! The math is `domain::ev` and `domain::kelly`, exact; this module only decides what is said.
//! A stake is suggested only with a bankroll; without one the widgets say how to set it.

use crate::domain::{
    exact, expected_value_per_unit, kelly_stake, BigRational, Cents, DecimalOdds, KellySizing,
    Probability,
};

/// The user's Kelly settings and bankroll (none: no stake is suggested).
#[derive(Debug, Clone, PartialEq)]
pub struct StakeSizing {
    kelly: KellySizing,
    bankroll: Option<Cents>,
}

/// What a price is worth to the bettor at a fair probability.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Expected profit per unit staked, `p·D − 1`.
    pub ev: BigRational,
    /// The suggested stake; `None` without a bankroll, zero when there is no edge.
    pub stake: Option<Cents>,
}

impl StakeSizing {
    pub fn new(kelly: KellySizing, bankroll: Option<Cents>) -> Self {
        Self { kelly, bankroll }
    }

    pub fn bankroll(&self) -> Option<Cents> {
        self.bankroll
    }

    pub fn edge(&self, p: &Probability, price: &DecimalOdds) -> Edge {
        let stake = self
            .bankroll
            .and_then(|bankroll| kelly_stake(bankroll, p, price, &self.kelly).ok());
        Edge {
            ev: expected_value_per_unit(p, price),
            stake,
        }
    }

    /// The line under a board or slip that says how stakes are sized, or how to get them.
    pub fn note(&self) -> String {
        match self.bankroll {
            Some(bankroll) => {
                let cap = self
                    .kelly
                    .cap()
                    .map(|c| format!(", at most {} of it", percent(c)))
                    .unwrap_or_default();
                format!(
                    "Stake = {} Kelly of your {bankroll} bankroll{cap}; EV at the fair \
                     (no-vig) probability.",
                    multiplier_text(self.kelly.multiplier())
                )
            }
            None => "EV at the fair (no-vig) probability. Set a bankroll (\"Set my bankroll \
                     to $500\") to see Kelly stakes."
                .to_owned(),
        }
    }
}

impl Edge {
    /// `EV +2.6%`, `EV -4.5%`.
    pub fn ev_text(&self) -> String {
        let pct = exact::format_percent(&self.ev, 1);
        if pct.starts_with('-') {
            format!("EV {pct}")
        } else {
            format!("EV +{pct}")
        }
    }

    /// `$12.50`, `no bet` (no edge), or `None` without a bankroll.
    pub fn stake_text(&self) -> Option<String> {
        self.stake.map(|s| {
            if s.is_positive() {
                format!("stake {s}")
            } else {
                "no bet".to_owned()
            }
        })
    }

    /// `EV +2.6% · stake $12.50` (or just the EV without a bankroll).
    pub fn summary(&self) -> String {
        match self.stake_text() {
            Some(stake) => format!("{} · {stake}", self.ev_text()),
            None => self.ev_text(),
        }
    }
}

/// `5%`, `2.5%`: a share without trailing zeros.
fn percent(value: &BigRational) -> String {
    let text = exact::format_percent(value, 2);
    let number = text.trim_end_matches('%');
    let number = if number.contains('.') {
        number.trim_end_matches('0').trim_end_matches('.')
    } else {
        number
    };
    format!("{number}%")
}

/// `¼`, `½`, `full`, or `0.3×` for any other multiplier.
fn multiplier_text(multiplier: &BigRational) -> String {
    let is = |n, d| exact::ratio(n, d).as_ref() == Some(multiplier);
    if is(1, 4) {
        "¼".into()
    } else if is(1, 2) {
        "½".into()
    } else if is(1, 1) {
        "full".into()
    } else {
        format!("{}×", exact::format_fixed(multiplier, 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AmericanOdds;

    fn price(american: i32) -> DecimalOdds {
        AmericanOdds::new(american).unwrap().to_decimal()
    }

    fn p(x: f64) -> Probability {
        Probability::new(x).unwrap()
    }

    #[test]
    fn ev_and_quarter_kelly_stake_follow_the_vectors() {
        // providers.md §6.5: 0.45 at +150 is EV 1/8 and full Kelly 1/12; ¼ of that is 1/48,
        // under the 5 % cap: $1,000 × 1/48 = $20.833… → $20.83 (rounded down).
        let sizing = StakeSizing::new(KellySizing::default(), Some(Cents::dollars(1_000)));
        let edge = sizing.edge(&p(0.45), &price(150));
        assert_eq!(edge.ev, exact::ratio(1, 8).unwrap());
        assert_eq!(edge.stake, Some(Cents::new(2_083)));
        assert_eq!(edge.summary(), "EV +12.5% · stake $20.83");
        // 0.5 at −110 loses 1/22 per unit: no bet.
        let edge = sizing.edge(&p(0.5), &price(-110));
        assert_eq!(edge.summary(), "EV -4.5% · no bet");
        // The cap holds: full Kelly 1/12 capped at 5 % of $1,000 = $50.00.
        let full = KellySizing::new(1.0, Some(0.05)).unwrap();
        let sizing = StakeSizing::new(full, Some(Cents::dollars(1_000)));
        assert_eq!(
            sizing.edge(&p(0.45), &price(150)).stake,
            Some(Cents::new(5_000))
        );
    }

    #[test]
    fn without_a_bankroll_only_the_ev_is_shown_and_the_note_says_how() {
        let sizing = StakeSizing::new(KellySizing::default(), None);
        let edge = sizing.edge(&p(0.55), &price(-110));
        assert_eq!(edge.stake, None);
        assert_eq!(edge.summary(), "EV +5.0%");
        assert!(
            sizing.note().contains("Set a bankroll"),
            "{}",
            sizing.note()
        );
        let sizing = StakeSizing::new(KellySizing::default(), Some(Cents::dollars(500)));
        assert_eq!(
            sizing.note(),
            "Stake = ¼ Kelly of your $500.00 bankroll, at most 5% of it; EV at the fair \
             (no-vig) probability."
        );
        let half = KellySizing::new(0.5, Some(0.025)).unwrap();
        let note = StakeSizing::new(half, Some(Cents::dollars(500))).note();
        assert!(
            note.contains("½ Kelly") && note.contains("at most 2.5%"),
            "{note}"
        );
    }
}
