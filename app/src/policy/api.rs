//! Server functions for the policy settings page.

use leptos::prelude::*;

use super::{PolicyForm, PolicyShown};
use crate::error::AppError;

/// The policy in force for a unit and year; the server picks the caller's first unit and this year
/// (in Beijing) when they are not given.
#[server(prefix = "/rpc")]
pub async fn get_policy(org_code: Option<String>, year: Option<i32>) -> Result<PolicyShown, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::shown(&state.db, state.clock.now(), &ctx, org_code, year).await
}

/// Replace a unit's policy for a year with one of the presets.
#[server(prefix = "/rpc")]
pub async fn apply_preset(org_code: String, year: i32, preset: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    let now = state.clock.now();
    super::service::apply_preset(&state.db, now, &ctx, &org_code, year, &preset).await?;
    crate::households::service::evaluation::reevaluate_in_background(&state.db, &org_code, year, now);
    Ok(())
}

/// Save an edited policy for a unit and year.
#[server(prefix = "/rpc")]
pub async fn save_policy(org_code: String, year: i32, form: PolicyForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    // Those without the right are refused before their form is read.
    crate::authz::caller_with_right(&ctx, crate::permissions::Action::ManagePolicy)?;
    let policy = form.parse()?;
    let now = state.clock.now();
    super::service::save(&state.db, now, &ctx, &org_code, year, policy).await?;
    crate::households::service::evaluation::reevaluate_in_background(&state.db, &org_code, year, now);
    Ok(())
}

/// The category names of the policy in force this year for the caller's first unit (for list filters);
/// empty when no policy is set.
#[server(prefix = "/rpc")]
pub async fn current_categories() -> Result<Vec<String>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    let caller = ctx.caller()?;
    let Some(unit) = caller.roles.first().map(|g| g.org_code.clone()) else {
        return Ok(Vec::new());
    };
    match super::service::effective(&state.db, &unit, crate::time::beijing_year(state.clock.now())).await {
        Ok(view) => Ok(view.policy.categories.into_iter().map(|c| c.name).collect()),
        Err(AppError::Conflict(_)) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}
