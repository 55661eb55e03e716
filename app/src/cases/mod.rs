//! Every risk is a case [F][T][H]: a household (or a unit), where the risk was found, what it is, an
//! owner, a deadline, and a lifecycle whose every step is recorded. The lifecycle's rules are in
//! `lifecycle.rs`; persistence, scope and audit in `service.rs`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod deadlines;
pub mod lifecycle;
pub mod measures;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use lifecycle::Status;

/// Where a risk was found ("Finding risks" in DOMAIN.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Source {
    SelfReport,
    Visit,
    GroupLeader,
    Department,
    MediaPetition,
    Meeting,
    Supervision,
    DarkVisit,
    CrossCheck,
}

impl Source {
    pub const ALL: [Source; 9] = [
        Source::SelfReport,
        Source::Visit,
        Source::GroupLeader,
        Source::Department,
        Source::MediaPetition,
        Source::Meeting,
        Source::Supervision,
        Source::DarkVisit,
        Source::CrossCheck,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::SelfReport => "self_report",
            Source::Visit => "visit",
            Source::GroupLeader => "group_leader",
            Source::Department => "department",
            Source::MediaPetition => "media_petition",
            Source::Meeting => "meeting",
            Source::Supervision => "supervision",
            Source::DarkVisit => "dark_visit",
            Source::CrossCheck => "cross_check",
        }
    }

    pub fn parse(text: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::SelfReport => "农户主动申报",
            Source::Visit => "干部走访排查",
            Source::GroupLeader => "村民小组长日常排查",
            Source::Department => "部门筛查预警",
            Source::MediaPetition => "媒体或信访",
            Source::Meeting => "研判会议",
            Source::Supervision => "专项督查",
            Source::DarkVisit => "暗访或后评估",
            Source::CrossCheck => "交叉检查",
        }
    }

    /// Risks the unit found itself, solved in time, are not counted against anyone [Y].
    pub fn found_by_unit(self) -> bool {
        matches!(self, Source::SelfReport | Source::Visit | Source::GroupLeader | Source::Meeting)
    }
}

/// What the risk is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RiskType {
    Income,
    Food,
    Clothing,
    Education,
    Medical,
    Housing,
    Water,
    Illness,
    Disability,
    Disaster,
    Accident,
    Employment,
    IndustryFailure,
    Other,
}

impl RiskType {
    pub const ALL: [RiskType; 14] = [
        RiskType::Income,
        RiskType::Food,
        RiskType::Clothing,
        RiskType::Education,
        RiskType::Medical,
        RiskType::Housing,
        RiskType::Water,
        RiskType::Illness,
        RiskType::Disability,
        RiskType::Disaster,
        RiskType::Accident,
        RiskType::Employment,
        RiskType::IndustryFailure,
        RiskType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskType::Income => "income",
            RiskType::Food => "food",
            RiskType::Clothing => "clothing",
            RiskType::Education => "education",
            RiskType::Medical => "medical",
            RiskType::Housing => "housing",
            RiskType::Water => "water",
            RiskType::Illness => "illness",
            RiskType::Disability => "disability",
            RiskType::Disaster => "disaster",
            RiskType::Accident => "accident",
            RiskType::Employment => "employment",
            RiskType::IndustryFailure => "industry_failure",
            RiskType::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<RiskType> {
        RiskType::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            RiskType::Income => "收入骤减或支出骤增",
            RiskType::Food => "不愁吃",
            RiskType::Clothing => "不愁穿",
            RiskType::Education => "义务教育（辍学）",
            RiskType::Medical => "基本医疗",
            RiskType::Housing => "住房安全",
            RiskType::Water => "饮水安全",
            RiskType::Illness => "因病",
            RiskType::Disability => "因残",
            RiskType::Disaster => "因灾",
            RiskType::Accident => "因意外",
            RiskType::Employment => "务工就业",
            RiskType::IndustryFailure => "产业失败",
            RiskType::Other => "其他",
        }
    }

    /// The risk type behind a red-alert reason: income below the red-alert line, or a failed
    /// 两不愁三保障 item. Other reasons raise no red alert.
    pub fn of_red_alert(kind: crate::risk::RiskKind) -> Option<RiskType> {
        use crate::risk::RiskKind;
        matches!(kind, RiskKind::BelowRedAlertLine | RiskKind::SecurityFailed(_)).then(|| RiskType::of_flag(kind))
    }

    /// The risk type a reason of the rules points to: the 两不愁三保障 item, income for the income
    /// tests, and "other" for a typical feature.
    pub fn of_flag(kind: crate::risk::RiskKind) -> RiskType {
        use crate::risk::{RiskKind, SecurityItem};
        match kind {
            RiskKind::SecurityFailed(item) | RiskKind::SecurityAtRisk(item) => match item {
                SecurityItem::Food => RiskType::Food,
                SecurityItem::Clothing => RiskType::Clothing,
                SecurityItem::Education => RiskType::Education,
                SecurityItem::Medical => RiskType::Medical,
                SecurityItem::Housing => RiskType::Housing,
                SecurityItem::Water => RiskType::Water,
            },
            RiskKind::BelowRedAlertLine
            | RiskKind::BelowMonitoringLine
            | RiskKind::BelowWarningLine
            | RiskKind::RigidExpenditureExceedsIncome
            | RiskKind::IncomeDrop => RiskType::Income,
            RiskKind::TypicalFeature(_) => RiskType::Other,
        }
    }
}

/// A new case as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewCaseForm {
    /// The household's code.
    pub household: String,
    pub source: String,
    pub risk_type: String,
    pub description: String,
    /// Present (any value) for a red alert.
    pub red_alert: Option<String>,
    /// The owner: a user id; empty means the household's monitoring contact, or the one registering.
    pub owner_user_id: String,
    pub department: String,
    pub responsible_person: String,
    /// YYYY-MM-DD: a deadline set by a meeting or supervision; empty means the policy's initial review limit.
    pub deadline: String,
}

/// A case in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    pub id: i64,
    pub household_code: Option<String>,
    pub household_head: Option<String>,
    pub org_name: String,
    pub source_label: String,
    pub risk_type_label: String,
    pub red_alert: bool,
    pub status: Status,
    pub status_label: String,
    pub owner_name: String,
    pub deadline: NaiveDate,
    /// Past its deadline and still open.
    pub overdue: bool,
    pub description: String,
}

/// One step in a case's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseEventView {
    pub id: i64,
    /// The step's code (`create`, `include`, `evidence`, ...).
    pub action: String,
    pub action_label: String,
    pub status_label: String,
    pub note: String,
    pub deadline: Option<NaiveDate>,
    pub actor: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A case with everything about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub department: String,
    pub responsible_person: String,
    pub found_by_unit: bool,
    /// The steps open to the caller now, as action codes.
    pub next_actions: Vec<String>,
    pub measures: Vec<measures::MeasureView>,
    /// The caller may add and change measures now.
    pub may_work_measures: bool,
    /// Photos and documents (佐证资料), withdrawn ones included.
    pub evidence: Vec<crate::evidence::EvidenceView>,
    /// The caller may upload evidence to this case.
    pub may_attach: bool,
    pub events: Vec<CaseEventView>,
    /// The supervision finding this case rectifies, if a round handed it over.
    pub rectifies: Option<RectifiedFinding>,
    /// The cross-check problem this case was handed over for, if a township handed one over.
    #[serde(default)]
    pub checked: Option<CheckedProblem>,
}

/// The cross-check problem a case was handed over for: the check, the problem, and the sheet that found it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckedProblem {
    pub check_title: String,
    pub problem: String,
    /// The sheet's page is `/cross-checks/units/{unit_id}`.
    pub unit_id: i64,
    pub found_on: chrono::NaiveDate,
}

/// The supervision finding a rectification case was opened for: where to see it, and the day it was found
/// (the case's evidence may not be dated before it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RectifiedFinding {
    pub round_id: i64,
    pub finding_id: i64,
    pub round_title: String,
    pub item: String,
    pub found_on: chrono::NaiveDate,
}

/// Which cases a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[serde(default)]
pub struct CaseFilter {
    /// `mine`, `overdue`, `due_week`, `red`, or empty for every case in scope.
    pub view: Option<String>,
    pub status: Option<String>,
    pub source: Option<String>,
    pub risk_type: Option<String>,
    /// A household code: its cases only.
    pub household: Option<String>,
    /// A unit's code: the cases of that unit and the units below it.
    pub within: Option<String>,
}

/// One page of cases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CasePageView {
    pub total: u64,
    pub page: u64,
    pub items: Vec<CaseSummary>,
}

/// Hand one case, or all open cases of one owner, to another owner.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReassignForm {
    /// One case's id; empty: every open case of `from_user_id` in the caller's units.
    pub case_id: String,
    pub from_user_id: String,
    pub to_user_id: String,
    pub reason: String,
}

/// The numbers on the start page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCounts {
    pub mine_open: u64,
    pub mine_overdue: u64,
    pub due_week: u64,
    /// Overdue in the caller's whole scope (a township sees its villages').
    pub overdue: u64,
}
