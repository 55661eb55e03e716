//! Server functions for 专项督查: rounds, their findings, hand-over, re-check and the work paper.

use leptos::prelude::*;

use super::{
    FindingForm, FollowUpDrawForm, HandOverForm, PlanningOptions, RecheckForm, RoundForm, RoundSummary, RoundView,
    SimilarProblems, Workpaper,
};
use crate::error::AppError;

/// The rounds the caller sees, newest first.
#[server(prefix = "/rpc")]
pub async fn list_rounds() -> Result<Vec<RoundSummary>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::rounds::list(&state.db, state.clock.now(), &ctx).await
}

/// What the planning form offers the caller.
#[server(prefix = "/rpc")]
pub async fn get_planning_options() -> Result<PlanningOptions, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::rounds::planning_options(&state.db, state.clock.now(), &ctx).await
}

/// Plan a round; returns its id.
#[server(prefix = "/rpc")]
pub async fn plan_round(form: RoundForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::rounds::create(&state.db, state.clock.now(), &ctx, &form).await
}

/// One round as the caller sees it.
#[server(prefix = "/rpc")]
pub async fn get_round(id: i64) -> Result<RoundView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::rounds::get(&state.db, state.clock.now(), &ctx, id).await
}

/// Move a round on: `start`, `rectify` or `complete`.
#[server(prefix = "/rpc")]
pub async fn step_round(id: i64, step: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::rounds::step(&state.db, state.clock.now(), &ctx, id, &step).await
}

/// Record a finding; returns its id.
#[server(prefix = "/rpc")]
pub async fn record_finding(round_id: i64, form: FindingForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::findings::record(&state.db, state.clock.now(), &ctx, round_id, &form).await
}

/// Hand a finding over for rectification; returns the case id.
#[server(prefix = "/rpc")]
pub async fn hand_over(finding_id: i64, form: HandOverForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::findings::hand_over(&state.db, state.clock.now(), &ctx, finding_id, &form).await
}

/// Re-check a submitted rectification.
#[server(prefix = "/rpc")]
pub async fn recheck_finding(finding_id: i64, form: RecheckForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::findings::recheck(&state.db, state.clock.now(), &ctx, finding_id, &form).await
}

/// Carry an open finding over with the reason.
#[server(prefix = "/rpc")]
pub async fn carry_over(finding_id: i64, reason: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::findings::carry_over(&state.db, state.clock.now(), &ctx, finding_id, &reason).await
}

/// The work paper of a covered unit.
#[server(prefix = "/rpc")]
pub async fn get_workpaper(round_id: i64, unit: String) -> Result<Workpaper, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::workpaper::workpaper(&state.db, state.clock.now(), &ctx, round_id, &unit).await
}

/// 举一反三: the item of a finding in the other units of the team's area.
#[server(prefix = "/rpc")]
pub async fn get_similar(finding_id: i64) -> Result<SimilarProblems, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::similar::similar(&state.db, state.clock.now(), &ctx, finding_id).await
}

/// Draw the round's follow-up sample (回头看); returns how many were drawn.
#[server(prefix = "/rpc")]
pub async fn draw_followup(round_id: i64, form: FollowUpDrawForm) -> Result<usize, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::followup::draw(&state.db, state.clock.now(), &ctx, round_id, &form).await
}

/// Record that a drawn finding's rectification holds.
#[server(prefix = "/rpc")]
pub async fn confirm_followup(round_id: i64, finding_id: i64, note: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::followup::confirm(&state.db, state.clock.now(), &ctx, round_id, finding_id, &note).await
}
