//! Department screening (部门筛查预警) [F]: twelve departments push the warnings they find, by file
//! (.xlsx or CSV in UTF-8 or GBK) or through the JSON API with a department token. Rows are matched to
//! households by resident ID: a match opens a case (or adds to an open one of the same kind), an
//! unmatched row waits for the township to verify it (possible 应纳未纳). Each file is all-or-nothing,
//! the same file or the same warning is taken once, and every row gets a line in the report.
//! A digest per township (日汇总) goes out the next working day.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod progress;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

use crate::cases::RiskType;
use crate::error::AppError;
use crate::excel::RowIssue;

/// The twelve departments of Fujian's list and what each screens for [F].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Department {
    Education,
    Health,
    MedicalInsurance,
    Housing,
    Water,
    CivilAffairs,
    HumanResources,
    Agriculture,
    Emergency,
    PublicSecurity,
    Statistics,
    DisabledFederation,
}

impl Department {
    pub const ALL: [Department; 12] = [
        Department::Education,
        Department::Health,
        Department::MedicalInsurance,
        Department::Housing,
        Department::Water,
        Department::CivilAffairs,
        Department::HumanResources,
        Department::Agriculture,
        Department::Emergency,
        Department::PublicSecurity,
        Department::Statistics,
        Department::DisabledFederation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Department::Education => "education",
            Department::Health => "health",
            Department::MedicalInsurance => "medical_insurance",
            Department::Housing => "housing",
            Department::Water => "water",
            Department::CivilAffairs => "civil_affairs",
            Department::HumanResources => "human_resources",
            Department::Agriculture => "agriculture",
            Department::Emergency => "emergency",
            Department::PublicSecurity => "public_security",
            Department::Statistics => "statistics",
            Department::DisabledFederation => "disabled_federation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Department::Education => "教育",
            Department::Health => "卫健",
            Department::MedicalInsurance => "医保",
            Department::Housing => "住建",
            Department::Water => "水利",
            Department::CivilAffairs => "民政",
            Department::HumanResources => "人社",
            Department::Agriculture => "农业农村",
            Department::Emergency => "应急管理",
            Department::PublicSecurity => "公安",
            Department::Statistics => "统计调查",
            Department::DisabledFederation => "残联",
        }
    }

    /// What it screens for [F].
    pub fn screens(self) -> &'static str {
        match self {
            Department::Education => "辍学、教育费用负担",
            Department::Health => "大病重病",
            Department::MedicalInsurance => "医疗费用负担",
            Department::Housing => "住房安全",
            Department::Water => "饮水安全",
            Department::CivilAffairs => "低保、特困、临时救助",
            Department::HumanResources => "就业",
            Department::Agriculture => "产业",
            Department::Emergency => "灾害",
            Department::PublicSecurity => "意外事故",
            Department::Statistics => "物价与收入",
            Department::DisabledFederation => "重度残疾",
        }
    }

    /// The risk type of its warnings when a row does not say.
    pub fn default_risk(self) -> RiskType {
        match self {
            Department::Education => RiskType::Education,
            Department::Health => RiskType::Illness,
            Department::MedicalInsurance => RiskType::Medical,
            Department::Housing => RiskType::Housing,
            Department::Water => RiskType::Water,
            Department::CivilAffairs | Department::Statistics => RiskType::Income,
            Department::HumanResources => RiskType::Employment,
            Department::Agriculture => RiskType::IndustryFailure,
            Department::Emergency => RiskType::Disaster,
            Department::PublicSecurity => RiskType::Accident,
            Department::DisabledFederation => RiskType::Disability,
        }
    }

    pub fn parse(code: &str) -> Option<Department> {
        Department::ALL.into_iter().find(|d| d.as_str() == code.trim())
    }

    /// The department of a user's grant: its code, or a name that contains the department's
    /// (e.g. "区医保局" → 医保, "县卫生健康局" → 卫健).
    pub fn of_grant(text: &str) -> Option<Department> {
        let text = text.trim();
        if let Some(d) = Department::parse(text) {
            return Some(d);
        }
        let keywords: [(&str, Department); 19] = [
            ("医保", Department::MedicalInsurance),
            ("医疗保障", Department::MedicalInsurance),
            ("卫健", Department::Health),
            ("卫生", Department::Health),
            ("教育", Department::Education),
            ("教委", Department::Education),
            ("住建", Department::Housing),
            ("住房", Department::Housing),
            ("水利", Department::Water),
            ("民政", Department::CivilAffairs),
            ("人社", Department::HumanResources),
            ("人力资源", Department::HumanResources),
            ("人力社保", Department::HumanResources),
            ("社保", Department::HumanResources),
            ("农业", Department::Agriculture),
            ("应急", Department::Emergency),
            ("公安", Department::PublicSecurity),
            ("统计", Department::Statistics),
            ("残联", Department::DisabledFederation),
        ];
        keywords.into_iter().find(|(k, _)| text.contains(k)).map(|(_, d)| d)
    }
}

/// The columns of a warning file (the first two and 预警内容 are required).
pub const COLUMNS: [&str; 7] = ["身份证号", "姓名", "预警类型", "预警等级", "预警内容", "乡镇（街道）", "村（社区）"];

/// One warning as a department sends it (a file row, or an item of the JSON API).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct WarningInput {
    pub resident_id: String,
    pub name: String,
    /// A risk type's Chinese name (收入, 医疗, 住房, ...); empty: the department's usual one.
    pub risk_type: String,
    /// `红色` for a red alert; empty or `一般` otherwise.
    pub level: String,
    pub description: String,
    /// Optional: where the person lives, for rows that match no household.
    pub township: String,
    pub village: String,
}

/// A warning that passed the checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub row: usize,
    pub resident_id: String,
    pub name: String,
    pub risk_type: RiskType,
    pub red_alert: bool,
    pub description: String,
    pub township: String,
    pub village: String,
}

impl WarningInput {
    /// Check a row; `row` is its number in the report.
    pub fn parse(&self, row: usize, department: Department) -> Result<Warning, RowIssue> {
        let issue = |message: String| RowIssue { row, message };
        if self.resident_id.starts_with("#NUMBER:") {
            return Err(issue("身份证号被 Excel 存成了数字，末几位已丢失：请将该列设为“文本”后重新导出。".into()));
        }
        let id =
            crate::households::ResidentId::parse(&self.resident_id).map_err(|e| issue(format!("身份证号：{e}")))?;
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 32 {
            return Err(issue("姓名为空或过长。".into()));
        }
        let risk_type = match self.risk_type.trim() {
            "" => department.default_risk(),
            text => risk_type_named(text).ok_or_else(|| {
                issue(format!(
                    "预警类型“{text}”无法识别，应为：{}。",
                    RiskType::ALL.iter().map(|t| t.label()).collect::<Vec<_>>().join("、")
                ))
            })?,
        };
        let red_alert = match self.level.trim() {
            "" | "一般" | "黄色" | "橙色" => false,
            "红色" | "红" | "red" => true,
            other => return Err(issue(format!("预警等级“{other}”无法识别，应为“红色”或“一般”。"))),
        };
        let description = self.description.trim();
        if description.is_empty() {
            return Err(issue("预警内容为空：请写明发现的情况。".into()));
        }
        if description.chars().count() > 500 {
            return Err(issue("预警内容不超过 500 字。".into()));
        }
        Ok(Warning {
            row,
            resident_id: id.as_str().to_string(),
            name: name.into(),
            risk_type,
            red_alert,
            description: description.into(),
            township: self.township.trim().into(),
            village: self.village.trim().into(),
        })
    }
}

/// A risk type by its name in the system, its code, or the short word departments use (医疗, 住房...).
fn risk_type_named(text: &str) -> Option<RiskType> {
    const WORDS: [(&str, RiskType); 13] = [
        ("收入", RiskType::Income),
        ("教育", RiskType::Education),
        ("辍学", RiskType::Education),
        ("医疗", RiskType::Medical),
        ("住房", RiskType::Housing),
        ("饮水", RiskType::Water),
        ("大病", RiskType::Illness),
        ("残疾", RiskType::Disability),
        ("灾害", RiskType::Disaster),
        ("意外", RiskType::Accident),
        ("事故", RiskType::Accident),
        ("就业", RiskType::Employment),
        ("产业", RiskType::IndustryFailure),
    ];
    RiskType::ALL
        .into_iter()
        .find(|t| t.label() == text || t.as_str() == text)
        .or_else(|| WORDS.into_iter().find(|(w, _)| *w == text).map(|(_, t)| t))
}

/// What one file or API call did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScreeningReport {
    pub batch_id: i64,
    pub department: String,
    pub file_name: String,
    /// `running`, `applied`, `rejected` (nothing taken: see the errors), `duplicate` (this file was
    /// taken before), `interrupted` (the server stopped part-way; nothing was taken) or `failed`.
    pub outcome: String,
    pub encoding: String,
    pub rows: usize,
    pub cases_opened: usize,
    pub cases_updated: usize,
    pub unmatched: usize,
    /// Warnings received before (in an earlier file or call): left alone.
    pub repeated: usize,
    /// Row by row: what happened (or, for a rejected file, what is wrong).
    pub lines: Vec<RowIssue>,
    pub errors: Vec<RowIssue>,
    pub at: String,
    pub by: String,
    /// For a running import: rows done so far, when this server is the one running it.
    pub done: Option<usize>,
}

impl ScreeningReport {
    pub fn outcome_label(&self) -> &'static str {
        match self.outcome.as_str() {
            "running" => "正在导入……",
            "applied" => "已导入",
            "rejected" => "未导入：文件中有错误，请按行修正后重新上传",
            "duplicate" => "此文件此前已导入，本次未作任何改动",
            "interrupted" => "导入被中断（服务器重启），未作任何改动，请重新上传",
            "failed" => "导入失败，未作任何改动，请稍后重新上传",
            _ => "未知",
        }
    }
}

/// A warning nobody matched, for the township to verify.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnmatchedView {
    pub id: i64,
    pub department_label: String,
    /// Masked unless the viewer may see ID numbers.
    pub resident_id: String,
    pub name: String,
    pub risk_type_label: String,
    pub red_alert: bool,
    pub description: String,
    pub org_name: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub resolution: Option<String>,
}

/// Parse the API's or a form's department code.
pub fn department(code: &str) -> Result<Department, AppError> {
    Department::parse(code).ok_or_else(|| AppError::validation("department", "请选择预警来源部门。"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(id: &str, kind: &str, level: &str, text: &str) -> WarningInput {
        WarningInput {
            resident_id: id.into(),
            name: "张三".into(),
            risk_type: kind.into(),
            level: level.into(),
            description: text.into(),
            ..Default::default()
        }
    }

    #[test]
    fn rows_are_checked_with_reasons() {
        let ok = input("11010519491231002X", "", "红色", "住院自付 5.2 万元")
            .parse(2, Department::MedicalInsurance)
            .unwrap();
        assert_eq!(ok.risk_type, RiskType::Medical, "the department's usual type");
        assert!(ok.red_alert);
        let bad_id = input("110105194912310021", "", "", "x").parse(3, Department::Health).unwrap_err();
        assert!(bad_id.message.starts_with("身份证号"), "{}", bad_id.message);
        let numeric = input("#NUMBER:1.1e17", "", "", "x").parse(4, Department::Health).unwrap_err();
        assert!(numeric.message.contains("存成了数字"));
        let kind = input("11010519491231002X", "天灾", "", "x").parse(5, Department::Health).unwrap_err();
        assert!(kind.message.contains("预警类型“天灾”无法识别"));
        let empty = input("11010519491231002X", "", "", " ").parse(6, Department::Health).unwrap_err();
        assert_eq!(empty.row, 6);
    }

    #[test]
    fn grants_name_their_department() {
        assert_eq!(Department::of_grant("区医保局"), Some(Department::MedicalInsurance));
        assert_eq!(Department::of_grant("县卫生健康局"), Some(Department::Health));
        assert_eq!(Department::of_grant("education"), Some(Department::Education));
        // The demo county's departments.
        assert_eq!(Department::of_grant("区教委"), Some(Department::Education));
        assert_eq!(Department::of_grant("区人力社保局"), Some(Department::HumanResources));
        assert_eq!(Department::of_grant("区住房城乡建委"), Some(Department::Housing));
        assert_eq!(Department::of_grant("医保"), Some(Department::MedicalInsurance));
        assert_eq!(Department::of_grant("区融媒体中心"), None);
    }
}
