//! Storing policy sets and finding the one in force: a unit's own set for the year, else the nearest
//! ancestor's. Changes are audited and take effect at once (every read goes to the database).

use chrono::{DateTime, Utc};
use entities::{org_unit, policy_set};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::presets::{Preset, preset};
use super::{Policy, PolicyShown, PolicyView};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::org::OrgCode;
use crate::request::RequestContext;

/// The policy in force for `org_code` in `year`, or a clear error when none is set.
pub async fn effective<C: ConnectionTrait>(db: &C, org_code: &str, year: i32) -> Result<PolicyView, AppError> {
    let sets = policy_set::Entity::find().filter(policy_set::Column::Year.eq(year)).all(db).await?;
    let best = sets
        .into_iter()
        .filter_map(|set| {
            OrgCode::parse(&set.org_code).ok().filter(|code| code.contains(org_code)).map(|code| (code, set))
        })
        .max_by_key(|(code, _)| code.scope_prefix().len());
    let Some((code, set)) = best else {
        return Err(AppError::Conflict(format!(
            "{year} 年尚未设置本单位适用的政策参数。请县级乡村振兴部门在“政策设置”中选择或编辑一套政策。"
        )));
    };
    let policy: Policy = serde_json::from_str(&set.body).map_err(AppError::internal)?;
    let unit = org_unit::Entity::find_by_id(set.org_unit_id).one(db).await?.ok_or(AppError::NotFound)?;
    Ok(PolicyView {
        inherited: code.as_str() != org_code,
        org_code: set.org_code,
        org_name: unit.name,
        year,
        preset: set.preset,
        policy,
    })
}

/// Store a unit's policy for a year (insert or replace), audited with before and after.
pub async fn store<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    org_code: &str,
    year: i32,
    preset_key: Option<Preset>,
    policy: &Policy,
) -> Result<(), AppError> {
    policy.validate()?;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::validation("year", "年度应为四位数年份。"));
    }
    let unit = crate::org::service::find(tx, org_code).await?.ok_or(AppError::NotFound)?;
    let body = serde_json::to_string(policy).map_err(AppError::internal)?;
    let existing = policy_set::Entity::find()
        .filter(policy_set::Column::OrgUnitId.eq(unit.id))
        .filter(policy_set::Column::Year.eq(year))
        .one(tx)
        .await?;
    let before = existing.as_ref().and_then(|e| serde_json::from_str::<serde_json::Value>(&e.body).ok());
    match existing {
        Some(row) => {
            let mut active: policy_set::ActiveModel = row.into();
            active.preset = Set(preset_key.map(|p| p.as_str().to_string()));
            active.body = Set(body);
            active.updated_at = Set(now);
            active.updated_by = Set(actor.user_id);
            active.update(tx).await?;
        }
        None => {
            policy_set::ActiveModel {
                org_unit_id: Set(unit.id),
                org_code: Set(unit.code.clone()),
                year: Set(year),
                preset: Set(preset_key.map(|p| p.as_str().to_string())),
                body: Set(body),
                updated_at: Set(now),
                updated_by: Set(actor.user_id),
                ..Default::default()
            }
            .insert(tx)
            .await?;
        }
    }
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: "policy.saved",
            entity_type: "policy_set",
            entity_id: format!("{}/{year}", unit.code),
            org_code: Some(unit.code.clone()),
            changes: json!({ "before": before, "after": policy, "preset": preset_key.map(|p| p.as_str()) }),
        },
    )
    .await?;
    Ok(())
}

/// The policy page's subject: `unit` (default: the caller's first unit) in `year` (default: this year
/// in Beijing), with the policy in force there or the reason none is.
pub async fn shown(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit: Option<String>,
    year: Option<i32>,
) -> Result<PolicyShown, AppError> {
    let org_code = match unit {
        Some(code) => code,
        None => crate::org::service::list(db, ctx.caller()?).await?.into_iter().next().ok_or(AppError::Forbidden)?.code,
    };
    let year = year.unwrap_or_else(|| crate::time::beijing_year(now));
    let policy = match get(db, now, ctx, &org_code, year).await {
        Ok(view) => Ok(view),
        Err(AppError::Conflict(why)) => Err(why),
        Err(e) => return Err(e),
    };
    Ok(PolicyShown { org_code, year, policy })
}

/// The policy in force for a unit the caller may see.
pub async fn get(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    org_code: &str,
    year: i32,
) -> Result<PolicyView, AppError> {
    authz::check(db, now, ctx, Action::ReadOrgUnit, org_code).await?;
    effective(db, org_code, year).await
}

/// Apply a preset to a unit's year.
pub async fn apply_preset(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    org_code: &str,
    year: i32,
    key: &str,
) -> Result<(), AppError> {
    authz::check(db, now, ctx, Action::ManagePolicy, org_code).await?;
    let which = Preset::parse(key).ok_or_else(|| AppError::validation("preset", "请选择一套预设政策。"))?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(db).await?;
    store(&tx, &actor, now, org_code, year, Some(which), &preset(which)).await?;
    tx.commit().await?;
    Ok(())
}

/// Save an edited policy for a unit's year.
pub async fn save(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    org_code: &str,
    year: i32,
    policy: Policy,
) -> Result<(), AppError> {
    authz::check(db, now, ctx, Action::ManagePolicy, org_code).await?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(db).await?;
    // Keep the preset name only while the numbers still equal it.
    let from_preset = Preset::ALL.into_iter().find(|p| preset(*p) == policy);
    store(&tx, &actor, now, org_code, year, from_preset, &policy).await?;
    tx.commit().await?;
    Ok(())
}
