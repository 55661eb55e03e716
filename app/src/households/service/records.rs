//! What is recorded on a household besides its register: the year's income and expenditure, the
//! 两不愁三保障 assessments, and a member's full ID number shown to those who may see it (audited).

use super::evaluation::reevaluate;
use super::{in_scope, write_assessment, write_income};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::Action;
use crate::db::begin_write;
use crate::error::AppError;
use crate::households::{AssessmentForm, IncomeForm};
use crate::request::RequestContext;
use crate::time::beijing_date;
use chrono::{DateTime, Utc};
use entities::{household, household_member};
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::json;

/// Record a household's income and expenditure for a year (insert or replace), audited with before and
/// after; the risk evaluation on the household page follows at once.
pub async fn save_income(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    form: &IncomeForm,
) -> Result<(), AppError> {
    let household = in_scope(db, now, ctx, code, Action::EditHousehold).await?;
    let record = form.parse()?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(db).await?;
    write_income(&tx, now, &actor, &household, &record).await?;
    reevaluate(&tx, &[household.id], now).await?;
    tx.commit().await?;
    Ok(())
}

/// Record an assessment of one 两不愁三保障 item; earlier ones stay as history.
pub async fn assess(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    form: &AssessmentForm,
) -> Result<(), AppError> {
    let household = in_scope(db, now, ctx, code, Action::EditHousehold).await?;
    let (item, status, note, assessed_on) = form.parse(beijing_date(now))?;
    let caller = ctx.caller()?;
    let tx = begin_write(db).await?;
    write_assessment(&tx, now, caller.user_id, household.id, (item, status, &note), assessed_on).await?;
    audit::append(
        &tx,
        &Actor::user(caller, &ctx.meta),
        now,
        Entry {
            action: "household.assessed",
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "after": { "item": item.label(), "status": status.label(), "note": note, "assessed_on": assessed_on } }),
        },
    )
    .await?;
    reevaluate(&tx, &[household.id], now).await?;
    tx.commit().await?;
    Ok(())
}

/// The full resident ID number of a member, for a role that needs it. Every reveal is audited.
pub async fn reveal_resident_id(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    member_id: i64,
) -> Result<String, AppError> {
    let member = household_member::Entity::find_by_id(member_id).one(db).await?;
    let household = match &member {
        Some(m) => household::Entity::find_by_id(m.household_id).one(db).await?,
        None => None,
    };
    let code = household.as_ref().map(|h| h.code.clone()).unwrap_or_default();
    let household = in_scope(db, now, ctx, &code, Action::RevealResidentId).await?;
    let member = member.ok_or(AppError::NotFound)?;
    let tx = begin_write(db).await?;
    audit::append(
        &tx,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "household.id_revealed",
            entity_type: "household_member",
            entity_id: member.id.to_string(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "name": member.name, "household": household.code }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(member.resident_id)
}
