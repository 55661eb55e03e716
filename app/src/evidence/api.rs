//! Server functions for evidence (uploads go through the multipart routes in the server crate).

use leptos::prelude::*;

use crate::error::AppError;

/// Withdraw a mistaken upload with a reason.
#[server(prefix = "/rpc")]
pub async fn withdraw_evidence(id: i64, reason: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::withdraw(&state.db, state.clock.now(), &ctx, id, &reason).await
}
