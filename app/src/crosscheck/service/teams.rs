//! A check's teams: formed by the county office from cross-checkers and township staff, conflicts their members
//! declare, and the pairing of teams with townships under the avoidance rules [Y] — never a township a member
//! belongs to or held a role in within the policy's years, never one a member declared a conflict with, and last
//! year's pairings only when no other pairing exists. The county confirms the proposal; every exclusion is
//! recorded with it.

use std::collections::HashMap;

use chrono::{DateTime, Months, Utc};
use entities::{
    audit_log, cross_check, cross_check_conflict, cross_check_exclusion, cross_check_member, cross_check_team,
    org_unit, user_role,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

use super::{audit_change, check_in_sight, check_to_manage, rules_of, status_of, townships_of};
use crate::audit::service::Actor;
use crate::crosscheck::{Avoidance, CheckStatus, ConflictForm, ExclusionView, Pairing, TeamForm, pair};
use crate::db::begin_write;
use crate::error::{AppError, Problems};
use crate::org::OrgCode;
use crate::request::RequestContext;

/// Form a team while the check is being planned; returns its id.
pub async fn add_team(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check_id: i64,
    form: &TeamForm,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?;
    let check = check_to_manage(db, caller, check_id).await?;
    if status_of(&check)? != CheckStatus::Planned {
        return Err(AppError::Conflict("检查组已配对，不能再增加检查组。".into()));
    }
    let mut problems = Problems::default();
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 30 {
        problems.add("name", "请填写检查组名称（30 字以内），例如“第一检查组”。");
    }
    let mut members: Vec<i64> = form.members.iter().filter_map(|m| m.trim().parse().ok()).collect();
    let leader = form.leader_user_id.trim().parse::<i64>().ok();
    match leader {
        None => problems.add("leader_user_id", "请选择组长。"),
        Some(l) if !members.contains(&l) => members.insert(0, l),
        Some(_) => {}
    }
    members.sort_unstable();
    members.dedup();
    problems.finish()?;
    let candidates = super::plan::candidate_ids(db, &check.org_code).await?;
    if members.iter().any(|m| !candidates.contains(m)) {
        return Err(AppError::validation(
            "members",
            "检查组成员应为本县（区）的交叉检查人员或镇街工作人员，请从列表中选择。",
        ));
    }
    let teams = team_ids(db, check.id).await?;
    let taken = cross_check_member::Entity::find()
        .filter(cross_check_member::Column::TeamId.is_in(teams))
        .filter(cross_check_member::Column::UserId.is_in(members.clone()))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(AppError::validation("members", "有成员已在其他检查组，一人只能参加一个检查组。"));
    }
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let team = cross_check_team::ActiveModel {
        check_id: Set(check.id),
        name: Set(name.clone()),
        township_code: Set(None),
        confirmed_by: Set(None),
        confirmed_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    for user in &members {
        cross_check_member::ActiveModel {
            team_id: Set(team.id),
            user_id: Set(*user),
            leader: Set(Some(*user) == leader),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
    }
    let changes = json!({ "after": { "team_id": team.id, "name": name, "members": members, "leader": leader } });
    audit_change(&tx, &actor, now, &check, "crosscheck.team_formed", changes).await?;
    tx.commit().await?;
    Ok(team.id)
}

async fn team_ids<C: ConnectionTrait>(db: &C, check_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(super::teams_of(db, check_id).await?.into_iter().map(|t| t.id).collect())
}

/// Declare a member's conflict of interest with a township or village of the county, before the pairing: the
/// member themselves or the county office.
pub async fn declare_conflict(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check_id: i64,
    form: &ConflictForm,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let check = check_in_sight(db, caller, check_id).await?;
    let user: i64 =
        form.user_id.trim().parse().map_err(|_| AppError::validation("user_id", "请选择申报回避的检查人员。"))?;
    if user != caller.user_id && !super::may_manage(caller, &check) {
        return Err(AppError::Forbidden);
    }
    if status_of(&check)? != CheckStatus::Planned {
        return Err(AppError::Conflict("检查组已配对，回避申报应在配对前提出。".into()));
    }
    let member = cross_check_member::Entity::find()
        .filter(cross_check_member::Column::TeamId.is_in(team_ids(db, check.id).await?))
        .filter(cross_check_member::Column::UserId.eq(user))
        .one(db)
        .await?;
    if member.is_none() {
        return Err(AppError::validation("user_id", "申报人应为本次交叉检查的检查组成员。"));
    }
    let county = OrgCode::parse(&check.org_code)?;
    let unit = OrgCode::parse(form.org_code.trim())
        .ok()
        .filter(|u| county.contains(u.as_str()) && u.as_str() != county.as_str())
        .ok_or_else(|| AppError::validation("org_code", "请选择本县（区）的镇街或村。"))?;
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::validation("reason", "请写明回避事由（200 字以内），例如“配偶在该村任职”。"));
    }
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    cross_check_conflict::ActiveModel {
        check_id: Set(check.id),
        user_id: Set(user),
        org_code: Set(unit.as_str().to_string()),
        reason: Set(reason.to_string()),
        declared_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let changes = json!({ "after": { "user_id": user, "org_code": unit.as_str(), "reason": reason } });
    audit_change(&tx, &actor, now, &check, "crosscheck.conflict_declared", changes).await?;
    tx.commit().await?;
    Ok(())
}

/// What the rules found: per team and township, why the team may not check it, and whether it was paired
/// with it last year.
struct Bars {
    teams: Vec<cross_check_team::Model>,
    townships: Vec<String>,
    barred: Vec<Vec<Vec<Avoidance>>>,
    last: Vec<Vec<bool>>,
}

/// Apply the avoidance rules to the check's teams and townships.
async fn bars<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, check: &cross_check::Model) -> Result<Bars, AppError> {
    let rules = rules_of(check);
    let townships = townships_of(check);
    let teams = super::teams_of(db, check.id).await?;
    let members = cross_check_member::Entity::find()
        .filter(cross_check_member::Column::TeamId.is_in(teams.iter().map(|t| t.id)))
        .all(db)
        .await?;
    let user_ids: Vec<i64> = members.iter().map(|m| m.user_id).collect();
    let names = crate::users::service::display_names(db, user_ids.clone()).await?;
    // Where each member serves now, and served within the policy's years (roles removed since, from the audit log).
    let grants = user_role::Entity::find().filter(user_role::Column::UserId.is_in(user_ids.clone())).all(db).await?;
    let units: HashMap<i64, String> = org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in(grants.iter().map(|g| g.org_unit_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let mut served: Vec<(i64, String)> =
        grants.iter().filter_map(|g| Some((g.user_id, units.get(&g.org_unit_id)?.clone()))).collect();
    let since = now.checked_sub_months(Months::new(12 * rules.avoidance_years)).unwrap_or(now);
    let removed = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("user.role_removed"))
        .filter(audit_log::Column::EntityId.is_in(user_ids.iter().map(i64::to_string)))
        .all(db)
        .await?;
    for record in removed {
        let recent = DateTime::parse_from_rfc3339(&record.at).is_ok_and(|at| at >= since);
        if let (true, Ok(user), Some(code)) = (recent, record.entity_id.parse::<i64>(), record.org_code) {
            served.push((user, code));
        }
    }
    let conflicts =
        cross_check_conflict::Entity::find().filter(cross_check_conflict::Column::CheckId.eq(check.id)).all(db).await?;
    let last_year = last_years_pairs(db, check).await?;
    let mut barred = vec![vec![Vec::new(); townships.len()]; teams.len()];
    let mut last = vec![vec![false; townships.len()]; teams.len()];
    for (t, team) in teams.iter().enumerate() {
        let team_members: Vec<i64> = members.iter().filter(|m| m.team_id == team.id).map(|m| m.user_id).collect();
        for (w, township) in townships.iter().enumerate() {
            let prefix = OrgCode::parse(township)?.scope_prefix().to_string();
            let cell = barred.get_mut(t).and_then(|row| row.get_mut(w));
            let Some(cell) = cell else { continue };
            for user in &team_members {
                let member = names.get(user).cloned().unwrap_or_default();
                if served.iter().any(|(u, code)| u == user && code.starts_with(prefix.as_str())) {
                    cell.push(Avoidance::Served { member: member.clone() });
                }
                for c in conflicts.iter().filter(|c| c.user_id == *user && c.org_code.starts_with(prefix.as_str())) {
                    cell.push(Avoidance::Declared { member: member.clone(), reason: c.reason.clone() });
                }
            }
            if let Some(flag) = last.get_mut(t).and_then(|row| row.get_mut(w)) {
                *flag = last_year.iter().any(|(user, code)| team_members.contains(user) && code == township);
            }
        }
    }
    Ok(Bars { teams, townships, barred, last })
}

/// Last year's check of the county: which member checked which township.
async fn last_years_pairs<C: ConnectionTrait>(
    db: &C,
    check: &cross_check::Model,
) -> Result<Vec<(i64, String)>, AppError> {
    let Some(previous) = cross_check::Entity::find()
        .filter(cross_check::Column::OrgCode.eq(check.org_code.as_str()))
        .filter(cross_check::Column::Year.eq(check.year - 1))
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    let teams = super::teams_of(db, previous.id).await?;
    let members = cross_check_member::Entity::find()
        .filter(cross_check_member::Column::TeamId.is_in(teams.iter().map(|t| t.id)))
        .all(db)
        .await?;
    Ok(members
        .iter()
        .filter_map(|m| {
            let team = teams.iter().find(|t| t.id == m.team_id)?;
            Some((m.user_id, team.township_code.clone()?))
        })
        .collect())
}

/// The pairing the rules propose while the check is planned, or the one in force once confirmed.
pub async fn pairing<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    check: &cross_check::Model,
) -> Result<Pairing, AppError> {
    let names = crate::org::service::display_names(db, townships_of(check)).await?;
    let township_name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_string());
    if status_of(check)? != CheckStatus::Planned {
        let teams = super::teams_of(db, check.id).await?;
        let exclusions = cross_check_exclusion::Entity::find()
            .filter(cross_check_exclusion::Column::CheckId.eq(check.id))
            .order_by_asc(cross_check_exclusion::Column::Id)
            .all(db)
            .await?;
        let team_name = |id: i64| teams.iter().find(|t| t.id == id).map(|t| t.name.clone()).unwrap_or_default();
        return Ok(Pairing {
            pairs: teams
                .iter()
                .filter_map(|t| Some((t.name.clone(), township_name(t.township_code.as_deref()?))))
                .collect(),
            repeats: Vec::new(),
            exclusions: exclusions
                .iter()
                .map(|e| ExclusionView {
                    team: team_name(e.team_id),
                    township: township_name(&e.township_code),
                    reason: e.detail.clone(),
                })
                .collect(),
            impossible: None,
        });
    }
    let bars = bars(db, now, check).await?;
    Ok(propose(&bars, &township_name).0)
}

/// One excluded pairing: team and township indexes, the rule (`served`, `declared`, `last_year`) and why.
type Excluded = (usize, usize, &'static str, String);

/// The proposal from the bars, with each team's township index when there is one, and every exclusion: the
/// bars, and last year's pairings the proposal avoids.
fn propose(bars: &Bars, township_name: &dyn Fn(&str) -> String) -> (Pairing, Option<Vec<usize>>, Vec<Excluded>) {
    let mut excluded: Vec<Excluded> = Vec::new();
    for (t, row) in bars.barred.iter().enumerate() {
        for (w, reasons) in row.iter().enumerate() {
            for reason in reasons {
                let rule = match reason {
                    Avoidance::Served { .. } => "served",
                    Avoidance::Declared { .. } => "declared",
                };
                excluded.push((t, w, rule, reason.describe()));
            }
        }
    }
    let views = |excluded: &[Excluded]| -> Vec<ExclusionView> {
        excluded
            .iter()
            .filter_map(|(t, w, _, detail)| {
                Some(ExclusionView {
                    team: bars.teams.get(*t)?.name.clone(),
                    township: township_name(bars.townships.get(*w)?),
                    reason: detail.clone(),
                })
            })
            .collect()
    };
    if bars.teams.len() != bars.townships.len() {
        let impossible = format!(
            "检查组 {} 个，被检查镇街 {} 个：每个镇街由一个检查组检查，请组建 {} 个检查组。",
            bars.teams.len(),
            bars.townships.len(),
            bars.townships.len()
        );
        let pairing = Pairing { exclusions: views(&excluded), impossible: Some(impossible), ..Default::default() };
        return (pairing, None, excluded);
    }
    let barred: Vec<Vec<bool>> = bars.barred.iter().map(|row| row.iter().map(|r| !r.is_empty()).collect()).collect();
    let Some(chosen) = pair(&barred, &bars.last) else {
        let impossible = "按回避规则（本人任职或近年任职的镇街、申报回避的单位）无法为每个镇街安排检查组：请调整检查组成员后再配对。".to_string();
        let pairing = Pairing { exclusions: views(&excluded), impossible: Some(impossible), ..Default::default() };
        return (pairing, None, excluded);
    };
    let mut pairs = Vec::new();
    let mut repeats = Vec::new();
    for (t, w) in chosen.iter().enumerate() {
        let (Some(team), Some(township)) = (bars.teams.get(t), bars.townships.get(*w)) else { continue };
        let pair = (team.name.clone(), township_name(township));
        if bars.last.get(t).and_then(|row| row.get(*w)).copied().unwrap_or(false) {
            repeats.push(pair.clone());
        }
        pairs.push(pair);
        for (other, was) in bars.last.get(t).into_iter().flatten().enumerate() {
            if *was && other != *w {
                excluded.push((t, other, "last_year", "组内成员上年检查过该镇街，本年另有可行配对，予以避开".into()));
            }
        }
    }
    (Pairing { pairs, repeats, exclusions: views(&excluded), impossible: None }, Some(chosen), excluded)
}

/// Confirm the proposed pairing (the county office): each team gets its township, every exclusion is recorded,
/// and the check is paired.
pub async fn confirm(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check_id: i64,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let check = check_to_manage(db, caller, check_id).await?;
    if status_of(&check)? != CheckStatus::Planned {
        return Err(AppError::Conflict("检查组已经配对。".into()));
    }
    let bars = bars(db, now, &check).await?;
    let (proposal, chosen, excluded) = propose(&bars, &|code: &str| code.to_string());
    let Some(chosen) = chosen else {
        return Err(AppError::Conflict(proposal.impossible.unwrap_or_default()));
    };
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    for (team, township) in bars.teams.iter().zip(&chosen) {
        let mut active = team.clone().into_active_model();
        active.township_code = Set(bars.townships.get(*township).cloned());
        active.confirmed_by = Set(Some(caller.user_id));
        active.confirmed_at = Set(Some(now));
        active.update(&tx).await?;
    }
    for (t, w, rule, detail) in &excluded {
        let (Some(team), Some(township)) = (bars.teams.get(*t), bars.townships.get(*w)) else { continue };
        cross_check_exclusion::ActiveModel {
            check_id: Set(check.id),
            team_id: Set(team.id),
            township_code: Set(township.clone()),
            rule: Set((*rule).into()),
            detail: Set(detail.clone()),
            recorded_at: Set(now),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
    }
    let mut active = check.clone().into_active_model();
    active.status = Set(CheckStatus::Paired.as_str().into());
    active.updated_at = Set(now);
    let check = active.update(&tx).await?;
    let changes = json!({ "after": { "pairs": proposal.pairs, "repeats_of_last_year": proposal.repeats,
        "exclusions": proposal.exclusions.len() } });
    audit_change(&tx, &actor, now, &check, "crosscheck.paired", changes).await?;
    tx.commit().await?;
    Ok(())
}
