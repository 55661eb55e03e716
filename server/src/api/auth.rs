//! Sign-in, sign-out and "who am I" for the JSON API.

use super::extract::Json;
use app::error::AppError;
use app::permissions::Caller;
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// Sign in; sets the session cookie and returns the user.
#[utoipa::path(post, path = "/api/auth/login", request_body = LoginRequest, tag = "auth",
    responses((status = 200, body = Caller), (status = 401, body = super::ErrorBody, description = "用户名或密码错误，或尝试过于频繁")))]
pub async fn login(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(body): Json<LoginRequest>,
) -> Result<Response, AppError> {
    let (caller, token) = app::auth::service::login(&state, &body.username, &body.password, &ctx.meta).await?;
    let cookie = app::auth::session::session_cookie(&state, &token);
    Ok(([(header::SET_COOKIE, cookie)], Json(caller)).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Set the caller's own password (the one thing a one-time password allows); other sessions end.
#[utoipa::path(post, path = "/api/auth/password", request_body = PasswordChange, tag = "auth",
    responses((status = 204), (status = 422, body = super::ErrorBody, description = "当前密码不正确，或新密码不符合要求")))]
pub async fn change_password(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(body): Json<PasswordChange>,
) -> Result<StatusCode, AppError> {
    let caller = ctx.signed_in()?;
    let token = ctx.session_token.as_deref();
    app::auth::service::change_password(&state, caller, &ctx.meta, token, &body.current_password, &body.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End the session of the cookie sent.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
) -> Result<Response, AppError> {
    if let Some(token) = &ctx.session_token {
        app::auth::service::logout(&state, token, &ctx.meta).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, app::auth::session::clear_cookie(&state))]).into_response())
}

/// The signed-in user with roles and org units.
#[utoipa::path(get, path = "/api/me", tag = "auth",
    responses((status = 200, body = Caller), (status = 401, body = super::ErrorBody)))]
pub async fn me(Extension(ctx): Extension<RequestContext>) -> Result<Json<Caller>, AppError> {
    Ok(Json(ctx.signed_in()?.clone()))
}
