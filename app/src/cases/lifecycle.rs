//! The case lifecycle as an explicit state machine: 待核实 → 核实中 → 已纳入帮扶 / 不予纳入 → 整改中 →
//! 待验收 → 已销号, with re-opening. A transition takes the current state, the step asked for, the roles
//! the caller holds over the case, whether the caller owns it, today and the working-day calendar, and
//! returns the new state or a refusal in Chinese.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::error::AppError;
use crate::permissions::Role;
use crate::permissions::Step;
use crate::policy::Policy;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Status {
    PendingVerification,
    Verifying,
    Assisting,
    Dismissed,
    Rectifying,
    AwaitingAcceptance,
    Closed,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::PendingVerification,
        Status::Verifying,
        Status::Assisting,
        Status::Dismissed,
        Status::Rectifying,
        Status::AwaitingAcceptance,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::PendingVerification => "pending_verification",
            Status::Verifying => "verifying",
            Status::Assisting => "assisting",
            Status::Dismissed => "dismissed",
            Status::Rectifying => "rectifying",
            Status::AwaitingAcceptance => "awaiting_acceptance",
            Status::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::PendingVerification => "待核实",
            Status::Verifying => "核实中",
            Status::Assisting => "已纳入帮扶",
            Status::Dismissed => "不予纳入",
            Status::Rectifying => "整改中",
            Status::AwaitingAcceptance => "待验收",
            Status::Closed => "已销号",
        }
    }

    /// Still needs work (and so can be overdue).
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Dismissed | Status::Closed)
    }

    /// The stored codes of the open statuses (for queries).
    pub fn open_codes() -> Vec<&'static str> {
        Status::ALL.into_iter().filter(|s| s.is_open()).map(Status::as_str).collect()
    }
}

/// A step someone asks to take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// 开始核实 (within the initial-review working days).
    StartVerification,
    /// 核实后纳入帮扶, with the rectification deadline.
    Include { deadline: NaiveDate, note: String },
    /// 核实后不予纳入, with the reason.
    Dismiss { reason: String },
    /// 开始整改
    StartRectification { note: String },
    /// 整改完成，提请验收
    Submit { note: String },
    /// 验收通过，销号
    Accept { note: String },
    /// 验收不通过，退回整改
    Return { reason: String },
    /// 重新打开
    Reopen { reason: String },
}

impl Action {
    pub fn code(&self) -> &'static str {
        match self {
            Action::StartVerification => "start_verification",
            Action::Include { .. } => "include",
            Action::Dismiss { .. } => "dismiss",
            Action::StartRectification { .. } => "start_rectification",
            Action::Submit { .. } => "submit",
            Action::Accept { .. } => "accept",
            Action::Return { .. } => "return",
            Action::Reopen { .. } => "reopen",
        }
    }

    fn from(&self) -> &'static [Status] {
        match self {
            Action::StartVerification => &[Status::PendingVerification],
            Action::Include { .. } | Action::Dismiss { .. } => &[Status::Verifying],
            Action::StartRectification { .. } => &[Status::Assisting],
            Action::Submit { .. } => &[Status::Rectifying],
            Action::Accept { .. } | Action::Return { .. } => &[Status::AwaitingAcceptance],
            Action::Reopen { .. } => &[Status::Closed, Status::Dismissed],
        }
    }

    fn to(&self) -> Status {
        match self {
            Action::StartVerification | Action::Reopen { .. } => Status::Verifying,
            Action::Include { .. } => Status::Assisting,
            Action::Dismiss { .. } => Status::Dismissed,
            Action::StartRectification { .. } | Action::Return { .. } => Status::Rectifying,
            Action::Submit { .. } => Status::AwaitingAcceptance,
            Action::Accept { .. } => Status::Closed,
        }
    }

    /// Who may take this step ([`crate::permissions::Step`]).
    pub fn step(&self) -> Step {
        match self {
            Action::StartVerification => Step::CaseStartVerification,
            Action::Include { .. } | Action::Dismiss { .. } => Step::CaseDecide,
            Action::StartRectification { .. } | Action::Submit { .. } => Step::CaseWork,
            Action::Accept { .. } | Action::Return { .. } => Step::CaseAccept,
            Action::Reopen { .. } => Step::CaseReopen,
        }
    }

    /// The note recorded with the step.
    pub fn note(&self) -> &str {
        match self {
            Action::StartVerification => "",
            Action::Include { note, .. }
            | Action::StartRectification { note }
            | Action::Submit { note }
            | Action::Accept { note } => note,
            Action::Dismiss { reason } | Action::Return { reason } | Action::Reopen { reason } => reason,
        }
    }
}

/// Who takes the next step on a case in `status`, for a reader who cannot take it:
/// "下一步：由村党支部书记、镇街经发办工作人员或镇街分管领导决定是否纳入帮扶". None once the case is
/// closed or dismissed (re-opening is no next step).
pub fn next_step(status: Status) -> Option<String> {
    let (step, what) = match status {
        Status::PendingVerification => (Action::StartVerification, "开始核实"),
        Status::Verifying => (Action::Dismiss { reason: String::new() }, "决定是否纳入帮扶"),
        Status::Assisting => (Action::StartRectification { note: String::new() }, "开始整改"),
        Status::Rectifying => (Action::Submit { note: String::new() }, "整改完成后提请验收"),
        Status::AwaitingAcceptance => (Action::Accept { note: String::new() }, "验收"),
        Status::Dismissed | Status::Closed => return None,
    };
    let who = step.step().who();
    Some(format!("下一步：由{who}{what}"))
}

/// The Chinese name of an action code.
pub fn action_label(code: &str) -> &'static str {
    match code {
        "create" => "登记",
        "start_verification" => "开始核实",
        "include" => "核实后纳入帮扶",
        "dismiss" => "核实后不予纳入",
        "start_rectification" => "开始整改",
        "submit" => "整改完成，提请验收",
        "accept" => "验收通过，销号",
        "return" => "验收不通过，退回整改",
        "reopen" => "重新打开",
        "reassign" => "更换责任人",
        "measure" => "帮扶措施",
        "evidence" => "上传佐证资料",
        "evidence_withdrawn" => "撤回佐证资料",
        "department_warning" => "部门再次预警",
        "meeting_decision" => "研判会议决定",
        _ => "其他",
    }
}

/// A case's state as the rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseState {
    pub status: Status,
    pub deadline: NaiveDate,
    /// The day the case was registered (verification is counted from it).
    pub registered_on: NaiveDate,
    /// A problem handed over by a supervision round: its re-check (accept or return) is the round's
    /// ([`Step::SupervisionRecheck`]), taken in 专项督查 where the re-checker's independence is checked.
    pub supervised: bool,
}

/// The deadline of a new case: the policy's initial review in working days after the day it is
/// registered, unless a meeting or supervision set its own [F].
pub fn initial_deadline(
    registered_on: NaiveDate,
    set: Option<NaiveDate>,
    calendar: &WorkCalendar,
    policy: &Policy,
) -> Result<NaiveDate, AppError> {
    match set {
        Some(d) if d < registered_on => Err(AppError::validation("deadline", "期限不能早于登记当天。")),
        Some(d) => Ok(d),
        None => calendar.add_working_days(registered_on, policy.initial_review_working_days),
    }
}

/// Take a step.
pub fn transition(
    current: &CaseState,
    action: &Action,
    roles: &[Role],
    is_owner: bool,
    today: NaiveDate,
    policy: &Policy,
) -> Result<CaseState, AppError> {
    let step = match action {
        Action::Accept { .. } | Action::Return { .. } if current.supervised => Step::SupervisionRecheck,
        _ => action.step(),
    };
    if !step.allowed(roles, is_owner) {
        return Err(AppError::Conflict(format!("“{}”应由{}办理。", action_label(action.code()), step.who())));
    }
    if !action.from().contains(&current.status) {
        return Err(AppError::Conflict(format!(
            "案件当前为“{}”，不能“{}”。",
            current.status.label(),
            action_label(action.code())
        )));
    }
    let required = |text: &str, what: &str| {
        if text.trim().is_empty() { Err(AppError::validation("note", format!("请写明{what}。"))) } else { Ok(()) }
    };
    let deadline = match action {
        // Verification within the policy's limit from registration (Fujian: one calendar month) [F].
        Action::StartVerification => policy.verification.end(current.registered_on),
        Action::Include { deadline, .. } => {
            if *deadline < today {
                return Err(AppError::validation("deadline", "整改期限不能早于今天。"));
            }
            *deadline
        }
        Action::Dismiss { reason } => {
            required(reason, "不予纳入的理由")?;
            current.deadline
        }
        Action::Return { reason } | Action::Reopen { reason } => {
            required(reason, "理由")?;
            current.deadline.max(today)
        }
        Action::Submit { note } => {
            required(note, "整改完成情况")?;
            current.deadline
        }
        Action::StartRectification { .. } | Action::Accept { .. } => current.deadline,
    };
    Ok(CaseState { status: action.to(), deadline, ..current.clone() })
}

/// The steps that may follow a status, as action codes (the caller's roles decide which they may take).
pub fn next_actions(status: Status) -> &'static [&'static str] {
    match status {
        Status::PendingVerification => &["start_verification"],
        Status::Verifying => &["include", "dismiss"],
        Status::Assisting => &["start_rectification"],
        Status::Rectifying => &["submit"],
        Status::AwaitingAcceptance => &["accept", "return"],
        Status::Closed | Status::Dismissed => &["reopen"],
    }
}

/// A step as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ActionForm {
    /// An action code.
    pub action: String,
    pub note: String,
    /// YYYY-MM-DD, for `include`.
    pub deadline: String,
}

impl ActionForm {
    pub fn parse(&self) -> Result<Action, AppError> {
        let note = self.note.trim().to_string();
        Ok(match self.action.as_str() {
            "start_verification" => Action::StartVerification,
            "include" => Action::Include {
                deadline: NaiveDate::parse_from_str(self.deadline.trim(), "%Y-%m-%d")
                    .map_err(|_| AppError::validation("deadline", "请填写整改期限，例如 2026-04-30。"))?,
                note,
            },
            "dismiss" => Action::Dismiss { reason: note },
            "start_rectification" => Action::StartRectification { note },
            "submit" => Action::Submit { note },
            "accept" => Action::Accept { note },
            "return" => Action::Return { reason: note },
            "reopen" => Action::Reopen { reason: note },
            _ => return Err(AppError::validation("action", "请选择要办理的步骤。")),
        })
    }
}

/// Past its deadline and still open.
pub fn is_overdue(status: Status, deadline: NaiveDate, today: NaiveDate) -> bool {
    status.is_open() && today > deadline
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::presets::{Preset, preset};

    #[test]
    fn the_next_step_names_who_takes_it() {
        assert_eq!(
            next_step(Status::Verifying).as_deref(),
            Some("下一步：由村党支部书记、镇街经发办工作人员或镇街分管领导决定是否纳入帮扶")
        );
        let submit = next_step(Status::Rectifying).unwrap_or_default();
        assert!(submit.starts_with("下一步：由案件责任人、村党支部书记"), "{submit}");
        assert_eq!(next_step(Status::Closed), None);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn state(status: Status) -> CaseState {
        CaseState { status, deadline: d(2026, 3, 9), registered_on: d(2026, 3, 2), supervised: false }
    }

    fn fujian() -> Policy {
        preset(Preset::Fujian2021)
    }

    /// [F] 乡镇在 5 个工作日内完成初审: registered on the Friday before the Spring Festival, the initial
    /// review is due after the holiday.
    #[test]
    fn the_initial_review_counts_working_days_across_a_holiday_f() {
        let calendar = WorkCalendar::built_in();
        assert_eq!(initial_deadline(d(2026, 2, 13), None, &calendar, &fujian()).unwrap(), d(2026, 2, 27));
        assert_eq!(initial_deadline(d(2026, 3, 2), None, &calendar, &fujian()).unwrap(), d(2026, 3, 9));
        assert_eq!(
            initial_deadline(d(2026, 3, 2), Some(d(2026, 3, 20)), &calendar, &fujian()).unwrap(),
            d(2026, 3, 20)
        );
        assert!(initial_deadline(d(2026, 3, 2), Some(d(2026, 3, 1)), &calendar, &fujian()).is_err());
    }

    /// [F] "1个月内完成核实": starting verification sets the deadline one calendar month after registration
    /// (registered 2 March: due 2 April, where 30 days would have been 1 April).
    #[test]
    fn verification_is_due_a_month_after_registration_f() {
        let next = transition(
            &state(Status::PendingVerification),
            &Action::StartVerification,
            &[Role::VillageCadre],
            false,
            d(2026, 3, 3),
            &fujian(),
        )
        .unwrap();
        assert_eq!(next.status, Status::Verifying);
        assert_eq!(next.deadline, d(2026, 4, 2));
    }

    #[test]
    fn the_whole_life_by_the_entitled_roles() {
        let policy = fujian();
        let today = d(2026, 3, 5);
        let s = transition(
            &state(Status::Verifying),
            &Action::Include { deadline: d(2026, 4, 30), note: "落实临时救助".into() },
            &[Role::VillageSecretary],
            false,
            today,
            &policy,
        )
        .unwrap();
        assert_eq!((s.status, s.deadline), (Status::Assisting, d(2026, 4, 30)));
        let s = transition(&s, &Action::StartRectification { note: String::new() }, &[], true, today, &policy).unwrap();
        let s = transition(&s, &Action::Submit { note: "已发放临时救助 3000 元".into() }, &[], true, today, &policy)
            .unwrap();
        assert_eq!(s.status, Status::AwaitingAcceptance);
        let back = transition(
            &s,
            &Action::Return { reason: "缺少发放凭证".into() },
            &[Role::TownshipStaff],
            false,
            today,
            &policy,
        )
        .unwrap();
        assert_eq!(back.status, Status::Rectifying);
        let closed =
            transition(&s, &Action::Accept { note: String::new() }, &[Role::TownshipLeader], false, today, &policy)
                .unwrap();
        assert_eq!(closed.status, Status::Closed);
        let reopened = transition(
            &closed,
            &Action::Reopen { reason: "暗访发现问题未解决".into() },
            &[Role::DisciplineTeam],
            false,
            d(2026, 6, 1),
            &policy,
        )
        .unwrap();
        assert_eq!((reopened.status, reopened.deadline), (Status::Verifying, d(2026, 6, 1)));
    }

    #[test]
    fn wrong_roles_skipped_steps_and_missing_reasons_are_refused() {
        let policy = fujian();
        let today = d(2026, 3, 5);
        let err = transition(
            &state(Status::AwaitingAcceptance),
            &Action::Accept { note: String::new() },
            &[Role::VillageSecretary],
            true,
            today,
            &policy,
        )
        .unwrap_err();
        assert!(err.to_string().contains("应由镇街经发办工作人员、镇街分管领导或县级乡村振兴部门办理"), "{err}");
        let err = transition(
            &state(Status::PendingVerification),
            &Action::Submit { note: "x".into() },
            &[],
            true,
            today,
            &policy,
        )
        .unwrap_err();
        assert!(err.to_string().contains("案件当前为“待核实”，不能“整改完成，提请验收”"), "{err}");
        let err = transition(
            &state(Status::Verifying),
            &Action::Dismiss { reason: " ".into() },
            &[Role::TownshipStaff],
            false,
            today,
            &policy,
        )
        .unwrap_err();
        assert_eq!(err.field_message("note").as_deref(), Some("请写明不予纳入的理由。"));
        let err = transition(
            &state(Status::Verifying),
            &Action::Include { deadline: d(2026, 3, 1), note: String::new() },
            &[Role::TownshipStaff],
            false,
            today,
            &policy,
        )
        .unwrap_err();
        assert!(err.field_message("deadline").is_some());
        // The owner may work the case but not decide it.
        assert!(
            transition(
                &state(Status::Verifying),
                &Action::Include { deadline: d(2026, 4, 1), note: String::new() },
                &[Role::MonitoringContact],
                true,
                today,
                &policy
            )
            .is_err()
        );
    }

    #[test]
    fn overdue_means_open_and_past_the_deadline() {
        assert!(is_overdue(Status::Rectifying, d(2026, 3, 9), d(2026, 3, 10)));
        assert!(!is_overdue(Status::Rectifying, d(2026, 3, 9), d(2026, 3, 9)), "the deadline day itself is on time");
        assert!(!is_overdue(Status::Closed, d(2026, 3, 9), d(2026, 4, 10)));
    }
}
