//! The rules of time, for both builds: the county works in Beijing time (UTC+8, no daylight saving), so
//! "today", "this year" and the start of a year are Beijing's, whatever the server's clock zone. Every
//! module takes them from here; the moment "now" comes from a [`Clock`] (the system's in
//! production and on the command line, a fixed one in tests), and working days from the calendar (`calendar::WorkCalendar`).

use std::sync::Mutex;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};

/// Where rules read the time from: the system clock in production, a fixed one in tests.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|poison| poison.into_inner()) = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|poison| poison.into_inner());
        *now += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|poison| poison.into_inner())
    }
}

/// Beijing's offset from UTC.
fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("a valid offset"))
}

/// A moment in Beijing time.
pub fn in_beijing(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&beijing())
}

/// The day in Beijing of a moment.
pub fn beijing_date(at: DateTime<Utc>) -> NaiveDate {
    in_beijing(at).date_naive()
}

/// The year in Beijing of a moment (the policy year, the year of a sweep).
pub fn beijing_year(at: DateTime<Utc>) -> i32 {
    in_beijing(at).year()
}

/// The moment a year begins in Beijing: 00:00 on 1 January, Beijing time (16:00 UTC the day before).
pub fn beijing_year_start(year: i32) -> DateTime<Utc> {
    beijing()
        .with_ymd_and_hms(year, 1, 1, 0, 0, 0)
        .single()
        .map_or(DateTime::<Utc>::MIN_UTC, |start| start.with_timezone(&Utc))
}

/// The moment a day begins in Beijing (00:00 Beijing time).
pub fn beijing_day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(beijing()).single())
        .map_or(DateTime::<Utc>::MIN_UTC, |start| start.with_timezone(&Utc))
}

/// Beijing time for display: "2026-03-02 09:00".
pub fn beijing_time(at: DateTime<Utc>) -> String {
    in_beijing(at).format("%Y-%m-%d %H:%M").to_string()
}

/// A stored timestamp (RFC 3339) in Beijing time for display; text that is no timestamp is shown as it is.
pub fn beijing_time_of(at: &str) -> String {
    DateTime::parse_from_rfc3339(at).map(|t| beijing_time(t.with_timezone(&Utc))).unwrap_or_else(|_| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 23:59 and 00:01 Beijing time around the turn of the year: the UTC date and year lag eight hours.
    #[test]
    fn the_year_turns_at_midnight_in_beijing() {
        let before = Utc.with_ymd_and_hms(2026, 12, 31, 15, 59, 0).unwrap(); // 23:59 on 31 December in Beijing
        let after = Utc.with_ymd_and_hms(2026, 12, 31, 16, 1, 0).unwrap(); // 00:01 on 1 January in Beijing
        assert_eq!(
            (beijing_date(before), beijing_year(before)),
            (NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(), 2026)
        );
        assert_eq!((beijing_date(after), beijing_year(after)), (NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(), 2027));
        assert_eq!(after.year(), 2026, "the UTC year is still the old one");
        assert_eq!(beijing_year_start(2027), Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap());
        assert!(before < beijing_year_start(2027) && beijing_year_start(2027) < after);
        assert_eq!(beijing_time(after), "2027-01-01 00:01");
        assert_eq!(beijing_time_of("2026-12-31T16:01:00Z"), "2027-01-01 00:01");
        assert_eq!(beijing_time_of("不是时间"), "不是时间");
    }
}
