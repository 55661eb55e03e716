//! The household procedures, each the "五步" kind of flow [Y][F][G][H]:
//! - identification (识别纳入): application with the signed commitment (承诺书) → village verification and
//!   democratic appraisal → public notice in the village for at least the policy's working days →
//!   township review → county approval;
//! - risk elimination (风险消除) [F][G][H]: proposal with its basis → democratic appraisal → public notice
//!   → township review → county confirmation, open only to a monitored household whose income is stable
//!   and whose 两不愁三保障 are secured, and never to a household without labour capacity [F].
//!
//! - putting assistance measures into effect (落实帮扶措施) [F] 8, where the policy asks: the household's
//!   planned measures → democratic appraisal → public notice → township review → county confirmation;
//!   only then may those measures be put into effect.
//!
//! Steps cannot be skipped; any deciding step may reject with a reason. A green channel for sudden
//! severe hardship lets assistance start before the identification paperwork completes, and says so.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use chrono::Datelike;

use crate::calendar::WorkCalendar;
use crate::error::AppError;
use crate::permissions::Role;
use crate::policy::Policy;
use crate::risk::{Evaluation, Labour, RiskKind};

/// Which procedure a run belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Procedure {
    /// 识别纳入
    Identification,
    /// 风险消除
    Elimination,
    /// 落实帮扶措施 [F] 8
    Measures,
}

impl Procedure {
    pub fn as_str(self) -> &'static str {
        match self {
            Procedure::Identification => "identification",
            Procedure::Elimination => "elimination",
            Procedure::Measures => "measures",
        }
    }

    pub fn parse(text: &str) -> Option<Procedure> {
        [Procedure::Identification, Procedure::Elimination, Procedure::Measures]
            .into_iter()
            .find(|p| p.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Procedure::Identification => "识别纳入",
            Procedure::Elimination => "风险消除",
            Procedure::Measures => "落实帮扶措施",
        }
    }
}

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

    pub fn label(self, procedure: Procedure) -> &'static str {
        match (procedure, self) {
            (Procedure::Identification, Stage::Applied) => "已申请，待村级核实",
            (Procedure::Elimination, Stage::Applied) => "已提出风险消除，待村级核实",
            (Procedure::Measures, Stage::Applied) => "已提出帮扶措施，待村级民主评议",
            (_, Stage::VillageVerified) => "民主评议通过，待公示",
            (_, Stage::NoticePosted) => "公示中",
            (_, Stage::TownshipReviewed) => "乡镇复核通过，待县级确认",
            (Procedure::Identification, Stage::Approved) => "县级审批确认，已纳入监测",
            (Procedure::Elimination, Stage::Approved) => "县级确认，已标注“风险消除”",
            (Procedure::Identification, Stage::Rejected) => "不予纳入",
            (Procedure::Elimination, Stage::Rejected) => "暂不标注风险消除，继续帮扶",
            (Procedure::Measures, Stage::Approved) => "县级确认，帮扶措施可以落实",
            (Procedure::Measures, Stage::Rejected) => "帮扶措施未获通过，请调整后重新提出",
        }
    }
}

/// The state of one identification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureState {
    pub procedure: Procedure,
    pub stage: Stage,
    /// Assistance may start before the paperwork completes (突发严重困难户).
    pub green_channel: bool,
    /// Identification: the day the household signed the commitment (承诺书); elimination: the day since
    /// which its income has been stable.
    pub basis_date: NaiveDate,
    /// The monitoring class applied for (identification).
    pub class: Option<String>,
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
    /// Who may take this step ([`crate::permissions::Step`]).
    pub fn permission(&self) -> crate::permissions::Step {
        use crate::permissions::Step as P;
        match self {
            Step::VillageVerify { .. } => P::ProcedureVillageVerify,
            Step::PostNotice { .. } => P::ProcedurePostNotice,
            Step::TownshipReview { .. } => P::ProcedureTownshipReview,
            Step::CountyApprove { .. } => P::ProcedureCountyApprove,
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
pub fn step_label(procedure: Procedure, code: &str) -> &'static str {
    match (procedure, code) {
        (Procedure::Identification, "apply") => "农户申请（已签承诺书）",
        (Procedure::Elimination, "apply") => "村级提出风险消除",
        (Procedure::Measures, "apply") => "村级提出帮扶措施（一户一方案）",
        (_, code) => step_code_label(code),
    }
}

fn step_code_label(code: &str) -> &'static str {
    match code {
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
    /// The monitoring class applied for, one of the policy's categories.
    pub class: String,
}

/// A proposal to mark the household's risk eliminated, as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct EliminationForm {
    /// YYYY-MM-DD: since when the income has been stable above the line.
    pub stable_since: String,
    /// Why the risk is gone (income, measures taken, 两不愁三保障 secured).
    pub basis: String,
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
pub struct ProcedureView {
    pub procedure: Procedure,
    pub stage: Stage,
    pub stage_label: String,
    pub green_channel: bool,
    pub assistance_note: Option<String>,
    /// Identification: the day the household signed the commitment (承诺书); elimination: the day since
    /// which its income has been stable.
    pub basis_date: NaiveDate,
    pub class: Option<String>,
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
    class: &str,
    today: NaiveDate,
    policy: &Policy,
) -> Result<ProcedureState, AppError> {
    let class = class.trim();
    if !policy.categories.iter().any(|c| c.monitored && c.name == class) {
        let names: Vec<&str> = policy.categories.iter().filter(|c| c.monitored).map(|c| c.name.as_str()).collect();
        return Err(AppError::validation("class", format!("请选择申请纳入的监测类别（{}）。", names.join("、"))));
    }
    let signed = commitment_signed_on.ok_or_else(|| {
        AppError::validation(
            "commitment",
            "申请须附农户签署的承诺书（如实提供信息、授权查询家庭资产），请填写签署日期。",
        )
    })?;
    if signed > today {
        return Err(AppError::validation("commitment", "承诺书签署日期不能晚于今天。"));
    }
    Ok(ProcedureState {
        procedure: Procedure::Identification,
        stage: Stage::Applied,
        green_channel,
        basis_date: signed,
        class: Some(class.to_string()),
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
    current: &ProcedureState,
    step: &Step,
    roles: &[Role],
    today: NaiveDate,
    calendar: &WorkCalendar,
    policy: &Policy,
) -> Result<ProcedureState, AppError> {
    let permission = step.permission();
    if !permission.allowed(roles, false) {
        return Err(AppError::Conflict(format!("“{}”应由{}办理。", step.label(), permission.who())));
    }
    if current.stage != step.from() {
        return Err(AppError::Conflict(format!(
            "当前状态为“{}”，不能办理“{}”：{}程序须按步骤进行，不能跳过。",
            current.stage.label(current.procedure),
            step.label(),
            current.procedure.label()
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

/// What risk elimination looks at besides the stages.
#[derive(Clone, Debug)]
pub struct EliminationFacts<'a> {
    /// The household is an identified monitoring object (识别纳入 approved).
    pub monitored: bool,
    /// Members' labour capacity, for the no-labour rule [F].
    pub labour: Vec<Labour>,
    /// The evaluation under this year's policy.
    pub evaluation: &'a Evaluation,
    /// The year of the latest income record.
    pub latest_income_year: Option<i32>,
}

/// Whether the household may be marked "风险消除" now [F][G][H]: a monitored household with labour
/// capacity, a recent income record, income above the lines and 两不愁三保障 secured, and no rigid
/// expenditure or income drop still open. Each refusal says why, in Chinese.
pub fn check_elimination(facts: &EliminationFacts, today: NaiveDate) -> Result<(), AppError> {
    if !facts.monitored {
        return Err(AppError::Conflict("只有经识别纳入的监测对象才能办理风险消除。".into()));
    }
    if facts.labour.iter().all(|l| matches!(l, Labour::Lost | Labour::None)) {
        return Err(AppError::Conflict(
            "该户无劳动能力：落实社会保障措施后暂不标注“风险消除”，继续跟踪监测。[F]".into(),
        ));
    }
    if facts.latest_income_year.is_none_or(|y| y < today.year() - 1) {
        return Err(AppError::Conflict(format!(
            "缺少 {} 年或 {} 年的收支记录，无法判断收入是否持续稳定，请先录入。",
            today.year() - 1,
            today.year()
        )));
    }
    let open: Vec<&str> = facts
        .evaluation
        .flags
        .iter()
        .filter(|f| match f.kind {
            RiskKind::BelowRedAlertLine
            | RiskKind::SecurityFailed(_)
            | RiskKind::SecurityAtRisk(_)
            | RiskKind::RigidExpenditureExceedsIncome
            | RiskKind::IncomeDrop => true,
            RiskKind::BelowMonitoringLine => facts.evaluation.monitoring_object,
            RiskKind::BelowWarningLine | RiskKind::TypicalFeature(_) => false,
        })
        .map(|f| f.reason.as_str())
        .collect();
    if !open.is_empty() {
        return Err(AppError::Conflict(format!(
            "风险尚未稳定消除（{}），应继续帮扶，风险稳定消除后再办理。",
            open.join("；")
        )));
    }
    Ok(())
}

/// Propose risk elimination: the household's facts must allow it, and the income must have been stable
/// for the policy's months.
pub fn propose_elimination(
    facts: &EliminationFacts,
    form: &EliminationForm,
    today: NaiveDate,
    policy: &Policy,
) -> Result<ProcedureState, AppError> {
    let stable_since = NaiveDate::parse_from_str(form.stable_since.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::validation("stable_since", "请填写收入稳定的起始日期，例如 2026-03-02。"))?;
    if stable_since > today {
        return Err(AppError::validation("stable_since", "收入稳定的起始日期不能晚于今天。"));
    }
    let months = policy.elimination_stable_months;
    let required = today.checked_sub_months(chrono::Months::new(months)).unwrap_or(today);
    if stable_since > required {
        return Err(AppError::validation(
            "stable_since",
            format!(
                "收入自 {stable_since} 起稳定，尚不满 {months} 个月（须在 {required} 或更早），暂不能办理风险消除。"
            ),
        ));
    }
    let basis = form.basis.trim();
    if basis.is_empty() {
        return Err(AppError::validation("basis", "请写明风险消除的依据（收入来源、已落实的帮扶措施等）。"));
    }
    if basis.chars().count() > 500 {
        return Err(AppError::validation("basis", "风险消除依据不超过 500 字。"));
    }
    check_elimination(facts, today)?;
    Ok(ProcedureState {
        procedure: Procedure::Elimination,
        stage: Stage::Applied,
        green_channel: false,
        basis_date: stable_since,
        class: None,
        notice_start: None,
        notice_end: None,
        rejection: None,
    })
}

/// Propose putting the household's planned measures into effect [F] 8 "在…落实帮扶措施…等程序中，应在申报
/// 对象所在建制村进行民主评议和公开公示": only where the policy asks, and only with measures planned.
pub fn propose_measures(planned: usize, today: NaiveDate, policy: &Policy) -> Result<ProcedureState, AppError> {
    if !policy.appraise_measures {
        return Err(AppError::Conflict("本地政策未要求帮扶措施经民主评议和公示，措施可由责任人直接落实。".into()));
    }
    if planned == 0 {
        return Err(AppError::Conflict(
            "该户没有“计划中”的帮扶措施：请先在风险案件中添加措施，再提交民主评议和公示。".into(),
        ));
    }
    Ok(ProcedureState {
        procedure: Procedure::Measures,
        stage: Stage::Applied,
        green_channel: false,
        basis_date: today,
        class: None,
        notice_start: None,
        notice_end: None,
        rejection: None,
    })
}

/// What the household page says about assistance while the paperwork runs.
pub fn assistance_note(state: &ProcedureState) -> Option<&'static str> {
    match (state.green_channel, state.stage) {
        (true, Stage::Applied | Stage::VillageVerified | Stage::NoticePosted | Stage::TownshipReviewed) => {
            Some("绿色通道：因突发严重困难，已先行落实帮扶措施，识别手续正在补办。")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
