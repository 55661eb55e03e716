//! Spreadsheets in and out: the ledgers and Huoshan's six rosters as .xlsx [Y][H], and households with
//! their members imported from .xlsx or .csv (UTF-8 or GBK/GB18030) with a row-by-row report.

#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod import;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod workbook;

use serde::{Deserialize, Serialize};

use crate::policy::RosterGroup;

/// The forms that export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Roster {
    /// 监测对象台账: identified monitoring objects [T][Y].
    MonitoringLedger,
    /// 预警对象台账: households in the warning band [Y].
    WarningLedger,
    /// [H] 边缘户动态调整表
    EdgeAdjustment,
    /// [H] 脱贫监测户动态调整表
    MonitoredAdjustment,
    /// [H] 边缘户摸底表
    EdgeSurvey,
    /// [H] 脱贫监测户摸底表
    MonitoredSurvey,
    /// [H] 不享受政策脱贫户花名册
    WithoutPolicyRoll,
    /// [H] 享受政策脱贫户花名册
    WithPolicyRoll,
}

/// How a roster lays out its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One row per household with its risks.
    Ledger,
    /// One row per household with its adjustment (纳入 / 风险消除) this year.
    Adjustment,
    /// One row per member.
    Members,
}

impl Roster {
    pub const ALL: [Roster; 8] = [
        Roster::MonitoringLedger,
        Roster::WarningLedger,
        Roster::EdgeAdjustment,
        Roster::MonitoredAdjustment,
        Roster::EdgeSurvey,
        Roster::MonitoredSurvey,
        Roster::WithoutPolicyRoll,
        Roster::WithPolicyRoll,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Roster::MonitoringLedger => "monitoring-ledger",
            Roster::WarningLedger => "warning-ledger",
            Roster::EdgeAdjustment => "edge-adjustment",
            Roster::MonitoredAdjustment => "monitored-adjustment",
            Roster::EdgeSurvey => "edge-survey",
            Roster::MonitoredSurvey => "monitored-survey",
            Roster::WithoutPolicyRoll => "without-policy-roll",
            Roster::WithPolicyRoll => "with-policy-roll",
        }
    }

    pub fn parse(slug: &str) -> Option<Roster> {
        Roster::ALL.into_iter().find(|r| r.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            Roster::MonitoringLedger => "监测对象台账",
            Roster::WarningLedger => "预警对象台账",
            Roster::EdgeAdjustment => "边缘户动态调整表",
            Roster::MonitoredAdjustment => "脱贫监测户动态调整表",
            Roster::EdgeSurvey => "边缘户摸底表",
            Roster::MonitoredSurvey => "脱贫监测户摸底表",
            Roster::WithoutPolicyRoll => "不享受政策脱贫户花名册",
            Roster::WithPolicyRoll => "享受政策脱贫户花名册",
        }
    }

    pub fn layout(self) -> Layout {
        match self {
            Roster::MonitoringLedger | Roster::WarningLedger => Layout::Ledger,
            Roster::EdgeAdjustment | Roster::MonitoredAdjustment => Layout::Adjustment,
            Roster::EdgeSurvey | Roster::MonitoredSurvey | Roster::WithoutPolicyRoll | Roster::WithPolicyRoll => {
                Layout::Members
            }
        }
    }

    /// The class of households a Huoshan roster lists; which monitoring classes belong to it is the policy's
    /// (each category names its roster group). Ledgers select by status or evaluation instead.
    pub fn group(self) -> Option<RosterGroup> {
        match self {
            Roster::MonitoringLedger | Roster::WarningLedger => None,
            Roster::EdgeAdjustment | Roster::EdgeSurvey => Some(RosterGroup::Edge),
            Roster::MonitoredAdjustment | Roster::MonitoredSurvey => Some(RosterGroup::Monitored),
            Roster::WithoutPolicyRoll => Some(RosterGroup::WithoutPolicy),
            Roster::WithPolicyRoll => Some(RosterGroup::WithPolicy),
        }
    }
}

/// One refused or skipped row of an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RowIssue {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub message: String,
}

/// What an import did, row by row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub batch_id: i64,
    pub file_name: String,
    /// `applied`, `rejected` (nothing imported: see the errors) or `duplicate` (this file was imported before).
    pub outcome: String,
    /// Text encoding of a CSV file as detected (UTF-8 or GB18030), or "xlsx".
    pub encoding: String,
    pub rows: usize,
    pub households_created: usize,
    pub members_created: usize,
    pub errors: Vec<RowIssue>,
    /// Rows left alone (a person already registered), with why.
    pub skipped: Vec<RowIssue>,
    pub at: String,
    pub by: String,
}

impl ImportReport {
    pub fn outcome_label(&self) -> &'static str {
        match self.outcome.as_str() {
            "applied" => "已导入",
            "rejected" => "未导入：文件中有错误，请按行修正后重新上传",
            "duplicate" => "此文件此前已导入，本次未作任何改动",
            _ => "未知",
        }
    }
}

/// Columns a sheet made before they were added may lack: every member then lives with the household and
/// names no guardian.
pub const OPTIONAL_IMPORT_COLUMNS: [&str; 3] = ["是否共同生活", "法定监护人或赡养人", "儿童情况"];

/// The import's columns, in the order of the template.
pub const IMPORT_COLUMNS: [&str; 15] = [
    "户号",
    "村组代码",
    "家庭住址",
    "联系电话",
    "住房类型",
    "姓名",
    "身份证号",
    "与户主关系",
    "劳动能力",
    "健康状况",
    "在校情况",
    "是否共同生活",
    "共同生活情况",
    "法定监护人或赡养人",
    "儿童情况",
];
