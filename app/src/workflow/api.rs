//! Server functions for the household procedures: identification and risk elimination.

use leptos::prelude::*;

use super::procedure::{ApplyForm, EliminationForm, StepForm};
use crate::error::AppError;

/// Start an identification for a household (its signed commitment required).
#[server(prefix = "/rpc")]
pub async fn apply_identification(code: String, form: ApplyForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::apply(&state.db, state.clock.now(), &ctx, &code, &form).await
}

/// Take the next step of a household's running procedure (identification or risk elimination).
#[server(prefix = "/rpc")]
pub async fn identification_step(code: String, form: StepForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::step(&state.db, state.clock.now(), &ctx, &code, &form).await
}

/// Propose marking a monitored household's risk eliminated (风险消除).
#[server(prefix = "/rpc")]
pub async fn propose_elimination(code: String, form: EliminationForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::propose_elimination(&state.db, state.clock.now(), &ctx, &code, &form).await
}

/// Put the household's planned measures up for democratic appraisal and public notice [F] 8.
#[server(prefix = "/rpc")]
pub async fn propose_measures(code: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::propose_measures(&state.db, state.clock.now(), &ctx, &code).await
}
