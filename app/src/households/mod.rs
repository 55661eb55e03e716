//! Households and their members: the unit of monitoring. The register (households, members, who looks
//! after them), their finances and 两不愁三保障 assessments, search, and the risk evaluation's stored outcome.

pub mod api;
pub mod forms;
#[cfg(feature = "ssr")]
pub mod initials;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod register;
pub mod register_pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod warning;

pub use forms::{CadreOption, CadreOptions, DibaoForm, HouseholdForm, MemberForm, WarningKindsForm};

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
        CHECK_CHARS.get((sum % 11) as usize).copied()
    }

    /// Parse and validate: length, digits, birth date, check character (a lower-case x is accepted).
    pub fn parse(text: &str) -> Result<ResidentId, AppError> {
        let text = text.trim().to_ascii_uppercase();
        let invalid = |message: &str| AppError::validation("resident_id", message);
        if text.chars().count() != 18 {
            return Err(invalid("身份证号码应为 18 位。"));
        }
        // Split after the 17th character, not the 17th byte: the text may hold other than ASCII.
        let (first17, last) = match text.char_indices().nth(17) {
            Some((at, _)) => text.split_at(at),
            None => (text.as_str(), ""),
        };
        let Some(expected) = ResidentId::check_char(first17) else {
            return Err(invalid("身份证号码前 17 位应为数字。"));
        };
        if birth_date_of(first17).is_none() {
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
        birth_date_of(&self.0).unwrap_or_default()
    }

    /// The 17th digit is odd for a man, even for a woman.
    pub fn is_male(&self) -> bool {
        self.0.as_bytes().get(16).is_some_and(|d| d % 2 == 1)
    }
}

/// The birth date in characters 7–14 of an ID number.
fn birth_date_of(id: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(id.get(6..14)?, "%Y%m%d").ok()
}

/// A search term that is a whole resident ID number (17 digits and a last character), upper-cased for an
/// exact match.
pub fn searched_resident_id(q: &str) -> Option<String> {
    let upper = q.to_ascii_uppercase();
    (upper.len() == 18 && upper.bytes().take(17).all(|b| b.is_ascii_digit())).then_some(upper)
}

/// Text for a LIKE pattern with `\` as its escape: `%`, `_` and `\` match only themselves.
pub fn like_literal(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The masked form shown in lists and prints: the first 4 and last 4 characters.
pub fn mask_resident_id(id: &str) -> String {
    let count = id.chars().count();
    if count < 8 {
        return "*".repeat(count);
    }
    let head: String = id.chars().take(4).collect();
    let tail: String = id.chars().skip(count - 4).collect();
    format!("{head}{}{tail}", "*".repeat(count - 8))
}

/// Yuan as typed ("12345", "12345.6", "12,345.67") to fen; a Chinese message naming the field otherwise.
pub fn parse_yuan(field: &str, label: &str, text: &str) -> Result<i64, AppError> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '，').collect();
    if cleaned.is_empty() {
        return Ok(0);
    }
    let bad = || AppError::validation(field, format!("{label}应为金额（元），最多两位小数，例如 12345.60。"));
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let yuan: i64 = whole.parse().map_err(|_| bad())?;
    if yuan > 100_000_000 {
        return Err(AppError::validation(field, format!("{label}超出合理范围。")));
    }
    let fen: i64 = format!("{fraction:0<2}").parse().map_err(|_| bad())?;
    Ok(yuan * 100 + fen)
}

/// A year's income and expenditure as the form sends it (yuan, as typed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct IncomeForm {
    pub year: String,
    pub wage: String,
    pub business: String,
    pub property: String,
    pub transfer: String,
    /// Rigid expenditure by item: medical, schooling, disasters and accidents, other.
    pub medical: String,
    pub schooling: String,
    pub disaster: String,
    pub other_rigid: String,
}

/// A parsed income record, in fen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IncomeRecord {
    pub year: i32,
    pub wage_fen: i64,
    pub business_fen: i64,
    pub property_fen: i64,
    pub transfer_fen: i64,
    pub medical_fen: i64,
    pub schooling_fen: i64,
    pub disaster_fen: i64,
    pub other_rigid_fen: i64,
}

/// Fen as yuan for a form field ("12345.6" → "12345.60", whole yuan without decimals).
pub fn format_yuan(fen: i64) -> String {
    if fen % 100 == 0 { (fen / 100).to_string() } else { format!("{}.{:02}", fen / 100, fen % 100) }
}

impl IncomeForm {
    /// The form for an existing record.
    pub fn from_record(r: &IncomeRecord) -> IncomeForm {
        IncomeForm {
            year: r.year.to_string(),
            wage: format_yuan(r.wage_fen),
            business: format_yuan(r.business_fen),
            property: format_yuan(r.property_fen),
            transfer: format_yuan(r.transfer_fen),
            medical: format_yuan(r.medical_fen),
            schooling: format_yuan(r.schooling_fen),
            disaster: format_yuan(r.disaster_fen),
            other_rigid: format_yuan(r.other_rigid_fen),
        }
    }

    /// No figure filled in (the year alone says nothing).
    pub fn is_blank(&self) -> bool {
        [
            &self.wage,
            &self.business,
            &self.property,
            &self.transfer,
            &self.medical,
            &self.schooling,
            &self.disaster,
            &self.other_rigid,
        ]
        .iter()
        .all(|figure| figure.trim().is_empty())
    }

    pub fn parse(&self) -> Result<IncomeRecord, AppError> {
        let year: i32 = self
            .year
            .trim()
            .parse()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| AppError::validation("year", "请填写年度，例如 2025。"))?;
        let record = IncomeRecord {
            year,
            wage_fen: parse_yuan("wage", "工资性收入", &self.wage)?,
            business_fen: parse_yuan("business", "生产经营性收入", &self.business)?,
            property_fen: parse_yuan("property", "财产性收入", &self.property)?,
            transfer_fen: parse_yuan("transfer", "转移性收入", &self.transfer)?,
            medical_fen: parse_yuan("medical", "医疗支出", &self.medical)?,
            schooling_fen: parse_yuan("schooling", "教育支出", &self.schooling)?,
            disaster_fen: parse_yuan("disaster", "因灾因意外支出", &self.disaster)?,
            other_rigid_fen: parse_yuan("other_rigid", "其他刚性支出", &self.other_rigid)?,
        };
        Ok(record)
    }
}

/// An assessment of one 两不愁三保障 item as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AssessmentForm {
    /// `food`, `clothing`, `education`, `medical`, `housing` or `water`.
    pub item: String,
    /// `ok`, `at_risk` or `failed`.
    pub status: String,
    pub note: String,
    /// YYYY-MM-DD
    pub assessed_on: String,
}

impl AssessmentForm {
    /// Parse; an assessment may not be dated after `today`, and a problem needs a note.
    pub fn parse(
        &self,
        today: NaiveDate,
    ) -> Result<(crate::risk::SecurityItem, crate::risk::AssessmentStatus, String, NaiveDate), AppError> {
        use crate::risk::{AssessmentStatus, SecurityItem};
        let item = SecurityItem::parse(&self.item).ok_or_else(|| AppError::validation("item", "请选择评估项目。"))?;
        let status =
            AssessmentStatus::parse(&self.status).ok_or_else(|| AppError::validation("status", "请选择评估结论。"))?;
        let date = NaiveDate::parse_from_str(self.assessed_on.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::validation("assessed_on", "请填写评估日期，例如 2026-03-02。"))?;
        if date > today {
            return Err(AppError::validation("assessed_on", "评估日期不能晚于今天。"));
        }
        let note = self.note.trim().to_string();
        if status != AssessmentStatus::Ok && note.is_empty() {
            return Err(AppError::validation("note", "结论为“有风险”或“未达标”时，请说明具体情况。"));
        }
        if note.chars().count() > 500 {
            return Err(AppError::validation("note", "情况说明不超过 500 字。"));
        }
        Ok((item, status, note, date))
    }
}

/// The latest assessment of one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssessmentView {
    pub item: crate::risk::SecurityItem,
    pub status: crate::risk::AssessmentStatus,
    pub note: String,
    pub assessed_on: NaiveDate,
    pub assessed_by: String,
}

/// What a household list is narrowed to (every part optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[serde(default)]
pub struct HouseholdFilter {
    /// An org unit's area code: its subtree only.
    pub within: Option<String>,
    /// A household code (or its beginning), a resident ID number, or part of a member's name.
    pub q: Option<String>,
    /// A monitoring class (e.g. 边缘易致贫户).
    pub class: Option<String>,
    /// Only households whose latest evaluation raised a red alert.
    pub red_alert: Option<bool>,
    /// Only candidates for identification not yet in a procedure or monitored (待研判纳入): the rules put
    /// them in the monitoring scope [T][Y], the village verifies and decides.
    #[serde(default)]
    pub candidate: Option<bool>,
    /// Only households with a member of this special group ([`crate::risk::SpecialGroup`] key) [F].
    #[serde(default)]
    pub special_group: Option<String>,
    /// A monitoring status (`none`, `identifying`, `monitored`, `eliminating`, `eliminated`).
    pub status: Option<String>,
}

/// Where a household stands in the monitoring procedures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum MonitoringStatus {
    None,
    Identifying,
    Monitored,
    Eliminating,
    Eliminated,
}

impl MonitoringStatus {
    pub const ALL: [MonitoringStatus; 5] = [
        MonitoringStatus::None,
        MonitoringStatus::Identifying,
        MonitoringStatus::Monitored,
        MonitoringStatus::Eliminating,
        MonitoringStatus::Eliminated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MonitoringStatus::None => "none",
            MonitoringStatus::Identifying => "identifying",
            MonitoringStatus::Monitored => "monitored",
            MonitoringStatus::Eliminating => "eliminating",
            MonitoringStatus::Eliminated => "eliminated",
        }
    }

    pub fn parse(text: &str) -> Option<MonitoringStatus> {
        MonitoringStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            MonitoringStatus::None => "未纳入监测",
            MonitoringStatus::Identifying => "识别纳入办理中",
            MonitoringStatus::Monitored => "监测对象",
            MonitoringStatus::Eliminating => "风险消除办理中",
            MonitoringStatus::Eliminated => "风险已消除",
        }
    }
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
    pub status: MonitoringStatus,
    /// The latest stored evaluation raised a red alert.
    pub red_alert: bool,
    /// The latest stored evaluation makes it a candidate for identification.
    #[serde(default)]
    pub candidate: bool,
}

/// A member as shown on the household page (ID number masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MemberView {
    /// For asking to reveal the full ID number.
    pub member_id: i64,
    pub name: String,
    pub resident_id_masked: String,
    pub relation: String,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub labour_capacity: String,
    pub health: String,
    pub schooling: String,
    /// Lives with the household (false: 户在人不在, left out of the risk rules [T]).
    pub co_resident: bool,
    /// 户在人不在 / 人在户不在 and the like.
    pub co_residence_note: Option<String>,
    /// The legal guardian or supporter the register names.
    pub guardian: Option<String>,
    /// 留守儿童, 孤儿 or 事实无人抚养儿童.
    pub child_status: Option<String>,
}

/// A household with its members and latest income record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HouseholdDetail {
    pub summary: HouseholdSummary,
    pub address: String,
    pub phone: Option<String>,
    /// The editable register fields, as the edit form shows them.
    pub form: HouseholdForm,
    /// 监测联系人 and 挂钩干部 by name.
    pub contact_name: Option<String>,
    pub liaison_name: Option<String>,
    /// Where the contact or 挂钩干部 falls short of what the policy asks for the household's class [F] 11.
    #[serde(default)]
    pub cadre_warnings: Vec<String>,
    /// The warning-household sub-types recorded [Y], and those the policy lists to choose from.
    #[serde(default)]
    pub warning_kinds: Vec<String>,
    #[serde(default)]
    pub warning_kind_options: Vec<String>,
    /// Whether the policy in force puts measures through appraisal and public notice first [F] 8.
    #[serde(default)]
    pub appraise_measures: bool,
    pub dibao: DibaoView,
    /// The household's changes, newest first (from the audit log).
    pub history: Vec<crate::audit::AuditRecordView>,
    pub members: Vec<MemberView>,
    pub income_year: Option<i32>,
    /// Per-capita net income in yuan for `income_year` (wage, business, property and transfer income
    /// over the members living with the household, before any deduction).
    pub per_capita_income_yuan: Option<i64>,
    /// The latest year's record, for the edit form.
    pub latest_income: Option<IncomeRecord>,
    /// This year in Beijing, by the server's clock: the year a new income entry is for.
    pub this_year: i32,
    /// The latest assessment of each 两不愁三保障 item assessed so far.
    pub assessments: Vec<AssessmentView>,
    pub risk: RiskView,
}

/// 低保 and its taper as the household page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DibaoView {
    /// `none`, `receiving` or `tapering`.
    pub status: String,
    /// "享受低保", "低保渐退期至 2027-05-31（12 个月）", "渐退期已于 … 结束" or "未享受低保".
    pub label: String,
    pub taper_until: Option<NaiveDate>,
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
    /// For a formerly poor household on one of Huoshan's two rosters: the roster its income puts it on [H].
    #[serde(default)]
    pub roster_check: Option<crate::risk::RosterCheck>,
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
    fn yuan_amounts() {
        assert_eq!(parse_yuan("w", "工资", "12,345.6").unwrap(), 1_234_560);
        assert_eq!(parse_yuan("w", "工资", " 800 ").unwrap(), 80_000);
        assert_eq!(parse_yuan("w", "工资", "").unwrap(), 0);
        for bad in ["-5", "1.234", "abc", "1e5", ".5"] {
            assert!(parse_yuan("w", "工资", bad).unwrap_err().to_string().contains("工资应为金额"), "{bad}");
        }
    }

    #[test]
    fn the_form_round_trips_a_record() {
        let record = IncomeRecord {
            year: 2025,
            wage_fen: 1_234_560,
            business_fen: 0,
            property_fen: 5,
            transfer_fen: 300_000,
            medical_fen: 100_000,
            schooling_fen: 50_000,
            disaster_fen: 0,
            other_rigid_fen: 1,
        };
        assert_eq!(IncomeForm::from_record(&record).parse().unwrap(), record);
    }

    #[test]
    fn assessments_need_a_note_for_problems_and_no_future_dates() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let form = |status: &str, note: &str, on: &str| AssessmentForm {
            item: "housing".into(),
            status: status.into(),
            note: note.into(),
            assessed_on: on.into(),
        };
        assert!(form("ok", "", "2026-03-02").parse(today).is_ok());
        assert_eq!(
            form("failed", " ", "2026-03-01").parse(today).unwrap_err().field_message("note").as_deref(),
            Some("结论为“有风险”或“未达标”时，请说明具体情况。")
        );
        assert!(form("ok", "", "2026-03-03").parse(today).unwrap_err().to_string().contains("不能晚于今天"));
        assert!(form("bad", "", "2026-03-01").parse(today).is_err());
    }

    #[test]
    fn each_expenditure_item_is_checked_with_its_name() {
        let form = IncomeForm { year: "2025".into(), medical: "一万".into(), ..Default::default() };
        assert_eq!(
            form.parse().unwrap_err().field_message("medical").as_deref(),
            Some("医疗支出应为金额（元），最多两位小数，例如 12345.60。")
        );
    }

    #[test]
    fn masking_keeps_four_and_four() {
        assert_eq!(mask_resident_id("11010519491231002X"), "1101**********002X");
    }
}
