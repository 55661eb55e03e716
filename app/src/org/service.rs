//! Reading and changing the organisation tree.

use chrono::{DateTime, Utc};
use entities::org_unit;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::{OrgCode, OrgLevel, OrgUnitView};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::permissions::Caller;
use crate::request::RequestContext;

fn view(unit: &org_unit::Model, parent_code: Option<String>) -> OrgUnitView {
    OrgUnitView {
        id: unit.id,
        code: unit.code.clone(),
        name: unit.name.clone(),
        level: OrgLevel::parse(&unit.level).unwrap_or(OrgLevel::Group),
        parent_code,
    }
}

/// The units in the caller's scope, in code order (a depth-first listing of the tree).
pub async fn list(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<OrgUnitView>, AppError> {
    let Some(scope) = authz::scope_condition(caller, Action::ReadOrgUnit, org_unit::Column::Code) else {
        return Ok(Vec::new());
    };
    let units = org_unit::Entity::find().filter(scope).order_by_asc(org_unit::Column::Code).all(db).await?;
    let codes: std::collections::HashMap<i64, String> = units.iter().map(|u| (u.id, u.code.clone())).collect();
    Ok(units.iter().map(|u| view(u, u.parent_id.and_then(|p| codes.get(&p).cloned()))).collect())
}

/// One unit by code, if the caller may see it.
pub async fn get(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<OrgUnitView, AppError> {
    authz::check(db, now, ctx, Action::ReadOrgUnit, code).await?;
    let unit = find(db, code).await?.ok_or(AppError::NotFound)?;
    let parent_code = match unit.parent_id {
        Some(id) => org_unit::Entity::find_by_id(id).one(db).await?.map(|p| p.code),
        None => None,
    };
    Ok(view(&unit, parent_code))
}

pub async fn find<C: ConnectionTrait>(db: &C, code: &str) -> Result<Option<org_unit::Model>, AppError> {
    Ok(org_unit::Entity::find().filter(org_unit::Column::Code.eq(code)).one(db).await?)
}

fn check_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(AppError::validation("name", "名称不能为空，且不超过 40 个字。"));
    }
    Ok(name.to_string())
}

/// Insert a unit below `parent` (none for the county), checking the code fits the tree. Audited.
pub async fn insert<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    parent_code: Option<&str>,
    code: &str,
    name: &str,
) -> Result<org_unit::Model, AppError> {
    let code = OrgCode::parse(code)?;
    let name = check_name(name)?;
    let parent = match parent_code {
        Some(parent_code) => {
            let parent = find(tx, parent_code)
                .await?
                .ok_or_else(|| AppError::validation("parent", format!("上级单位 {parent_code} 不存在。")))?;
            let parent_parsed = OrgCode::parse(&parent.code)?;
            if !code.is_child_of(&parent_parsed) {
                return Err(AppError::validation(
                    "code",
                    format!("代码 {} 不是{}（{}）的下一级代码。", code.as_str(), parent.name, parent.code),
                ));
            }
            Some(parent)
        }
        None => {
            if code.level() != OrgLevel::County {
                return Err(AppError::validation("parent", "只有区县可以没有上级单位；请选择上级单位。"));
            }
            None
        }
    };
    if find(tx, code.as_str()).await?.is_some() {
        return Err(AppError::Conflict(format!("区划代码 {} 已被使用。", code.as_str())));
    }
    let unit = org_unit::ActiveModel {
        code: Set(code.as_str().to_string()),
        name: Set(name.clone()),
        level: Set(code.level().as_str().to_string()),
        parent_id: Set(parent.as_ref().map(|p| p.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: "org.created",
            entity_type: "org_unit",
            entity_id: unit.code.clone(),
            org_code: Some(unit.code.clone()),
            changes: json!({ "after": { "code": unit.code, "name": unit.name, "level": unit.level } }),
        },
    )
    .await?;
    Ok(unit)
}

/// Create a unit on behalf of a signed-in administrator.
pub async fn create(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    parent_code: &str,
    code: &str,
    name: &str,
) -> Result<OrgUnitView, AppError> {
    authz::check(db, now, ctx, Action::ManageOrgUnits, parent_code).await?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(db).await?;
    let unit = insert(&tx, &actor, now, Some(parent_code), code, name).await?;
    tx.commit().await?;
    Ok(view(&unit, Some(parent_code.to_string())))
}

/// Rename a unit.
pub async fn rename(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    name: &str,
) -> Result<(), AppError> {
    authz::check(db, now, ctx, Action::ManageOrgUnits, code).await?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let name = check_name(name)?;
    let tx = begin_write(db).await?;
    let unit = find(&tx, code).await?.ok_or(AppError::NotFound)?;
    let before = unit.name.clone();
    let mut active: org_unit::ActiveModel = unit.into();
    active.name = Set(name.clone());
    active.update(&tx).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "org.renamed",
            entity_type: "org_unit",
            entity_id: code.to_string(),
            org_code: Some(code.to_string()),
            changes: json!({ "before": { "name": before }, "after": { "name": name } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Names of units by code as lists show them: "石桥村三组" for a villager group (with its village), the
/// plain name otherwise.
pub async fn display_names<C: sea_orm::ConnectionTrait>(
    db: &C,
    codes: Vec<String>,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let units = org_unit::Entity::find().filter(org_unit::Column::Code.is_in(codes)).all(db).await?;
    let parent_ids: Vec<i64> = units.iter().filter_map(|u| u.parent_id).collect();
    let parents: std::collections::HashMap<i64, String> = org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in(parent_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(units
        .into_iter()
        .map(|u| {
            let name = match (u.level.as_str(), u.parent_id.and_then(|p| parents.get(&p))) {
                ("group", Some(village)) => format!("{village}{}", u.name),
                _ => u.name,
            };
            (u.code, name)
        })
        .collect())
}
