//! Deciding an agenda item: the decision is recorded and, in the same transaction, opens a case or
//! updates the case it is about (a step, a measure, an escalation, an appraisal).

use super::preparation::{item_of, not_taken_up};
use super::{editable, locked_for_edit, meeting_entry, owner_unit};
use crate::audit::service::{self as audit, Actor};
use crate::authz::{self, Action};
use crate::cases::{RiskType, Source, Status};
use crate::db::begin_write;
use crate::error::AppError;
use crate::meetings::{Decision, DecisionForm, ItemAction};
use crate::org::OrgLevel;
use crate::permissions::Caller;
use crate::request::RequestContext;
use crate::time::beijing_date;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, meeting, meeting_item, risk_case};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set};
use serde_json::json;
use std::collections::HashMap;

/// Record the analysis and decision on an item and carry it out in the same transaction: open a case
/// for the household (source 研判会议), or set the case's department, responsible person, deadline and
/// owner, or mark it for the township's joint meeting, or record the democratic appraisal. Saving a
/// decision again corrects it: the case it opened is updated, never opened twice; an appraisal, once it
/// has moved the household's procedure, keeps its result.
pub async fn decide(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    form: &DecisionForm,
) -> Result<(), AppError> {
    let (m, unit) = editable(db, now, ctx, id).await?;
    let d = form.parse(m.held_on.unwrap_or_else(|| beijing_date(now)))?;
    if d.action == ItemAction::Escalate && unit.level() != OrgLevel::Village {
        return Err(AppError::validation("action", "只有村级研判会议可以提交镇街联席研判会议。"));
    }
    let caller = ctx.caller()?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let m = locked_for_edit(&tx, caller, id).await?;
    let it = item_of(&tx, m.id, form.item_id).await?;
    if it.dropped {
        return Err(AppError::Conflict("该议题已不列入研判，请先恢复。".into()));
    }
    not_taken_up(&tx, &it).await?;
    if let Some(owner) = d.owner {
        check_owner(&tx, &m, &it, owner).await?;
    }
    let before = ItemAction::parse(&it.action);
    let appraised = crate::meetings::appraisal_recorded(it.decided_at.is_some(), before);
    if appraised && before != Some(d.action) {
        return Err(AppError::validation(
            "action",
            "民主评议结果已登记并记入该户的办理流程，不能改为其他处理方式；如需更正，请在签发后追加补充说明。",
        ));
    }
    let mut result_case = it.result_case_id;
    match d.action {
        ItemAction::OpenCase => match (it.result_case_id, it.case_id) {
            // Saved again: the case this decision opened takes the corrected department, person and deadline.
            (Some(case_id), _) => update_case(&tx, now, &actor, caller, &m, case_id, &d).await?,
            (None, Some(_)) => return Err(AppError::validation("action", "该议题已有案件，请选择“更新案件”。")),
            (None, None) => result_case = Some(open_case(&tx, now, &actor, &m, &it, &d).await?),
        },
        ItemAction::UpdateCase => {
            let case_id = it
                .case_id
                .or(it.result_case_id)
                .ok_or_else(|| AppError::validation("action", "该议题没有关联案件，请选择“立案”。"))?;
            update_case(&tx, now, &actor, caller, &m, case_id, &d).await?;
        }
        ItemAction::AppraisalPassed | ItemAction::AppraisalFailed if !appraised => {
            appraise(&tx, now, &actor, caller, &it, &d).await?;
        }
        ItemAction::AppraisalPassed | ItemAction::AppraisalFailed | ItemAction::Note | ItemAction::Escalate => {}
    }
    record_decision(&tx, now, &actor, &m, &it, &d, result_case).await?;
    tx.commit().await?;
    Ok(())
}

/// The owner chosen for the item's case must be one who may own it there (see `owner_unit`).
async fn check_owner<C: ConnectionTrait>(
    tx: &C,
    m: &meeting::Model,
    it: &meeting_item::Model,
    owner: i64,
) -> Result<(), AppError> {
    let household = match it.household_id {
        Some(id) => household::Entity::find_by_id(id).one(tx).await?,
        None => None,
    };
    let unit = owner_unit(m, household.as_ref());
    let eligible = crate::households::register::candidates(tx, &unit, Action::OwnCase.roles()).await?;
    if !eligible.iter().any(|c| c.user_id == owner) {
        return Err(AppError::validation("owner_user_id", "所选人员不能担任案件责任人，请从列表中选择。"));
    }
    Ok(())
}

/// Record the decision on the item (decided now, with the case it opened, if any) and audit it.
async fn record_decision<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    m: &meeting::Model,
    it: &meeting_item::Model,
    d: &Decision,
    result_case: Option<i64>,
) -> Result<(), AppError> {
    let mut active = it.clone().into_active_model();
    active.analysis = Set(d.analysis.clone());
    active.decision = Set(d.decision.clone());
    active.action = Set(d.action.as_str().into());
    active.department = Set(d.department.clone());
    active.responsible_person = Set(d.responsible_person.clone());
    active.deadline = Set(d.deadline);
    active.owner_user_id = Set(d.owner);
    active.result_case_id = Set(result_case);
    active.decided_at = Set(Some(now));
    active.update(tx).await?;
    audit::append(
        tx,
        actor,
        now,
        meeting_entry(
            m,
            "meeting.decided",
            json!({ "after": {
            "item_id": it.id, "title": it.title, "analysis": d.analysis, "decision": d.decision,
            "action": d.action.label(), "department": d.department, "responsible_person": d.responsible_person,
            "deadline": d.deadline, "owner_user_id": d.owner, "case_id": it.case_id.or(result_case), "case_step": d.case_step,
        } }),
        ),
    )
    .await?;
    Ok(())
}

/// "石桥村 2026-03 研判会议决定：…"
fn decided_by(m: &meeting::Model, unit_name: &str, d: &Decision) -> String {
    format!(
        "{unit_name}{} 研判会议决定：{}（整改部门：{}；责任人：{}）",
        m.month, d.decision, d.department, d.responsible_person
    )
}

async fn open_case<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    m: &meeting::Model,
    it: &meeting_item::Model,
    d: &Decision,
) -> Result<i64, AppError> {
    let household_id = it
        .household_id
        .ok_or_else(|| AppError::validation("action", "该议题没有关联农户，不能直接立案，请在农户页面登记。"))?;
    let household = household::Entity::find_by_id(household_id).one(tx).await?.ok_or(AppError::NotFound)?;
    let owner = match d.owner.or(household.contact_user_id) {
        Some(owner) => owner,
        None => crate::cases::service::opening::default_owner(tx, &mut HashMap::new(), &household.org_code)
            .await?
            .or(actor.user_id)
            .ok_or_else(|| AppError::internal("a meeting decision without an actor"))?,
    };
    let alert = red_alert_of(tx, &household, beijing_date(now)).await?;
    let names = crate::org::service::display_names(tx, vec![m.org_code.clone()]).await?;
    let description =
        format!("{}；{}", it.title, decided_by(m, names.get(&m.org_code).map(String::as_str).unwrap_or(""), d));
    crate::cases::service::opening::open(
        tx,
        now,
        actor,
        crate::cases::service::opening::Opening {
            household: Some(&household),
            org_code: &household.org_code,
            source: Source::Meeting,
            risk_type: alert.unwrap_or(RiskType::Other),
            red_alert: alert.is_some(),
            description: &description,
            owner,
            department: &d.department,
            responsible_person: &d.responsible_person,
            deadline: d.deadline.ok_or_else(|| AppError::validation("deadline", "请填写整改期限。"))?,
            status: crate::cases::Status::PendingVerification,
            notify_owner: true,
        },
    )
    .await
}

/// The risk type of the household's red alert under today's verdict (its first red-alert reason), or
/// `None` when the household is not a red alert.
async fn red_alert_of<C: ConnectionTrait>(
    tx: &C,
    household: &household::Model,
    today: NaiveDate,
) -> Result<Option<RiskType>, AppError> {
    let evaluated =
        crate::households::service::evaluation::evaluate_batch(tx, &[household.id], today, &mut HashMap::new()).await?;
    Ok(evaluated
        .into_iter()
        .filter_map(|e| e.evaluation)
        .filter(|v| v.red_alert)
        .find_map(|v| v.flags.iter().find_map(|f| RiskType::of_red_alert(f.kind))))
}

/// Set the case's department, responsible person, deadline (and owner) as decided, after the decided
/// lifecycle step if there is one (the caller's roles over the case decide whether they may take it);
/// the decision is a step of the case's history. A step that closes the case (不予纳入, 验收销号) ends it there.
async fn update_case<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    caller: &Caller,
    m: &meeting::Model,
    case_id: i64,
    d: &Decision,
) -> Result<(), AppError> {
    let user_id = caller.user_id;
    let case_org = risk_case::Entity::find_by_id(case_id).one(tx).await?.ok_or(AppError::NotFound)?.org_code;
    let roles = authz::roles_over(caller, &case_org);
    let acting = authz::Acting { actor, user_id, roles: &roles };
    if let Some(code) = &d.case_step {
        let form = crate::cases::lifecycle::ActionForm {
            action: code.clone(),
            note: format!("研判会议决定：{}", d.decision),
            deadline: d.deadline.map(|x| x.to_string()).unwrap_or_default(),
        };
        let step = form.parse()?;
        let policy = crate::policy::service::effective(tx, &m.org_code, beijing_date(now).year()).await?;
        crate::cases::service::steps::take_step(tx, now, &acting, case_id, &step, &policy.policy).await?;
    }
    let case = risk_case::Entity::find_by_id(case_id).one(tx).await?.ok_or(AppError::NotFound)?;
    let status = Status::parse(&case.status).ok_or_else(|| AppError::internal(format!("case {case_id} status")))?;
    if !status.is_open() {
        if d.case_step.as_deref().is_some_and(|step| crate::meetings::CLOSING_STEPS.contains(&step)) {
            return Ok(());
        }
        return Err(AppError::Conflict("该案件已办结或不予纳入，研判决定无法更新它。".into()));
    }
    let deadline = d.deadline.ok_or_else(|| AppError::validation("deadline", "请填写整改期限。"))?;
    let before = json!({ "department": case.department, "responsible_person": case.responsible_person,
        "deadline": case.deadline, "owner_user_id": case.owner_user_id });
    let owner_changed = d.owner.is_some_and(|o| o != case.owner_user_id);
    let mut active = case.clone().into_active_model();
    active.department = Set(d.department.clone());
    active.responsible_person = Set(d.responsible_person.clone());
    active.deadline = Set(deadline);
    if let Some(owner) = d.owner {
        active.owner_user_id = Set(owner);
    }
    active.updated_at = Set(now);
    active.update(tx).await?;
    let names = crate::org::service::display_names(tx, vec![m.org_code.clone()]).await?;
    let note = decided_by(m, names.get(&m.org_code).map(String::as_str).unwrap_or(""), d);
    crate::cases::service::steps::record(
        tx,
        crate::cases::service::steps::Step {
            case_id: case.id,
            org_code: &case.org_code,
            action: "meeting_decision",
            from: Some(status),
            to: status,
            note: &note,
            deadline: Some(deadline),
            audit_action: "case.meeting_decision",
            changes: json!({ "meeting_id": m.id, "before": before, "after": { "department": d.department,
                "responsible_person": d.responsible_person, "deadline": deadline, "owner_user_id": d.owner.unwrap_or(case.owner_user_id) } }),
        },
        actor,
        user_id,
        now,
    )
    .await?;
    if let Some(owner) = d.owner.filter(|_| owner_changed) {
        let notice = crate::notify::service::Notice {
            category: crate::notify::Category::Assignment,
            title: format!("研判会议交办案件 {}", case.id),
            body: note.clone(),
            link: format!("/cases/{}", case.id),
            dedupe: None,
        };
        crate::notify::service::notify(tx, now, &[owner], &notice).await?;
    }
    Ok(())
}

/// Record the democratic appraisal held in the meeting as the village's verification step of the
/// household's running identification or elimination (the procedure's own rules decide who may).
async fn appraise<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    caller: &Caller,
    it: &meeting_item::Model,
    d: &Decision,
) -> Result<(), AppError> {
    let household_id =
        it.household_id.ok_or_else(|| AppError::validation("action", "该议题没有关联农户，不能登记民主评议结果。"))?;
    let household = household::Entity::find_by_id(household_id).one(tx).await?.ok_or(AppError::NotFound)?;
    let roles = authz::roles_over(caller, &household.org_code);
    let policy = crate::policy::service::effective(tx, &household.org_code, beijing_date(now).year()).await?;
    let step = crate::workflow::procedure::Step::VillageVerify {
        appraisal_passed: d.action == ItemAction::AppraisalPassed,
        note: format!("研判会议民主评议：{}", d.decision),
    };
    let acting = authz::Acting { actor, user_id: caller.user_id, roles: &roles };
    crate::workflow::service::take_step(tx, now, &acting, &household, &step, &policy.policy, None).await
}
