//! Server functions for the organisation tree.

use leptos::prelude::*;

use super::OrgUnitView;
use crate::error::AppError;

/// The units the caller may see.
#[server(prefix = "/rpc")]
pub async fn list_org_units() -> Result<Vec<OrgUnitView>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::list(&state.db, ctx.caller()?).await
}

/// Add a unit below a parent.
#[server(prefix = "/rpc")]
pub async fn create_org_unit(parent_code: String, code: String, name: String) -> Result<OrgUnitView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::create(&state.db, state.clock.now(), &ctx, &parent_code, &code, &name).await
}

/// Rename a unit.
#[server(prefix = "/rpc")]
pub async fn rename_org_unit(code: String, name: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::rename(&state.db, state.clock.now(), &ctx, &code, &name).await
}
