//! Calendar dates and the few time conversions the service needs, without a
//! date crate in the browser build: days since 1970 both ways (Howard Hinnant's
//! algorithms), Beijing time for people, RFC 3339 UTC for storage.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date, written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Year, month and day, as the identity checks take "today" (birth dates may not be later).
    pub fn ymd(self) -> (u16, u8, u8) {
        (u16::try_from(self.year).unwrap_or(0), self.month, self.day)
    }

    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        let date = Self { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && Self::from_days(date.days()) == date).then_some(date)
    }

    /// `YYYY-MM-DD`, or `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Self::new(year, month, day)
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        days_from_civil(i64::from(self.year), i64::from(self.month), i64::from(self.day))
    }

    pub fn from_days(days: i64) -> Self {
        let (y, m, d) = civil_from_days(days);
        Self { year: y as i32, month: m as u8, day: d as u8 }
    }

    pub fn add_days(self, n: i64) -> Self {
        Self::from_days(self.days() + n)
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday.
        (self.days() + 3).rem_euclid(7) as u8
    }

    pub fn is_weekend(self) -> bool {
        self.weekday() >= 5
    }

    /// The date in Beijing of an RFC 3339 UTC time.
    pub fn in_beijing(rfc3339: &str) -> Option<Self> {
        let minutes = utc_minutes(rfc3339)? + 8 * 60;
        Some(Self::from_days(minutes.div_euclid(1440)))
    }

    /// `20261122`, as exchange formats write a day.
    pub fn compact(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// `2026年11月22日`.
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not a date (YYYY-MM-DD): {text}")))
    }
}

/// Minutes since 1970 of an RFC 3339 UTC time (`…Z`); seconds are dropped.
fn utc_minutes(rfc3339: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| rfc3339.get(range)?.parse::<i64>().ok();
    let date = Date::new(number(0..4)? as i32, number(5..7)? as u8, number(8..10)? as u8)?;
    let (hour, minute) = (number(11..13)?, number(14..16)?);
    if hour > 23 || minute > 59 {
        return None;
    }
    Some((date.days() * 24 + hour) * 60 + minute)
}

/// Seconds since 1970 of an RFC 3339 UTC time as [`rfc3339`] writes it.
pub fn unix_secs(rfc3339: &str) -> Option<i64> {
    let seconds = rfc3339.get(17..19)?.parse::<i64>().ok().filter(|s| *s < 60)?;
    Some(utc_minutes(rfc3339)? * 60 + seconds)
}

/// An RFC 3339 UTC time as Beijing time in words: `2026年11月22日 00:05`.
pub fn beijing_time(rfc3339: &str) -> Option<String> {
    let minutes = utc_minutes(rfc3339)? + 8 * 60;
    let (days, rest) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    Some(format!("{} {:02}:{:02}", Date::from_days(days).chinese(), rest / 60, rest % 60))
}

/// Seconds since 1970 as RFC 3339 UTC text, which sorts correctly as text.
pub fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let date = Date::from_days(days);
    format!("{date}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Date {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .description(Some("A date in China, YYYY-MM-DD."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Date {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_text_reads_back_to_its_second() {
        for secs in [0, 1_780_000_123, 1_798_761_599] {
            assert_eq!(unix_secs(&rfc3339(secs)), Some(secs));
        }
        assert_eq!(unix_secs("2026-12-03T13:26:6xZ"), None);
    }

    #[test]
    fn dates_round_trip_and_know_their_weekday() {
        let d = Date::parse("2026-11-21").unwrap();
        assert_eq!(d.to_string(), "2026-11-21");
        assert_eq!(d.weekday(), 5, "a Saturday");
        assert!(d.is_weekend() && !d.add_days(2).is_weekend());
        assert_eq!(Date::from_days(d.days()), d);
        assert_eq!(Date::parse("2028-02-29").unwrap().add_days(1).to_string(), "2028-03-01");
        assert_eq!(Date::parse("2027-02-29"), None);
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::parse("昨天"), None);
    }

    #[test]
    fn times_are_shown_in_beijing_time() {
        assert_eq!(beijing_time("2026-11-21T16:05:09Z").as_deref(), Some("2026年11月22日 00:05"));
        assert_eq!(beijing_time("2026-12-31T15:59:59.123Z").as_deref(), Some("2026年12月31日 23:59"));
        assert_eq!(beijing_time("2026-12-31T16:00:00Z").as_deref(), Some("2027年1月1日 00:00"));
        assert_eq!(beijing_time("2028-02-28T20:00:00Z").as_deref(), Some("2028年2月29日 04:00"));
        assert_eq!(beijing_time("not a time"), None);
        assert_eq!(Date::in_beijing("2026-11-21T16:05:09Z"), Date::parse("2026-11-22"));
    }

    #[test]
    fn storage_times_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_298_709), "2026-11-21T22:05:09Z");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
    }
}
