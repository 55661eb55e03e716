//! Authorisation: the one place that decides "may this caller do this action on a record of that unit",
//! and builds the scope filter for lists. It fails closed: no matching grant, no access. A record
//! outside the caller's scope answers exactly like a missing one. Two kinds of grant count: roles over a
//! unit, and time-window grants over listed records ([`windows`]).

pub mod windows;

use sea_orm::Condition;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, SimpleExpr};

use crate::audit::service::{self as audit, Actor, Entry};
use crate::error::AppError;
pub use crate::permissions::Action;
use crate::permissions::{Caller, Role};
use crate::request::RequestContext;

/// The scope prefixes under which the caller may perform `action`: their roles' units, and the units of
/// their open window grants for it.
pub fn scope_prefixes(caller: &Caller, action: Action) -> Vec<String> {
    let by_role = caller
        .roles
        .iter()
        .filter(|grant| action.roles().contains(&grant.role))
        .filter_map(|grant| grant.scope().map(|code| code.scope_prefix().to_string()));
    let by_window = caller.windows.iter().filter(|w| w.action == action).flat_map(|w| w.unit_prefixes());
    by_role.chain(by_window).collect()
}

/// Decide whether `caller` may perform `action` on a record of the unit `org_code`.
/// A role without the right anywhere answers `Forbidden` whatever the record (so a real id and a missing
/// one read alike); reads outside scope answer `NotFound`; other refusals `Forbidden` when the record is
/// visible, else `NotFound`.
pub fn authorize(caller: &Caller, action: Action, org_code: &str) -> Result<(), AppError> {
    if scope_prefixes(caller, action).is_empty() {
        return Err(AppError::Forbidden);
    }
    let within = |a: Action| scope_prefixes(caller, a).iter().any(|prefix| org_code.starts_with(prefix.as_str()));
    if within(action) {
        return Ok(());
    }
    if action.is_read() || !within(Action::ReadOrgUnit) { Err(AppError::NotFound) } else { Err(AppError::Forbidden) }
}

/// The caller, if one of their roles has `action` somewhere. Called before a record is looked up, it refuses a
/// role without the right alike for real and missing ids.
pub fn caller_with_right(ctx: &RequestContext, action: Action) -> Result<&Caller, AppError> {
    let caller = ctx.caller()?;
    if !may_anywhere(caller, action) {
        return Err(AppError::Forbidden);
    }
    Ok(caller)
}

/// `authorize`, or a window grant open at `now` that lists the household `household` (its code).
pub fn authorize_record(
    caller: &Caller,
    action: Action,
    org_code: &str,
    household: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    if caller.windows.iter().any(|w| w.allows(action, org_code, household, now)) {
        return Ok(());
    }
    authorize(caller, action, org_code)
}

/// `authorize`, and a refusal is logged and written to the audit log (repeated refusals of the same kind
/// as one record with their count, see [`crate::audit::denials`]).
pub async fn check(
    db: &sea_orm::DatabaseConnection,
    now: chrono::DateTime<chrono::Utc>,
    ctx: &RequestContext,
    action: Action,
    org_code: &str,
) -> Result<(), AppError> {
    check_record(db, now, ctx, action, org_code, None).await
}

/// `check` for a record that a window grant may list by itself: a household (`household`, its code).
pub async fn check_record(
    db: &sea_orm::DatabaseConnection,
    now: chrono::DateTime<chrono::Utc>,
    ctx: &RequestContext,
    action: Action,
    org_code: &str,
    household: Option<&str>,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let refusal = match authorize(caller, action, org_code) {
        Ok(()) => return Ok(()),
        Err(refusal) => refusal,
    };
    // Allowed by a window grant alone (a cross-checker's sample): every such use is on record.
    if let Some(window) = caller.windows.iter().find(|w| w.allows(action, org_code, household, now)) {
        let entry = Entry {
            action: "window.used",
            entity_type: if household.is_some() { "household" } else { "org_unit" },
            entity_id: household.unwrap_or(org_code).to_string(),
            org_code: Some(org_code.to_string()),
            changes: serde_json::json!({ "window_id": window.id, "purpose": window.purpose, "action": action.label() }),
        };
        audit::record_event(db, &Actor::user(caller, &ctx.meta), now, entry).await?;
        return Ok(());
    }
    tracing::warn!(user = %caller.username, action = action.as_str(), %org_code, "access refused");
    for record in ctx.denials.note(&Actor::user(caller, &ctx.meta), action, org_code, now) {
        audit::record_event(db, &record.actor, now, record.entry).await?;
    }
    Err(refusal)
}

/// `found` (a record looked up by the id or code the caller sent), if the caller may perform `action` in
/// its unit. A missing record and one out of scope answer alike; the check (and its audit of a refusal)
/// runs in both cases.
pub async fn found_in_scope<T>(
    db: &sea_orm::DatabaseConnection,
    now: chrono::DateTime<chrono::Utc>,
    ctx: &RequestContext,
    action: Action,
    found: Option<T>,
    org_code: impl Fn(&T) -> &str,
) -> Result<T, AppError> {
    let code = found.as_ref().map(|f| org_code(f).to_string()).unwrap_or_default();
    check(db, now, ctx, action, &code).await?;
    found.ok_or(AppError::NotFound)
}

/// The caller's roles whose scope covers the unit `org_code` (for the state machines' role checks).
pub fn roles_over(caller: &Caller, org_code: &str) -> Vec<Role> {
    caller.roles.iter().filter(|g| g.scope().is_some_and(|s| s.contains(org_code))).map(|g| g.role).collect()
}

/// Who takes a step on a record: the audit actor, their user id, and their roles covering the record.
#[derive(Clone, Copy)]
pub struct Acting<'a> {
    pub actor: &'a Actor,
    pub user_id: i64,
    pub roles: &'a [Role],
}

/// The county-level unit in which the caller may perform `action`, if any (for records that belong
/// to no unit, such as sign-in events).
pub fn county_grant(caller: &Caller, action: Action) -> Option<&str> {
    caller
        .roles
        .iter()
        .filter(|g| action.roles().contains(&g.role))
        .find(|g| g.scope().is_some_and(|s| s.level() == crate::org::OrgLevel::County))
        .map(|g| g.org_code.as_str())
}

/// Whether the caller may perform `action` somewhere (used to show or hide whole areas): by a role, or by
/// an open window grant (which may list households only).
pub fn may_anywhere(caller: &Caller, action: Action) -> bool {
    !scope_prefixes(caller, action).is_empty() || caller.windows.iter().any(|w| w.action == action)
}

/// A query condition restricting `column` (an org code column) to the caller's scope for `action`.
/// `None` means the caller has no scope at all: the list is empty, do not query.
pub fn scope_condition(caller: &Caller, action: Action, column: impl IntoColumnRef + Copy) -> Option<Condition> {
    let prefixes = scope_prefixes(caller, action);
    if prefixes.is_empty() {
        return None;
    }
    let mut any = Condition::any();
    for prefix in prefixes {
        any = any.add(code_prefix(column, &prefix));
    }
    Some(any)
}

/// `column` starts with `prefix`, written as a range (`>= prefix` and `< prefix + ':'`, the character
/// after '9') so both SQLite and PostgreSQL answer it from the index on the code column.
pub fn code_prefix(column: impl IntoColumnRef + Copy, prefix: &str) -> Condition {
    let lower: SimpleExpr = Expr::col(column).gte(prefix);
    let upper: SimpleExpr = Expr::col(column).lt(format!("{prefix}:"));
    Condition::all().add(lower).add(upper)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::RoleGrant;

    fn caller(grants: &[(Role, &str)]) -> Caller {
        Caller {
            user_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            must_change_password: false,
            windows: Vec::new(),
            window_actions: Vec::new(),
            roles: grants
                .iter()
                .map(|(role, code)| RoleGrant {
                    role: *role,
                    role_label: role.label().into(),
                    org_code: code.to_string(),
                    org_name: String::new(),
                    department: None,
                })
                .collect(),
        }
    }

    #[test]
    fn village_cadre_reads_own_village_only() {
        let c = caller(&[(Role::VillageCadre, "500152101203")]);
        assert_eq!(authorize(&c, Action::ReadHousehold, "500152101203"), Ok(()));
        assert_eq!(authorize(&c, Action::ReadHousehold, "500152101203002"), Ok(()));
        assert_eq!(authorize(&c, Action::ReadHousehold, "500152101204"), Err(AppError::NotFound));
        // Without the right anywhere: the same answer for a unit it sees and one it does not.
        assert_eq!(authorize(&c, Action::ManageUsers, "500152101203"), Err(AppError::Forbidden));
        assert_eq!(authorize(&c, Action::ManageUsers, "500152102001"), Err(AppError::Forbidden));
    }

    #[test]
    fn admin_manages_but_does_not_read_households() {
        let c = caller(&[(Role::Admin, "500152000000")]);
        assert_eq!(authorize(&c, Action::ManageUsers, "500152101203"), Ok(()));
        assert_eq!(authorize(&c, Action::ReadHousehold, "500152101203"), Err(AppError::Forbidden));
    }

    #[test]
    fn no_roles_no_scope() {
        let c = caller(&[]);
        assert!(scope_condition(&c, Action::ReadOrgUnit, entities::household::Column::OrgCode).is_none());
        assert_eq!(authorize(&c, Action::ReadOrgUnit, "500152000000"), Err(AppError::Forbidden));
    }

    #[test]
    fn a_grant_with_a_broken_code_covers_nothing() {
        let c = caller(&[(Role::CountyOffice, "garbage")]);
        assert!(scope_prefixes(&c, Action::ReadHousehold).is_empty());
    }
}
