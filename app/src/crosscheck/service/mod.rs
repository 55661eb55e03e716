//! 交叉检查 in the database: planning a year's check (`plan`), its teams, declared conflicts and their pairing
//! with townships under the avoidance rules (`teams`), the reproducible draw with its verification (`draw`),
//! who reaches the drawn households: the checkers' window grants and replacement from the reserve (`access`),
//! what the draw shows on the page and in its workbook (`results`), the check sheets (`sheets`) and their
//! printed forms (`prints`), the problems they found, handed by the township to owners (`findings`), and the
//! townships' scores and the county's report (`scores`).
//! Every change writes its audit record in the same transaction.

pub mod access;
pub mod draw;
pub mod findings;
pub mod plan;
pub mod prints;
pub mod results;
pub mod scores;
pub mod sheets;
pub mod teams;

use chrono::{DateTime, Utc};
use entities::{cross_check, cross_check_team};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::crosscheck::CheckStatus;
use crate::error::AppError;
use crate::permissions::Caller;
use crate::policy::crosscheck::CrossCheckRules;

pub(crate) fn status_of(check: &cross_check::Model) -> Result<CheckStatus, AppError> {
    CheckStatus::parse(&check.status).ok_or_else(|| AppError::internal(format!("cross check {} status", check.id)))
}

pub(crate) fn rules_of(check: &cross_check::Model) -> CrossCheckRules {
    serde_json::from_str(&check.rules).unwrap_or_default()
}

pub(crate) fn townships_of(check: &cross_check::Model) -> Vec<String> {
    serde_json::from_str(&check.townships).unwrap_or_default()
}

/// A check's teams in the order they were formed.
pub(crate) async fn teams_of<C: ConnectionTrait>(
    db: &C,
    check_id: i64,
) -> Result<Vec<cross_check_team::Model>, AppError> {
    Ok(cross_check_team::Entity::find()
        .filter(cross_check_team::Column::CheckId.eq(check_id))
        .order_by_asc(cross_check_team::Column::Id)
        .all(db)
        .await?)
}

/// Whether the check's window is open at `now` (from its start to its end, both included).
pub(crate) fn window_open(check: &cross_check::Model, now: DateTime<Utc>) -> bool {
    check.window_start <= now && now <= check.window_end
}

/// The caller's place in the team that checks `township`, if they are in it: whether they lead it.
pub(crate) async fn team_place<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    check: &cross_check::Model,
    township: &str,
) -> Result<Option<bool>, AppError> {
    let teams: Vec<i64> = teams_of(db, check.id)
        .await?
        .into_iter()
        .filter(|t| t.township_code.as_deref() == Some(township))
        .map(|t| t.id)
        .collect();
    let member = entities::cross_check_member::Entity::find()
        .filter(entities::cross_check_member::Column::TeamId.is_in(teams))
        .filter(entities::cross_check_member::Column::UserId.eq(caller.user_id))
        .one(db)
        .await?;
    Ok(member.map(|m| m.leader))
}

/// Whether the caller organises checks in the check's county.
pub(crate) fn may_manage(caller: &Caller, check: &cross_check::Model) -> bool {
    authz::authorize(caller, Action::ManageCrossCheck, &check.org_code).is_ok()
}

/// A check by id that the caller may see: the county office that runs it, and anyone reading some unit of its
/// county (the checked townships verify their draw); otherwise not found.
pub(crate) async fn check_in_sight<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: i64,
) -> Result<cross_check::Model, AppError> {
    let check = cross_check::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    let county = crate::org::OrgCode::parse(&check.org_code)?;
    let reads_in_county = authz::scope_prefixes(caller, Action::ReadHousehold)
        .iter()
        .chain(authz::scope_prefixes(caller, Action::ReadOrgUnit).iter())
        .any(|p| p.starts_with(county.scope_prefix()) || county.as_str().starts_with(p.as_str()));
    if may_manage(caller, &check) || reads_in_county { Ok(check) } else { Err(AppError::NotFound) }
}

/// A check by id for the county office that runs it.
pub(crate) async fn check_to_manage<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: i64,
) -> Result<cross_check::Model, AppError> {
    let check = check_in_sight(db, caller, id).await?;
    if !may_manage(caller, &check) {
        return Err(AppError::Forbidden);
    }
    Ok(check)
}

/// The audit record of a change to a check, in the caller's transaction.
pub(crate) async fn audit_change<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    check: &cross_check::Model,
    action: &'static str,
    changes: Value,
) -> Result<(), AppError> {
    let entry = Entry {
        action,
        entity_type: "cross_check",
        entity_id: check.id.to_string(),
        org_code: Some(check.org_code.clone()),
        changes,
    };
    audit::append(tx, actor, now, entry).await?;
    Ok(())
}
