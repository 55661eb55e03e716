//! Server functions for 交叉检查: the year's checks, planning one, its teams, conflicts, pairing, draw and the
//! draw's verification.

use leptos::prelude::*;

use super::{CheckSummary, CheckView, ConflictForm, PlanForm, ReplaceForm, TeamForm, Verification};
use crate::error::AppError;

/// The checks the caller sees, newest first.
#[server(prefix = "/rpc")]
pub async fn list_checks() -> Result<Vec<CheckSummary>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::plan::list(&state.db, &ctx).await
}

/// Plan the year's check; returns its id.
#[server(prefix = "/rpc")]
pub async fn plan_check(form: PlanForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::plan::create(&state.db, state.clock.now(), &ctx, &form).await
}

/// One check as the caller sees it.
#[server(prefix = "/rpc")]
pub async fn get_check(id: i64) -> Result<CheckView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::plan::get(&state.db, state.clock.now(), &ctx, id).await
}

/// Form a team; returns its id.
#[server(prefix = "/rpc")]
pub async fn add_team(check_id: i64, form: TeamForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::teams::add_team(&state.db, state.clock.now(), &ctx, check_id, &form).await
}

/// Declare a member's conflict with a unit.
#[server(prefix = "/rpc")]
pub async fn declare_conflict(check_id: i64, form: ConflictForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::teams::declare_conflict(&state.db, state.clock.now(), &ctx, check_id, &form).await
}

/// Confirm the proposed pairing of teams and townships.
#[server(prefix = "/rpc")]
pub async fn confirm_pairing(check_id: i64) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::teams::confirm(&state.db, state.clock.now(), &ctx, check_id).await
}

/// Draw the sample with the seed read out at the draw; returns the draw's id.
#[server(prefix = "/rpc")]
pub async fn draw_sample(check_id: i64, seed: String) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::draw::draw(&state.db, state.clock.now(), &ctx, check_id, &seed).await
}

/// Recompute the check's draw from its stored frame and seed.
#[server(prefix = "/rpc")]
pub async fn verify_draw(check_id: i64) -> Result<Verification, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::draw::verify_for(&state.db, &ctx, check_id).await
}

/// Replace a drawn household from the reserve (the team leader, in the window); returns the replacement's code.
#[server(prefix = "/rpc")]
pub async fn replace_household(check_id: i64, form: ReplaceForm) -> Result<String, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::access::replace(&state.db, state.clock.now(), &ctx, check_id, &form).await
}
