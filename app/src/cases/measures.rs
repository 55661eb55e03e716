//! Assistance measures (帮扶措施) by category [T][F][G][H]: each with a responsible person, start and end,
//! and status. A household's plan ("一户一方案") is the sum of the measures of its cases.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Category {
    Industry,
    Employment,
    SocialSecurity,
    TemporaryRelief,
    Education,
    Medical,
    Motivation,
    Social,
    Insurance,
    Relocation,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Industry,
        Category::Employment,
        Category::SocialSecurity,
        Category::TemporaryRelief,
        Category::Education,
        Category::Medical,
        Category::Motivation,
        Category::Social,
        Category::Insurance,
        Category::Relocation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Industry => "industry",
            Category::Employment => "employment",
            Category::SocialSecurity => "social_security",
            Category::TemporaryRelief => "temporary_relief",
            Category::Education => "education",
            Category::Medical => "medical",
            Category::Motivation => "motivation",
            Category::Social => "social",
            Category::Insurance => "insurance",
            Category::Relocation => "relocation",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Industry => "产业帮扶（培训、小额信贷、龙头企业带动）",
            Category::Employment => "就业帮扶（技能培训、转移就业、公益性岗位）",
            Category::SocialSecurity => "综合保障（低保、特困供养、养老保险）",
            Category::TemporaryRelief => "临时救助",
            Category::Education => "教育资助",
            Category::Medical => "医疗保障",
            Category::Motivation => "扶志扶智",
            Category::Social => "社会帮扶、消费帮扶",
            Category::Insurance => "防贫保险",
            Category::Relocation => "易地搬迁后续帮扶",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum MeasureStatus {
    Planned,
    InProgress,
    Done,
    Stopped,
}

impl MeasureStatus {
    pub const ALL: [MeasureStatus; 4] =
        [MeasureStatus::Planned, MeasureStatus::InProgress, MeasureStatus::Done, MeasureStatus::Stopped];

    pub fn as_str(self) -> &'static str {
        match self {
            MeasureStatus::Planned => "planned",
            MeasureStatus::InProgress => "in_progress",
            MeasureStatus::Done => "done",
            MeasureStatus::Stopped => "stopped",
        }
    }

    pub fn parse(text: &str) -> Option<MeasureStatus> {
        MeasureStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            MeasureStatus::Planned => "计划中",
            MeasureStatus::InProgress => "落实中",
            MeasureStatus::Done => "已落实",
            MeasureStatus::Stopped => "已终止",
        }
    }
}

/// A measure as its form sends it (new, or a change to `measure_id`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MeasureForm {
    /// Empty for a new measure.
    pub measure_id: String,
    pub category: String,
    pub description: String,
    pub responsible_person: String,
    /// YYYY-MM-DD
    pub start_on: String,
    /// YYYY-MM-DD, may be empty.
    pub end_on: String,
    pub status: String,
}

/// A measure, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureFields {
    pub category: Category,
    pub description: String,
    pub responsible_person: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub status: MeasureStatus,
}

impl MeasureForm {
    pub fn parse(&self) -> Result<MeasureFields, AppError> {
        let date = |field: &str, text: &str| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::validation(field, "日期应写作 2026-03-02 的形式。"))
        };
        let category =
            Category::parse(&self.category).ok_or_else(|| AppError::validation("category", "请选择帮扶措施类别。"))?;
        let description = self.description.trim().to_string();
        if description.is_empty() {
            return Err(AppError::validation("description", "请写明具体措施，例如“申请临时救助 3000 元”。"));
        }
        let responsible_person = self.responsible_person.trim().to_string();
        if responsible_person.is_empty() || responsible_person.chars().count() > 64 {
            return Err(AppError::validation("responsible_person", "请填写措施责任人（64 字以内）。"));
        }
        let start_on = date("start_on", &self.start_on)?;
        let end_on = match self.end_on.trim() {
            "" => None,
            text => Some(date("end_on", text)?),
        };
        if end_on.is_some_and(|end| end < start_on) {
            return Err(AppError::validation("end_on", "结束日期不能早于开始日期。"));
        }
        let status = MeasureStatus::parse(&self.status).unwrap_or(MeasureStatus::Planned);
        Ok(MeasureFields { category, description, responsible_person, start_on, end_on, status })
    }
}

/// A measure as pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeasureView {
    pub id: i64,
    pub case_id: i64,
    pub category: Category,
    pub category_label: String,
    pub description: String,
    pub responsible_person: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub status: MeasureStatus,
    pub status_label: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> MeasureForm {
        MeasureForm {
            category: "temporary_relief".into(),
            description: "申请临时救助 3000 元".into(),
            responsible_person: "王建国（镇民政办）".into(),
            start_on: "2026-03-02".into(),
            end_on: "2026-03-31".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_measure_needs_its_category_person_and_sensible_dates() {
        let m = form().parse().unwrap();
        assert_eq!((m.category, m.status), (Category::TemporaryRelief, MeasureStatus::Planned));
        let bad = MeasureForm { end_on: "2026-03-01".into(), ..form() };
        assert!(bad.parse().unwrap_err().field_message("end_on").is_some());
        let nobody = MeasureForm { responsible_person: " ".into(), ..form() };
        assert!(nobody.parse().unwrap_err().field_message("responsible_person").is_some());
        let unknown = MeasureForm { category: "cash".into(), ..form() };
        assert!(unknown.parse().unwrap_err().field_message("category").is_some());
    }
}
