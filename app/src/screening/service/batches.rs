//! The batches as their readers see them: one batch's report, the recent ones, the warnings that
//! matched no household and resolving them.

use super::imports_for_every_department;
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::cases::RiskType;
use crate::db::begin_write;
use crate::error::AppError;
use crate::request::RequestContext;
use crate::screening::progress::Progress;
use crate::screening::{Department, ScreeningReport, UnmatchedView};
use chrono::{DateTime, Utc};
use entities::{import_batch, org_unit, screening_row};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;

/// A batch's report, for the one who sent it or its county's office; a running batch carries the
/// progress this server knows of.
pub async fn report(
    db: &DatabaseConnection,
    ctx: &RequestContext,
    batch_id: i64,
    progress: &Progress,
) -> Result<ScreeningReport, AppError> {
    let caller = ctx.caller()?;
    let batch = import_batch::Entity::find_by_id(batch_id)
        .filter(import_batch::Column::Kind.starts_with("screening:"))
        .filter(readable_batches(db, caller).await?)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut report: ScreeningReport = serde_json::from_str(&batch.report).map_err(AppError::internal)?;
    report.outcome = batch.outcome;
    report.batch_id = batch.id;
    report.done = progress.get(batch.id);
    Ok(report)
}

/// Which screening batches the caller may read: their own, and for the county office every batch sent by
/// someone with a role in its county (not another county's).
async fn readable_batches(db: &DatabaseConnection, caller: &crate::permissions::Caller) -> Result<Condition, AppError> {
    let mut readable = Condition::any().add(import_batch::Column::CreatedBy.eq(caller.user_id));
    if imports_for_every_department(caller)
        && let Some(scope) = authz::scope_condition(caller, Action::ImportWarnings, org_unit::Column::Code)
    {
        let units: Vec<i64> = org_unit::Entity::find()
            .filter(scope)
            .select_only()
            .column(org_unit::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        let senders: Vec<i64> = entities::user_role::Entity::find()
            .filter(entities::user_role::Column::OrgUnitId.is_in(units))
            .select_only()
            .column(entities::user_role::Column::UserId)
            .distinct()
            .into_tuple()
            .all(db)
            .await?;
        readable = readable.add(import_batch::Column::CreatedBy.is_in(senders));
    }
    Ok(readable)
}

/// The caller's latest batches (the county office: those of its county).
pub async fn recent(db: &DatabaseConnection, ctx: &RequestContext) -> Result<Vec<ScreeningReport>, AppError> {
    let caller = ctx.caller()?;
    import_batch::Entity::find()
        .filter(import_batch::Column::Kind.starts_with("screening:"))
        .filter(readable_batches(db, caller).await?)
        .order_by_desc(import_batch::Column::Id)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|b| {
            let mut report: ScreeningReport = serde_json::from_str(&b.report).map_err(AppError::internal)?;
            report.outcome = b.outcome;
            report.batch_id = b.id;
            report.lines.clear();
            report.errors.clear();
            Ok(report)
        })
        .collect()
}

/// Warnings that matched no household, in the caller's scope (unverified first).
pub async fn unmatched(
    db: &DatabaseConnection,
    ctx: &RequestContext,
    include_resolved: bool,
) -> Result<Vec<UnmatchedView>, AppError> {
    let caller = ctx.caller()?;
    let Some(scope) = authz::scope_condition(caller, Action::VerifyWarnings, screening_row::Column::OrgCode) else {
        return Ok(Vec::new());
    };
    let mut query = screening_row::Entity::find().filter(scope).filter(screening_row::Column::Outcome.eq("unmatched"));
    if !include_resolved {
        query = query.filter(screening_row::Column::ResolvedAt.is_null());
    }
    let rows = query.order_by_desc(screening_row::Column::Id).limit(500).all(db).await?;
    let units = crate::org::service::display_names(db, rows.iter().map(|r| r.org_code.clone()).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let reveal = authz::authorize(caller, Action::RevealResidentId, &r.org_code).is_ok();
            UnmatchedView {
                id: r.id,
                department_label: Department::parse(&r.department).map(Department::label).unwrap_or_default().into(),
                resident_id: if reveal {
                    r.resident_id.clone()
                } else {
                    crate::households::mask_resident_id(&r.resident_id)
                },
                name: r.name,
                risk_type_label: RiskType::parse(&r.risk_type).map(RiskType::label).unwrap_or("其他").into(),
                red_alert: r.red_alert,
                description: r.description,
                org_name: units.get(&r.org_code).cloned().unwrap_or_default(),
                received_at: r.created_at,
                resolution: r.resolution,
            }
        })
        .collect())
}

/// The township records what its verification of an unmatched warning found.
pub async fn resolve(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    resolution: &str,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let found = screening_row::Entity::find_by_id(id).one(db).await?;
    let row = authz::found_in_scope(db, now, ctx, Action::VerifyWarnings, found, |r| &r.org_code).await?;
    if row.outcome != "unmatched" {
        return Err(AppError::NotFound);
    }
    let resolution = resolution.trim();
    if resolution.is_empty() {
        return Err(AppError::validation(
            "resolution",
            "请写明核实结果，例如“已核实，非本辖区人员”或“已登记为农户并纳入监测”。",
        ));
    }
    if resolution.chars().count() > 300 {
        return Err(AppError::validation("resolution", "核实结果不超过 300 字。"));
    }
    if row.resolved_at.is_some() {
        return Err(AppError::Conflict("该预警已核实。".into()));
    }
    let tx = begin_write(db).await?;
    let mut active = row.clone().into_active_model();
    active.resolved_at = Set(Some(now));
    active.resolved_by = Set(Some(caller.user_id));
    active.resolution = Set(Some(resolution.into()));
    active.update(&tx).await?;
    audit::append(
        &tx,
        &Actor::user(caller, &ctx.meta),
        now,
        Entry {
            action: "screening.verified",
            entity_type: "screening_row",
            entity_id: id.to_string(),
            org_code: Some(row.org_code.clone()),
            changes: json!({ "name": row.name, "resolution": resolution }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
