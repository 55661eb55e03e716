//! Sign-in, sign-out and password changes, with throttling and audit.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use entities::{app_user, login_failure};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;

use super::session;
use crate::audit::RequestMeta;
use crate::audit::service::{self as audit, Actor, Entry};
use crate::db::begin_write;
use crate::error::AppError;
use crate::permissions::Caller;
use crate::state::AppState;

/// The hash verified against when the username does not exist, so a missing account takes as long to
/// refuse as a wrong password. Made once, from a random password nobody knows.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| password_auth::generate_hash(crate::token::new_token()));

/// Hash a password with argon2id off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await.map_err(AppError::internal)
}

/// Verify a password against a stored hash (or the dummy hash) off the async threads.
async fn password_matches(password: String, hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        password_auth::verify_password(password, &hash).is_ok()
    })
    .await
    .map_err(AppError::internal)
}

/// Whether a sign-in for `username` from `ip` is held back. An account is locked only for the address that
/// failed on it (so a stranger cannot lock anyone else out of an account whose name they know), and an
/// address only when it fails on names that do not exist (guessing names), not when the people behind one
/// village office's shared address mistype their own passwords.
async fn throttled(
    db: &DatabaseConnection,
    security: &crate::state::SecuritySettings,
    username: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<bool, AppError> {
    let recent = || login_failure::Entity::find().filter(login_failure::Column::At.gt(since));
    let pair = recent()
        .filter(login_failure::Column::Username.eq(username))
        .filter(login_failure::Column::Ip.eq(ip))
        .count(db)
        .await?;
    if pair >= security.login_max_failures_per_account {
        return Ok(true);
    }
    let known_names =
        sea_orm::sea_query::Query::select().column(app_user::Column::Username).from(app_user::Entity).to_owned();
    let unknown_names = recent()
        .filter(login_failure::Column::Ip.eq(ip))
        .filter(login_failure::Column::Username.not_in_subquery(known_names))
        .count(db)
        .await?;
    Ok(unknown_names >= security.login_max_failures_per_address)
}

/// Check the credentials and start a session. Every failure answers the same `LoginFailed`.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    meta: &RequestMeta,
) -> Result<(Caller, String), AppError> {
    let db = &state.db;
    let now = state.clock.now();
    let username = username.trim().to_lowercase();
    let ip = meta.ip.clone().unwrap_or_else(|| "unknown".into());
    let window = chrono::Duration::from_std(state.security.login_failure_window).map_err(AppError::internal)?;
    let since = now - window;

    let throttled = throttled(db, &state.security, &username, &ip, since).await?;

    let user = app_user::Entity::find().filter(app_user::Column::Username.eq(&username)).one(db).await?;
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let password_ok = password_matches(password.to_string(), stored_hash).await? && user.is_some();

    let user = match user {
        Some(user) if password_ok && user.active && !throttled => user,
        _ => {
            let reason = if throttled {
                "throttled"
            } else if !password_ok {
                "bad_credentials"
            } else {
                "inactive"
            };
            tracing::warn!(%username, %ip, reason, "sign-in refused");
            record_failure(db, now, &username, &ip, reason, meta).await?;
            return Err(AppError::LoginFailed);
        }
    };

    let tx = begin_write(db).await?;
    let token = session::create(&tx, state, user.id, meta, now).await?;
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Username.eq(&username))
        .filter(login_failure::Column::Ip.eq(&ip))
        .exec(&tx)
        .await?;
    let caller = session::caller_of(&tx, user, now).await?;
    audit::append(
        &tx,
        &Actor::user(&caller, meta),
        now,
        Entry {
            action: "auth.login",
            entity_type: "user",
            entity_id: caller.user_id.to_string(),
            org_code: None,
            changes: json!({ "user_agent": meta.user_agent }),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(%username, %ip, "signed in");
    Ok((caller, token))
}

/// Keep a refused sign-in (it counts towards throttling) with its audit record, in its own transaction.
async fn record_failure(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    username: &str,
    ip: &str,
    reason: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let tx = begin_write(db).await?;
    login_failure::ActiveModel {
        username: Set(username.chars().take(64).collect()),
        ip: Set(ip.to_string()),
        at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::append(
        &tx,
        &Actor::anonymous(&format!("登录尝试（{username}）"), meta),
        now,
        Entry {
            action: "auth.login_failed",
            entity_type: "user",
            entity_id: username.to_string(),
            org_code: None,
            changes: json!({ "reason": reason }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// End the session behind `token`.
pub async fn logout(state: &AppState, token: &str, meta: &RequestMeta) -> Result<(), AppError> {
    let tx = begin_write(&state.db).await?;
    if let Some(user_id) = session::end(&tx, state, token).await? {
        audit::append(
            &tx,
            &Actor { user_id: Some(user_id), name: format!("用户 #{user_id}"), ip: meta.ip.clone() },
            state.clock.now(),
            Entry {
                action: "auth.logout",
                entity_type: "user",
                entity_id: user_id.to_string(),
                org_code: None,
                changes: json!({}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Change one's own password; every other session of the user ends.
pub async fn change_password(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    current_session_token: Option<&str>,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    super::check_new_password(&caller.username, new)?;
    let db = &state.db;
    let user = app_user::Entity::find_by_id(caller.user_id).one(db).await?.ok_or(AppError::Unauthenticated)?;
    if !password_matches(current.to_string(), Some(user.password_hash.clone())).await? {
        return Err(AppError::validation("current_password", "当前密码不正确。"));
    }
    if current == new {
        return Err(AppError::validation("new_password", "新密码不能与当前密码相同。"));
    }
    let hash = hash_password(new.to_string()).await?;
    let now = state.clock.now();
    let tx = begin_write(db).await?;
    let mut active = user.into_active_model();
    active.password_hash = Set(hash);
    active.must_change_password = Set(false);
    active.updated_at = Set(now);
    active.update(&tx).await?;
    let keep = current_session_token.map(|t| session::token_hash(&state.security.session_key, t));
    let ended = session::end_all_for_user(&tx, caller.user_id, keep.as_deref()).await?;
    audit::append(
        &tx,
        &Actor::user(caller, meta),
        now,
        Entry {
            action: "auth.password_changed",
            entity_type: "user",
            entity_id: caller.user_id.to_string(),
            org_code: None,
            changes: json!({ "other_sessions_ended": ended }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
