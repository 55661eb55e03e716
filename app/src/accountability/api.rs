//! Server functions for 问责: the candidates of an area and period, dismissing one, opening a record from one,
//! the records, one record and its steps.

use leptos::prelude::*;

use super::{CandidatesView, DismissForm, OpenForm, RecordSummary, RecordView, StepForm};
use crate::error::AppError;

/// The candidates of `area` for the months `from..=to` (`YYYY-MM`).
#[server(prefix = "/rpc")]
pub async fn get_candidates(area: String, from: String, to: String) -> Result<CandidatesView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::candidates::candidates(&state.db, state.clock.now(), &ctx, &area, &from, &to).await
}

/// Dismiss a candidate with the reason.
#[server(prefix = "/rpc")]
pub async fn dismiss_candidate(form: DismissForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::records::dismiss(&state.db, state.clock.now(), &ctx, &form).await
}

/// Open a record from a candidate; returns its id.
#[server(prefix = "/rpc")]
pub async fn open_record(form: OpenForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::records::open(&state.db, state.clock.now(), &ctx, &form).await
}

/// The people of a unit who may be named a record's subject.
#[server(prefix = "/rpc")]
pub async fn record_subjects(unit: String) -> Result<Vec<crate::households::CadreOption>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::records::subjects(&state.db, &ctx, &unit).await
}

/// The records the caller sees: all, `open` or `decided`.
#[server(prefix = "/rpc")]
pub async fn list_records(status: String) -> Result<Vec<RecordSummary>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::records::list(&state.db, &ctx, &status).await
}

/// One record.
#[server(prefix = "/rpc")]
pub async fn get_record(id: i64) -> Result<RecordView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::records::get(&state.db, state.clock.now(), &ctx, id).await
}

/// Take a step on a record.
#[server(prefix = "/rpc")]
pub async fn take_record_step(id: i64, form: StepForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::records::step(&state.db, state.clock.now(), &ctx, id, &form).await
}
