//! Server functions for signing in and out, the current user, and the own password.

use leptos::prelude::*;

use crate::error::AppError;
use crate::permissions::Caller;

/// The signed-in user, or `None`.
#[server(prefix = "/rpc")]
pub async fn current_user() -> Result<Option<Caller>, AppError> {
    let ctx = crate::request::request_context().await?;
    Ok(ctx.caller.as_deref().cloned())
}

/// Sign in and set the session cookie.
#[server(prefix = "/rpc")]
pub async fn login(username: String, password: String) -> Result<(), AppError> {
    use axum::http::{HeaderValue, header};

    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    if username.trim().is_empty() {
        return Err(AppError::validation("username", "请输入用户名。"));
    }
    if password.is_empty() {
        return Err(AppError::validation("password", "请输入密码。"));
    }
    let (_, token) = super::service::login(&state, &username, &password, &ctx.meta).await?;
    let cookie = HeaderValue::from_str(&super::session::session_cookie(&state, &token)).map_err(AppError::internal)?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(header::SET_COOKIE, cookie);
    Ok(())
}

/// End the current session and clear the cookie.
#[server(prefix = "/rpc")]
pub async fn logout() -> Result<(), AppError> {
    use axum::http::{HeaderValue, header};

    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    if let Some(token) = &ctx.session_token {
        super::service::logout(&state, token, &ctx.meta).await?;
    }
    let cookie = HeaderValue::from_str(&super::session::clear_cookie(&state)).map_err(AppError::internal)?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(header::SET_COOKIE, cookie);
    Ok(())
}

/// Change the caller's own password.
#[server(prefix = "/rpc")]
pub async fn change_password(current_password: String, new_password: String, confirm: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    let caller = ctx.signed_in()?;
    if new_password != confirm {
        return Err(AppError::validation("confirm", "两次输入的新密码不一致。"));
    }
    super::service::change_password(
        &state,
        caller,
        &ctx.meta,
        ctx.session_token.as_deref(),
        &current_password,
        &new_password,
    )
    .await
}
