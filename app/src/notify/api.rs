//! Server functions for the notification list and e-mail settings.

use leptos::prelude::*;

use super::Inbox;
use crate::error::AppError;

/// The caller's latest notices.
#[server(prefix = "/rpc")]
pub async fn my_notifications() -> Result<Inbox, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::inbox(&state.db, &ctx).await
}

/// Mark all of the caller's notices read.
#[server(prefix = "/rpc")]
pub async fn mark_notifications_read() -> Result<u64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::mark_all_read(&state.db, state.clock.now(), &ctx).await
}

/// Turn e-mail on for the categories ticked and off for the rest.
#[server(prefix = "/rpc")]
pub async fn save_mail_settings(#[server(default)] form: super::MailSettingsForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::set_email_on(&state.db, state.clock.now(), &ctx, &form.ticked()).await
}
