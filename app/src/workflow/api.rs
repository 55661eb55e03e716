//! Server functions for the identification of a household.

use leptos::prelude::*;

use super::identification::{ApplyForm, StepForm};
use crate::error::AppError;

/// Start an identification for a household (its signed commitment required).
#[server(prefix = "/rpc")]
pub async fn apply_identification(code: String, form: ApplyForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::apply(&state.db, state.clock.now(), &ctx, &code, &form).await
}

/// Take the next step of a household's identification.
#[server(prefix = "/rpc")]
pub async fn identification_step(code: String, form: StepForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::step(&state.db, state.clock.now(), &ctx, &code, &form).await
}
