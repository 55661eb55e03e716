//! Server functions of the annual assessment and the one-vote veto.

use leptos::prelude::*;

use super::{AssessmentTable, UnitAssessmentView, VetoForm, VetoStepForm, VetoView, VetoesView};
use crate::error::AppError;

/// The county's assessment table of `year`, with the villages of `township`.
#[server(prefix = "/rpc")]
pub async fn get_assessment(county: String, year: String, township: String) -> Result<AssessmentTable, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::table::table(&state.db, state.clock.now(), &ctx, &county, &year, &township).await
}

/// Compute (or recompute) the county's assessment of `year`.
#[server(prefix = "/rpc")]
pub async fn compute_assessment(county: String, year: String) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::compute::compute(&state.db, state.clock.now(), &ctx, &county, &year).await
}

/// Publish the county's assessment of `year`.
#[server(prefix = "/rpc")]
pub async fn publish_assessment(county: String, year: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::compute::publish(&state.db, state.clock.now(), &ctx, &county, &year).await
}

/// One unit's assessment of `year` with its facts and vetoes.
#[server(prefix = "/rpc")]
pub async fn get_unit_assessment(code: String, year: String) -> Result<UnitAssessmentView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::table::unit(&state.db, state.clock.now(), &ctx, &code, &year).await
}

/// Propose a one-vote veto; returns its id.
#[server(prefix = "/rpc")]
pub async fn propose_veto(form: VetoForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::vetoes::propose(&state.db, state.clock.now(), &ctx, &form).await
}

/// The vetoes of `year` the caller sees.
#[server(prefix = "/rpc")]
pub async fn list_vetoes(year: String) -> Result<VetoesView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::vetoes::list(&state.db, state.clock.now(), &ctx, &year).await
}

/// One veto.
#[server(prefix = "/rpc")]
pub async fn get_veto(id: i64) -> Result<VetoView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::vetoes::get(&state.db, &ctx, id).await
}

/// Take a step on a veto.
#[server(prefix = "/rpc")]
pub async fn take_veto_step(id: i64, form: VetoStepForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::vetoes::step(&state.db, state.clock.now(), &ctx, id, &form).await
}
