//! Timestamps on the wire (spec §2.2).
//!
//! We always write UTC with exactly six fractional digits and `Z`
//! (`2025-06-01T09:30:00.123456Z`): unambiguous for a JavaScript client, accepted by the SDK models,
//! and stable enough to compare as strings. We read RFC 3339 with any offset, and also the SDK's
//! naive form without an offset, which we take as UTC (the SDK's servers mostly run in UTC; a
//! naive value has no better interpretation on our side).
//!
//! Use on a field with `#[serde(with = "crate::protocol::time")]`.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDateTime, SubsecRound, Timelike, Utc};
use serde::{de, Deserializer, Serializer};

/// Serializes a timestamp in the wire format without allocating (serde_json streams `collect_str`).
pub fn serialize<S: Serializer>(value: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&WireTimestamp(value))
}

/// Deserializes an RFC 3339 timestamp, or a naive one taken as UTC.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(TimestampVisitor)
}

/// Formats like the wire: `2025-06-01T09:30:00.123456Z`.
pub fn format(value: &DateTime<Utc>) -> String {
    WireTimestamp(value).to_string()
}

/// Parses what [`deserialize`] accepts.
pub fn parse(text: &str) -> Result<DateTime<Utc>, InvalidTimestamp> {
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
        return Ok(with_offset.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc())
        .ok_or(InvalidTimestamp)
}

/// Drops sub-microsecond precision, so a value survives a trip through the wire (or a store that
/// keeps the wire string) unchanged; stamp new objects with this.
pub fn truncate_to_micros(value: DateTime<Utc>) -> DateTime<Utc> {
    value.trunc_subsecs(6)
}

/// The input was not an ISO-8601 date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTimestamp;

impl fmt::Display for InvalidTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected an ISO-8601 date-time such as 2025-06-01T09:30:00.123456Z")
    }
}

impl std::error::Error for InvalidTimestamp {}

struct WireTimestamp<'a>(&'a DateTime<Utc>);

impl fmt::Display for WireTimestamp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        // A leap second is stored as nanosecond >= 1e9; clamp it into the last microsecond.
        let micros = (t.nanosecond() / 1_000).min(999_999);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            micros
        )
    }
}

struct TimestampVisitor;

impl de::Visitor<'_> for TimestampVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ISO-8601 date-time string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        parse(text).map_err(|_| E::invalid_value(de::Unexpected::Str(text), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize)]
    struct Stamped {
        #[serde(with = "super")]
        at: DateTime<Utc>,
    }

    fn at(text: &str) -> Result<DateTime<Utc>, serde_json::Error> {
        serde_json::from_str::<Stamped>(&format!(r#"{{"at":"{text}"}}"#)).map(|s| s.at)
    }

    #[test]
    fn writes_six_fraction_digits_and_z() {
        let t = Utc.with_ymd_and_hms(2025, 6, 1, 9, 30, 0).unwrap();
        let json = serde_json::to_string(&Stamped { at: t }).unwrap();
        assert_eq!(json, r#"{"at":"2025-06-01T09:30:00.000000Z"}"#);
        let t = t + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(format(&t), "2025-06-01T09:30:00.123456Z");
    }

    #[test]
    fn reads_naive_as_utc_and_offsets_as_utc() {
        let expected = parse("2025-06-01T09:30:00.123456Z").unwrap();
        assert_eq!(at("2025-06-01T09:30:00.123456").unwrap(), expected);
        assert_eq!(at("2025-06-01T11:30:00.123456+02:00").unwrap(), expected);
        assert_eq!(
            at("2025-06-01T09:30:00").unwrap(),
            expected.trunc_subsecs(0)
        );
        assert!(at("yesterday").is_err());
        assert!(serde_json::from_str::<Stamped>(r#"{"at":1748770200}"#).is_err());
    }

    #[test]
    fn truncation_makes_round_trips_exact() {
        let t = Utc.with_ymd_and_hms(2025, 6, 1, 9, 30, 0).unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        let t = truncate_to_micros(t);
        assert_eq!(parse(&format(&t)).unwrap(), t);
    }
}
