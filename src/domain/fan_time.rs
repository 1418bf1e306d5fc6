//! The fan's clock: the calendar day and the time a bettor reads a game in. US leagues post
//! their slates in US Eastern time; the Premier League in UK time. Both follow their own
//! daylight-saving rule, computed here from the rule itself, so no time-zone database is
//! needed (the browser build carries this too).
//!
//! Owns: [`FanZone`], [`us_eastern_offset`], [`uk_offset`]. Which league uses which zone is
//! the league's business (`Sport::fan_zone`).

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc, Weekday};

/// Where a league's fans keep their calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FanZone {
    UsEastern,
    Uk,
}

impl FanZone {
    /// The zone's UTC offset at `at`.
    pub fn offset(self, at: DateTime<Utc>) -> FixedOffset {
        match self {
            FanZone::UsEastern => us_eastern_offset(at),
            FanZone::Uk => uk_offset(at),
        }
    }

    /// The fan's calendar day of `at`.
    pub fn day(self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.offset(at)).date_naive()
    }
}

fn hours_west(hours: i32) -> FixedOffset {
    FixedOffset::west_opt(hours * 3600).expect("an offset of whole hours is valid")
}

/// Midnight UTC of the `n`th (`0` = last) Sunday of `month`, plus `hours`.
fn sunday_utc(year: i32, month: u32, n: u8, hours: i64) -> Option<DateTime<Utc>> {
    let day = if n == 0 {
        // The last Sunday: the first of the next month's week, minus a week.
        let (next_year, next_month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        NaiveDate::from_weekday_of_month_opt(next_year, next_month, Weekday::Sun, 1)?
            - Duration::days(7)
    } else {
        NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, n)?
    };
    Some(Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0)?) + Duration::hours(hours))
}

/// US Eastern: EDT (−4) from the second Sunday of March, 2:00 local (07:00 UTC), to the first
/// Sunday of November, 2:00 local (06:00 UTC); EST (−5) otherwise.
pub fn us_eastern_offset(at: DateTime<Utc>) -> FixedOffset {
    let year = at.year();
    match (sunday_utc(year, 3, 2, 7), sunday_utc(year, 11, 1, 6)) {
        (Some(start), Some(end)) if at >= start && at < end => hours_west(4),
        _ => hours_west(5),
    }
}

/// UK: BST (+1) from the last Sunday of March to the last Sunday of October, 01:00 UTC both;
/// GMT (0) otherwise.
pub fn uk_offset(at: DateTime<Utc>) -> FixedOffset {
    let year = at.year();
    match (sunday_utc(year, 3, 0, 1), sunday_utc(year, 10, 0, 1)) {
        (Some(start), Some(end)) if at >= start && at < end => hours_west(-1),
        _ => hours_west(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn west(zone: FanZone, s: &str) -> i32 {
        zone.offset(at(s)).utc_minus_local() / 3600
    }

    #[test]
    fn us_eastern_follows_us_daylight_saving() {
        // 2025: EDT from Mar 9 07:00 UTC to Nov 2 06:00 UTC.
        assert_eq!(west(FanZone::UsEastern, "2025-03-09T06:59:59Z"), 5);
        assert_eq!(west(FanZone::UsEastern, "2025-03-09T07:00:00Z"), 4);
        assert_eq!(west(FanZone::UsEastern, "2025-11-02T05:59:59Z"), 4);
        assert_eq!(west(FanZone::UsEastern, "2025-11-02T06:00:00Z"), 5);
    }

    #[test]
    fn uk_time_follows_british_summer_time() {
        // 2025: BST from Mar 30 01:00 UTC to Oct 26 01:00 UTC.
        assert_eq!(west(FanZone::Uk, "2025-03-30T00:59:59Z"), 0);
        assert_eq!(west(FanZone::Uk, "2025-03-30T01:00:00Z"), -1);
        assert_eq!(west(FanZone::Uk, "2025-10-26T00:59:59Z"), -1);
        assert_eq!(west(FanZone::Uk, "2025-10-26T01:00:00Z"), 0);
        // December: the last Sunday of the year's last month is found across the year end.
        assert_eq!(west(FanZone::Uk, "2026-12-27T12:00:00Z"), 0);
    }

    #[test]
    fn a_late_tip_is_the_previous_day_for_the_fan() {
        // 10:30 PM ET on Jan 15 is 03:30 UTC on Jan 16.
        let tip = at("2025-01-16T03:30:00Z");
        assert_eq!(
            FanZone::UsEastern.day(tip),
            NaiveDate::from_ymd_opt(2025, 1, 15).unwrap()
        );
        assert_eq!(
            FanZone::Uk.day(tip),
            NaiveDate::from_ymd_opt(2025, 1, 16).unwrap()
        );
        // A 20:00 BST kick-off on Aug 16 is 19:00 UTC: still Aug 16 in London.
        let kickoff = at("2025-08-16T19:00:00Z");
        assert_eq!(
            FanZone::Uk.day(kickoff),
            NaiveDate::from_ymd_opt(2025, 8, 16).unwrap()
        );
        assert_eq!(
            kickoff
                .with_timezone(&FanZone::Uk.offset(kickoff))
                .format("%H:%M")
                .to_string(),
            "20:00"
        );
    }
}
