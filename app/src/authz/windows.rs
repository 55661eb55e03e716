//! Time-window grants in the database: granted and revoked by the areas that need them (a cross-check
//! team's sample, a supervision round's units), each change with its audit record, and read into the
//! caller at the start of every request: only the grants open at that moment count.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{window_grant, window_grant_record};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

use crate::audit::service::{self as audit, Actor, Entry};
use crate::error::AppError;
use crate::org::OrgCode;
use crate::permissions::{Action, WindowGrant};
use crate::users::WindowGrantRow;

/// A window grant to create.
#[derive(Clone, Debug)]
pub struct NewWindow {
    pub user_id: i64,
    pub action: Action,
    pub purpose: String,
    /// Unit codes and household codes (a village's 12 digits and 5 more).
    pub codes: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Whether `code` names a unit or a household.
fn is_record_code(code: &str) -> bool {
    OrgCode::parse(code).is_ok() || (code.chars().count() == 17 && code.chars().all(|c| c.is_ascii_digit()))
}

/// Grant `new` (inside the caller's transaction); returns its id.
pub async fn grant<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    created_by: i64,
    new: &NewWindow,
) -> Result<i64, AppError> {
    if new.ends_at <= new.starts_at {
        return Err(AppError::validation("ends_at", "结束时间须晚于开始时间。"));
    }
    if new.codes.is_empty() {
        return Err(AppError::validation("codes", "请至少列出一个单位或农户。"));
    }
    if let Some(bad) = new.codes.iter().find(|c| !is_record_code(c)) {
        return Err(AppError::validation("codes", format!("“{bad}”不是单位代码或户编号。")));
    }
    let row = window_grant::ActiveModel {
        user_id: Set(new.user_id),
        action: Set(new.action.as_str().to_string()),
        purpose: Set(new.purpose.trim().to_string()),
        starts_at: Set(new.starts_at),
        ends_at: Set(new.ends_at),
        created_by: Set(created_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let mut codes = new.codes.clone();
    codes.sort();
    codes.dedup();
    window_grant_record::Entity::insert_many(
        codes.iter().map(|code| window_grant_record::ActiveModel { grant_id: Set(row.id), code: Set(code.clone()) }),
    )
    .exec(tx)
    .await?;
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: "window.granted",
            entity_type: "window_grant",
            entity_id: row.id.to_string(),
            org_code: None,
            changes: json!({ "after": {
                "user_id": new.user_id,
                "right": new.action.label(),
                "purpose": row.purpose,
                "starts_at": crate::time::beijing_time(new.starts_at),
                "ends_at": crate::time::beijing_time(new.ends_at),
                "records": codes.len(),
            } }),
        },
    )
    .await?;
    Ok(row.id)
}

/// Revoke a window grant from now on (the row stays, with who revoked it and when).
pub async fn revoke<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    revoked_by: i64,
    id: i64,
) -> Result<(), AppError> {
    let Some(found) = window_grant::Entity::find_by_id(id).one(tx).await? else {
        return Err(AppError::NotFound);
    };
    if found.revoked_at.is_some() {
        return Ok(());
    }
    let purpose = found.purpose.clone();
    let mut row: window_grant::ActiveModel = found.into();
    row.revoked_at = Set(Some(now));
    row.revoked_by = Set(Some(revoked_by));
    row.update(tx).await?;
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: "window.revoked",
            entity_type: "window_grant",
            entity_id: id.to_string(),
            org_code: None,
            changes: json!({ "before": { "purpose": purpose } }),
        },
    )
    .await?;
    Ok(())
}

/// The user's grants open at `now` (read into the caller at the start of a request).
pub async fn open_for<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<WindowGrant>, AppError> {
    let grants = window_grant::Entity::find()
        .filter(window_grant::Column::UserId.eq(user_id))
        .filter(window_grant::Column::RevokedAt.is_null())
        .filter(window_grant::Column::StartsAt.lte(now))
        .filter(window_grant::Column::EndsAt.gte(now))
        .all(db)
        .await?;
    if grants.is_empty() {
        return Ok(Vec::new());
    }
    let mut codes = codes_of(db, grants.iter().map(|g| g.id).collect()).await?;
    Ok(grants
        .into_iter()
        .filter_map(|g| {
            let action = Action::parse(&g.action)?;
            Some(WindowGrant {
                id: g.id,
                action,
                purpose: g.purpose,
                codes: codes.remove(&g.id).unwrap_or_default(),
                starts_at: g.starts_at,
                ends_at: g.ends_at,
            })
        })
        .collect())
}

/// Every grant of the user, newest first, as the user page lists them.
pub async fn rows_of<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<WindowGrantRow>, AppError> {
    let grants = window_grant::Entity::find()
        .filter(window_grant::Column::UserId.eq(user_id))
        .order_by_desc(window_grant::Column::StartsAt)
        .all(db)
        .await?;
    let codes = codes_of(db, grants.iter().map(|g| g.id).collect()).await?;
    Ok(grants
        .into_iter()
        .map(|g| {
            let state = if g.revoked_at.is_some() {
                "已撤销"
            } else if now < g.starts_at {
                "未开始"
            } else if now > g.ends_at {
                "已结束"
            } else {
                "有效"
            };
            WindowGrantRow {
                right: Action::parse(&g.action).map_or("未知权限", Action::label).to_string(),
                records: codes.get(&g.id).map_or(0, Vec::len),
                purpose: g.purpose,
                starts_at: g.starts_at,
                ends_at: g.ends_at,
                state: state.to_string(),
            }
        })
        .collect())
}

async fn codes_of<C: ConnectionTrait>(db: &C, grant_ids: Vec<i64>) -> Result<HashMap<i64, Vec<String>>, AppError> {
    let mut codes: HashMap<i64, Vec<String>> = HashMap::new();
    if grant_ids.is_empty() {
        return Ok(codes);
    }
    for r in window_grant_record::Entity::find()
        .filter(window_grant_record::Column::GrantId.is_in(grant_ids))
        .all(db)
        .await?
    {
        codes.entry(r.grant_id).or_default().push(r.code);
    }
    Ok(codes)
}
