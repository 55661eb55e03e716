//! The second kind of grant: one action on an explicit set of records for a time window (a cross-check
//! team's sample, a supervision round's units). It adds to the role grants, never replaces them, and
//! lets nothing outside its records or its window: from `starts_at` to `ends_at` inclusive, refused from
//! `ends_at` + 1 s.

use chrono::{DateTime, Utc};

use super::Action;
use crate::org::OrgCode;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowGrant {
    pub id: i64,
    pub action: Action,
    /// What it is for, in Chinese ("2026年交叉检查：第一检查组").
    pub purpose: String,
    /// Unit codes (the unit and everything under it) and household codes (that household).
    pub codes: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl WindowGrant {
    /// Whether the window is open at `now`.
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        self.starts_at <= now && now <= self.ends_at
    }

    /// The scope prefixes of the units it covers (household codes cover no unit).
    pub fn unit_prefixes(&self) -> impl Iterator<Item = String> + '_ {
        self.codes.iter().filter_map(|c| OrgCode::parse(c).ok()).map(|unit| unit.scope_prefix().to_string())
    }

    /// Whether it lets its holder perform `action` at `now` on a record of the unit `org_code`, or on the
    /// household `household` (its code).
    pub fn allows(&self, action: Action, org_code: &str, household: Option<&str>, now: DateTime<Utc>) -> bool {
        self.action == action
            && self.open_at(now)
            && (self.unit_prefixes().any(|prefix| org_code.starts_with(prefix.as_str()))
                || household.is_some_and(|h| self.codes.iter().any(|c| c == h)))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn sample() -> WindowGrant {
        WindowGrant {
            id: 1,
            action: Action::ReadHousehold,
            purpose: "2026年交叉检查：第一检查组".into(),
            codes: vec!["500152101203".into(), "50015210220100007".into()],
            starts_at: Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap(),
        }
    }

    #[test]
    fn open_from_its_start_to_its_end_and_refused_one_second_later() {
        let w = sample();
        let village_household = ("500152101203002", None);
        assert!(!w.allows(Action::ReadHousehold, village_household.0, None, w.starts_at - Duration::seconds(1)));
        assert!(w.allows(Action::ReadHousehold, village_household.0, village_household.1, w.starts_at));
        assert!(w.allows(Action::ReadHousehold, village_household.0, None, w.ends_at));
        assert!(!w.allows(Action::ReadHousehold, village_household.0, None, w.ends_at + Duration::seconds(1)));
    }

    #[test]
    fn only_its_records_and_its_action() {
        let w = sample();
        let now = w.starts_at + Duration::days(1);
        // A household listed by code, in a village the window does not cover.
        assert!(w.allows(Action::ReadHousehold, "500152102201001", Some("50015210220100007"), now));
        assert!(!w.allows(Action::ReadHousehold, "500152102201001", Some("50015210220100008"), now));
        assert!(!w.allows(Action::ReadHousehold, "500152101204", None, now));
        assert!(!w.allows(Action::EditHousehold, "500152101203", None, now));
        assert_eq!(w.unit_prefixes().collect::<Vec<_>>(), ["500152101203"]);
    }
}
