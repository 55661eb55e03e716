//! 专项督查 [Y] 三（四）"每半年实施一次专项工作督查…街道纪（工）委牵头，经发办会同相关部门…进行问题交办": rounds
//! of semiannual supervision by a discipline team, their findings with the facts behind them, the hand-over of
//! each finding as a rectification case (问题交办 → 整改), and its closing by an independent re-check (复核 →
//! 销号). The rules are here; persistence, scope and audit in `service`.

pub mod api;
mod finding_pages;
mod followup_pages;
mod forms;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
mod views;

pub use forms::{
    FindingFields, FindingForm, FollowUpDrawForm, HandOverForm, Origin, RecheckForm, RoundFields, RoundForm,
};
pub use views::{
    Fact, FactGroup, FindingView, FollowUpItem, FollowUpView, PlanningOptions, RoundMember, RoundSummary, RoundView,
    SimilarProblems, SimilarUnit, UnitOption, UnitTally, Workpaper,
};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Which half of a year a round covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Half {
    First,
    Second,
}

impl Half {
    pub fn as_str(self) -> &'static str {
        match self {
            Half::First => "h1",
            Half::Second => "h2",
        }
    }

    pub fn parse(text: &str) -> Option<Half> {
        [Half::First, Half::Second].into_iter().find(|h| h.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Half::First => "上半年",
            Half::Second => "下半年",
        }
    }
}

/// Where a round stands: 计划中 → 实施中 → 整改中 → 已完成.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RoundStatus {
    Planned,
    Active,
    Rectifying,
    Completed,
}

impl RoundStatus {
    pub const ALL: [RoundStatus; 4] =
        [RoundStatus::Planned, RoundStatus::Active, RoundStatus::Rectifying, RoundStatus::Completed];

    pub fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Planned => "planned",
            RoundStatus::Active => "active",
            RoundStatus::Rectifying => "rectifying",
            RoundStatus::Completed => "completed",
        }
    }

    pub fn parse(text: &str) -> Option<RoundStatus> {
        RoundStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            RoundStatus::Planned => "计划中",
            RoundStatus::Active => "实施中",
            RoundStatus::Rectifying => "整改中",
            RoundStatus::Completed => "已完成",
        }
    }

    /// The step that moves a round on from here, as its form code and label.
    pub fn next_step(self) -> Option<(&'static str, &'static str)> {
        match self {
            RoundStatus::Planned => Some(("start", "开始实施")),
            RoundStatus::Active => Some(("rectify", "结束检查，进入整改")),
            RoundStatus::Rectifying => Some(("complete", "完成本轮督查")),
            RoundStatus::Completed => None,
        }
    }
}

/// Move a round on by the step `code`; completing needs every finding closed or carried over
/// (`open_findings` is how many are not).
pub fn round_step(current: RoundStatus, code: &str, open_findings: u64) -> Result<RoundStatus, AppError> {
    let Some((expected, label)) = current.next_step() else {
        return Err(AppError::Conflict("本轮督查已完成。".into()));
    };
    if code != expected {
        return Err(AppError::Conflict(format!("本轮督查当前为“{}”，下一步是“{label}”。", current.label())));
    }
    Ok(match current {
        RoundStatus::Planned => RoundStatus::Active,
        RoundStatus::Active => RoundStatus::Rectifying,
        _ if open_findings > 0 => {
            return Err(AppError::Conflict(format!(
                "还有 {open_findings} 个问题未销号，也未结转：全部销号或写明理由结转后，才能完成本轮督查。"
            )));
        }
        _ => RoundStatus::Completed,
    })
}

/// The share of handed-over problems closed by their deadline, as the summary prints it ("75%", or "—" before
/// any was handed over).
pub fn on_time_rate(closed_on_time: u64, handed_over: u64) -> String {
    match handed_over {
        0 => "—".into(),
        n => format!("{}%", (closed_on_time * 100 + n / 2) / n),
    }
}

/// How a finding was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Method {
    LedgerCheck,
    HomeCheck,
    DarkVisit,
    PostEvaluation,
    Superior,
}

impl Method {
    pub const ALL: [Method; 5] =
        [Method::LedgerCheck, Method::HomeCheck, Method::DarkVisit, Method::PostEvaluation, Method::Superior];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::LedgerCheck => "ledger_check",
            Method::HomeCheck => "home_check",
            Method::DarkVisit => "dark_visit",
            Method::PostEvaluation => "post_evaluation",
            Method::Superior => "superior",
        }
    }

    pub fn parse(text: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::LedgerCheck => "台账检查",
            Method::HomeCheck => "入户核查",
            Method::DarkVisit => "暗访",
            Method::PostEvaluation => "后评估",
            Method::Superior => "上级督查",
        }
    }
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Severity {
    Minor,
    Serious,
    Grave,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Minor, Severity::Serious, Severity::Grave];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Serious => "serious",
            Severity::Grave => "grave",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Minor => "一般",
            Severity::Serious => "较重",
            Severity::Grave => "严重",
        }
    }
}

/// Where a finding stands: recorded (待交办), corrected on the spot (立行立改), handed over and being
/// rectified (整改中), submitted for re-check (待复核), closed after the re-check (已销号), or carried over
/// to a later round with a reason (已结转).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum FindingStatus {
    Recorded,
    CorrectedOnSpot,
    HandedOver,
    AwaitingRecheck,
    Closed,
    CarriedOver,
}

impl FindingStatus {
    pub const ALL: [FindingStatus; 6] = [
        FindingStatus::Recorded,
        FindingStatus::CorrectedOnSpot,
        FindingStatus::HandedOver,
        FindingStatus::AwaitingRecheck,
        FindingStatus::Closed,
        FindingStatus::CarriedOver,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Recorded => "recorded",
            FindingStatus::CorrectedOnSpot => "corrected_on_spot",
            FindingStatus::HandedOver => "handed_over",
            FindingStatus::AwaitingRecheck => "awaiting_recheck",
            FindingStatus::Closed => "closed",
            FindingStatus::CarriedOver => "carried_over",
        }
    }

    pub fn parse(text: &str) -> Option<FindingStatus> {
        FindingStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            FindingStatus::Recorded => "待交办",
            FindingStatus::CorrectedOnSpot => "立行立改",
            FindingStatus::HandedOver => "整改中",
            FindingStatus::AwaitingRecheck => "待复核",
            FindingStatus::Closed => "已销号",
            FindingStatus::CarriedOver => "已结转",
        }
    }

    /// Still keeps its round from completing.
    pub fn is_open(self) -> bool {
        matches!(self, FindingStatus::Recorded | FindingStatus::HandedOver | FindingStatus::AwaitingRecheck)
    }

    /// The stored codes of the open statuses (for queries).
    pub fn open_codes() -> Vec<&'static str> {
        FindingStatus::ALL.into_iter().filter(|s| s.is_open()).map(FindingStatus::as_str).collect()
    }
}

/// What a follow-up check (回头看) of an earlier round's closed finding found: the rectification holds, or the
/// problem is back (反弹), which is then a finding of the round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum FollowUpResult {
    Holds,
    Relapsed,
}

impl FollowUpResult {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpResult::Holds => "holds",
            FollowUpResult::Relapsed => "relapsed",
        }
    }

    pub fn parse(text: &str) -> Option<FollowUpResult> {
        [FollowUpResult::Holds, FollowUpResult::Relapsed].into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            FollowUpResult::Holds => "整改到位，未反弹",
            FollowUpResult::Relapsed => "问题反弹",
        }
    }
}

/// Who the re-check (复核) may not be done by: anyone outside the round, the person who rectified (the case
/// owner, or whoever submitted it), or anyone holding a role in the rectified unit.
pub fn recheck_refusal(is_member: bool, rectified_it: bool, from_the_unit: bool) -> Option<&'static str> {
    if !is_member {
        Some("复核应由本轮督查组成员办理。")
    } else if rectified_it {
        Some("整改责任人或提交整改的人不能复核自己的整改。")
    } else if from_the_unit {
        Some("被督查单位的人员不能复核本单位的整改，请由督查组其他成员复核。")
    } else {
        None
    }
}

/// Whether a finding is overdue on `today`: still open past its rectification deadline, unless the unit
/// submitted its rectification by the deadline and it only waits for the team's re-check (the wait is then
/// the team's, not the unit's).
pub fn is_overdue(
    status: FindingStatus,
    deadline: NaiveDate,
    submitted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    let waiting_for_team = status == FindingStatus::AwaitingRecheck && submitted_on.is_some_and(|d| d <= deadline);
    status.is_open() && deadline < today && !waiting_for_team
}

#[cfg(test)]
mod tests;
