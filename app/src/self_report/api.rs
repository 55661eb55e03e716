//! Server functions of the public report page (no sign-in).

use leptos::prelude::*;

use super::{Places, Receipt, SelfReportForm};
use crate::error::AppError;

/// Take a villager's report; returns its receipt.
#[server(prefix = "/rpc")]
pub async fn submit_self_report(form: SelfReportForm) -> Result<Receipt, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::submit(&state.db, state.clock.now(), &ctx.meta, &state.self_reports, &form).await
}

/// Townships and villages to choose from, and the hotline for emergencies.
#[server(prefix = "/rpc")]
pub async fn public_places() -> Result<Places, AppError> {
    let state = crate::request::app_state()?;
    super::service::places(&state.db, state.clock.now()).await
}
