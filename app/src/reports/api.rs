//! Server functions for the reports page.

use leptos::prelude::*;

use super::ScaleRow;
use crate::error::AppError;
use crate::excel::ImportReport;

/// Scale control per county in the caller's scope.
#[server(prefix = "/rpc")]
pub async fn scale_report() -> Result<Vec<ScaleRow>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::scale(&state.db, state.clock.now(), &ctx).await
}

/// The caller's latest imports.
#[server(prefix = "/rpc")]
pub async fn recent_imports() -> Result<Vec<ImportReport>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    crate::excel::import::recent(&state.db, &ctx).await
}

/// One of the caller's imports.
#[server(prefix = "/rpc")]
pub async fn get_import_report(batch_id: i64) -> Result<ImportReport, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    crate::excel::import::report(&state.db, &ctx, batch_id).await
}
