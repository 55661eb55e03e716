//! Server functions for the working-day calendar page.

use leptos::prelude::*;

use super::NoticeSummary;
use crate::error::AppError;

/// The years the calendar covers, with their sources.
#[server(prefix = "/rpc")]
pub async fn list_calendar() -> Result<Vec<NoticeSummary>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    ctx.caller()?;
    super::service::summaries(&state.db).await
}

/// Load (or replace) a year's notice; for those who set policy. Audited.
#[server(prefix = "/rpc")]
pub async fn load_calendar(text: String) -> Result<i32, AppError> {
    use crate::authz::{self, Action};
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    let now = state.clock.now();
    let caller = ctx.caller()?;
    let county = authz::county_grant(caller, Action::ManagePolicy).unwrap_or_default().to_string();
    authz::check(&state.db, now, &ctx, Action::ManagePolicy, &county).await?;
    let tx = crate::db::begin_write(&state.db).await?;
    let notice = super::service::store(&tx, &crate::audit::service::Actor::user(caller, &ctx.meta), now, &text).await?;
    tx.commit().await?;
    Ok(notice.year)
}
