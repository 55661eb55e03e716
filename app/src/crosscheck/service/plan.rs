//! Planning a year's check and reading checks: the county office names the window and the townships checked;
//! the rules (sample sizes, strata, avoidance, indicators) are copied from the policy in force.

use chrono::{DateTime, NaiveDateTime, Utc};
use entities::{app_user, cross_check, cross_check_conflict, cross_check_member, org_unit, user_role};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

use super::{audit_change, check_in_sight, may_manage, rules_of, status_of, townships_of};
use crate::audit::service::Actor;
use crate::authz::{self, Action};
use crate::crosscheck::{CheckStatus, CheckSummary, CheckView, ConflictView, PlanForm, TeamView, Unit};
use crate::db::begin_write;
use crate::error::{AppError, Problems};
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Role;
use crate::request::RequestContext;

/// A datetime-local field's "2026-10-12T08:00", Beijing time.
fn beijing_moment(problems: &mut Problems, field: &str, text: &str) -> Option<DateTime<Utc>> {
    let parsed = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|t| t.and_local_timezone(chrono::FixedOffset::east_opt(8 * 3600)?).single())
        .map(|t| t.with_timezone(&Utc));
    if parsed.is_none() {
        problems.add(field, "时间应写作 2026-10-12T08:00 的形式（北京时间）。");
    }
    parsed
}

/// Plan the year's check of a county: the county office, once a year; returns its id.
pub async fn create(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &PlanForm,
) -> Result<i64, AppError> {
    let county =
        OrgCode::parse(form.org_code.trim()).map_err(|_| AppError::validation("org_code", "请选择县（区）。"))?;
    if county.level() != OrgLevel::County {
        return Err(AppError::validation("org_code", "交叉检查由县（区）组织。"));
    }
    authz::check(db, now, ctx, Action::ManageCrossCheck, county.as_str()).await?;
    let mut problems = Problems::default();
    let year = form.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        problems.add("year", "请填写年度，例如 2026。");
    }
    let title = form.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 100 {
        problems.add("title", "请填写名称（100 字以内），例如“2026 年乡镇（街道）间交叉检查”。");
    }
    let start = beijing_moment(&mut problems, "window_start", &form.window_start);
    let end = beijing_moment(&mut problems, "window_end", &form.window_end);
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        problems.add("window_end", "检查结束时间应晚于开始时间。");
    }
    let in_county = org_unit::Entity::find()
        .filter(authz::code_prefix(org_unit::Column::Code, county.scope_prefix()))
        .filter(org_unit::Column::Level.eq(OrgLevel::Township.as_str()))
        .order_by_asc(org_unit::Column::Code)
        .all(db)
        .await?;
    let mut townships: Vec<String> =
        form.townships.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    if townships.is_empty() {
        townships = in_county.iter().map(|t| t.code.clone()).collect();
    }
    townships.sort();
    townships.dedup();
    if townships.len() < 2 || !townships.iter().all(|t| in_county.iter().any(|u| &u.code == t)) {
        problems.add("townships", "请选择本县（区）至少 2 个镇街（交叉检查在镇街之间进行）。");
    }
    problems.finish()?;
    let (Some(year), Some(start), Some(end)) = (year, start, end) else { return Err(AppError::Internal) };
    let rules = crate::policy::service::effective(db, county.as_str(), year).await?.policy.cross_check;
    let caller = ctx.caller()?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let exists = cross_check::Entity::find()
        .filter(cross_check::Column::OrgCode.eq(county.as_str()))
        .filter(cross_check::Column::Year.eq(year))
        .one(&tx)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(format!("{year} 年的交叉检查已经计划，请在原计划中调整。")));
    }
    let check = cross_check::ActiveModel {
        org_code: Set(county.as_str().to_string()),
        year: Set(year),
        title: Set(title),
        window_start: Set(start),
        window_end: Set(end),
        townships: Set(serde_json::to_string(&townships).map_err(|e| AppError::internal(e.to_string()))?),
        rules: Set(serde_json::to_string(&rules).map_err(|e| AppError::internal(e.to_string()))?),
        status: Set(CheckStatus::Planned.as_str().into()),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let changes = json!({ "after": { "year": year, "title": check.title, "window_start": start, "window_end": end,
        "townships": townships, "rules": rules } });
    audit_change(&tx, &actor, now, &check, "crosscheck.planned", changes).await?;
    tx.commit().await?;
    Ok(check.id)
}

/// The checks the caller sees, newest first.
pub async fn list(db: &DatabaseConnection, ctx: &RequestContext) -> Result<Vec<CheckSummary>, AppError> {
    let caller = ctx.caller()?;
    let mut seen = Vec::new();
    for check in cross_check::Entity::find().order_by_desc(cross_check::Column::Year).all(db).await? {
        if check_in_sight(db, caller, check.id).await.is_ok() {
            seen.push(summary(db, &check).await?);
        }
    }
    Ok(seen)
}

async fn summary(db: &DatabaseConnection, check: &cross_check::Model) -> Result<CheckSummary, AppError> {
    let codes = townships_of(check);
    let names = crate::org::service::display_names(db, codes.clone()).await?;
    let status = status_of(check)?;
    let teams = super::teams_of(db, check.id).await?;
    Ok(CheckSummary {
        id: check.id,
        year: check.year,
        title: check.title.clone(),
        status,
        status_label: status.label().into(),
        window_start: check.window_start,
        window_end: check.window_end,
        townships: codes
            .iter()
            .map(|c| Unit { name: names.get(c).cloned().unwrap_or_default(), code: c.clone() })
            .collect(),
        teams: teams.len() as u64,
    })
}

/// One check as its page shows the caller: the teams, declared conflicts, the pairing (proposed or in force),
/// and the draw.
pub async fn get(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<CheckView, AppError> {
    let caller = ctx.caller()?;
    let check = check_in_sight(db, caller, id).await?;
    let manage = may_manage(caller, &check);
    let teams = super::teams_of(db, check.id).await?;
    let members = cross_check_member::Entity::find()
        .filter(cross_check_member::Column::TeamId.is_in(teams.iter().map(|t| t.id)))
        .order_by_desc(cross_check_member::Column::Leader)
        .order_by_asc(cross_check_member::Column::Id)
        .all(db)
        .await?;
    let conflicts = cross_check_conflict::Entity::find()
        .filter(cross_check_conflict::Column::CheckId.eq(check.id))
        .order_by_asc(cross_check_conflict::Column::Id)
        .all(db)
        .await?;
    let people = crate::users::service::display_names(
        db,
        members.iter().map(|m| m.user_id).chain(conflicts.iter().map(|c| c.user_id)),
    )
    .await?;
    let mut codes = townships_of(&check);
    codes.extend(conflicts.iter().map(|c| c.org_code.clone()));
    let names = crate::org::service::display_names(db, codes).await?;
    let unit = |code: &str| Unit { code: code.to_string(), name: names.get(code).cloned().unwrap_or_default() };
    let person = |id: i64| people.get(&id).cloned().unwrap_or_default();
    let team_views = teams
        .iter()
        .map(|t| TeamView {
            id: t.id,
            name: t.name.clone(),
            members: members
                .iter()
                .filter(|m| m.team_id == t.id)
                .map(|m| if m.leader { format!("{}（组长）", person(m.user_id)) } else { person(m.user_id) })
                .collect(),
            township: t.township_code.as_deref().map(unit),
        })
        .collect();
    let pairing = super::teams::pairing(db, now, &check).await?;
    let draw = super::results::view(db, now, caller, &check, manage).await?;
    Ok(CheckView {
        summary: summary(db, &check).await?,
        rules: rules_of(&check),
        teams: team_views,
        conflicts: conflicts
            .iter()
            .map(|c| ConflictView { member: person(c.user_id), unit: unit(&c.org_code), reason: c.reason.clone() })
            .collect(),
        pairing,
        draw,
        may_manage: manage,
        candidates: if manage { candidates(db, &check.org_code).await? } else { Vec::new() },
        units: if manage { units_of(db, &check.org_code).await? } else { Vec::new() },
    })
}

/// The townships and villages of a county, in code order.
async fn units_of(db: &DatabaseConnection, county: &str) -> Result<Vec<Unit>, AppError> {
    let prefix = OrgCode::parse(county)?.scope_prefix().to_string();
    Ok(org_unit::Entity::find()
        .filter(authz::code_prefix(org_unit::Column::Code, &prefix))
        .filter(org_unit::Column::Level.is_in([OrgLevel::Township.as_str(), OrgLevel::Village.as_str()]))
        .order_by_asc(org_unit::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|u| Unit { code: u.code, name: u.name })
        .collect())
}

/// The user ids of `candidates`.
pub(crate) async fn candidate_ids(db: &DatabaseConnection, county: &str) -> Result<Vec<i64>, AppError> {
    Ok(candidates(db, county).await?.into_iter().map(|c| c.user_id).collect())
}

/// The accounts that can check: cross-checkers and township staff and leaders of the county's townships.
async fn candidates(db: &DatabaseConnection, county: &str) -> Result<Vec<crate::households::CadreOption>, AppError> {
    let prefix = OrgCode::parse(county)?.scope_prefix().to_string();
    let units = org_unit::Entity::find().filter(authz::code_prefix(org_unit::Column::Code, &prefix)).all(db).await?;
    let roles = [Role::CrossChecker, Role::TownshipStaff, Role::TownshipLeader].map(|r| r.as_str());
    let grants = user_role::Entity::find()
        .filter(user_role::Column::Role.is_in(roles))
        .filter(user_role::Column::OrgUnitId.is_in(units.iter().map(|u| u.id)))
        .all(db)
        .await?;
    let users = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(grants.iter().map(|g| g.user_id)))
        .filter(app_user::Column::Active.eq(true))
        .order_by_asc(app_user::Column::DisplayName)
        .all(db)
        .await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let duties: Vec<String> = grants
                .iter()
                .filter(|g| g.user_id == u.id)
                .filter_map(|g| {
                    let unit = units.iter().find(|o| o.id == g.org_unit_id)?;
                    Some(format!("{} · {}", unit.name, Role::parse(&g.role)?.label()))
                })
                .collect();
            crate::households::CadreOption {
                user_id: u.id,
                label: format!("{}（{}）", u.display_name, duties.join("；")),
            }
        })
        .collect())
}
