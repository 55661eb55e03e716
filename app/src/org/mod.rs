//! The organisation tree: county > township (镇/街道) > village (村/社区) > villager group (村民小组).
//! Every unit has a statistical area code: 12 digits (6 county + 3 township + 3 village), villager
//! groups 15 (the village's 12 plus 3). A unit's scope is its subtree, which is a prefix of the code.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum OrgLevel {
    County,
    Township,
    Village,
    Group,
}

impl OrgLevel {
    pub const ALL: [OrgLevel; 4] = [OrgLevel::County, OrgLevel::Township, OrgLevel::Village, OrgLevel::Group];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgLevel::County => "county",
            OrgLevel::Township => "township",
            OrgLevel::Village => "village",
            OrgLevel::Group => "group",
        }
    }

    pub fn parse(text: &str) -> Option<OrgLevel> {
        OrgLevel::ALL.into_iter().find(|l| l.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgLevel::County => "区县",
            OrgLevel::Township => "镇/街道",
            OrgLevel::Village => "村/社区",
            OrgLevel::Group => "村民小组",
        }
    }

    /// The level of a unit's children.
    pub fn child(self) -> Option<OrgLevel> {
        match self {
            OrgLevel::County => Some(OrgLevel::Township),
            OrgLevel::Township => Some(OrgLevel::Village),
            OrgLevel::Village => Some(OrgLevel::Group),
            OrgLevel::Group => None,
        }
    }

    /// How many leading digits of the code identify a unit of this level (its scope prefix).
    fn significant_digits(self) -> usize {
        match self {
            OrgLevel::County => 6,
            OrgLevel::Township => 9,
            OrgLevel::Village => 12,
            OrgLevel::Group => 15,
        }
    }
}

/// A validated area code together with the level it denotes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrgCode {
    code: String,
    level: OrgLevel,
}

impl OrgCode {
    /// Parse a code: 12 digits for county (last 6 zero), township (last 3 zero) and village; 15 digits for a group.
    pub fn parse(text: &str) -> Result<OrgCode, AppError> {
        let text = text.trim();
        if !text.chars().all(|c| c.is_ascii_digit()) || !(text.len() == 12 || text.len() == 15) {
            return Err(AppError::validation(
                "code",
                "区划代码应为 12 位数字（村民小组为 15 位：所属村的 12 位代码加 3 位组号）。",
            ));
        }
        let part = |from: usize, to: usize| text.get(from..to).unwrap_or_default();
        let level = if text.len() == 15 {
            OrgLevel::Group
        } else if part(6, 12) == "000000" {
            OrgLevel::County
        } else if part(9, 12) == "000" {
            OrgLevel::Township
        } else {
            OrgLevel::Village
        };
        if part(0, 6) == "000000" || (level == OrgLevel::Group && (part(12, 15) == "000" || part(9, 12) == "000")) {
            return Err(AppError::validation("code", "区划代码不完整：县、镇、村或组的编号不能全为 0。"));
        }
        Ok(OrgCode { code: text.to_string(), level })
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    pub fn level(&self) -> OrgLevel {
        self.level
    }

    /// The prefix shared by this unit and everything below it.
    pub fn scope_prefix(&self) -> &str {
        prefix_at(&self.code, self.level)
    }

    /// The code of the unit at `level` that contains this one (this code when it is at `level` or above).
    pub fn at_level(&self, level: OrgLevel) -> String {
        unit_at(&self.code, level)
    }

    /// Whether `other` is this unit or lies below it.
    pub fn contains(&self, other: &str) -> bool {
        other.starts_with(self.scope_prefix())
    }

    /// Whether this code may be a direct child of `parent` (same leading digits, one level down).
    pub fn is_child_of(&self, parent: &OrgCode) -> bool {
        parent.level.child() == Some(self.level) && parent.contains(&self.code) && self.code != parent.code
    }
}

/// The leading digits of a stored area code that identify the unit at `level` containing it (the whole
/// code when it is shorter, i.e. at `level` or above).
pub fn prefix_at(code: &str, level: OrgLevel) -> &str {
    code.get(..level.significant_digits()).unwrap_or(code)
}

/// The code of the unit at `level` containing a stored area code (the code itself when it is at `level`
/// or above): "500152101203004" at the township level is "500152101000".
pub fn unit_at(code: &str, level: OrgLevel) -> String {
    format!("{:0<12}", prefix_at(code, level))
}

/// An org unit as the browser sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgUnitView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: OrgLevel,
    pub parent_code: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_above_a_unit() {
        let group = OrgCode::parse("500152101201003").unwrap();
        assert_eq!(group.at_level(OrgLevel::Village), "500152101201");
        assert_eq!(group.at_level(OrgLevel::Township), "500152101000");
        let county = OrgCode::parse("500152000000").unwrap();
        assert_eq!(county.at_level(OrgLevel::Township), "500152000000");
    }

    #[test]
    fn levels_follow_the_digits() {
        assert_eq!(OrgCode::parse("500152000000").unwrap().level(), OrgLevel::County);
        assert_eq!(OrgCode::parse("500152101000").unwrap().level(), OrgLevel::Township);
        assert_eq!(OrgCode::parse("500152101203").unwrap().level(), OrgLevel::Village);
        assert_eq!(OrgCode::parse("500152101203004").unwrap().level(), OrgLevel::Group);
    }

    #[test]
    fn bad_codes_are_refused_in_chinese() {
        for bad in ["", "50015210120", "5001521012031", "50015210120x", "000000000000", "500152101203000"] {
            let err = OrgCode::parse(bad).unwrap_err();
            assert!(matches!(err, AppError::Validation { .. }), "{bad}");
            assert!(err.to_string().contains("代码"), "{bad}: {err}");
        }
    }

    #[test]
    fn scope_is_the_subtree() {
        let township = OrgCode::parse("500152101000").unwrap();
        assert!(township.contains("500152101203"));
        assert!(township.contains("500152101203004"));
        assert!(!township.contains("500152102203"));
        let village = OrgCode::parse("500152101203").unwrap();
        assert!(village.contains("500152101203004"));
        assert!(!village.contains("500152101204"));
    }

    #[test]
    fn children_are_one_level_down_inside_the_parent() {
        let county = OrgCode::parse("500152000000").unwrap();
        let township = OrgCode::parse("500152101000").unwrap();
        let village = OrgCode::parse("500152101203").unwrap();
        let other_village = OrgCode::parse("500199101203").unwrap();
        assert!(township.is_child_of(&county));
        assert!(village.is_child_of(&township));
        assert!(!village.is_child_of(&county));
        assert!(!other_village.is_child_of(&township));
    }
}
