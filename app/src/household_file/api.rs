//! The household page's server function.

use leptos::prelude::*;

use super::HouseholdFile;
use crate::error::AppError;

/// One household's whole file by code.
#[server(prefix = "/rpc")]
pub async fn get_household_file(code: String) -> Result<HouseholdFile, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::get(&state.db, state.clock.now(), &ctx, &code).await
}
