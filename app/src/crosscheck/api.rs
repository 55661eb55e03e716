//! Server functions for 交叉检查: the year's checks, planning one, its teams, conflicts, pairing, draw and the
//! draw's verification; the check sheets, the problems they found and their handing over, and the scores.

use leptos::prelude::*;

use super::sheet::SheetForm;
use super::{
    CheckSummary, CheckView, ConflictForm, HandOverForm, PlanForm, ReplaceForm, ScoresView, SelfScoreForm, SheetPage,
    TeamForm, TownshipFindings, Verification,
};
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

/// A drawn household's or village's sheet: the saved one, or the one to fill.
#[server(prefix = "/rpc")]
pub async fn get_sheet(unit_id: i64) -> Result<SheetPage, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::sheets::page(&state.db, state.clock.now(), &ctx, unit_id).await
}

/// Save a check sheet (once); returns its id.
#[server(prefix = "/rpc")]
pub async fn save_sheet(form: SheetForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::sheets::save(&state.db, state.clock.now(), &ctx, &form).await
}

/// Add a note to a saved sheet.
#[server(prefix = "/rpc")]
pub async fn amend_sheet(id: i64, text: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::sheets::amend(&state.db, state.clock.now(), &ctx, id, &text).await
}

/// A checked township's problems.
#[server(prefix = "/rpc")]
pub async fn get_township_findings(check_id: i64, township: String) -> Result<TownshipFindings, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::findings::township(&state.db, state.clock.now(), &ctx, check_id, &township).await
}

/// Hand a problem to an owner as a case; returns the case's id.
#[server(prefix = "/rpc")]
pub async fn hand_over_finding(form: HandOverForm) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::findings::hand_over(&state.db, state.clock.now(), &ctx, &form).await
}

/// Enter the township's self-assessment.
#[server(prefix = "/rpc")]
pub async fn enter_self_score(check_id: i64, form: SelfScoreForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::scores::enter_self_score(&state.db, state.clock.now(), &ctx, check_id, &form).await
}

/// The townships' scores, ranked.
#[server(prefix = "/rpc")]
pub async fn get_scores(check_id: i64) -> Result<ScoresView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::scores::scores(&state.db, &ctx, check_id).await
}
