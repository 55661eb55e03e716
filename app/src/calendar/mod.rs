//! Working days as data: the State Council's yearly holiday notice (holidays and make-up workdays), one
//! text file per year in `data/`, plus years an administrator loads later. A year without data is an
//! error, never a guess.
//!
//! Counting convention: the day of the event is not counted (民法典第二百零一条: 按照年、月、日计算期间的，
//! 开始的当日不计入，自下一日开始计算). "Within 5 working days of 9 March" ends on the 5th working day
//! after 9 March.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The notices built into this release.
pub const BUILT_IN: [&str; 7] = [
    include_str!("data/2020.txt"),
    include_str!("data/2021.txt"),
    include_str!("data/2022.txt"),
    include_str!("data/2023.txt"),
    include_str!("data/2024.txt"),
    include_str!("data/2025.txt"),
    include_str!("data/2026.txt"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayKind {
    /// A day off (法定节假日 or a weekday moved into a holiday).
    Holiday,
    /// A weekend day worked to make up for a holiday (调休上班).
    Workday,
}

/// One day the notice names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

/// A year of the calendar as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeSummary {
    pub year: i32,
    pub source: String,
    pub holidays: usize,
    pub workdays: usize,
    /// Who loaded it, for a notice loaded after release (none: built in).
    pub loaded_by: Option<String>,
}

/// A year's notice: its source (the comment lines) and the days it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearNotice {
    pub year: i32,
    pub source: String,
    pub days: Vec<SpecialDay>,
}

fn parse_date(text: &str, line: usize) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        AppError::validation(
            "calendar",
            format!("第 {line} 行：日期“{text}”无效（应为真实日期，写作 2027-01-01 的形式）。"),
        )
    })
}

/// Parse a notice file: `# comment` lines (the source), then lines `holiday 2026-02-15..2026-02-23 春节`
/// or `workday 2026-02-14 春节调休上班`. Every date must fall in one year.
pub fn parse_notice(text: &str) -> Result<YearNotice, AppError> {
    let mut source = Vec::new();
    let mut days: Vec<SpecialDay> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        if let Some(comment) = raw.strip_prefix('#') {
            source.push(comment.trim().to_string());
            continue;
        }
        let mut parts = raw.splitn(3, char::is_whitespace);
        let (Some(kind), Some(range), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(AppError::validation(
                "calendar",
                format!("第 {line} 行应为“holiday|workday 日期[..日期] 名称”。"),
            ));
        };
        let kind = match kind {
            "holiday" => DayKind::Holiday,
            "workday" => DayKind::Workday,
            other => {
                return Err(AppError::validation(
                    "calendar",
                    format!("第 {line} 行：“{other}”应为 holiday（放假）或 workday（调休上班）。"),
                ));
            }
        };
        let (first, last) = match range.split_once("..") {
            Some((a, b)) => (parse_date(a, line)?, parse_date(b, line)?),
            None => {
                let d = parse_date(range, line)?;
                (d, d)
            }
        };
        if last < first || (last - first).num_days() > 31 {
            return Err(AppError::validation("calendar", format!("第 {line} 行：日期范围 {range} 不合理。")));
        }
        let mut date = first;
        while date <= last {
            if days.iter().any(|d| d.date == date) {
                return Err(AppError::validation("calendar", format!("第 {line} 行：{date} 重复出现。")));
            }
            days.push(SpecialDay { date, kind, name: name.trim().to_string() });
            date += Duration::days(1);
        }
    }
    // A notice names the days of one year; 元旦 may begin in late December of the year before.
    let Some(year) = days.iter().map(|d| d.date.year()).max() else {
        return Err(AppError::validation("calendar", "文件中没有任何放假或调休日期。"));
    };
    if days.iter().any(|d| d.date.year() != year && !(d.date.year() == year - 1 && d.date.month() == 12)) {
        return Err(AppError::validation("calendar", "一个文件只能包含一个年度的节假日安排。"));
    }
    Ok(YearNotice { year, source: source.join(" "), days })
}

/// The calendar for the years it has data for.
#[derive(Clone, Debug, Default)]
pub struct WorkCalendar {
    years: BTreeSet<i32>,
    special: HashMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    /// The working day before `day` (for digests covering the days since).
    pub fn previous_working_day(&self, day: NaiveDate) -> Result<NaiveDate, AppError> {
        let mut date = day - Duration::days(1);
        while !self.is_working_day(date)? {
            date -= Duration::days(1);
        }
        Ok(date)
    }

    pub fn new(notices: impl IntoIterator<Item = YearNotice>) -> WorkCalendar {
        let mut calendar = WorkCalendar::default();
        for notice in notices {
            calendar.years.insert(notice.year);
            for day in notice.days {
                calendar.special.insert(day.date, day.kind);
            }
        }
        calendar
    }

    /// The notices shipped with this release.
    pub fn built_in() -> WorkCalendar {
        WorkCalendar::new(BUILT_IN.iter().filter_map(|text| parse_notice(text).ok()))
    }

    pub fn years(&self) -> impl Iterator<Item = &i32> {
        self.years.iter()
    }

    fn missing_year(year: i32) -> AppError {
        AppError::Conflict(format!(
            "{year} 年的法定节假日安排尚未录入，无法按工作日计算期限。请系统管理员载入国务院办公厅 {year} 年节假日安排通知。"
        ))
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, AppError> {
        // 元旦 of a year may be announced in the previous year's notice, so a notice covers its own year.
        if !self.years.contains(&date.year()) {
            return Err(WorkCalendar::missing_year(date.year()));
        }
        Ok(match self.special.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        })
    }

    /// The `n`-th working day after `start` (the start day is not counted).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, AppError> {
        let mut date = start;
        let mut counted = 0;
        while counted < n {
            date += Duration::days(1);
            if self.is_working_day(date)? {
                counted += 1;
            }
        }
        Ok(date)
    }

    /// How many working days lie after `from` up to and including `to` (0 when `to` is not after `from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, AppError> {
        let mut date = from;
        let mut counted = 0;
        while date < to {
            date += Duration::days(1);
            if self.is_working_day(date)? {
                counted += 1;
            }
        }
        Ok(counted)
    }
}

/// A calendar month as users type it: "2026-03" → its first and last day; empty → the month of `today`.
pub fn month(text: &str, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), AppError> {
    let first = match text.trim() {
        "" => today.with_day(1),
        t => NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").ok(),
    }
    .ok_or_else(|| AppError::validation("month", "月份应写作 2026-03 的形式。"))?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    let last = next.and_then(|d| d.pred_opt()).ok_or_else(|| AppError::validation("month", "月份不正确。"))?;
    Ok((first, last))
}

/// A year as users type it; empty → the year of `today`.
pub fn year(text: &str, today: NaiveDate) -> Result<i32, AppError> {
    match text.trim() {
        "" => Ok(today.year()),
        t => t.parse().map_err(|_| AppError::validation("year", "年度应为四位数字，例如 2026。")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn months_and_years_as_typed() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let today = d(2026, 5, 20);
        assert_eq!(month("2026-02", today).unwrap(), (d(2026, 2, 1), d(2026, 2, 28)));
        assert_eq!(month("2026-12", today).unwrap(), (d(2026, 12, 1), d(2026, 12, 31)));
        assert_eq!(month("", today).unwrap(), (d(2026, 5, 1), d(2026, 5, 31)));
        assert_eq!(
            month("三月", today).unwrap_err().field_message("month").as_deref(),
            Some("月份应写作 2026-03 的形式。")
        );
        assert_eq!((year("", today).unwrap(), year("2025", today).unwrap()), (2026, 2025));
        assert!(year("明年", today).unwrap_err().field_message("year").is_some());
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_built_in_notice_parses() {
        for text in BUILT_IN {
            let notice = parse_notice(text).unwrap();
            assert!(notice.source.contains("国务院办公厅"), "{}", notice.year);
            assert!(notice.days.len() > 20);
        }
        assert_eq!(WorkCalendar::built_in().years().copied().collect::<Vec<_>>(), (2020..=2026).collect::<Vec<_>>());
    }

    /// The built-in data agrees, day by day, with an independent source (the chinese_holiday crate).
    #[test]
    fn built_in_data_matches_an_independent_source() {
        let calendar = WorkCalendar::built_in();
        let mut date = d(2020, 1, 1);
        while date <= d(2026, 12, 25) {
            let ours = calendar.is_working_day(date).unwrap();
            let ymd = (date.year() as u16, date.month() as u8, date.day() as u8);
            let theirs = chinese_holiday::chinese_holiday(ymd).is_workday();
            assert_eq!(ours, theirs, "{date}");
            date += Duration::days(1);
        }
    }

    #[test]
    fn a_year_without_data_is_an_error_not_a_guess() {
        let err = WorkCalendar::built_in().is_working_day(d(2027, 3, 1)).unwrap_err();
        assert!(err.to_string().contains("2027 年的法定节假日安排尚未录入"), "{err}");
        assert!(WorkCalendar::built_in().add_working_days(d(2026, 12, 28), 5).is_err(), "counting into 2027 fails");
    }

    /// [F] initial review within 5 working days: a warning on the eve of the National Day holiday.
    #[test]
    fn fujian_five_working_days_across_national_day_f() {
        let calendar = WorkCalendar::built_in();
        // 30 Sep 2026 → 1–7 Oct off; 8 Oct, 9 Oct, 10 Oct (make-up Saturday), 12 Oct, 13 Oct.
        assert_eq!(calendar.add_working_days(d(2026, 9, 30), 5).unwrap(), d(2026, 10, 13));
    }

    /// [F] a public notice of 5 working days that spans the Spring Festival.
    #[test]
    fn public_notice_across_spring_festival_f() {
        let calendar = WorkCalendar::built_in();
        // Posted Friday 13 Feb 2026: Sat 14 Feb is a make-up workday, 15–23 Feb off, then 24–27 Feb.
        assert_eq!(calendar.add_working_days(d(2026, 2, 13), 5).unwrap(), d(2026, 2, 27));
        assert_eq!(calendar.working_days_between(d(2026, 2, 13), d(2026, 2, 27)).unwrap(), 5);
        assert_eq!(calendar.working_days_between(d(2026, 2, 27), d(2026, 2, 13)).unwrap(), 0);
    }

    #[test]
    fn bad_notice_files_are_refused_in_chinese() {
        for (text, expected) in [
            ("holiday 2027-13-01 元旦", "日期"),
            ("vacation 2027-01-01 元旦", "holiday"),
            ("holiday 2027-01-01", "名称"),
            ("holiday 2027-01-01 元旦\nholiday 2028-05-01 劳动节", "一个年度"),
            ("holiday 2027-01-01 元旦\nholiday 2027-01-01 元旦", "重复"),
            ("# 只有注释", "没有任何"),
        ] {
            let err = parse_notice(text).unwrap_err();
            assert!(err.to_string().contains(expected), "{text}: {err}");
        }
        let new_year =
            parse_notice("holiday 2026-12-31..2027-01-02 元旦\nholiday 2027-05-01..2027-05-05 劳动节").unwrap();
        assert_eq!(new_year.year, 2027, "元旦 may start on 31 December");
    }
}
