//! Server functions for the policy settings page.

use leptos::prelude::*;

use super::{PolicyForm, PolicyView};
use crate::error::AppError;

/// The policy in force for a unit and year.
#[server(prefix = "/rpc")]
pub async fn get_policy(org_code: String, year: i32) -> Result<PolicyView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::get(&state.db, state.clock.now(), &ctx, &org_code, year).await
}

/// Replace a unit's policy for a year with one of the presets.
#[server(prefix = "/rpc")]
pub async fn apply_preset(org_code: String, year: i32, preset: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::apply_preset(&state.db, state.clock.now(), &ctx, &org_code, year, &preset).await
}

/// Save an edited policy for a unit and year.
#[server(prefix = "/rpc")]
pub async fn save_policy(org_code: String, year: i32, form: PolicyForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    let policy = form.parse()?;
    super::service::save(&state.db, state.clock.now(), &ctx, &org_code, year, policy).await
}
