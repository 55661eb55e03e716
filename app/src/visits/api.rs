//! Server functions for visits.

use leptos::prelude::*;

use super::{CoverageView, MyVisits, SweepView, VisitForm, VisitStart, VisitSummary, VisitView};
use crate::error::AppError;

/// The visit form for a household, pre-filled.
#[server(prefix = "/rpc")]
pub async fn start_visit(code: String) -> Result<VisitStart, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::record::start(&state.db, state.clock.now(), &ctx, &code).await
}

/// Record a visit; returns its id.
#[server(prefix = "/rpc")]
pub async fn record_visit(form: VisitForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::record::record(&state.db, state.clock.now(), &ctx, &form).await
}

/// One saved visit with its addenda.
#[server(prefix = "/rpc")]
pub async fn get_visit(id: i64) -> Result<VisitView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::record::get(&state.db, state.clock.now(), &ctx, id).await
}

/// Add an addendum to a saved visit.
#[server(prefix = "/rpc")]
pub async fn amend_visit(id: i64, text: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::record::amend(&state.db, state.clock.now(), &ctx, id, &text).await
}

/// A household's visits, newest first.
#[server(prefix = "/rpc")]
pub async fn household_visits(code: String) -> Result<Vec<VisitSummary>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::record::of_household(&state.db, state.clock.now(), &ctx, &code).await
}

/// The caller's due, overdue and done visits.
#[server(prefix = "/rpc")]
pub async fn list_my_visits() -> Result<MyVisits, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::due::my_visits(&state.db, state.clock.now(), &ctx).await
}

/// Visit coverage of a unit for the periods containing a month (`YYYY-MM`); empty: the caller's first
/// unit, this month.
#[server(prefix = "/rpc")]
pub async fn visit_coverage(unit: String, month: String) -> Result<CoverageView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::coverage::coverage(&state.db, state.clock.now(), &ctx, &unit, &month).await
}

/// A year's sweep of a unit and the ledgers it built; empty: the caller's first unit, this year.
#[server(prefix = "/rpc")]
pub async fn sweep_ledgers(unit: String, year: String) -> Result<SweepView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::sweep::sweep(&state.db, state.clock.now(), &ctx, &unit, &year).await
}
