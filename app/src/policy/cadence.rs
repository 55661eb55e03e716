//! How often a category of household is contacted: every so many weeks ([T] "每周不少于1次…核实更新")
//! or every so many months ([Y] monthly and quarterly visits). Twelve months means the annual sweep only.

use serde::{Deserialize, Serialize};

/// A contact cadence, stored as `{"weeks": n}` or `{"months": n}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Cadence {
    Weeks { weeks: u32 },
    Months { months: u32 },
}

impl Cadence {
    pub const MONTHLY: Cadence = Cadence::Months { months: 1 };

    /// "每周", "每 2 周", "每月", "每 3 个月".
    pub fn label(self) -> String {
        match self {
            Cadence::Weeks { weeks: 1 } => "每周".into(),
            Cadence::Weeks { weeks } => format!("每 {weeks} 周"),
            Cadence::Months { months: 1 } => "每月".into(),
            Cadence::Months { months } => format!("每 {months} 个月"),
        }
    }

    /// As the policy form writes it: "1周", "3个月".
    pub fn form_text(self) -> String {
        match self {
            Cadence::Weeks { weeks } => format!("{weeks}周"),
            Cadence::Months { months } => format!("{months}个月"),
        }
    }

    /// "每周", "2周", "每月", "3个月", "3月", or a bare number of months ("3", as forms were written
    /// before weeks); blanks anywhere. None for anything else.
    pub fn parse(text: &str) -> Option<Cadence> {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let text = text.strip_prefix('每').unwrap_or(&text);
        let count = |n: &str| if n.is_empty() { Some(1) } else { n.parse().ok() };
        if let Some(weeks) = text.strip_suffix('周') {
            return count(weeks).map(|weeks| Cadence::Weeks { weeks });
        }
        let months = text.strip_suffix("个月").or_else(|| text.strip_suffix('月')).unwrap_or(text);
        count(months).map(|months| Cadence::Months { months })
    }

    /// Whether households are due routine contacts at all (a 12-month cadence is the annual sweep only).
    pub fn is_routine(self) -> bool {
        match self {
            Cadence::Weeks { .. } => true,
            Cadence::Months { months } => months < 12,
        }
    }

    /// Whether the cadence is one a policy may set: 1 to 26 weeks, 1 to 12 months.
    pub fn is_valid(self) -> bool {
        match self {
            Cadence::Weeks { weeks } => (1..=26).contains(&weeks),
            Cadence::Months { months } => (1..=12).contains(&months),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cadences_read_as_forms_write_them_t() {
        assert_eq!(Cadence::parse("每周"), Some(Cadence::Weeks { weeks: 1 }));
        assert_eq!(Cadence::parse(" 2 周"), Some(Cadence::Weeks { weeks: 2 }));
        assert_eq!(Cadence::parse("每月"), Some(Cadence::MONTHLY));
        assert_eq!(Cadence::parse("3个月"), Some(Cadence::Months { months: 3 }));
        assert_eq!(Cadence::parse("3"), Some(Cadence::Months { months: 3 }), "a bare number is months");
        assert_eq!(Cadence::parse("每天"), None);
        for c in [Cadence::Weeks { weeks: 1 }, Cadence::Weeks { weeks: 2 }, Cadence::Months { months: 3 }] {
            assert_eq!(Cadence::parse(&c.form_text()), Some(c));
        }
        assert_eq!(Cadence::Weeks { weeks: 1 }.label(), "每周");
        assert_eq!(Cadence::Months { months: 3 }.label(), "每 3 个月");
        assert!(!Cadence::Months { months: 12 }.is_routine());
        assert!(!Cadence::Weeks { weeks: 0 }.is_valid() && !Cadence::Months { months: 13 }.is_valid());
        let stored: Cadence = serde_json::from_str(r#"{"weeks":1}"#).unwrap();
        assert_eq!(stored, Cadence::Weeks { weeks: 1 });
    }
}
