//! Server functions for department screening (file uploads go through the multipart route in the
//! server crate, the departments' systems through the JSON API).

use leptos::prelude::*;

use super::{Department, ScreeningReport, UnmatchedView};
use crate::error::AppError;

/// What the screening page shows the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScreeningOverview {
    /// Departments the caller may push warnings for.
    pub departments: Vec<Department>,
    pub recent: Vec<ScreeningReport>,
    /// The caller may verify unmatched warnings.
    pub verifies: bool,
    pub unmatched: Vec<UnmatchedView>,
}

#[server(prefix = "/rpc")]
pub async fn get_screening_overview(include_resolved: bool) -> Result<ScreeningOverview, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    let caller = ctx.caller()?;
    let verifies = !crate::authz::scope_prefixes(caller, crate::authz::Action::VerifyWarnings).is_empty();
    Ok(ScreeningOverview {
        departments: super::service::departments_of(caller),
        recent: super::service::batches::recent(&state.db, &ctx).await?,
        verifies,
        unmatched: super::service::batches::unmatched(&state.db, &ctx, include_resolved).await?,
    })
}

/// One batch's report (with progress while it runs).
#[server(prefix = "/rpc")]
pub async fn get_screening_report(id: i64) -> Result<ScreeningReport, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::batches::report(&state.db, &ctx, id, &state.imports).await
}

/// Record the township's verification of an unmatched warning.
#[server(prefix = "/rpc")]
pub async fn resolve_warning(id: i64, resolution: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::batches::resolve(&state.db, state.clock.now(), &ctx, id, &resolution).await
}
