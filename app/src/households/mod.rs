//! Households and their members: the unit of monitoring. This area grows with the households issue;
//! for now it reads the register (demo data or imports) within the caller's scope.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A resident ID number (公民身份号码, GB 11643-1999): 17 digits and a check character.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ResidentId(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

impl ResidentId {
    /// The check character for the first 17 digits.
    pub fn check_char(first17: &str) -> Option<char> {
        if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        Some(CHECK_CHARS[(sum % 11) as usize])
    }

    /// Parse and validate: length, digits, birth date, check character (a lower-case x is accepted).
    pub fn parse(text: &str) -> Result<ResidentId, AppError> {
        let text = text.trim().to_ascii_uppercase();
        let invalid = |message: &str| AppError::validation("resident_id", message);
        if text.chars().count() != 18 {
            return Err(invalid("身份证号码应为 18 位。"));
        }
        let (first17, last) = text.split_at(17);
        let Some(expected) = ResidentId::check_char(first17) else {
            return Err(invalid("身份证号码前 17 位应为数字。"));
        };
        if NaiveDate::parse_from_str(&first17[6..14], "%Y%m%d").is_err() {
            return Err(invalid("身份证号码中的出生日期无效。"));
        }
        if !last.starts_with(expected) {
            return Err(invalid("身份证号码校验位不正确，请核对。"));
        }
        Ok(ResidentId(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").unwrap_or_default()
    }
}

/// The masked form shown in lists and prints: the first 4 and last 4 characters.
pub fn mask_resident_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// A household in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HouseholdSummary {
    pub code: String,
    pub head_name: String,
    pub org_code: String,
    pub org_name: String,
    pub member_count: i64,
    pub monitoring_class: Option<String>,
}

/// A member as shown on the household page (ID number masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MemberView {
    pub name: String,
    pub resident_id_masked: String,
    pub relation: String,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub labour_capacity: String,
    pub health: String,
    pub schooling: String,
}

/// A household with its members and latest income record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HouseholdDetail {
    pub summary: HouseholdSummary,
    pub address: String,
    pub members: Vec<MemberView>,
    pub income_year: Option<i32>,
    /// Per-capita net income in yuan for `income_year` (wage, business, property and transfer income
    /// over the members, before any deduction).
    pub per_capita_income_yuan: Option<i64>,
    pub risk: RiskView,
}

/// The household's risk evaluation under the policy in force this year, or why there is none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RiskView {
    pub year: i32,
    pub policy_name: Option<String>,
    pub evaluation: Option<crate::risk::Evaluation>,
    /// Why the household could not be evaluated (no policy for the year, ...), in Chinese.
    pub unavailable: Option<String>,
}

/// One page of a household list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HouseholdPage {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<HouseholdSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb11643_check_digit() {
        // The standard's own example.
        assert_eq!(ResidentId::check_char("11010519491231002"), Some('X'));
        assert!(ResidentId::parse("11010519491231002X").is_ok());
        assert!(ResidentId::parse("11010519491231002x").is_ok());
        assert!(ResidentId::parse("110105194912310021").is_err());
    }

    #[test]
    fn birth_date_and_length_are_checked() {
        let err = ResidentId::parse("110105194913310020").unwrap_err();
        assert!(err.to_string().contains("出生日期"));
        assert!(ResidentId::parse("1101051949123100").unwrap_err().to_string().contains("18 位"));
        assert_eq!(
            ResidentId::parse("11010519491231002X").unwrap().birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
    }

    #[test]
    fn masking_keeps_four_and_four() {
        assert_eq!(mask_resident_id("11010519491231002X"), "1101**********002X");
    }
}
