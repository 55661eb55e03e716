//! Server functions for cases.

use leptos::prelude::*;

use super::lifecycle::ActionForm;
use super::{CaseDetail, CaseFilter, NewCaseForm, ReassignForm};
use crate::error::AppError;

/// A page of cases in scope.
#[server(prefix = "/rpc")]
pub async fn list_cases(filter: CaseFilter, page: u64) -> Result<super::CasePageView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::reading::list(&state.db, state.clock.now(), &ctx, &filter, page).await
}

/// One case with its history.
#[server(prefix = "/rpc")]
pub async fn get_case(id: i64) -> Result<CaseDetail, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::reading::get(&state.db, state.clock.now(), &ctx, id).await
}

/// Register a case; returns its id.
#[server(prefix = "/rpc")]
pub async fn create_case(form: NewCaseForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::opening::create(&state.db, state.clock.now(), &ctx, &form).await
}

/// Take a step on a case.
#[server(prefix = "/rpc")]
pub async fn case_step(id: i64, form: ActionForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::steps::act(&state.db, state.clock.now(), &ctx, id, &form).await
}

/// Hand one case, or all open cases of one owner, to another owner; returns how many moved.
#[server(prefix = "/rpc")]
pub async fn reassign_cases(form: ReassignForm) -> Result<u64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::steps::reassign(&state.db, state.clock.now(), &ctx, &form).await
}

/// Who may own cases in the caller's units (for the reassignment forms).
#[server(prefix = "/rpc")]
pub async fn case_owners() -> Result<Vec<crate::households::CadreOption>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::reading::owners(&state.db, &ctx).await
}

/// The caller's case counts for the start page.
#[server(prefix = "/rpc")]
pub async fn case_counts() -> Result<super::CaseCounts, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::reading::counts(&state.db, state.clock.now(), &ctx).await
}

/// Add an assistance measure to a case, or change one.
#[server(prefix = "/rpc")]
pub async fn save_measure(case_id: i64, form: super::measures::MeasureForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::plan::save_measure(&state.db, state.clock.now(), &ctx, case_id, &form).await
}
