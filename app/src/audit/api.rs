//! Server functions for reading and verifying the audit log.

use leptos::prelude::*;

use super::{AuditRecordView, ChainReport};
use crate::error::AppError;

/// The newest audit records in the caller's scope.
#[server(prefix = "/rpc")]
pub async fn recent_audit() -> Result<Vec<AuditRecordView>, AppError> {
    use crate::authz::{self, Action};

    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    let caller = ctx.caller()?;
    let Some(scope) = authz::scope_condition(caller, Action::ReadAudit, entities::audit_log::Column::OrgCode) else {
        return Err(AppError::Forbidden);
    };
    // Records without a unit (sign-ins, token changes) are for county-level readers only.
    let county_level = authz::county_grant(caller, Action::ReadAudit).is_some();
    let rows = super::service::recent(&state.db, scope, county_level, 200).await?;
    Ok(rows.into_iter().map(super::service::view_of).collect())
}

/// Walk the whole chain (county-level audit readers).
#[server(prefix = "/rpc")]
pub async fn verify_audit_chain() -> Result<ChainReport, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    let caller = ctx.caller()?;
    let county = crate::authz::county_grant(caller, crate::authz::Action::ReadAudit).unwrap_or_default().to_string();
    crate::authz::check(&state.db, state.clock.now(), &ctx, crate::authz::Action::ReadAudit, &county).await?;
    let key = super::service::key()?;
    let checkpoints = super::checkpoint::read(&state.security.audit_checkpoints, &key)?;
    Ok(super::service::verify(&state.db, &checkpoints).await?)
}
