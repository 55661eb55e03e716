//! Identification (识别纳入), the "五步" flow [Y][F][G][H]: application with the signed commitment
//! (承诺书) → village verification and democratic appraisal → public notice in the village for at least
//! the policy's working days → township review → county approval. Steps cannot be skipped; any
//! deciding step may reject with a reason. A green channel for sudden severe hardship lets assistance
//! start before the paperwork completes, and says so.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::calendar::WorkCalendar;
use crate::error::AppError;
use crate::policy::Policy;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Stage {
    /// 农户申请（已签承诺书）
    Applied,
    /// 村级核实、民主评议通过
    VillageVerified,
    /// 村内公示中
    NoticePosted,
    /// 乡镇复核通过
    TownshipReviewed,
    /// 县级审批确认
    Approved,
    /// 不予纳入
    Rejected,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Applied,
        Stage::VillageVerified,
        Stage::NoticePosted,
        Stage::TownshipReviewed,
        Stage::Approved,
        Stage::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Applied => "applied",
            Stage::VillageVerified => "village_verified",
            Stage::NoticePosted => "notice_posted",
            Stage::TownshipReviewed => "township_reviewed",
            Stage::Approved => "approved",
            Stage::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the identification is still running.
    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Approved | Stage::Rejected)
    }

    /// The step that comes next, as its form code.
    pub fn next_step(self) -> Option<&'static str> {
        match self {
            Stage::Applied => Some("village_verify"),
            Stage::VillageVerified => Some("post_notice"),
            Stage::NoticePosted => Some("township_review"),
            Stage::TownshipReviewed => Some("county_approve"),
            Stage::Approved | Stage::Rejected => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Applied => "已申请，待村级核实",
            Stage::VillageVerified => "民主评议通过，待公示",
            Stage::NoticePosted => "公示中",
            Stage::TownshipReviewed => "乡镇复核通过，待县级审批",
            Stage::Approved => "县级审批确认，已纳入",
            Stage::Rejected => "不予纳入",
        }
    }
}

/// The state of one identification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identification {
    pub stage: Stage,
    /// Assistance may start before the paperwork completes (突发严重困难户).
    pub green_channel: bool,
    pub commitment_signed_on: NaiveDate,
    pub notice_start: Option<NaiveDate>,
    /// The last working day of the notice period.
    pub notice_end: Option<NaiveDate>,
    pub rejection: Option<String>,
}

/// What someone asks to do next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// 村级核实和民主评议: the result of the appraisal.
    VillageVerify { appraisal_passed: bool, note: String },
    /// 村内公示, posted on `start`.
    PostNotice { start: NaiveDate },
    /// 乡镇复核
    TownshipReview { approve: bool, note: String },
    /// 县级审批
    CountyApprove { approve: bool, note: String },
}

impl Step {
    /// The roles entitled to take this step (in the household's scope).
    pub fn entitled(&self) -> &'static [Role] {
        match self {
            Step::VillageVerify { .. } => &[Role::VillageSecretary, Role::VillageCadre],
            Step::PostNotice { .. } => &[Role::VillageSecretary, Role::VillageCadre, Role::InfoOfficer],
            Step::TownshipReview { .. } => &[Role::TownshipLeader, Role::TownshipStaff],
            Step::CountyApprove { .. } => &[Role::CountyOffice],
        }
    }

    /// The code stored with the step's event.
    pub fn code(&self) -> &'static str {
        match self {
            Step::VillageVerify { .. } => "village_verify",
            Step::PostNotice { .. } => "post_notice",
            Step::TownshipReview { .. } => "township_review",
            Step::CountyApprove { .. } => "county_approve",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Step::VillageVerify { .. } => "村级核实和民主评议",
            Step::PostNotice { .. } => "村内公示",
            Step::TownshipReview { .. } => "乡镇复核",
            Step::CountyApprove { .. } => "县级审批",
        }
    }

    /// The stage this step starts from.
    fn from(&self) -> Stage {
        match self {
            Step::VillageVerify { .. } => Stage::Applied,
            Step::PostNotice { .. } => Stage::VillageVerified,
            Step::TownshipReview { .. } => Stage::NoticePosted,
            Step::CountyApprove { .. } => Stage::TownshipReviewed,
        }
    }
}

/// Name of a step code, for the history.
pub fn step_label(code: &str) -> &'static str {
    match code {
        "apply" => "农户申请（已签承诺书）",
        "village_verify" => "村级核实和民主评议",
        "post_notice" => "村内公示",
        "township_review" => "乡镇复核",
        "county_approve" => "县级审批",
        _ => "其他",
    }
}

/// The application as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ApplyForm {
    /// YYYY-MM-DD: when the household signed the commitment and authorisation (承诺书).
    pub commitment_signed_on: String,
    /// Present (any value) for the green channel.
    pub green_channel: Option<String>,
}

/// A step as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct StepForm {
    /// `village_verify`, `post_notice`, `township_review` or `county_approve`.
    pub step: String,
    /// `yes` or `no` for the deciding steps.
    pub approve: String,
    pub note: String,
    /// YYYY-MM-DD: the first day of the public notice.
    pub start: String,
}

impl StepForm {
    pub fn parse(&self) -> Result<Step, AppError> {
        let approve = match self.approve.as_str() {
            "yes" => true,
            "no" => false,
            _ if self.step == "post_notice" => true,
            _ => return Err(AppError::validation("approve", "请选择“通过”或“不通过”。")),
        };
        let note = self.note.trim().to_string();
        Ok(match self.step.as_str() {
            "village_verify" => Step::VillageVerify { appraisal_passed: approve, note },
            "post_notice" => Step::PostNotice {
                start: NaiveDate::parse_from_str(self.start.trim(), "%Y-%m-%d")
                    .map_err(|_| AppError::validation("start", "请填写公示开始日期，例如 2026-03-02。"))?,
            },
            "township_review" => Step::TownshipReview { approve, note },
            "county_approve" => Step::CountyApprove { approve, note },
            _ => return Err(AppError::validation("step", "请选择要办理的步骤。")),
        })
    }
}

/// One step in the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventView {
    pub step_label: String,
    pub result: String,
    pub note: String,
    pub actor: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// An identification as the household page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IdentificationView {
    pub stage: Stage,
    pub stage_label: String,
    pub green_channel: bool,
    pub assistance_note: Option<String>,
    pub commitment_signed_on: NaiveDate,
    pub notice_start: Option<NaiveDate>,
    pub notice_end: Option<NaiveDate>,
    pub rejection: Option<String>,
    /// The form code of the step that comes next, if any.
    pub next_step: Option<String>,
    pub events: Vec<EventView>,
}

/// Start an identification: the household has signed the commitment and authorisation (承诺书) [F][G].
pub fn apply(
    commitment_signed_on: Option<NaiveDate>,
    green_channel: bool,
    today: NaiveDate,
) -> Result<Identification, AppError> {
    let signed = commitment_signed_on.ok_or_else(|| {
        AppError::validation(
            "commitment",
            "申请须附农户签署的承诺书（如实提供信息、授权查询家庭资产），请填写签署日期。",
        )
    })?;
    if signed > today {
        return Err(AppError::validation("commitment", "承诺书签署日期不能晚于今天。"));
    }
    Ok(Identification {
        stage: Stage::Applied,
        green_channel,
        commitment_signed_on: signed,
        notice_start: None,
        notice_end: None,
        rejection: None,
    })
}

fn reason_required(approve: bool, note: &str, step: &str) -> Result<(), AppError> {
    if !approve && note.trim().is_empty() {
        return Err(AppError::validation("note", format!("{step}不通过时须写明理由。")));
    }
    Ok(())
}

/// Take a step. `roles` are the caller's roles whose scope covers the household.
pub fn transition(
    current: &Identification,
    step: &Step,
    roles: &[Role],
    today: NaiveDate,
    calendar: &WorkCalendar,
    policy: &Policy,
) -> Result<Identification, AppError> {
    if !step.entitled().iter().any(|r| roles.contains(r)) {
        let who: Vec<&str> = step.entitled().iter().map(|r| r.label()).collect();
        return Err(AppError::Conflict(format!("“{}”应由{}办理。", step.label(), who.join("或"))));
    }
    if current.stage != step.from() {
        return Err(AppError::Conflict(format!(
            "当前状态为“{}”，不能办理“{}”：识别程序须按步骤进行，不能跳过。",
            current.stage.label(),
            step.label()
        )));
    }
    let mut next = current.clone();
    match step {
        Step::VillageVerify { appraisal_passed, note } => {
            reason_required(*appraisal_passed, note, "民主评议")?;
            if *appraisal_passed {
                next.stage = Stage::VillageVerified;
            } else {
                next.stage = Stage::Rejected;
                next.rejection = Some(format!("民主评议未通过：{}", note.trim()));
            }
        }
        Step::PostNotice { start } => {
            if *start > today {
                return Err(AppError::validation("start", "公示开始日期不能晚于今天。"));
            }
            let end = calendar.add_working_days(*start, policy.public_notice_working_days)?;
            next.stage = Stage::NoticePosted;
            next.notice_start = Some(*start);
            next.notice_end = Some(end);
        }
        Step::TownshipReview { approve, note } => {
            let end = current.notice_end.ok_or(AppError::Internal)?;
            if today <= end {
                return Err(AppError::Conflict(format!(
                    "公示期至 {end} 结束（不少于 {} 个工作日），公示期满后方可复核。",
                    policy.public_notice_working_days
                )));
            }
            reason_required(*approve, note, "乡镇复核")?;
            if *approve {
                next.stage = Stage::TownshipReviewed;
            } else {
                next.stage = Stage::Rejected;
                next.rejection = Some(format!("乡镇复核未通过：{}", note.trim()));
            }
        }
        Step::CountyApprove { approve, note } => {
            reason_required(*approve, note, "县级审批")?;
            if *approve {
                next.stage = Stage::Approved;
            } else {
                next.stage = Stage::Rejected;
                next.rejection = Some(format!("县级审批未通过：{}", note.trim()));
            }
        }
    }
    Ok(next)
}

/// What the household page says about assistance while the paperwork runs.
pub fn assistance_note(state: &Identification) -> Option<&'static str> {
    match (state.green_channel, state.stage) {
        (true, Stage::Applied | Stage::VillageVerified | Stage::NoticePosted | Stage::TownshipReviewed) => {
            Some("绿色通道：因突发严重困难，已先行落实帮扶措施，识别手续正在补办。")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::presets::{Preset, preset};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn run(state: &Identification, step: Step, role: Role, today: NaiveDate) -> Result<Identification, AppError> {
        transition(state, &step, &[role], today, &WorkCalendar::built_in(), &preset(Preset::Fujian2021))
    }

    fn verified() -> Identification {
        let applied = apply(Some(d(2026, 2, 2)), false, d(2026, 2, 3)).unwrap();
        run(
            &applied,
            Step::VillageVerify { appraisal_passed: true, note: String::new() },
            Role::VillageSecretary,
            d(2026, 2, 5),
        )
        .unwrap()
    }

    #[test]
    fn an_application_needs_the_signed_commitment_f_g() {
        let err = apply(None, false, d(2026, 3, 2)).unwrap_err();
        assert!(err.to_string().contains("承诺书"));
        assert!(apply(Some(d(2026, 3, 3)), false, d(2026, 3, 2)).is_err(), "not signed in the future");
    }

    #[test]
    fn the_five_steps_in_order_by_the_entitled_roles_y() {
        let noticed =
            run(&verified(), Step::PostNotice { start: d(2026, 3, 2) }, Role::InfoOfficer, d(2026, 3, 2)).unwrap();
        assert_eq!(noticed.notice_end, Some(d(2026, 3, 9)), "5 working days after Monday 2 March");
        let reviewed = run(
            &noticed,
            Step::TownshipReview { approve: true, note: String::new() },
            Role::TownshipStaff,
            d(2026, 3, 10),
        )
        .unwrap();
        let approved = run(
            &reviewed,
            Step::CountyApprove { approve: true, note: String::new() },
            Role::CountyOffice,
            d(2026, 3, 11),
        )
        .unwrap();
        assert_eq!(approved.stage, Stage::Approved);
    }

    #[test]
    fn the_wrong_role_is_refused_and_nothing_changes() {
        let state = verified();
        let err =
            run(&state, Step::PostNotice { start: d(2026, 3, 2) }, Role::TownshipLeader, d(2026, 3, 2)).unwrap_err();
        assert!(err.to_string().contains("应由村党支部书记或村干部或防贫监测信息员办理"), "{err}");
        let err = run(
            &state,
            Step::VillageVerify { appraisal_passed: true, note: String::new() },
            Role::MonitoringContact,
            d(2026, 3, 2),
        )
        .unwrap_err();
        assert!(err.to_string().contains("应由"));
    }

    #[test]
    fn steps_cannot_be_skipped() {
        let applied = apply(Some(d(2026, 3, 1)), false, d(2026, 3, 2)).unwrap();
        let err = run(&applied, Step::PostNotice { start: d(2026, 3, 2) }, Role::VillageSecretary, d(2026, 3, 2))
            .unwrap_err();
        assert!(err.to_string().contains("不能跳过"), "{err}");
        let err = run(
            &applied,
            Step::CountyApprove { approve: true, note: String::new() },
            Role::CountyOffice,
            d(2026, 3, 2),
        )
        .unwrap_err();
        assert!(err.to_string().contains("不能跳过"));
    }

    /// [F] the notice lasts at least 5 working days; over the Spring Festival that is two weeks.
    #[test]
    fn a_notice_across_the_spring_festival_runs_its_working_days_f() {
        let noticed =
            run(&verified(), Step::PostNotice { start: d(2026, 2, 13) }, Role::VillageCadre, d(2026, 2, 13)).unwrap();
        assert_eq!(noticed.notice_end, Some(d(2026, 2, 27)));
        let review = Step::TownshipReview { approve: true, note: String::new() };
        let early = run(&noticed, review.clone(), Role::TownshipLeader, d(2026, 2, 27)).unwrap_err();
        assert!(early.to_string().contains("公示期至 2026-02-27 结束"), "{early}");
        assert!(run(&noticed, review, Role::TownshipLeader, d(2026, 3, 2)).is_ok());
    }

    #[test]
    fn a_rejection_needs_its_reason_and_ends_the_flow() {
        let applied = apply(Some(d(2026, 3, 1)), false, d(2026, 3, 2)).unwrap();
        let no_reason = run(
            &applied,
            Step::VillageVerify { appraisal_passed: false, note: " ".into() },
            Role::VillageSecretary,
            d(2026, 3, 2),
        )
        .unwrap_err();
        assert_eq!(no_reason.field_message("note").as_deref(), Some("民主评议不通过时须写明理由。"));
        let rejected = run(
            &applied,
            Step::VillageVerify { appraisal_passed: false, note: "家庭有经营性货车一辆".into() },
            Role::VillageSecretary,
            d(2026, 3, 2),
        )
        .unwrap();
        assert_eq!(rejected.stage, Stage::Rejected);
        assert_eq!(rejected.rejection.as_deref(), Some("民主评议未通过：家庭有经营性货车一辆"));
        assert!(
            run(&rejected, Step::PostNotice { start: d(2026, 3, 2) }, Role::VillageSecretary, d(2026, 3, 2)).is_err()
        );
    }

    #[test]
    fn the_green_channel_says_assistance_comes_first() {
        let applied = apply(Some(d(2026, 3, 1)), true, d(2026, 3, 2)).unwrap();
        assert!(assistance_note(&applied).is_some_and(|n| n.contains("先行落实帮扶")));
        assert_eq!(assistance_note(&verified()), None);
    }

    #[test]
    fn a_notice_into_a_year_without_holiday_data_is_refused_not_guessed() {
        let err = run(&verified(), Step::PostNotice { start: d(2026, 12, 28) }, Role::VillageCadre, d(2026, 12, 28));
        // 28 Dec 2026 + 5 working days runs into 2027.
        assert!(err.unwrap_err().to_string().contains("2027 年的法定节假日安排尚未录入"));
    }
}
