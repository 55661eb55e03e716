//! Server functions for reading households.

use leptos::prelude::*;

use super::{AssessmentForm, HouseholdDetail, HouseholdFilter, HouseholdPage, IncomeForm};
use crate::error::AppError;

/// A page of households in scope, narrowed by the filter.
#[server(prefix = "/rpc")]
pub async fn list_households(filter: HouseholdFilter, page: u64) -> Result<HouseholdPage, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::list(&state.db, &ctx, &filter, page, 50).await
}

/// One household by code.
#[server(prefix = "/rpc")]
pub async fn get_household(code: String) -> Result<HouseholdDetail, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::get(&state.db, state.clock.now(), &ctx, &code).await
}

/// Record a household's income and expenditure for a year.
#[server(prefix = "/rpc")]
pub async fn save_income(code: String, form: IncomeForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::save_income(&state.db, state.clock.now(), &ctx, &code, &form).await
}

/// Record an assessment of one 两不愁三保障 item.
#[server(prefix = "/rpc")]
pub async fn assess(code: String, form: AssessmentForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::assess(&state.db, state.clock.now(), &ctx, &code, &form).await
}

/// The full resident ID number of a member (audited).
#[server(prefix = "/rpc")]
pub async fn reveal_resident_id(member_id: i64) -> Result<String, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::reveal_resident_id(&state.db, state.clock.now(), &ctx, member_id).await
}
