//! Sessions and API tokens. A token is 32 random bytes; the database keeps only its keyed hash
//! (HMAC-SHA-256 with the session key), so a copy of the database does not let anyone sign in.

use chrono::{DateTime, Utc};
use entities::{api_token, app_user, org_unit, session, user_role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::audit::RequestMeta;
use crate::error::AppError;
use crate::permissions::Caller;
use crate::permissions::{Role, RoleGrant};
use crate::state::AppState;
use crate::token::new_token;
use crate::users::RoleGrantRow;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "fp_session";
/// API tokens start with this, so they are recognisable in logs and secret scanners.
pub const API_TOKEN_PREFIX: &str = "fpt_";
/// How often `last_seen_at` is written while a session is in use.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

/// The keyed hash under which a token is stored.
pub fn token_hash(key: &[u8], token: &str) -> String {
    crate::token::keyed_digest(key, token.as_bytes())
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.security.cookie_secure { "; Secure" } else { "" };
    let max_age = state.security.absolute_timeout.as_secs();
    format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.security.cookie_secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// Start a session for a user; returns the token for the cookie.
pub async fn create<C: ConnectionTrait>(
    tx: &C,
    state: &AppState,
    user_id: i64,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = new_token();
    session::ActiveModel {
        token_hash: Set(token_hash(&state.security.session_key, &token)),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        ip: Set(meta.ip.clone()),
        user_agent: Set(meta.user_agent.as_ref().map(|ua| ua.chars().take(250).collect())),
    }
    .insert(tx)
    .await?;
    Ok(token)
}

/// End the session behind a cookie token (logout). Unknown tokens are ignored.
pub async fn end<C: ConnectionTrait>(tx: &C, state: &AppState, token: &str) -> Result<Option<i64>, AppError> {
    let hash = token_hash(&state.security.session_key, token);
    let found = session::Entity::find_by_id(hash.clone()).one(tx).await?;
    session::Entity::delete_by_id(hash).exec(tx).await?;
    Ok(found.map(|s| s.user_id))
}

/// End every session of a user, optionally keeping one (the one changing the password).
pub async fn end_all_for_user<C: ConnectionTrait>(tx: &C, user_id: i64, keep: Option<&str>) -> Result<u64, AppError> {
    let mut delete = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        delete = delete.filter(session::Column::TokenHash.ne(keep));
    }
    Ok(delete.exec(tx).await?.rows_affected)
}

/// The caller behind a session cookie, if the session is alive. Expired sessions are removed.
pub async fn resolve_session(state: &AppState, token: &str) -> Result<Option<Caller>, AppError> {
    let db = &state.db;
    let now = state.clock.now();
    let hash = token_hash(&state.security.session_key, token);
    let Some(found) = session::Entity::find_by_id(hash.clone()).one(db).await? else {
        return Ok(None);
    };
    let idle = chrono::Duration::from_std(state.security.idle_timeout).map_err(AppError::internal)?;
    let absolute = chrono::Duration::from_std(state.security.absolute_timeout).map_err(AppError::internal)?;
    if now - found.last_seen_at > idle || now - found.created_at > absolute {
        session::Entity::delete_by_id(hash).exec(db).await?;
        return Ok(None);
    }
    let Some(caller) = load_caller(db, found.user_id, now).await? else {
        return Ok(None);
    };
    if now - found.last_seen_at > TOUCH_EVERY {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(now))
            .filter(session::Column::TokenHash.eq(hash))
            .exec(db)
            .await?;
    }
    Ok(Some(caller))
}

/// The caller behind an API token, if the token is live and its user active.
pub async fn resolve_api_token(state: &AppState, token: &str) -> Result<Option<Caller>, AppError> {
    let db = &state.db;
    let hash = token_hash(&state.security.session_key, token);
    let Some(found) = api_token::Entity::find().filter(api_token::Column::TokenHash.eq(hash)).one(db).await? else {
        return Ok(None);
    };
    if found.revoked_at.is_some() {
        return Ok(None);
    }
    let Some(caller) = load_caller(db, found.user_id, state.clock.now()).await? else {
        return Ok(None);
    };
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, sea_orm::sea_query::Expr::value(state.clock.now()))
        .filter(api_token::Column::Id.eq(found.id))
        .exec(db)
        .await?;
    Ok(Some(caller))
}

/// An active user with their roles and the window grants open at `now`, or `None` for a missing or
/// deactivated user.
pub async fn load_caller(
    db: &DatabaseConnection,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Caller>, AppError> {
    let Some(user) = app_user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    Ok(Some(caller_of(db, user, now).await?))
}

/// Build the caller for a user row (roles joined with their units, window grants open at `now`).
pub async fn caller_of<C: ConnectionTrait>(
    db: &C,
    user: app_user::Model,
    now: DateTime<Utc>,
) -> Result<Caller, AppError> {
    let roles = grants_of(db, &[user.id]).await?.into_iter().map(|(_, row)| row.grant).collect();
    let windows = crate::authz::windows::open_for(db, user.id, now).await?;
    let mut window_actions: Vec<String> = windows.iter().map(|w| w.action.as_str().to_string()).collect();
    window_actions.sort();
    window_actions.dedup();
    Ok(Caller {
        user_id: user.id,
        username: user.username,
        display_name: user.display_name,
        must_change_password: user.must_change_password,
        roles,
        windows,
        window_actions,
    })
}

/// The session token in a request's `Cookie` header, if any.
pub fn token_from_headers(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE_NAME && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

/// The role grants of some users with their units, as `(user id, grant)`. A grant whose role or unit
/// no longer resolves is left out (and logged).
pub async fn grants_of<C: ConnectionTrait>(db: &C, user_ids: &[i64]) -> Result<Vec<(i64, RoleGrantRow)>, AppError> {
    let grants = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(user_ids.to_vec()))
        .order_by_asc(user_role::Column::Id)
        .all(db)
        .await?;
    let unit_ids: Vec<i64> = grants.iter().map(|g| g.org_unit_id).collect();
    let units: std::collections::HashMap<i64, org_unit::Model> = org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in(unit_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(grants
        .into_iter()
        .filter_map(|g| {
            let (Some(role), Some(unit)) = (Role::parse(&g.role), units.get(&g.org_unit_id)) else {
                tracing::warn!(user_id = g.user_id, role = %g.role, "ignoring a role grant that does not resolve");
                return None;
            };
            Some((
                g.user_id,
                RoleGrantRow {
                    id: g.id,
                    grant: RoleGrant {
                        role,
                        role_label: role.label().to_string(),
                        org_code: unit.code.clone(),
                        org_name: unit.name.clone(),
                        department: g.department,
                    },
                },
            ))
        })
        .collect())
}
