//! Identification kept in the database: every step writes its event and its audit record in the
//! same transaction as the new state.

use chrono::{DateTime, Datelike, Utc};
use entities::{identification, identification_event};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

use super::identification::{
    self as flow, ApplyForm, EventView, Identification, IdentificationView, Stage, StepForm, step_label,
};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::auth::Role;
use crate::authz::Action;
use crate::db::begin_write;
use crate::error::AppError;
use crate::request::RequestContext;

fn state_of(row: &identification::Model) -> Result<Identification, AppError> {
    Ok(Identification {
        stage: Stage::parse(&row.stage).ok_or_else(|| AppError::internal(format!("unknown stage {}", row.stage)))?,
        green_channel: row.green_channel,
        commitment_signed_on: row.commitment_signed_on,
        notice_start: row.notice_start,
        notice_end: row.notice_end,
        rejection: row.rejection.clone(),
    })
}

/// The household's latest identification with its history, if it has one.
pub async fn latest<C: ConnectionTrait>(db: &C, household_id: i64) -> Result<Option<IdentificationView>, AppError> {
    let Some(row) = identification::Entity::find()
        .filter(identification::Column::HouseholdId.eq(household_id))
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
            step_label: step_label(&e.step).to_string(),
            result: Stage::parse(&e.to_stage).map(|s| s.label().to_string()).unwrap_or_default(),
            note: e.note,
            actor: e.actor_name,
            at: e.at,
        })
        .collect();
    Ok(Some(IdentificationView {
        stage: state.stage,
        stage_label: state.stage.label().to_string(),
        green_channel: state.green_channel,
        assistance_note: flow::assistance_note(&state).map(str::to_string),
        commitment_signed_on: state.commitment_signed_on,
        notice_start: state.notice_start,
        notice_end: state.notice_end,
        rejection: state.rejection,
        next_step: state.stage.next_step().map(str::to_string),
        events,
    }))
}

async fn open_identification<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
) -> Result<Option<identification::Model>, AppError> {
    let latest = identification::Entity::find()
        .filter(identification::Column::HouseholdId.eq(household_id))
        .order_by_desc(identification::Column::Id)
        .one(db)
        .await?;
    Ok(latest.filter(|row| Stage::parse(&row.stage).is_some_and(Stage::is_open)))
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
            chrono::NaiveDate::parse_from_str(form.commitment_signed_on.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::validation("commitment", "承诺书签署日期应写作 2026-03-02 的形式。"))?,
        )
    };
    let state = flow::apply(signed, form.green_channel.is_some(), now.date_naive())?;
    let caller = ctx.caller()?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    if open_identification(&tx, household.id).await?.is_some() {
        return Err(AppError::Conflict("该户已有正在办理的识别程序，请在其基础上继续办理。".into()));
    }
    let row = identification::ActiveModel {
        household_id: Set(household.id),
        org_code: Set(household.org_code.clone()),
        stage: Set(state.stage.as_str().to_string()),
        green_channel: Set(state.green_channel),
        commitment_signed_on: Set(state.commitment_signed_on),
        notice_start: Set(None),
        notice_end: Set(None),
        rejection: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let note = if state.green_channel { "绿色通道：先行帮扶，手续后补" } else { "" };
    let event = NewEvent { identification_id: row.id, step: "apply", from: None, to: state.stage, note };
    record_event(&tx, event, &actor, caller.user_id, now).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "identification.applied",
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "after": { "stage": state.stage.label(), "green_channel": state.green_channel,
                "commitment_signed_on": state.commitment_signed_on } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Take the next step of the household's open identification.
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
    // The caller's roles whose scope covers the household.
    let roles: Vec<Role> = caller
        .roles
        .iter()
        .filter(|g| g.scope().is_some_and(|s| s.contains(&household.org_code)))
        .map(|g| g.role)
        .collect();
    let today = now.date_naive();
    let policy = crate::policy::service::effective(db, &household.org_code, today.year()).await?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let row = open_identification(&tx, household.id)
        .await?
        .ok_or_else(|| AppError::Conflict("该户没有正在办理的识别程序，请先发起申请。".into()))?;
    let current = state_of(&row)?;
    let calendar = crate::calendar::service::load(&tx).await?;
    let next = flow::transition(&current, &step, &roles, today, &calendar, &policy.policy)?;
    let mut active = row.clone().into_active_model();
    active.stage = Set(next.stage.as_str().to_string());
    active.notice_start = Set(next.notice_start);
    active.notice_end = Set(next.notice_end);
    active.rejection = Set(next.rejection.clone());
    active.updated_at = Set(now);
    active.update(&tx).await?;
    let note = match &step {
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
    record_event(&tx, event, &actor, caller.user_id, now).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "identification.step",
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "step": step.label(), "before": { "stage": current.stage.label() },
                "after": { "stage": next.stage.label() }, "note": note }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
