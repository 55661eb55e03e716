//! Monthly judgment meetings [Y]: each village's 村级研判会 (chaired by its Party secretary) and each
//! township's 镇街联席研判会 (chaired by the leader in charge). The agenda is built from the month's facts,
//! the chair shapes it, decisions open or update cases in the same transaction and a village item can be
//! escalated to the township; the recorder finalises, the chair signs, and the minutes are then locked
//! (dated addenda only) and printed.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problems};

/// Where a meeting stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum MeetingStatus {
    /// The agenda is being prepared and the meeting held: items, attendance and decisions change.
    Preparing,
    /// The recorder has finalised the minutes; the chair signs them.
    Finalised,
    /// Signed by the chair: locked, changed only by dated addenda.
    Signed,
}

impl MeetingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingStatus::Preparing => "preparing",
            MeetingStatus::Finalised => "finalised",
            MeetingStatus::Signed => "signed",
        }
    }

    pub fn parse(text: &str) -> Option<MeetingStatus> {
        [MeetingStatus::Preparing, MeetingStatus::Finalised, MeetingStatus::Signed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            MeetingStatus::Preparing => "准备和召开中",
            MeetingStatus::Finalised => "记录已定稿，待主持人签发",
            MeetingStatus::Signed => "已签发（记录锁定）",
        }
    }
}

/// Why an item is on the agenda.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ItemKind {
    /// A decision of an earlier meeting whose deadline fell due.
    FollowUp,
    /// Handed down by the township's joint meeting (village meetings).
    HandedDown,
    /// A risk registered this month (red alerts and department warnings among them).
    NewRisk,
    /// A household the system rates a red alert with no open case.
    RedAlert,
    OverdueCase,
    OpenCase,
    /// A problem found on a visit this month that opened no case.
    VisitFinding,
    /// A household waiting for the village's verification and democratic appraisal.
    Appraisal,
    /// A household whose identification or elimination waits for the township's review (township meetings).
    Review,
    /// Escalated by a village meeting (township meetings).
    Escalated,
    /// Added by the chair.
    Manual,
}

impl ItemKind {
    /// Every kind, in the order an agenda lists them.
    pub const ALL: [ItemKind; 11] = [
        ItemKind::FollowUp,
        ItemKind::HandedDown,
        ItemKind::NewRisk,
        ItemKind::RedAlert,
        ItemKind::OverdueCase,
        ItemKind::OpenCase,
        ItemKind::VisitFinding,
        ItemKind::Appraisal,
        ItemKind::Review,
        ItemKind::Escalated,
        ItemKind::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::FollowUp => "follow_up",
            ItemKind::HandedDown => "handed_down",
            ItemKind::NewRisk => "new_risk",
            ItemKind::RedAlert => "red_alert",
            ItemKind::OverdueCase => "overdue_case",
            ItemKind::OpenCase => "open_case",
            ItemKind::VisitFinding => "visit_finding",
            ItemKind::Appraisal => "appraisal",
            ItemKind::Review => "review",
            ItemKind::Escalated => "escalated",
            ItemKind::Manual => "manual",
        }
    }

    pub fn parse(text: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemKind::FollowUp => "上次研判决定到期",
            ItemKind::HandedDown => "镇街交办",
            ItemKind::NewRisk => "本月新发现风险",
            ItemKind::RedAlert => "红色预警未立案",
            ItemKind::OverdueCase => "逾期未办结案件",
            ItemKind::OpenCase => "在办案件",
            ItemKind::VisitFinding => "走访发现问题",
            ItemKind::Appraisal => "待民主评议",
            ItemKind::Review => "待镇街审核",
            ItemKind::Escalated => "村级研判提交",
            ItemKind::Manual => "主持人增加",
        }
    }
}

/// What a decision does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ItemAction {
    /// Recorded only.
    Note,
    /// Open a case for the item's household.
    OpenCase,
    /// Set the item's case's department, responsible person, deadline (and owner).
    UpdateCase,
    /// Hand the item to the township's joint meeting (village meetings).
    Escalate,
    /// Record the democratic appraisal of the household's identification or elimination: passed.
    AppraisalPassed,
    /// … not passed.
    AppraisalFailed,
}

impl ItemAction {
    pub const ALL: [ItemAction; 6] = [
        ItemAction::Note,
        ItemAction::OpenCase,
        ItemAction::UpdateCase,
        ItemAction::Escalate,
        ItemAction::AppraisalPassed,
        ItemAction::AppraisalFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemAction::Note => "note",
            ItemAction::OpenCase => "open_case",
            ItemAction::UpdateCase => "update_case",
            ItemAction::Escalate => "escalate",
            ItemAction::AppraisalPassed => "appraisal_passed",
            ItemAction::AppraisalFailed => "appraisal_failed",
        }
    }

    pub fn parse(text: &str) -> Option<ItemAction> {
        ItemAction::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemAction::Note => "仅记录研判结论",
            ItemAction::OpenCase => "立案（登记风险案件）",
            ItemAction::UpdateCase => "更新案件的整改部门、责任人、期限",
            ItemAction::Escalate => "提交镇街联席研判会议",
            ItemAction::AppraisalPassed => "民主评议通过（办理识别纳入或风险消除的村级核实）",
            ItemAction::AppraisalFailed => "民主评议未通过",
        }
    }
}

/// Whether an item's democratic appraisal is recorded: it has moved the household's procedure, so its
/// result stays.
pub fn appraisal_recorded(decided: bool, action: Option<ItemAction>) -> bool {
    decided && matches!(action, Some(ItemAction::AppraisalPassed | ItemAction::AppraisalFailed))
}

/// Whether an item's decision has acted outside the meeting (opened or updated a case, or moved a
/// household's procedure): such an item stays on the agenda; its decision can be corrected, not dropped.
pub fn carried_out(decided: bool, action: Option<ItemAction>, result_case_id: Option<i64>) -> bool {
    result_case_id.is_some()
        || appraisal_recorded(decided, action)
        || (decided && action == Some(ItemAction::UpdateCase))
}

/// One person of the unit's roster and whether they attended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Attendee {
    pub user_id: i64,
    pub name: String,
    pub role: String,
    pub present: bool,
    /// Why an absent person was absent.
    pub reason: String,
}

/// An agenda item as the meeting page shows it (hashable: the page redraws an item when it changes).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemView {
    pub id: i64,
    pub position: i32,
    pub kind: ItemKind,
    pub case_id: Option<i64>,
    pub household_code: Option<String>,
    pub title: String,
    pub facts: String,
    pub dropped: bool,
    pub drop_reason: String,
    pub analysis: String,
    pub decision: String,
    pub action: Option<ItemAction>,
    pub department: String,
    pub responsible_person: String,
    pub deadline: Option<NaiveDate>,
    pub owner_user_id: Option<i64>,
    pub owner_name: Option<String>,
    /// Who may own the case the decision opens or updates: the people over the item's household (its
    /// village's cadres at a township meeting too), else over the meeting's unit.
    pub owners: Vec<crate::households::CadreOption>,
    pub result_case_id: Option<i64>,
    pub decided: bool,
}

impl MeetingView {
    /// "石桥村 2026年3月 村级研判会议".
    pub fn heading(&self) -> String {
        format!("{} {} {}", self.org_name, month_label(&self.month), self.title)
    }
}

/// A month as stored ("2026-03") in Chinese ("2026年3月"); other text as it is.
pub fn month_label(month: &str) -> String {
    match month.split_once('-').map(|(y, m)| (y, m.parse::<u32>())) {
        Some((year, Ok(m))) => format!("{year}年{m}月"),
        _ => month.to_string(),
    }
}

impl ItemView {
    /// Where the item stands, as its badge says: 不列入研判, 已立案 (its decision opened a case), 已研判
    /// or 待研判.
    pub fn state_label(&self) -> &'static str {
        match (self.dropped, self.result_case_id, self.decided) {
            (true, _, _) => "不列入研判",
            (false, Some(_), _) => "已立案",
            (false, None, true) => "已研判",
            (false, None, false) => "待研判",
        }
    }
}

/// A dated addendum to signed minutes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingAddendum {
    pub at: String,
    pub by: String,
    pub text: String,
}

/// A meeting with everything its page needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingView {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    /// 村级研判会议 or 镇街联席研判会议.
    pub title: String,
    pub township: bool,
    pub month: String,
    pub status: MeetingStatus,
    pub held_on: Option<NaiveDate>,
    pub place: String,
    pub chair: Option<String>,
    pub recorder: Option<String>,
    pub recorder_user_id: Option<i64>,
    /// When the chair signed (Beijing time), once signed.
    pub signed_at: Option<String>,
    /// Why the chair sent the minutes back, while the recorder has not finalised them again.
    pub sent_back_reason: String,
    /// Who may be named recorder: the unit's staff on the roster other than the chair's role.
    pub recorders: Vec<Attendee>,
    pub attendance: Vec<Attendee>,
    pub guests: String,
    pub items: Vec<ItemView>,
    pub addenda: Vec<MeetingAddendum>,
    /// The caller may change the agenda, attendance and decisions (chair or recorder, while preparing).
    pub may_edit: bool,
    /// The caller may finalise (the named recorder, while preparing).
    pub may_finalise: bool,
    /// The caller may sign or send back (the chair, once finalised).
    pub may_sign: bool,
    /// The caller may add an addendum (chair or recorder, once signed).
    pub may_amend: bool,
}

/// One unit's meeting for a month on the overview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingRow {
    pub org_code: String,
    pub org_name: String,
    pub township: bool,
    pub meeting_id: Option<i64>,
    pub status: Option<MeetingStatus>,
    pub held_on: Option<NaiveDate>,
    /// The month is over and no signed minutes exist.
    pub missing: bool,
    /// The day the minutes were signed, when that was after the month's end (逾期补签).
    pub signed_late: Option<NaiveDate>,
    /// The caller chairs this unit's meeting (and may prepare it).
    pub may_prepare: bool,
}

/// The meetings due in a month in the caller's scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeetingsOverview {
    pub month: String,
    pub rows: Vec<MeetingRow>,
    pub missing: usize,
    /// Units whose minutes were signed only after the month's end.
    pub late: usize,
}

/// The meeting's header as the form sends it: date, place, guests, and per roster member `present`
/// or `absent` with a reason (keyed by user id).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct HeaderForm {
    pub held_on: String,
    pub place: String,
    /// The recorder's user id.
    pub recorder: String,
    pub guests: String,
    pub marks: HashMap<String, String>,
    pub reasons: HashMap<String, String>,
}

/// A decision on one item as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DecisionForm {
    pub item_id: i64,
    pub analysis: String,
    pub decision: String,
    pub action: String,
    pub department: String,
    pub responsible_person: String,
    /// YYYY-MM-DD
    pub deadline: String,
    pub owner_user_id: String,
    /// With "update case": the case's next step decided in the meeting (a lifecycle action code), if any.
    pub case_step: String,
}

/// The case steps a meeting may decide, with "update case".
pub const CASE_STEPS: [&str; 7] =
    ["start_verification", "include", "dismiss", "start_rectification", "submit", "accept", "return"];

/// The case steps that close a case (不予纳入, 验收销号): a decision taking one needs no rectification
/// department, person or deadline.
pub const CLOSING_STEPS: [&str; 2] = ["dismiss", "accept"];

/// A parsed decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub analysis: String,
    pub decision: String,
    pub action: ItemAction,
    pub department: String,
    pub responsible_person: String,
    pub deadline: Option<NaiveDate>,
    pub owner: Option<i64>,
    pub case_step: Option<String>,
}

fn text(field: &str, label: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim().to_string();
    if value.chars().count() > max {
        return Err(AppError::validation(field, format!("{label}不超过 {max} 字。")));
    }
    Ok(value)
}

impl DecisionForm {
    /// Parse; a decision that acts on a case needs its department, responsible person and deadline
    /// (整改部门、责任人、期限 [Y]) unless it closes the case, and a deadline not before the meeting day.
    /// Every problem is named at once.
    pub fn parse(&self, meeting_day: NaiveDate) -> Result<Decision, AppError> {
        let mut p = Problems::default();
        let analysis = p.take(text("analysis", "情况分析", &self.analysis, 2000));
        let decision = p.take(text("decision", "研判决定", &self.decision, 1000));
        if self.decision.trim().is_empty() {
            p.add("decision", "请填写研判决定。");
        }
        let action = ItemAction::parse(&self.action);
        if action.is_none() {
            p.add("action", "请选择研判决定的处理方式。");
        }
        let department = p.take(text("department", "整改部门", &self.department, 64));
        let responsible_person = p.take(text("responsible_person", "责任人", &self.responsible_person, 64));
        let deadline = match self.deadline.trim() {
            "" => None,
            t => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                Ok(d) if d < meeting_day => {
                    p.add("deadline", "整改期限不能早于会议日期。");
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    p.add("deadline", "期限应写作 2026-03-31 的形式。");
                    None
                }
            },
        };
        let closing = CLOSING_STEPS.contains(&self.case_step.trim());
        if matches!(action, Some(ItemAction::OpenCase | ItemAction::UpdateCase)) && !closing {
            if department.is_empty() {
                p.add("department", "请填写整改部门。");
            }
            if responsible_person.is_empty() {
                p.add("responsible_person", "请填写责任人。");
            }
            if self.deadline.trim().is_empty() {
                p.add("deadline", "请填写整改期限。");
            }
        }
        let owner = match self.owner_user_id.trim() {
            "" => None,
            t => t.parse().map_err(|_| p.add("owner_user_id", "请从列表中选择案件责任人。")).ok(),
        };
        let case_step = match self.case_step.trim() {
            "" => None,
            _ if action.is_some_and(|a| a != ItemAction::UpdateCase) => {
                p.add("case_step", "只有“更新案件”时才能同时办理案件步骤。");
                None
            }
            code if CASE_STEPS.contains(&code) => Some(code.to_string()),
            _ => {
                p.add("case_step", "请从列表中选择案件办理步骤。");
                None
            }
        };
        p.finish()?;
        let action = action.ok_or(AppError::Internal)?;
        Ok(Decision { case_step, analysis, decision, action, department, responsible_person, deadline, owner })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 20).unwrap()
    }

    #[test]
    fn a_decision_on_a_case_names_department_person_and_deadline() {
        let mut form = DecisionForm {
            item_id: 1,
            decision: "落实危房改造".into(),
            action: "update_case".into(),
            department: "住建办".into(),
            responsible_person: "王强".into(),
            deadline: "2026-04-30".into(),
            ..Default::default()
        };
        let d = form.parse(day()).unwrap();
        assert_eq!((d.action, d.deadline), (ItemAction::UpdateCase, NaiveDate::from_ymd_opt(2026, 4, 30)));
        form.department.clear();
        assert_eq!(form.parse(day()).unwrap_err().field_message("department").as_deref(), Some("请填写整改部门。"));
        form.department = "住建办".into();
        form.deadline = "2026-03-01".into();
        assert!(form.parse(day()).unwrap_err().field_message("deadline").is_some());
        form.deadline.clear();
        form.department.clear();
        form.case_step = "dismiss".into();
        assert_eq!(form.parse(day()).unwrap().case_step.as_deref(), Some("dismiss"), "closing needs no deadline");
        form.case_step.clear();
        form.action = "note".into();
        assert_eq!(form.parse(day()).unwrap().action, ItemAction::Note, "a note needs no deadline");
    }

    #[test]
    fn a_refused_decision_names_every_problem_at_once() {
        let form = DecisionForm {
            item_id: 1,
            action: "open_case".into(),
            deadline: "四月底".into(),
            owner_user_id: "张三".into(),
            ..Default::default()
        };
        let fields: Vec<String> = form.parse(day()).unwrap_err().field_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["decision", "deadline", "department", "responsible_person", "owner_user_id"]);
    }
}
