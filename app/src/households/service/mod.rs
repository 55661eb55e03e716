//! Households: reading within the caller's scope, search, recording income and assessments, and the
//! stored outcome of each household's risk evaluation (for lists and filters).

pub mod evaluation;
pub mod reading;
pub mod records;

use super::IncomeRecord;
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::request::RequestContext;
use crate::risk::{AssessmentStatus, SecurityItem};
use chrono::{DateTime, NaiveDate, Utc};
use entities::{household, household_income, security_assessment};
use reading::record_of;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;

/// A household by code, if the caller may perform `action` on it. A missing household and one outside
/// the scope answer alike; the check (and its audit of a refusal) runs in both cases.
pub async fn in_scope(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    action: Action,
) -> Result<household::Model, AppError> {
    let found = household::Entity::find().filter(household::Column::Code.eq(code)).one(db).await?;
    // A window grant may list the household by itself (a cross-check sample).
    let (org_code, listed) = found.as_ref().map_or(("", None), |h| (h.org_code.as_str(), Some(h.code.as_str())));
    authz::check_record(db, now, ctx, action, org_code, listed).await?;
    found.ok_or(AppError::NotFound)
}

/// Insert or replace a household's income record for its year in the caller's transaction, audited
/// with before and after; the same figures again change nothing (false). The caller re-evaluates the
/// household before committing.
pub(crate) async fn write_income<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    household: &household::Model,
    record: &IncomeRecord,
) -> Result<bool, AppError> {
    let existing = household_income::Entity::find()
        .filter(household_income::Column::HouseholdId.eq(household.id))
        .filter(household_income::Column::Year.eq(record.year))
        .one(tx)
        .await?;
    let before = existing.as_ref().map(record_of);
    if before.as_ref() == Some(record) {
        return Ok(false);
    }
    let mut active = match existing {
        Some(row) => row.into_active_model(),
        None => household_income::ActiveModel {
            household_id: Set(household.id),
            year: Set(record.year),
            ..Default::default()
        },
    };
    active.wage_fen = Set(record.wage_fen);
    active.business_fen = Set(record.business_fen);
    active.property_fen = Set(record.property_fen);
    active.transfer_fen = Set(record.transfer_fen);
    active.medical_fen = Set(record.medical_fen);
    active.schooling_fen = Set(record.schooling_fen);
    active.disaster_fen = Set(record.disaster_fen);
    active.other_rigid_fen = Set(record.other_rigid_fen);
    active.updated_at = Set(now);
    active.save(tx).await?;
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: "household.income_saved",
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "year": record.year, "before": before, "after": record }),
        },
    )
    .await?;
    Ok(true)
}

/// Insert one dated assessment in the caller's transaction (the caller audits it, alone or as part of a visit).
pub(crate) async fn write_assessment<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    assessed_by: i64,
    household_id: i64,
    (item, status, note): (SecurityItem, AssessmentStatus, &str),
    assessed_on: NaiveDate,
) -> Result<(), AppError> {
    security_assessment::ActiveModel {
        household_id: Set(household_id),
        item: Set(item.as_str().to_string()),
        status: Set(status.as_str().to_string()),
        note: Set(note.to_string()),
        assessed_on: Set(assessed_on),
        assessed_by: Set(assessed_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}
