//! Working days (工作日): promised and legal time limits count them, skipping
//! weekends and official public holidays and counting the official make-up
//! working days (调休上班). The holidays are data (`calendar/<year>.toml`), which
//! the operator updates each year when the State Council publishes them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::time::date::Date;

/// One year's official arrangement, as written in `calendar/<year>.toml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct YearFile {
    pub year: i32,
    /// Where the dates come from (the State Council's notice).
    #[serde(default)]
    pub source: String,
    /// Days off, as ranges (weekends inside a range are off anyway).
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// Weekend days that are working days (调休上班).
    #[serde(default)]
    pub workdays: Vec<Date>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    pub name: String,
    pub from: Date,
    pub to: Date,
}

/// The working-day calendar over the years it has data for; other years count
/// weekends only (and [`Calendar::covers`] says so).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Calendar {
    off: BTreeSet<Date>,
    on: BTreeSet<Date>,
    years: BTreeSet<i32>,
}

/// How a case stands against its deadline: the seeds' warning cards, on a
/// status page as a traffic light.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// 按期办理.
    OnTime,
    /// 临近时限: the last fifth of the promise, at least the last day.
    Close,
    /// 已超期.
    Overdue,
}

impl Light {
    pub const ALL: [Light; 3] = [Self::OnTime, Self::Close, Self::Overdue];

    /// The name the API uses (`on_time`, `close`, `overdue`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnTime => "on_time",
            Self::Close => "close",
            Self::Overdue => "overdue",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::OnTime => "按期办理中",
            Self::Close => "临近办结时限",
            Self::Overdue => "已超过承诺时限",
        }
    }
}

impl Calendar {
    /// Build from the year files, checking them: every problem at once.
    pub fn from_years(files: &[YearFile]) -> Result<Self, Vec<String>> {
        let mut calendar = Self::default();
        let mut problems = Vec::new();
        for file in files {
            if !calendar.years.insert(file.year) {
                problems.push(format!("{}: 这一年的安排出现了两次", file.year));
            }
            let in_year = |d: Date| d.year == file.year;
            for holiday in &file.holidays {
                if holiday.from > holiday.to || !in_year(holiday.from) || !in_year(holiday.to) {
                    problems.push(format!(
                        "{}: {} 的日期不对：{} 至 {}",
                        file.year, holiday.name, holiday.from, holiday.to
                    ));
                    continue;
                }
                let mut day = holiday.from;
                while day <= holiday.to {
                    calendar.off.insert(day);
                    day = day.add_days(1);
                }
            }
            for &day in &file.workdays {
                if !in_year(day) || !day.is_weekend() {
                    problems.push(format!("{}: 调休上班日 {day} 应是本年的周六或周日", file.year));
                }
                if calendar.off.contains(&day) {
                    problems.push(format!("{}: {day} 既是假日又是上班日", file.year));
                }
                calendar.on.insert(day);
            }
        }
        if problems.is_empty() { Ok(calendar) } else { Err(problems) }
    }

    /// Whether the calendar has the official arrangement of this year.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn is_working_day(&self, day: Date) -> bool {
        self.on.contains(&day) || !(day.is_weekend() || self.off.contains(&day))
    }

    /// The `n`-th working day after `start` (`start` itself when `n` is 0: a
    /// same-day item is due the day it is accepted).
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = day.add_days(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days in `(from, to]`: 0 when `to` is not after `from`.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day.add_days(1);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }

    /// Working days left until `due` as of `today` (negative once overdue).
    pub fn remaining(&self, today: Date, due: Date) -> i64 {
        if today <= due {
            i64::from(self.working_days_between(today, due))
        } else {
            -i64::from(self.working_days_between(due, today))
        }
    }

    /// The first day the light of a case due on `due` with a promise of
    /// `promised` working days is [`Light::Close`]: stored beside the due date,
    /// so a list can be filtered by light without reading every case.
    pub fn close_from(&self, due: Date, promised: u16) -> Date {
        let window = i64::from((promised / 5).max(1));
        let mut day = due;
        // A year back at most: further than any holiday run can reach.
        for _ in 0..366 {
            let before = day.add_days(-1);
            if self.remaining(before, due) > window {
                break;
            }
            day = before;
        }
        day
    }

    /// The traffic light of a case due on `due` with a promise of `promised` working days.
    pub fn light(&self, today: Date, due: Date, promised: u16) -> Light {
        let left = self.remaining(today, due);
        if today > due {
            Light::Overdue
        } else if left <= i64::from((promised / 5).max(1)) {
            Light::Close
        } else {
            Light::OnTime
        }
    }
}

#[cfg(test)]
mod close_tests {
    use super::*;

    #[test]
    fn the_stored_close_date_agrees_with_the_light_every_day() {
        let calendar = Calendar::default();
        let start = Date::parse("2026-09-01").unwrap();
        for promised in [1u16, 5, 12, 20] {
            for offset in 0..40 {
                let due = calendar.add_working_days(start.add_days(offset), u32::from(promised));
                let close = calendar.close_from(due, promised);
                for day in (0..60).map(|d| start.add_days(d)) {
                    let by_light = calendar.light(day, due, promised) == Light::Close;
                    assert_eq!(by_light, close <= day && day <= due, "{promised} {due} {day}");
                }
            }
        }
        assert_eq!(Light::parse("close"), Some(Light::Close));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    /// The 2026 National Day week: 1–7 October off, Sunday 20 September and
    /// Saturday 10 October worked instead.
    fn national_day() -> Calendar {
        Calendar::from_years(&[YearFile {
            year: 2026,
            source: String::new(),
            holidays: vec![Holiday { name: "国庆节".into(), from: d("2026-10-01"), to: d("2026-10-07") }],
            workdays: vec![d("2026-09-20"), d("2026-10-10")],
        }])
        .unwrap()
    }

    #[test]
    fn holidays_are_off_and_make_up_days_are_worked() {
        let c = national_day();
        assert!(!c.is_working_day(d("2026-10-01")), "a Thursday off");
        assert!(!c.is_working_day(d("2026-10-05")), "a Monday off");
        assert!(c.is_working_day(d("2026-10-10")), "a Saturday worked");
        assert!(c.is_working_day(d("2026-09-20")), "a Sunday worked");
        assert!(!c.is_working_day(d("2026-10-11")), "an ordinary Sunday");
        assert!(c.is_working_day(d("2026-10-08")));
    }

    #[test]
    fn deadlines_count_working_days_through_a_holiday_week() {
        let c = national_day();
        // Accepted on Wednesday 30 September; 5 working days: 8, 9, 10 (Saturday, worked), 12, 13 October.
        assert_eq!(c.add_working_days(d("2026-09-30"), 5), d("2026-10-13"));
        // Accepted on Friday 18 September: 3 working days are Sunday 20 (worked), Monday 21, Tuesday 22.
        assert_eq!(c.add_working_days(d("2026-09-18"), 3), d("2026-09-22"));
        assert_eq!(
            c.add_working_days(d("2026-09-30"), 0),
            d("2026-09-30"),
            "same-day items are due the day they are accepted"
        );
        assert_eq!(c.working_days_between(d("2026-09-30"), d("2026-10-13")), 5);
    }

    #[test]
    fn remaining_days_and_the_traffic_light() {
        let c = national_day();
        let due = c.add_working_days(d("2026-09-30"), 5);
        assert_eq!(c.remaining(d("2026-09-30"), due), 5);
        assert_eq!(c.light(d("2026-09-30"), due, 5), Light::OnTime);
        assert_eq!(c.remaining(d("2026-10-12"), due), 1);
        assert_eq!(c.light(d("2026-10-12"), due, 5), Light::Close);
        assert_eq!(c.light(due, due, 5), Light::Close);
        assert_eq!(c.remaining(d("2026-10-15"), due), -2);
        assert_eq!(c.light(d("2026-10-15"), due, 5), Light::Overdue);
    }

    #[test]
    fn years_without_data_count_weekends_only() {
        let c = national_day();
        assert!(c.covers(2026) && !c.covers(2030));
        assert!(c.is_working_day(d("2030-10-01")), "no 2030 data: a Tuesday is a working day");
    }

    #[test]
    fn bad_year_files_are_refused_with_every_problem() {
        let bad = YearFile {
            year: 2026,
            source: String::new(),
            holidays: vec![Holiday { name: "国庆节".into(), from: d("2026-10-07"), to: d("2026-10-01") }],
            workdays: vec![d("2026-10-12"), d("2027-01-02")],
        };
        let problems = Calendar::from_years(&[bad.clone(), bad]).unwrap_err();
        assert_eq!(problems.len(), 7, "{problems:#?}");
        assert!(problems[0].contains("国庆节 的日期不对"));
        assert!(problems.iter().any(|p| p.contains("2026-10-12 应是本年的周六或周日")));
        assert!(problems.iter().any(|p| p.contains("出现了两次")));
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #[test]
            fn a_deadline_is_a_working_day_exactly_n_working_days_on(start in 20_300i64..20_800, n in 1u32..40) {
                let c = national_day();
                let start = Date::from_days(start);
                let due = c.add_working_days(start, n);
                prop_assert!(c.is_working_day(due));
                prop_assert_eq!(c.working_days_between(start, due), n);
                prop_assert_eq!(c.remaining(start, due), i64::from(n));
                prop_assert_eq!(c.working_days_between(start, due.add_days(-1)), n - 1);
            }

            #[test]
            fn more_days_never_end_earlier(start in 20_300i64..20_800, n in 0u32..40) {
                let c = national_day();
                let start = Date::from_days(start);
                prop_assert!(c.add_working_days(start, n) < c.add_working_days(start, n + 1));
            }
        }
    }
}
