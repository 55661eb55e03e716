//! Creating and managing users, their role grants and API tokens. Every change is audited.

use chrono::{DateTime, Utc};
use entities::{api_token, app_user, org_unit, user_role};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use std::collections::HashMap;

use super::{NewUser, OneTimeSecret, TokenView, UserView, check_email, check_phone, check_username};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::auth::service::hash_password;
use crate::auth::session::{self, API_TOKEN_PREFIX};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Role;
use crate::policy::CadreRank;
use crate::request::RequestContext;
use crate::state::AppState;

/// A one-time password: three groups of four from an alphabet without look-alikes (0/O, 1/l/I).
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let group = |rng: &mut rand::rngs::ThreadRng| -> String {
        (0..4).filter_map(|_| ALPHABET.get(rng.random_range(0..ALPHABET.len())).map(|&b| char::from(b))).collect()
    };
    let mut password = format!("{}-{}-{}", group(&mut rng), group(&mut rng), group(&mut rng));
    // Guarantee a digit so it also satisfies the rules for chosen passwords.
    if !password.chars().any(|c| c.is_ascii_digit()) {
        password.push(char::from(b'2' + rng.random_range(0..8u8)));
    }
    password
}

async fn views<C: ConnectionTrait>(db: &C, users: Vec<app_user::Model>) -> Result<Vec<UserView>, AppError> {
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let grants = crate::auth::session::grants_of(db, &ids).await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let roles = grants.iter().filter(|(uid, _)| *uid == u.id).map(|(_, g)| g.clone()).collect();
            UserView {
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                phone: u.phone,
                email: u.email,
                active: u.active,
                must_change_password: u.must_change_password,
                cadre_rank: u.cadre_rank.as_deref().and_then(CadreRank::parse),
                experienced: u.experienced,
                roles,
                windows: Vec::new(),
            }
        })
        .collect())
}

/// Every user (for the operator's `user list`).
pub async fn list_all(db: &DatabaseConnection) -> Result<Vec<UserView>, AppError> {
    let users = app_user::Entity::find().order_by_asc(app_user::Column::Username).all(db).await?;
    views(db, users).await
}

/// Users with at least one role in the caller's roster scope; county administrators also see users without roles.
pub async fn list(db: &DatabaseConnection, ctx: &RequestContext) -> Result<Vec<UserView>, AppError> {
    let caller = ctx.caller()?;
    let prefixes = authz::scope_prefixes(caller, Action::ReadUserRoster);
    if prefixes.is_empty() {
        return Ok(Vec::new());
    }
    let all = list_all(db).await?;
    let sees_unassigned = is_county_admin(ctx);
    Ok(all
        .into_iter()
        .filter(|u| {
            (u.roles.is_empty() && sees_unassigned)
                || u.roles.iter().any(|r| prefixes.iter().any(|p| r.grant.org_code.starts_with(p.as_str())))
        })
        .collect())
}

/// One user, for an administrator who may manage them.
pub async fn get(state: &AppState, ctx: &RequestContext, user_id: i64) -> Result<UserView, AppError> {
    let now = state.clock.now();
    let user = ensure_manageable(&state.db, now, ctx, user_id).await?;
    let mut view = views(&state.db, vec![user]).await?.pop().ok_or(AppError::NotFound)?;
    view.windows = authz::windows::rows_of(&state.db, user_id, now).await?;
    Ok(view)
}

fn is_county_admin(ctx: &RequestContext) -> bool {
    ctx.caller.as_deref().is_some_and(|c| authz::county_grant(c, Action::ManageUsers).is_some())
}

/// The caller may manage a user when every unit the user has a role in lies in the caller's admin scope
/// (a user without roles: county administrators only).
async fn ensure_manageable(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    user_id: i64,
) -> Result<app_user::Model, AppError> {
    let user = app_user::Entity::find_by_id(user_id).one(db).await?;
    let grants = crate::auth::session::grants_of(db, &[user_id]).await?;
    match (&user, grants.is_empty()) {
        (Some(_), true) if is_county_admin(ctx) => {}
        (Some(_), false) => {
            for (_, row) in &grants {
                authz::check(db, now, ctx, Action::ManageUsers, &row.grant.org_code).await?;
            }
        }
        _ => {
            authz::check(db, now, ctx, Action::ManageUsers, "").await?;
        }
    }
    user.ok_or(AppError::NotFound)
}

fn parse_role_for(role: &str, org: &org_unit::Model) -> Result<Role, AppError> {
    let role = Role::parse(role).ok_or_else(|| AppError::validation("role", "请选择角色。"))?;
    let level = OrgLevel::parse(&org.level).unwrap_or(OrgLevel::Group);
    if !role.allowed_levels().contains(&level) {
        let allowed: Vec<&str> = role.allowed_levels().iter().map(|l| l.label()).collect();
        return Err(AppError::validation(
            "org_code",
            format!("“{}”只能设在{}一级，{}是{}。", role.label(), allowed.join("或"), org.name, level.label()),
        ));
    }
    Ok(role)
}

async fn insert_grant<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    user: &app_user::Model,
    role: &str,
    org_code: &str,
    department: Option<String>,
) -> Result<i64, AppError> {
    let org_code = OrgCode::parse(org_code).map_err(|_| AppError::validation("org_code", "请选择所属单位。"))?;
    let org = crate::org::service::find(tx, org_code.as_str())
        .await?
        .ok_or_else(|| AppError::validation("org_code", format!("单位 {} 不存在。", org_code.as_str())))?;
    let role = parse_role_for(role, &org)?;
    let department = department.map(|d| d.trim().to_string()).filter(|d| !d.is_empty());
    if role == Role::DepartmentUser && department.is_none() {
        return Err(AppError::validation("department", "行业部门用户须填写所属部门。"));
    }
    if role == Role::DepartmentUser && department.as_deref().and_then(crate::screening::Department::of_grant).is_none()
    {
        return Err(AppError::validation("department", "所属部门应为 12 个筛查部门之一，请从列表中选择。"));
    }
    let exists = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user.id))
        .filter(user_role::Column::Role.eq(role.as_str()))
        .filter(user_role::Column::OrgUnitId.eq(org.id))
        .one(tx)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(format!("{} 已在{}担任“{}”。", user.display_name, org.name, role.label())));
    }
    let grant = user_role::ActiveModel {
        user_id: Set(user.id),
        role: Set(role.as_str().to_string()),
        org_unit_id: Set(org.id),
        department: Set(department.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: "user.role_added",
            entity_type: "user",
            entity_id: user.id.to_string(),
            org_code: Some(org.code.clone()),
            changes: json!({ "after": { "role": role.as_str(), "org_code": org.code, "department": department } }),
        },
    )
    .await?;
    Ok(grant.id)
}

/// Create a user with one role and a generated one-time password. Used by the admin page, the
/// operator's `user create` and the demo loader; authorisation is the caller's business.
pub async fn insert_user<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    input: &NewUser,
    password_hash: String,
) -> Result<app_user::Model, AppError> {
    let username = check_username(&input.username)?;
    let display_name = input.display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > 32 {
        return Err(AppError::validation("display_name", "请填写姓名（不超过 32 个字）。"));
    }
    let phone = input.phone.as_deref().filter(|p| !p.trim().is_empty()).map(check_phone).transpose()?;
    let email = input.email.as_deref().filter(|e| !e.trim().is_empty()).map(check_email).transpose()?;
    if app_user::Entity::find().filter(app_user::Column::Username.eq(&username)).one(tx).await?.is_some() {
        return Err(AppError::validation("username", format!("用户名 {username} 已被使用。")));
    }
    let user = app_user::ActiveModel {
        username: Set(username.clone()),
        display_name: Set(display_name.clone()),
        phone: Set(phone.clone()),
        email: Set(email.clone()),
        password_hash: Set(password_hash),
        must_change_password: Set(true),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: "user.created",
            entity_type: "user",
            entity_id: user.id.to_string(),
            org_code: OrgCode::parse(&input.org_code).ok().map(|c| c.as_str().to_string()),
            changes: json!({ "after": { "username": username, "display_name": display_name, "phone": phone, "email": email } }),
        },
    )
    .await?;
    insert_grant(tx, actor, now, &user, &input.role, &input.org_code, input.department.clone()).await?;
    Ok(user)
}

/// Create a user from the admin page; returns the one-time password to hand over.
pub async fn create(state: &AppState, ctx: &RequestContext, input: NewUser) -> Result<OneTimeSecret, AppError> {
    let now = state.clock.now();
    let org_code = OrgCode::parse(&input.org_code).map_err(|_| AppError::validation("org_code", "请选择所属单位。"))?;
    authz::check(&state.db, now, ctx, Action::ManageUsers, org_code.as_str()).await?;
    let password = one_time_password();
    let hash = hash_password(password.clone()).await?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(&state.db).await?;
    let user = insert_user(&tx, &actor, now, &input, hash).await?;
    tx.commit().await?;
    Ok(OneTimeSecret { username: user.username, secret: password })
}

/// Grant another role.
pub async fn add_role(
    state: &AppState,
    ctx: &RequestContext,
    user_id: i64,
    role: &str,
    org_code: &str,
    department: Option<String>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let user = ensure_manageable(&state.db, now, ctx, user_id).await?;
    let code = OrgCode::parse(org_code).map_err(|_| AppError::validation("org_code", "请选择所属单位。"))?;
    authz::check(&state.db, now, ctx, Action::ManageUsers, code.as_str()).await?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(&state.db).await?;
    insert_grant(&tx, &actor, now, &user, role, code.as_str(), department).await?;
    tx.commit().await?;
    Ok(())
}

/// Revoke one role grant.
pub async fn remove_role(state: &AppState, ctx: &RequestContext, grant_id: i64) -> Result<(), AppError> {
    let now = state.clock.now();
    // Who is asking, and whether they may manage users at all, come before any lookup: a probe learns nothing
    // about which grants exist.
    let caller = authz::caller_with_right(ctx, Action::ManageUsers)?;
    let grant = user_role::Entity::find_by_id(grant_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    ensure_manageable(&state.db, now, ctx, grant.user_id).await?;
    let org = org_unit::Entity::find_by_id(grant.org_unit_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(&state.db).await?;
    user_role::Entity::delete_by_id(grant.id).exec(&tx).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "user.role_removed",
            entity_type: "user",
            entity_id: grant.user_id.to_string(),
            org_code: Some(org.code.clone()),
            changes: json!({ "before": { "role": grant.role, "org_code": org.code, "department": grant.department } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivate (ending every session at once) or reactivate a user.
pub async fn set_active(state: &AppState, ctx: &RequestContext, user_id: i64, active: bool) -> Result<(), AppError> {
    let now = state.clock.now();
    let caller = ctx.caller()?;
    if caller.user_id == user_id && !active {
        return Err(AppError::Conflict("不能停用自己的账号。".into()));
    }
    let user = ensure_manageable(&state.db, now, ctx, user_id).await?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(&state.db).await?;
    let before = user.active;
    let mut model = user.into_active_model();
    model.active = Set(active);
    model.updated_at = Set(now);
    model.update(&tx).await?;
    let ended = if active { 0 } else { session::end_all_for_user(&tx, user_id, None).await? };
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: if active { "user.reactivated" } else { "user.deactivated" },
            entity_type: "user",
            entity_id: user_id.to_string(),
            org_code: None,
            changes: json!({ "before": { "active": before }, "after": { "active": active }, "sessions_ended": ended }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Record a user's rank (职级) and whether they are an experienced cadre, for the policy's pairing rules
/// [F] 11. `rank` is a [`CadreRank`] code or empty for none.
pub async fn set_cadre_profile(
    state: &AppState,
    ctx: &RequestContext,
    user_id: i64,
    rank: &str,
    experienced: bool,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let rank = match rank.trim() {
        "" => None,
        code => Some(CadreRank::parse(code).ok_or_else(|| AppError::validation("rank", "请从列表中选择职级。"))?),
    };
    let user = ensure_manageable(&state.db, now, ctx, user_id).await?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(&state.db).await?;
    let before = json!({ "cadre_rank": user.cadre_rank.as_deref().and_then(CadreRank::parse).map(CadreRank::label),
        "experienced": user.experienced });
    let mut model = user.into_active_model();
    model.cadre_rank = Set(rank.map(|r| r.as_str().to_string()));
    model.experienced = Set(experienced);
    model.updated_at = Set(now);
    model.update(&tx).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "user.cadre_profile_set",
            entity_type: "user",
            entity_id: user_id.to_string(),
            org_code: None,
            changes: json!({ "before": before,
                "after": { "cadre_rank": rank.map(CadreRank::label), "experienced": experienced } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the pairing rules know of these users (name, rank, experience), by id.
pub async fn cadre_facts<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, (String, Option<CadreRank>, bool)>, AppError> {
    let ids: Vec<i64> = ids.into_iter().collect();
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, (u.display_name, u.cadre_rank.as_deref().and_then(CadreRank::parse), u.experienced)))
        .collect())
}

/// Give a user a new one-time password; their sessions end.
pub async fn reset_password(state: &AppState, ctx: &RequestContext, user_id: i64) -> Result<OneTimeSecret, AppError> {
    let now = state.clock.now();
    let user = ensure_manageable(&state.db, now, ctx, user_id).await?;
    let password = one_time_password();
    let hash = hash_password(password.clone()).await?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(&state.db).await?;
    let username = user.username.clone();
    let mut model = user.into_active_model();
    model.password_hash = Set(hash);
    model.must_change_password = Set(true);
    model.updated_at = Set(now);
    model.update(&tx).await?;
    let ended = session::end_all_for_user(&tx, user_id, None).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "user.password_reset",
            entity_type: "user",
            entity_id: user_id.to_string(),
            org_code: None,
            changes: json!({ "sessions_ended": ended }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(OneTimeSecret { username, secret: password })
}

/// The API tokens of a user.
pub async fn list_tokens(state: &AppState, ctx: &RequestContext, user_id: i64) -> Result<Vec<TokenView>, AppError> {
    ensure_manageable(&state.db, state.clock.now(), ctx, user_id).await?;
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(&state.db)
        .await?;
    Ok(tokens
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            user_id: t.user_id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            revoked_at: t.revoked_at,
            last_used_at: t.last_used_at,
        })
        .collect())
}

/// Create an API token for a user; the token is shown once.
pub async fn create_token(
    state: &AppState,
    ctx: &RequestContext,
    user_id: i64,
    name: &str,
) -> Result<OneTimeSecret, AppError> {
    let now = state.clock.now();
    let user = ensure_manageable(&state.db, now, ctx, user_id).await?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(AppError::validation("name", "请填写令牌用途（不超过 40 个字），例如“医保局数据推送”。"));
    }
    let caller = ctx.caller()?;
    let token = format!("{API_TOKEN_PREFIX}{}", crate::token::new_token());
    let prefix: String = token.chars().take(10).collect();
    let tx = begin_write(&state.db).await?;
    let row = api_token::ActiveModel {
        user_id: Set(user.id),
        name: Set(name.to_string()),
        token_hash: Set(session::token_hash(&state.security.session_key, &token)),
        prefix: Set(prefix.clone()),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::append(
        &tx,
        &Actor::user(caller, &ctx.meta),
        now,
        Entry {
            action: "token.created",
            entity_type: "api_token",
            entity_id: row.id.to_string(),
            org_code: None,
            changes: json!({ "after": { "user_id": user.id, "name": name, "prefix": prefix } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(OneTimeSecret { username: user.username, secret: token })
}

/// Revoke an API token.
pub async fn revoke_token(state: &AppState, ctx: &RequestContext, token_id: i64) -> Result<(), AppError> {
    let now = state.clock.now();
    let token = api_token::Entity::find_by_id(token_id).one(&state.db).await?.ok_or(AppError::NotFound)?;
    ensure_manageable(&state.db, now, ctx, token.user_id).await?;
    if token.revoked_at.is_some() {
        return Ok(());
    }
    let tx = begin_write(&state.db).await?;
    let mut model = token.clone().into_active_model();
    model.revoked_at = Set(Some(now));
    model.update(&tx).await?;
    audit::append(
        &tx,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "token.revoked",
            entity_type: "api_token",
            entity_id: token.id.to_string(),
            org_code: None,
            changes: json!({ "before": { "revoked_at": null }, "after": { "revoked_at": now } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Display names of some users, by id.
pub async fn display_names<C: sea_orm::ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}
