//! The visit schedule, as pure rules: which contacts a household is due under the policy's cadences,
//! which visits meet each one, and whether a period was covered on time, late or never.
//!
//! - Cadence: a household of a category visited every n months (n < 12) is due once in each n-month
//!   period counted from 1 January; one contacted every n weeks [T] once in each n-week period, Monday to
//!   Sunday; any visitor counts, in person always, by phone, WeChat or video only where the category says
//!   so [H][T].
//! - Liaison: a household with a 挂钩干部 is due a visit in person by that cadre every
//!   `liaison_visit_every_months` months [F].
//! - Sweep: every household is due one in-person visit marked as the annual sweep between 1 January
//!   and the policy's sweep deadline (end of March by default) [Y].

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::Mode;
use crate::policy::{Cadence, Category, Policy};

/// A stretch of days, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }
}

/// The `months`-long period containing `day`, counted from 1 January (the last one of a year is
/// shorter when `months` does not divide 12).
pub fn period_of(day: NaiveDate, months: u32) -> Period {
    let months = months.clamp(1, 12);
    let index = (day.month0()) / months;
    let first_month = index * months + 1;
    let start = NaiveDate::from_ymd_opt(day.year(), first_month, 1).unwrap_or(day);
    let next_month = first_month + months;
    let end = if next_month > 12 {
        NaiveDate::from_ymd_opt(day.year(), 12, 31)
    } else {
        NaiveDate::from_ymd_opt(day.year(), next_month, 1).and_then(|d| d.pred_opt())
    };
    Period { start, end: end.unwrap_or(day) }
}

/// The `weeks`-long period containing `day`, Monday to Sunday, counted from a fixed Monday (5 January
/// 1970) so that periods run on across the turn of the year.
pub fn week_period_of(day: NaiveDate, weeks: u32) -> Period {
    let weeks = i64::from(weeks.max(1));
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 5).unwrap_or(NaiveDate::MIN);
    let index = (day - epoch).num_days().div_euclid(7 * weeks);
    let start = epoch + chrono::Duration::days(index * 7 * weeks);
    Period { start, end: start + chrono::Duration::days(7 * weeks - 1) }
}

/// The periods of a cadence that end within the calendar month of `first` (its first day): one for a
/// cadence of months (the one containing the month's first day), every week ending in the month for a
/// cadence of weeks.
fn periods_ending_in_month(first: NaiveDate, cadence: Cadence) -> Vec<Period> {
    match cadence {
        Cadence::Months { months } => vec![period_of(first, months)],
        Cadence::Weeks { weeks } => {
            let mut periods = Vec::new();
            let mut period = week_period_of(first, weeks);
            if period.end.month() != first.month() {
                period = week_period_of(period.end + chrono::Duration::days(1), weeks);
            }
            while period.end.month() == first.month() && period.end.year() == first.year() {
                periods.push(period);
                period = week_period_of(period.end + chrono::Duration::days(1), weeks);
            }
            periods
        }
    }
}

/// The sweep season of `year`: 1 January to the policy's deadline.
pub fn sweep_season(year: i32, policy: &Policy) -> Period {
    let (month, day) = policy.sweep_deadline;
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let end =
        NaiveDate::from_ymd_opt(year, month, day).or_else(|| NaiveDate::from_ymd_opt(year, 3, 31)).unwrap_or(start);
    Period { start, end }
}

/// A recorded visit, as far as the schedule cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    pub on: NaiveDate,
    pub mode: Mode,
    pub visitor: i64,
    pub sweep: bool,
}

/// Which kind of contact a duty is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Duty {
    /// The category's cadence (monthly for monitoring households, quarterly for warning households, ...).
    Cadence,
    /// The 挂钩干部's own visits [F].
    Liaison,
    /// The annual full sweep [Y].
    Sweep,
}

/// One duty of one household under the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub duty: Duty,
    /// What users read: "防贫监测户（每月走访）", "挂钩干部走访（每 3 个月）", "年度集中排查（3 月 31 日前）".
    pub label: String,
    every: Cadence,
    counts: Counts,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Counts {
    Anyone { remote: bool },
    InPersonBy(i64),
    SweepInPerson,
}

/// What the schedule needs to know of a household.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    /// The category whose cadence applies (the formal monitoring class, else the ledger's), if any.
    pub class: Option<&'a Category>,
    /// The day the household entered that category.
    pub class_since: NaiveDate,
    pub liaison: Option<i64>,
    /// The day the 挂钩干部 was assigned.
    pub liaison_since: NaiveDate,
    /// The day the household was registered.
    pub registered: NaiveDate,
}

impl Subject<'_> {
    /// Whether the household owes `rule`'s `period`: a cadence or liaison duty from the first whole
    /// period after it began (a visit within a period it began in counts all the same, but missing it is
    /// not overdue), the sweep in any season that ends after the household was registered.
    pub fn owes(&self, rule: &Rule, period: Period) -> bool {
        match rule.duty {
            Duty::Cadence => self.class_since <= period.start,
            Duty::Liaison => self.liaison_since <= period.start,
            Duty::Sweep => self.registered <= period.end,
        }
    }
}

/// The duties of a household under `policy`.
pub fn rules(subject: &Subject, policy: &Policy) -> Vec<Rule> {
    let mut rules = Vec::new();
    if let Some(class) = subject.class.filter(|c| c.visit_every.is_routine()) {
        rules.push(Rule {
            duty: Duty::Cadence,
            label: format!("{}（{}走访）", class.name, class.visit_every.label()),
            every: class.visit_every,
            counts: Counts::Anyone { remote: class.remote_counts },
        });
    }
    if let Some(liaison) = subject.liaison
        && policy.liaison_visit_every_months > 0
    {
        let every = Cadence::Months { months: policy.liaison_visit_every_months };
        rules.push(Rule {
            duty: Duty::Liaison,
            label: format!("挂钩干部走访（{}）", every.label()),
            every,
            counts: Counts::InPersonBy(liaison),
        });
    }
    let (month, day) = policy.sweep_deadline;
    rules.push(Rule {
        duty: Duty::Sweep,
        label: format!("年度集中排查（{month} 月 {day} 日前）"),
        every: Cadence::Months { months: 12 },
        counts: Counts::SweepInPerson,
    });
    rules
}

impl Rule {
    /// The period of this duty that contains `day`.
    pub fn period(&self, day: NaiveDate, policy: &Policy) -> Period {
        match self.duty {
            Duty::Sweep => sweep_season(day.year(), policy),
            Duty::Cadence | Duty::Liaison => match self.every {
                Cadence::Months { months } => period_of(day, months),
                Cadence::Weeks { weeks } => week_period_of(day, weeks),
            },
        }
    }

    /// The periods a monthly report of the month starting on `first` looks at: the sweep season of its
    /// year, the period of months containing its first day, or each period of weeks ending in it.
    pub fn periods_for_month(&self, first: NaiveDate, policy: &Policy) -> Vec<Period> {
        match self.duty {
            Duty::Sweep => vec![sweep_season(first.year(), policy)],
            Duty::Cadence | Duty::Liaison => periods_ending_in_month(first, self.every),
        }
    }

    /// Whether `visit` meets this duty.
    pub fn counts(&self, visit: &Seen) -> bool {
        match self.counts {
            Counts::Anyone { remote } => visit.mode == Mode::InPerson || remote,
            Counts::InPersonBy(user) => visit.mode == Mode::InPerson && visit.visitor == user,
            Counts::SweepInPerson => visit.sweep && visit.mode == Mode::InPerson,
        }
    }
}

/// How a period of a duty was covered, seen on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Coverage {
    /// Met within the period (the latest such visit).
    OnTime(NaiveDate),
    /// Not met within the period, made up afterwards (the first such visit; a sweep visit counts only within its year).
    Late(NaiveDate),
    /// The period is still running and not yet met.
    Pending,
    /// The period is over and nothing met it.
    Never,
}

impl Coverage {
    pub fn label(self) -> &'static str {
        match self {
            Coverage::OnTime(_) => "按期",
            Coverage::Late(_) => "补访",
            Coverage::Pending => "待访",
            Coverage::Never => "未访",
        }
    }
}

/// How `rule`'s period `period` was covered by `visits`, on `today`.
pub fn coverage(rule: &Rule, period: Period, visits: &[Seen], today: NaiveDate) -> Coverage {
    let counted = visits.iter().filter(|v| rule.counts(v) && v.on <= today);
    if let Some(last) = counted.clone().filter(|v| period.contains(v.on)).map(|v| v.on).max() {
        return Coverage::OnTime(last);
    }
    if period.end >= today {
        return Coverage::Pending;
    }
    let made_up = counted
        .filter(|v| v.on > period.end)
        .filter(|v| rule.duty != Duty::Sweep || v.on.year() == period.end.year())
        .map(|v| v.on)
        .min();
    made_up.map_or(Coverage::Never, Coverage::Late)
}

/// How a household kept a duty over a month's periods (see [`Rule::periods_for_month`]) as one result:
/// the worst of its owed periods (never, then late, then pending), else on time with the latest visit.
/// None where no period of the month was owed.
pub fn month_coverage(
    rule: &Rule,
    subject: &Subject,
    first: NaiveDate,
    policy: &Policy,
    visits: &[Seen],
    today: NaiveDate,
) -> Option<Coverage> {
    let rank = |c: &Coverage| match c {
        Coverage::Never => 0,
        Coverage::Late(_) => 1,
        Coverage::Pending => 2,
        Coverage::OnTime(_) => 3,
    };
    rule.periods_for_month(first, policy)
        .into_iter()
        .filter(|p| subject.owes(rule, *p))
        .map(|p| coverage(rule, p, visits, today))
        .min_by(|a, b| {
            rank(a).cmp(&rank(b)).then_with(|| match (a, b) {
                (Coverage::OnTime(x), Coverage::OnTime(y)) => y.cmp(x),
                _ => std::cmp::Ordering::Equal,
            })
        })
}

/// Where a duty stands today, for the person who owes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Standing {
    /// Met in the current period (or, for the sweep, this year).
    Done(NaiveDate),
    /// Due by the end of the current period.
    Due,
    /// A period passed unmet (the previous one, or this year's sweep season) and nothing has made up for it yet.
    Overdue { missed_end: NaiveDate },
}

/// Where `rule` stands on `today`, or `None` where it does not apply yet (the household arrived after the
/// sweep season, say).
pub fn standing(
    rule: &Rule,
    subject: &Subject,
    policy: &Policy,
    visits: &[Seen],
    today: NaiveDate,
) -> Option<Standing> {
    let current = rule.period(today, policy);
    if rule.duty == Duty::Sweep {
        if !subject.owes(rule, current) {
            return None;
        }
        return Some(match coverage(rule, current, visits, today) {
            Coverage::OnTime(day) | Coverage::Late(day) => Standing::Done(day),
            Coverage::Pending => Standing::Due,
            Coverage::Never => Standing::Overdue { missed_end: current.end },
        });
    }
    if let Coverage::OnTime(day) = coverage(rule, current, visits, today) {
        return Some(Standing::Done(day));
    }
    let previous = current.start.pred_opt().map(|day| rule.period(day, policy));
    let missed =
        previous.filter(|p| subject.owes(rule, *p)).filter(|p| coverage(rule, *p, visits, today) == Coverage::Never);
    Some(match missed {
        Some(p) => Standing::Overdue { missed_end: p.end },
        None => Standing::Due,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::presets::{Preset, preset};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn seen(on: &str, mode: Mode, visitor: i64, sweep: bool) -> Seen {
        Seen { on: day(on), mode, visitor, sweep }
    }

    /// A household registered, classed and (where it has one) assigned its 挂钩干部 on `since`.
    fn subject<'a>(class: Option<&'a Category>, liaison: Option<i64>, since: &str) -> Subject<'a> {
        Subject { class, class_since: day(since), liaison, liaison_since: day(since), registered: day(since) }
    }

    #[test]
    fn periods_count_from_january() {
        assert_eq!(period_of(day("2026-03-02"), 1), Period { start: day("2026-03-01"), end: day("2026-03-31") });
        assert_eq!(period_of(day("2026-02-15"), 3), Period { start: day("2026-01-01"), end: day("2026-03-31") });
        assert_eq!(period_of(day("2026-12-31"), 3), Period { start: day("2026-10-01"), end: day("2026-12-31") });
        // 5 does not divide 12: Jan–May, Jun–Oct, Nov–Dec.
        assert_eq!(period_of(day("2026-11-20"), 5), Period { start: day("2026-11-01"), end: day("2026-12-31") });
        assert_eq!(period_of(day("2024-02-29"), 1).end, day("2024-02-29"));
    }

    /// [T] "每周不少于1次…核实更新": weeks run Monday to Sunday; a call on Sunday meets the week ending that
    /// day, one on Monday the next; a week without one is overdue, and the month's report counts the
    /// household by its worst week.
    #[test]
    fn a_tongnan_household_is_contacted_weekly_t() {
        assert_eq!(week_period_of(day("2026-12-09"), 1), Period { start: day("2026-12-07"), end: day("2026-12-13") });
        assert_eq!(week_period_of(day("2027-01-01"), 1), Period { start: day("2026-12-28"), end: day("2027-01-03") });
        assert_eq!(week_period_of(day("2026-12-13"), 2).end.weekday(), chrono::Weekday::Sun);
        let policy = preset(Preset::Tongnan2020);
        let subject = subject(policy.category("脱贫不稳定户"), None, "2026-01-01");
        let rule = rules(&subject, &policy).remove(0);
        assert_eq!(rule.label, "脱贫不稳定户（每周走访）");
        let wednesday = day("2026-12-09");
        let sunday_call = [seen("2026-12-06", Mode::Phone, 7, false)];
        assert_eq!(standing(&rule, &subject, &policy, &sunday_call, wednesday), Some(Standing::Due));
        let the_week_before = [seen("2026-12-05", Mode::Phone, 7, false)];
        let sunday_after = day("2026-12-13");
        assert_eq!(
            standing(&rule, &subject, &policy, &the_week_before, sunday_after),
            Some(Standing::Due),
            "Saturday 5 December met the week ending on the 6th; this week's is still due on Sunday"
        );
        assert_eq!(
            standing(&rule, &subject, &policy, &the_week_before, day("2026-12-14")),
            Some(Standing::Overdue { missed_end: sunday_after })
        );
        let monday_call = [seen("2026-12-07", Mode::Phone, 7, false)];
        assert_eq!(
            standing(&rule, &subject, &policy, &monday_call, wednesday),
            Some(Standing::Done(day("2026-12-07"))),
            "Monday's call is this week's"
        );
        let last_week = week_period_of(day("2026-12-06"), 1);
        assert_eq!(coverage(&rule, last_week, &monday_call, wednesday), Coverage::Late(day("2026-12-07")));
        // December's report: the weeks ending 6, 13, 20 and 27 December.
        let first = day("2026-12-01");
        assert_eq!(rule.periods_for_month(first, &policy).len(), 4);
        let every_week: Vec<Seen> =
            ["2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22"].map(|d| seen(d, Mode::Phone, 7, false)).into();
        let after = day("2026-12-31");
        assert_eq!(
            month_coverage(&rule, &subject, first, &policy, &every_week, after),
            Some(Coverage::OnTime(day("2026-12-22")))
        );
        let one_missed = &every_week[..3];
        assert_eq!(month_coverage(&rule, &subject, first, &policy, one_missed, after), Some(Coverage::Never));
    }

    #[test]
    fn a_yihe_monitoring_household_is_due_monthly_and_overdue_after_a_missed_month() {
        let policy = preset(Preset::Yihe2022);
        let class = policy.category("防贫监测户").unwrap();
        let subject = subject(Some(class), None, "2025-01-01");
        let rules = rules(&subject, &policy);
        let cadence = &rules[0];
        assert_eq!(cadence.label, "防贫监测户（每月走访）");
        let today = day("2026-03-02");
        let january = [seen("2026-01-10", Mode::InPerson, 7, false)];
        assert_eq!(
            standing(cadence, &subject, &policy, &january, today),
            Some(Standing::Overdue { missed_end: day("2026-02-28") })
        );
        let february = [seen("2026-02-27", Mode::InPerson, 7, false)];
        assert_eq!(standing(cadence, &subject, &policy, &february, today), Some(Standing::Due));
        let march = [seen("2026-03-01", Mode::InPerson, 9, false)];
        assert_eq!(standing(cadence, &subject, &policy, &march, today), Some(Standing::Done(day("2026-03-01"))));
    }

    #[test]
    fn a_phone_call_counts_only_where_the_category_says_so() {
        let yihe = preset(Preset::Yihe2022);
        let huoshan = preset(Preset::Huoshan2020);
        let call = [seen("2026-03-01", Mode::Phone, 7, false)];
        let today = day("2026-03-02");
        let monthly = |policy: &Policy, name: &str| {
            let subject = subject(policy.category(name), None, "2026-03-01");
            let rule = rules(&subject, policy).remove(0);
            standing(&rule, &subject, policy, &call, today)
        };
        assert_eq!(monthly(&yihe, "防贫监测户"), Some(Standing::Due));
        assert_eq!(monthly(&huoshan, "脱贫监测户"), Some(Standing::Done(day("2026-03-01"))));
    }

    #[test]
    fn the_liaison_duty_is_met_only_by_the_liaison_in_person() {
        let policy = preset(Preset::Fujian2021);
        let subject = subject(None, Some(42), "2025-01-01");
        let rules = rules(&subject, &policy);
        assert_eq!(rules.iter().map(|r| r.duty).collect::<Vec<_>>(), [Duty::Liaison, Duty::Sweep]);
        let liaison = &rules[0];
        let today = day("2026-05-10");
        let others = [seen("2026-04-02", Mode::InPerson, 7, false), seen("2026-04-03", Mode::Video, 42, false)];
        // Nobody else's visit (nor the liaison's video call) meets it: the first quarter passed unmet.
        assert_eq!(
            standing(liaison, &subject, &policy, &others, today),
            Some(Standing::Overdue { missed_end: day("2026-03-31") })
        );
        let own = [seen("2026-04-03", Mode::InPerson, 42, false)];
        assert_eq!(standing(liaison, &subject, &policy, &own, today), Some(Standing::Done(day("2026-04-03"))));
        // The first quarter passed without the liaison, made up in April.
        let march = day("2026-03-31");
        assert_eq!(
            coverage(liaison, period_of(march, 3), &own, today),
            Coverage::Late(day("2026-04-03")),
            "made up in April"
        );
    }

    #[test]
    fn the_sweep_is_due_until_the_deadline_then_overdue() {
        let mut policy = preset(Preset::Yihe2022);
        let subject = subject(None, None, "2020-01-01");
        let sweep = rules(&subject, &policy).pop().unwrap();
        assert_eq!(sweep.label, "年度集中排查（3 月 31 日前）");
        let routine = [seen("2026-02-01", Mode::InPerson, 7, false)];
        assert_eq!(standing(&sweep, &subject, &policy, &routine, day("2026-03-02")), Some(Standing::Due));
        assert_eq!(
            standing(&sweep, &subject, &policy, &routine, day("2026-04-01")),
            Some(Standing::Overdue { missed_end: day("2026-03-31") })
        );
        let late = [seen("2026-04-08", Mode::InPerson, 7, true)];
        assert_eq!(
            standing(&sweep, &subject, &policy, &late, day("2026-04-09")),
            Some(Standing::Done(day("2026-04-08")))
        );
        assert_eq!(
            coverage(&sweep, sweep_season(2026, &policy), &late, day("2026-04-09")),
            Coverage::Late(day("2026-04-08"))
        );
        // Last year's sweep does not count for this year; a later deadline is the policy's to set.
        let last_year = [seen("2025-03-01", Mode::InPerson, 7, true)];
        policy.sweep_deadline = (4, 30);
        assert_eq!(standing(&sweep, &subject, &policy, &last_year, day("2026-04-09")), Some(Standing::Due));
        // A household registered after the season owes no sweep this year.
        let newcomer = Subject { registered: day("2026-06-01"), ..subject };
        assert_eq!(standing(&sweep, &newcomer, &policy, &[], day("2026-06-02")), None);
    }

    #[test]
    fn a_household_new_this_period_is_due_not_overdue() {
        let policy = preset(Preset::Yihe2022);
        let subject = subject(policy.category("防贫预警户"), None, "2026-04-10");
        let rule = rules(&subject, &policy).remove(0);
        assert_eq!(rule.label, "防贫预警户（每 3 个月走访）");
        assert_eq!(standing(&rule, &subject, &policy, &[], day("2026-04-12")), Some(Standing::Due));
        // The quarter it arrived in is not owed: unmet, it is still only due in the next one.
        assert_eq!(standing(&rule, &subject, &policy, &[], day("2026-07-02")), Some(Standing::Due));
        assert_eq!(
            standing(&rule, &subject, &policy, &[], day("2026-10-02")),
            Some(Standing::Overdue { missed_end: day("2026-09-30") })
        );
    }

    #[test]
    fn duties_start_when_the_class_begins_or_the_liaison_is_assigned() {
        let policy = preset(Preset::Yihe2022);
        let monitored = policy.category("防贫监测户");
        // Registered long ago, identified on 20 November, 挂钩干部 assigned on 3 December.
        let subject = Subject {
            class: monitored,
            class_since: day("2026-11-20"),
            liaison: Some(42),
            liaison_since: day("2026-12-03"),
            registered: day("2020-01-01"),
        };
        let [cadence, liaison, sweep] = rules(&subject, &policy).try_into().unwrap();
        let today = day("2026-12-05");
        assert_eq!(standing(&cadence, &subject, &policy, &[], today), Some(Standing::Due), "November was not owed");
        assert_eq!(standing(&liaison, &subject, &policy, &[], today), Some(Standing::Due), "nor the third quarter");
        assert!(subject.owes(&sweep, sweep_season(2026, &policy)), "the sweep follows the register");
        assert_eq!(
            standing(&cadence, &subject, &policy, &[], day("2027-01-02")),
            Some(Standing::Overdue { missed_end: day("2026-12-31") })
        );
    }
}
