//! Server functions for the user administration page.

use leptos::prelude::*;

use super::{NewUser, OneTimeSecret, TokenView, UserView};
use crate::error::AppError;

#[server(prefix = "/rpc")]
pub async fn list_users() -> Result<Vec<UserView>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::list(&state.db, &ctx).await
}

#[server(prefix = "/rpc")]
pub async fn get_user(user_id: i64) -> Result<UserView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::get(&state, &ctx, user_id).await
}

#[server(prefix = "/rpc")]
pub async fn create_user(input: NewUser) -> Result<OneTimeSecret, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::create(&state, &ctx, input).await
}

#[server(prefix = "/rpc")]
pub async fn add_role(
    user_id: i64,
    role: String,
    org_code: String,
    department: Option<String>,
) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::add_role(&state, &ctx, user_id, &role, &org_code, department).await
}

#[server(prefix = "/rpc")]
pub async fn remove_role(grant_id: i64) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::remove_role(&state, &ctx, grant_id).await
}

#[server(prefix = "/rpc")]
pub async fn set_user_active(user_id: i64, active: bool) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::set_active(&state, &ctx, user_id, active).await
}

/// Record a user's rank and experience [F] 11; `experienced` is a ticked checkbox.
#[server(prefix = "/rpc")]
pub async fn set_cadre_profile(user_id: i64, rank: String, experienced: Option<String>) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::set_cadre_profile(&state, &ctx, user_id, &rank, experienced.is_some()).await
}

#[server(prefix = "/rpc")]
pub async fn reset_password(user_id: i64) -> Result<OneTimeSecret, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::reset_password(&state, &ctx, user_id).await
}

#[server(prefix = "/rpc")]
pub async fn list_tokens(user_id: i64) -> Result<Vec<TokenView>, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::list_tokens(&state, &ctx, user_id).await
}

#[server(prefix = "/rpc")]
pub async fn create_token(user_id: i64, name: String) -> Result<OneTimeSecret, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::create_token(&state, &ctx, user_id, &name).await
}

#[server(prefix = "/rpc")]
pub async fn revoke_token(token_id: i64) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::revoke_token(&state, &ctx, token_id).await
}
