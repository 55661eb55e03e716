//! A case's steps: each recorded with its event and audit record in one transaction, and reassigning
//! the cases of one owner to another.

use super::{in_scope, status_of};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::cases::lifecycle::{self, CaseState, Status, action_label};
use crate::db::begin_write;
use crate::error::AppError;
use crate::notify::Category as NoticeCategory;
use crate::notify::service::{Notice, notify};
use crate::permissions::Caller;
use crate::request::RequestContext;
use crate::time::beijing_date;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{app_user, case_event, risk_case};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use std::collections::HashMap;

/// One step of a case, as its history and the audit log keep it.
pub(crate) struct Step<'a> {
    pub case_id: i64,
    pub org_code: &'a str,
    /// The event's action code (`create`, `include`, `reassign`, `measure`, ...).
    pub action: &'a str,
    pub from: Option<Status>,
    pub to: Status,
    pub note: &'a str,
    /// The deadline this step set, if it set one.
    pub deadline: Option<NaiveDate>,
    /// The audit record's action and changes.
    pub audit_action: &'static str,
    pub changes: serde_json::Value,
}

/// Write a step's event and its audit record (in the caller's transaction).
pub(crate) async fn record<C: ConnectionTrait>(
    tx: &C,
    step: Step<'_>,
    actor: &Actor,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    case_event::ActiveModel {
        case_id: Set(step.case_id),
        action: Set(step.action.into()),
        from_status: Set(step.from.map(|s| s.as_str().to_string())),
        to_status: Set(step.to.as_str().into()),
        note: Set(step.note.into()),
        deadline: Set(step.deadline),
        actor_user_id: Set(user_id),
        actor_name: Set(actor.name.clone()),
        at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: step.audit_action,
            entity_type: "case",
            entity_id: step.case_id.to_string(),
            org_code: Some(step.org_code.to_string()),
            changes: step.changes,
        },
    )
    .await?;
    Ok(())
}

/// Take a lifecycle step on a case in the caller's transaction (the case is read again inside it, so
/// two people acting at once cannot both move it): the new status and deadline, its event and audit record.
pub(crate) async fn take_step<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    acting: &authz::Acting<'_>,
    case_id: i64,
    action: &lifecycle::Action,
    policy: &crate::policy::Policy,
) -> Result<(), AppError> {
    let authz::Acting { actor, user_id, roles } = *acting;
    let today = beijing_date(now);
    let row = risk_case::Entity::find_by_id(case_id).one(tx).await?.ok_or(AppError::NotFound)?;
    let current = CaseState {
        status: status_of(&row)?,
        deadline: row.deadline,
        registered_on: beijing_date(row.created_at),
        supervised: row.source == crate::cases::Source::Supervision.as_str(),
    };
    let next = lifecycle::transition(&current, action, roles, row.owner_user_id == user_id, today, policy)?;
    let mut active = row.clone().into_active_model();
    active.status = Set(next.status.as_str().into());
    active.deadline = Set(next.deadline);
    active.updated_at = Set(now);
    active.closed_at = Set(if next.status.is_open() { None } else { Some(now) });
    active.update(tx).await?;
    let deadline_changed = (next.deadline != current.deadline).then_some(next.deadline);
    let step = Step {
        case_id: row.id,
        org_code: &row.org_code,
        action: action.code(),
        from: Some(current.status),
        to: next.status,
        note: action.note(),
        deadline: deadline_changed,
        audit_action: "case.step",
        changes: json!({ "step": action_label(action.code()),
            "before": { "status": current.status.label(), "deadline": current.deadline },
            "after": { "status": next.status.label(), "deadline": next.deadline }, "note": action.note() }),
    };
    record(tx, step, actor, user_id, now).await?;
    Ok(())
}

/// Take a step on a case.
pub async fn act(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    form: &lifecycle::ActionForm,
) -> Result<(), AppError> {
    let row = in_scope(db, now, ctx, id, Action::ReadHousehold).await?;
    let action = form.parse()?;
    if row.source == crate::cases::Source::Supervision.as_str()
        && matches!(action, lifecycle::Action::Accept { .. } | lifecycle::Action::Return { .. })
    {
        return Err(AppError::Conflict("督查交办的问题由督查组成员在“专项督查”中复核销号或退回整改。".into()));
    }
    let caller = ctx.caller()?;
    let roles = authz::roles_over(caller, &row.org_code);
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &row.org_code, today.year()).await?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let acting = authz::Acting { actor: &actor, user_id: caller.user_id, roles: &roles };
    take_step(&tx, now, &acting, row.id, &action, &policy.policy).await?;
    if matches!(action, lifecycle::Action::Submit { .. }) {
        ask_for_recheck(&tx, now, row.id, caller.user_id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A rectification submitted for a supervision finding asks the round's members for the re-check (复核), all
/// but the one who submitted it (the round's page says who else may not).
async fn ask_for_recheck<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    case_id: i64,
    submitter: i64,
) -> Result<(), AppError> {
    use entities::{supervision_finding, supervision_member};
    let Some(finding) =
        supervision_finding::Entity::find().filter(supervision_finding::Column::CaseId.eq(case_id)).one(tx).await?
    else {
        return Ok(());
    };
    let members: Vec<i64> = supervision_member::Entity::find()
        .filter(supervision_member::Column::RoundId.eq(finding.round_id))
        .all(tx)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .filter(|id| *id != submitter)
        .collect();
    let notice = Notice {
        category: NoticeCategory::Assignment,
        title: format!("督查问题待复核：{}", finding.item),
        body: format!(
            "被督查单位已提交整改（{}），请督查组成员复核销号或退回整改；整改责任人和被督查单位人员不能复核。",
            finding.description.chars().take(60).collect::<String>()
        ),
        link: format!("/supervision/{}#finding-{}", finding.round_id, finding.id),
        dedupe: None,
    };
    notify(tx, now, &members, &notice).await?;
    Ok(())
}

/// Hand cases to another owner, keeping the history: one case, or every open case of one owner in the
/// caller's units (a contact leaves, villages merge). Returns how many moved.
pub async fn reassign(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &crate::cases::ReassignForm,
) -> Result<u64, AppError> {
    let caller = ctx.caller()?;
    let to = chosen_user("to_user_id", &form.to_user_id)?;
    let reason = form.reason.trim().to_string();
    if reason.is_empty() {
        return Err(AppError::validation("reason", "请写明更换责任人的原因。"));
    }
    let cases = cases_to_reassign(db, now, ctx, caller, form).await?;
    if cases.is_empty() {
        return Err(AppError::validation("from_user_id", "所选人员在您负责的范围内没有未办结的案件。"));
    }
    check_new_owner(db, &cases, to).await?;
    let names: HashMap<i64, String> =
        app_user::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let actor = Actor::user(caller, &ctx.meta);
    let handover = Handover { to, reason: &reason, actor: &actor, by: caller.user_id, names };
    let tx = begin_write(db).await?;
    let mut moved = 0;
    for c in cases {
        if c.owner_user_id == to {
            continue;
        }
        handover.hand_over(&tx, now, c).await?;
        moved += 1;
    }
    tx.commit().await?;
    Ok(moved)
}

/// A person chosen from a list, by id.
fn chosen_user(field: &str, text: &str) -> Result<i64, AppError> {
    text.trim().parse::<i64>().map_err(|_| AppError::validation(field, "请从列表中选择人员。"))
}

/// The cases the form names: the one case (which the caller may reassign), or every open case of the
/// chosen owner in the units where the caller assigns cadres.
async fn cases_to_reassign(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    caller: &Caller,
    form: &crate::cases::ReassignForm,
) -> Result<Vec<risk_case::Model>, AppError> {
    Ok(match form.case_id.trim() {
        "" => {
            let from = chosen_user("from_user_id", &form.from_user_id)?;
            let Some(scope) = authz::scope_condition(caller, Action::AssignCadres, risk_case::Column::OrgCode) else {
                return Err(AppError::Forbidden);
            };
            let open: Vec<&str> = Status::open_codes();
            risk_case::Entity::find()
                .filter(scope)
                .filter(risk_case::Column::OwnerUserId.eq(from))
                .filter(risk_case::Column::Status.is_in(open))
                .order_by_asc(risk_case::Column::Id)
                .all(db)
                .await?
        }
        id => {
            let id = id.parse().map_err(|_| AppError::NotFound)?;
            let row = in_scope(db, now, ctx, id, Action::ReadHousehold).await?;
            authz::check(db, now, ctx, Action::AssignCadres, &row.org_code).await?;
            vec![row]
        }
    })
}

/// The new owner must be one who may own a case in every case's unit (looked up once a unit).
async fn check_new_owner(db: &DatabaseConnection, cases: &[risk_case::Model], to: i64) -> Result<(), AppError> {
    let mut eligible: HashMap<String, bool> = HashMap::new();
    for c in cases {
        let ok = match eligible.get(&c.org_code) {
            Some(ok) => *ok,
            None => {
                let ok = crate::households::register::candidates(db, &c.org_code, Action::OwnCase.roles())
                    .await?
                    .iter()
                    .any(|o| o.user_id == to);
                eligible.insert(c.org_code.clone(), ok);
                ok
            }
        };
        if !ok {
            return Err(AppError::validation(
                "to_user_id",
                "新责任人不能负责其中部分案件所在的村组，请另选或分批更换。",
            ));
        }
    }
    Ok(())
}

/// A reassignment as decided: the new owner, the reason, who makes it, and everyone's names for the notes.
struct Handover<'a> {
    to: i64,
    reason: &'a str,
    actor: &'a Actor,
    by: i64,
    names: HashMap<i64, String>,
}

impl Handover<'_> {
    /// Move one case to the new owner: the case changed, a step in its history (audited), and a notice to
    /// the new owner.
    async fn hand_over<C: ConnectionTrait>(
        &self,
        tx: &C,
        now: DateTime<Utc>,
        c: risk_case::Model,
    ) -> Result<(), AppError> {
        let (to, reason) = (self.to, self.reason);
        let name = |id: i64| self.names.get(&id).cloned().unwrap_or_default();
        let status = status_of(&c)?;
        let note = format!("责任人由{}改为{}：{reason}", name(c.owner_user_id), name(to));
        let mut active = c.clone().into_active_model();
        active.owner_user_id = Set(to);
        active.updated_at = Set(now);
        active.update(tx).await?;
        let step = Step {
            case_id: c.id,
            org_code: &c.org_code,
            action: "reassign",
            from: Some(status),
            to: status,
            note: &note,
            deadline: None,
            audit_action: "case.reassigned",
            changes: json!({ "before": { "owner_user_id": c.owner_user_id }, "after": { "owner_user_id": to }, "reason": reason }),
        };
        record(tx, step, self.actor, self.by, now).await?;
        let notice = Notice {
            category: NoticeCategory::Assignment,
            title: format!("案件改由您办理：#{}", c.id),
            body: format!(
                "{note}。案件：{}，期限 {}。",
                c.description.chars().take(80).collect::<String>(),
                c.deadline
            ),
            link: format!("/cases/{}", c.id),
            dedupe: None,
        };
        notify(tx, now, &[to], &notice).await?;
        Ok(())
    }
}
