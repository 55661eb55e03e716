//! Procedures kept in the database: every step writes its event and its audit record in the same
//! transaction as the new state, and moves the household's monitoring status with it.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, identification, identification_event};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

use super::procedure::{
    self as flow, ApplyForm, EliminationFacts, EliminationForm, EventView, Procedure, ProcedureState, ProcedureView,
    Stage, StepForm, step_label,
};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::Action;
use crate::db::begin_write;
use crate::error::AppError;
use crate::households::MonitoringStatus;
use crate::request::RequestContext;
use crate::time::beijing_date;

fn state_of(row: &identification::Model) -> Result<ProcedureState, AppError> {
    let unknown = |what: &str| AppError::internal(format!("unknown {what} in identification {}", row.id));
    Ok(ProcedureState {
        procedure: Procedure::parse(&row.kind).ok_or_else(|| unknown("kind"))?,
        stage: Stage::parse(&row.stage).ok_or_else(|| unknown("stage"))?,
        green_channel: row.green_channel,
        basis_date: row.commitment_signed_on,
        class: row.class.clone(),
        notice_start: row.notice_start,
        notice_end: row.notice_end,
        rejection: row.rejection.clone(),
    })
}

/// The household's latest run of a procedure with its history, if it has one.
pub async fn latest<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
    procedure: Procedure,
) -> Result<Option<ProcedureView>, AppError> {
    let Some(row) = identification::Entity::find()
        .filter(identification::Column::HouseholdId.eq(household_id))
        .filter(identification::Column::Kind.eq(procedure.as_str()))
        .order_by_desc(identification::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let state = state_of(&row)?;
    let events = identification_event::Entity::find()
        .filter(identification_event::Column::IdentificationId.eq(row.id))
        .order_by_asc(identification_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| EventView {
            step_label: step_label(state.procedure, &e.step).to_string(),
            result: Stage::parse(&e.to_stage).map(|s| s.label(state.procedure).to_string()).unwrap_or_default(),
            note: e.note,
            actor: e.actor_name,
            at: e.at,
        })
        .collect();
    Ok(Some(ProcedureView {
        procedure: state.procedure,
        stage: state.stage,
        stage_label: state.stage.label(state.procedure).to_string(),
        green_channel: state.green_channel,
        assistance_note: flow::assistance_note(&state).map(str::to_string),
        basis_date: state.basis_date,
        class: state.class,
        notice_start: state.notice_start,
        notice_end: state.notice_end,
        rejection: state.rejection,
        next_step: state.stage.next_step().map(str::to_string),
        events,
    }))
}

/// The household's running procedure (identification or elimination), if any.
async fn open_procedure<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
) -> Result<Option<identification::Model>, AppError> {
    let open: Vec<&str> = Stage::ALL.into_iter().filter(|s| s.is_open()).map(Stage::as_str).collect();
    Ok(identification::Entity::find()
        .filter(identification::Column::HouseholdId.eq(household_id))
        .filter(identification::Column::Stage.is_in(open))
        .order_by_desc(identification::Column::Id)
        .one(db)
        .await?)
}

/// One step to write to the history.
struct NewEvent<'a> {
    identification_id: i64,
    step: &'a str,
    from: Option<Stage>,
    to: Stage,
    note: &'a str,
}

async fn record_event<C: ConnectionTrait>(
    tx: &C,
    event: NewEvent<'_>,
    actor: &Actor,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    identification_event::ActiveModel {
        identification_id: Set(event.identification_id),
        step: Set(event.step.to_string()),
        from_stage: Set(event.from.map(|s| s.as_str().to_string())),
        to_stage: Set(event.to.as_str().to_string()),
        note: Set(event.note.to_string()),
        actor_user_id: Set(user_id),
        actor_name: Set(actor.name.clone()),
        at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}

/// Set the household's monitoring status (and class, when an identification is approved).
async fn set_status<C: ConnectionTrait>(
    tx: &C,
    household_id: i64,
    status: MonitoringStatus,
    class: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut update = household::Entity::update_many()
        .col_expr(household::Column::MonitoringStatus, Expr::value(status.as_str()))
        .col_expr(household::Column::UpdatedAt, Expr::value(now));
    if let Some(class) = class {
        update = update
            .col_expr(household::Column::MonitoringClass, Expr::value(class))
            .col_expr(household::Column::ClassSince, Expr::value(beijing_date(now)));
    }
    update.filter(household::Column::Id.eq(household_id)).exec(tx).await?;
    Ok(())
}

/// Start a procedure run: the row, its first event, the household's status, and the audit record.
async fn start(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    household: &household::Model,
    state: &ProcedureState,
    note: &str,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    if let Some(open) = open_procedure(&tx, household.id).await? {
        let running = Procedure::parse(&open.kind).map(Procedure::label).unwrap_or("其他");
        return Err(AppError::Conflict(format!("该户已有正在办理的“{running}”程序，请在其基础上继续办理。")));
    }
    let row = identification::ActiveModel {
        household_id: Set(household.id),
        org_code: Set(household.org_code.clone()),
        kind: Set(state.procedure.as_str().to_string()),
        class: Set(state.class.clone()),
        stage: Set(state.stage.as_str().to_string()),
        green_channel: Set(state.green_channel),
        commitment_signed_on: Set(state.basis_date),
        notice_start: Set(None),
        notice_end: Set(None),
        rejection: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let event = NewEvent { identification_id: row.id, step: "apply", from: None, to: state.stage, note };
    record_event(&tx, event, &actor, caller.user_id, now).await?;
    let status = match state.procedure {
        Procedure::Identification => Some(MonitoringStatus::Identifying),
        Procedure::Elimination => Some(MonitoringStatus::Eliminating),
        Procedure::Measures => None,
    };
    if let Some(status) = status {
        set_status(&tx, household.id, status, None, now).await?;
    }
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: match state.procedure {
                Procedure::Identification => "identification.applied",
                Procedure::Elimination => "elimination.proposed",
                Procedure::Measures => "measures.proposed",
            },
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "after": { "stage": state.stage.label(state.procedure), "green_channel": state.green_channel,
                "class": state.class, "basis_date": state.basis_date, "note": note } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A household applies (entered by village staff on its behalf) with its signed commitment.
pub async fn apply(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    form: &ApplyForm,
) -> Result<(), AppError> {
    let household = crate::households::service::in_scope(db, now, ctx, code, Action::EditHousehold).await?;
    let signed = if form.commitment_signed_on.trim().is_empty() {
        None
    } else {
        Some(
            NaiveDate::parse_from_str(form.commitment_signed_on.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::validation("commitment", "承诺书签署日期应写作 2026-03-02 的形式。"))?,
        )
    };
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &household.org_code, today.year()).await?;
    let state = flow::apply(signed, form.green_channel.is_some(), &form.class, today, &policy.policy)?;
    let note = if state.green_channel { "绿色通道：先行帮扶，手续后补" } else { "" };
    start(db, now, ctx, &household, &state, note).await
}

/// What the elimination rules need about a household, read now.
async fn elimination_facts(
    db: &DatabaseConnection,
    household: &household::Model,
    now: DateTime<Utc>,
) -> Result<(crate::risk::Evaluation, Vec<crate::risk::Labour>, Option<i32>), AppError> {
    crate::households::service::evaluation::evaluate_now(db, household, now).await
}

/// Propose marking a monitored household's risk eliminated (风险消除).
pub async fn propose_elimination(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    form: &EliminationForm,
) -> Result<(), AppError> {
    let household = crate::households::service::in_scope(db, now, ctx, code, Action::EditHousehold).await?;
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &household.org_code, today.year()).await?;
    let (evaluation, labour, latest_income_year) = elimination_facts(db, &household, now).await?;
    let facts = EliminationFacts {
        monitored: household.monitoring_status == MonitoringStatus::Monitored.as_str(),
        labour,
        evaluation: &evaluation,
        latest_income_year,
    };
    let state = flow::propose_elimination(&facts, form, today, &policy.policy)?;
    start(db, now, ctx, &household, &state, form.basis.trim()).await
}

/// Put the household's planned measures up for democratic appraisal and public notice [F] 8.
pub async fn propose_measures(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<(), AppError> {
    use entities::assistance_measure as measure;
    let household = crate::households::service::in_scope(db, now, ctx, code, Action::EditHousehold).await?;
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &household.org_code, today.year()).await?;
    let planned = measure::Entity::find()
        .filter(measure::Column::HouseholdId.eq(household.id))
        .filter(measure::Column::Status.eq(crate::cases::measures::MeasureStatus::Planned.as_str()))
        .all(db)
        .await?;
    let state = flow::propose_measures(planned.len(), today, &policy.policy)?;
    let listed: Vec<&str> = planned.iter().map(|m| m.description.as_str()).collect();
    start(db, now, ctx, &household, &state, &format!("拟落实：{}", listed.join("；"))).await
}

/// Take the next step of the household's running procedure.
pub async fn step(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    form: &StepForm,
) -> Result<(), AppError> {
    let household = crate::households::service::in_scope(db, now, ctx, code, Action::ReadHousehold).await?;
    let step = form.parse()?;
    let caller = ctx.caller()?;
    let roles = crate::authz::roles_over(caller, &household.org_code);
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &household.org_code, today.year()).await?;
    // The county confirms an elimination only if the household still qualifies today.
    let still_qualifies = match &step {
        flow::Step::CountyApprove { approve: true, .. } => {
            let (evaluation, labour, latest_income_year) = elimination_facts(db, &household, now).await?;
            let facts = EliminationFacts { monitored: true, labour, evaluation: &evaluation, latest_income_year };
            Some(flow::check_elimination(&facts, today))
        }
        _ => None,
    };
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let acting = crate::authz::Acting { actor: &actor, user_id: caller.user_id, roles: &roles };
    take_step(&tx, now, &acting, &household, &step, &policy.policy, still_qualifies).await?;
    tx.commit().await?;
    Ok(())
}

/// Take a step of the household's running procedure in the caller's transaction: the transition, its
/// event and audit record, and the household's status when the procedure ends. `still_qualifies` is
/// the check of a county's approval of an elimination, made before the transaction.
pub(crate) async fn take_step<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    acting: &crate::authz::Acting<'_>,
    household: &household::Model,
    step: &flow::Step,
    policy: &crate::policy::Policy,
    still_qualifies: Option<Result<(), AppError>>,
) -> Result<(), AppError> {
    let crate::authz::Acting { actor, user_id, roles } = *acting;
    let today = beijing_date(now);
    let row = open_procedure(tx, household.id)
        .await?
        .ok_or_else(|| AppError::Conflict("该户没有正在办理的识别纳入、风险消除或帮扶措施评议程序。".into()))?;
    let current = state_of(&row)?;
    if current.procedure == Procedure::Elimination
        && let Some(Err(refusal)) = still_qualifies
    {
        return Err(refusal);
    }
    let calendar = crate::calendar::service::load(tx).await?;
    let next = flow::transition(&current, step, roles, today, &calendar, policy)?;
    let mut active = row.clone().into_active_model();
    active.stage = Set(next.stage.as_str().to_string());
    active.notice_start = Set(next.notice_start);
    active.notice_end = Set(next.notice_end);
    active.rejection = Set(next.rejection.clone());
    active.updated_at = Set(now);
    active.update(tx).await?;
    let note = match step {
        flow::Step::PostNotice { start } => {
            format!("公示期 {start} 至 {}", next.notice_end.map(|d| d.to_string()).unwrap_or_default())
        }
        flow::Step::VillageVerify { note, .. }
        | flow::Step::TownshipReview { note, .. }
        | flow::Step::CountyApprove { note, .. } => note.clone(),
    };
    let event = NewEvent {
        identification_id: row.id,
        step: step.code(),
        from: Some(current.stage),
        to: next.stage,
        note: &note,
    };
    record_event(tx, event, actor, user_id, now).await?;
    // The household's status follows the outcome.
    let outcome = match (current.procedure, next.stage) {
        (Procedure::Identification, Stage::Approved) => Some((MonitoringStatus::Monitored, current.class.as_deref())),
        (Procedure::Identification, Stage::Rejected) => Some((MonitoringStatus::None, None)),
        (Procedure::Elimination, Stage::Approved) => Some((MonitoringStatus::Eliminated, None)),
        (Procedure::Elimination, Stage::Rejected) => Some((MonitoringStatus::Monitored, None)),
        _ => None,
    };
    if let Some((status, class)) = outcome {
        set_status(tx, household.id, status, class, now).await?;
    }
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: match current.procedure {
                Procedure::Identification => "identification.step",
                Procedure::Elimination => "elimination.step",
                Procedure::Measures => "measures.step",
            },
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "step": step.label(), "before": { "stage": current.stage.label(current.procedure) },
                "after": { "stage": next.stage.label(current.procedure) }, "note": note }),
        },
    )
    .await?;
    Ok(())
}
