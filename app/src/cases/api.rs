//! Server functions for cases.

use leptos::prelude::*;

use super::lifecycle::ActionForm;
use super::{CaseDetail, CaseFilter, NewCaseForm};
use crate::error::AppError;

/// A page of cases in scope.
#[server(prefix = "/rpc")]
pub async fn list_cases(filter: CaseFilter, page: u64) -> Result<super::CasePageView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::list(&state.db, state.clock.now(), &ctx, &filter, page).await
}

/// One case with its history.
#[server(prefix = "/rpc")]
pub async fn get_case(id: i64) -> Result<CaseDetail, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::get(&state.db, state.clock.now(), &ctx, id).await
}

/// Register a case; returns its id.
#[server(prefix = "/rpc")]
pub async fn create_case(form: NewCaseForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::create(&state.db, state.clock.now(), &ctx, &form).await
}

/// Take a step on a case.
#[server(prefix = "/rpc")]
pub async fn case_step(id: i64, form: ActionForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::act(&state.db, state.clock.now(), &ctx, id, &form).await
}
