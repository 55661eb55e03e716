//! Cases kept in the database: registering, listing within scope, and every step with its event and
//! audit record in the same transaction.

pub mod export;
pub mod opening;
pub mod plan;
pub mod reading;
pub mod steps;

use super::lifecycle::Status;
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::request::RequestContext;
use chrono::{DateTime, Utc};
use entities::risk_case;
use sea_orm::{DatabaseConnection, EntityTrait};

/// A case by id, if the caller may do `action` to it (out of scope answers like missing, and is audited).
pub(crate) async fn in_scope(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    action: Action,
) -> Result<risk_case::Model, AppError> {
    let found = risk_case::Entity::find_by_id(id).one(db).await?;
    authz::found_in_scope(db, now, ctx, action, found, |c| &c.org_code).await
}

fn status_of(row: &risk_case::Model) -> Result<Status, AppError> {
    Status::parse(&row.status).ok_or_else(|| AppError::internal(format!("case {} has status {}", row.id, row.status)))
}
