//! Who reaches a draw's households: each team member reads their township's drawn households, and nothing
//! else, from the check's window start to its end (window grants in the one permissions model, every use
//! audited there); the team's leader replaces a drawn household from the reserve, strictly in order, with a
//! coded reason, and the team may read the replacement at once.

use chrono::{DateTime, Utc};
use entities::{cross_check, cross_check_draw, cross_check_unit, household};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

use super::audit_change;
use super::draw::Drawn;
use crate::audit::service::Actor;
use crate::crosscheck::{ReplaceForm, ReplaceReason};
use crate::db::begin_write;
use crate::error::AppError;
use crate::permissions::Caller;
use crate::request::RequestContext;

/// Each team member may read their township's drawn households, and nothing else, from the check's window
/// start to its end (a window grant in the one permissions model; every use is audited there).
pub(crate) async fn grant_samples<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    by: i64,
    check: &cross_check::Model,
    lists: &[Drawn],
) -> Result<(), AppError> {
    for team in super::teams_of(tx, check.id).await? {
        let Some(township) = team.township_code.as_deref() else { continue };
        let codes: Vec<String> = lists
            .iter()
            .filter(|l| l.township == township && l.village.is_some())
            .flat_map(|l| l.drawn.iter().cloned())
            .collect();
        if codes.is_empty() {
            continue;
        }
        open_to_team(tx, now, actor, by, check, &team, codes).await?;
    }
    Ok(())
}

/// A window grant for each member of `team` over the households `codes`, for the check's window.
async fn open_to_team<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    by: i64,
    check: &cross_check::Model,
    team: &entities::cross_check_team::Model,
    codes: Vec<String>,
) -> Result<(), AppError> {
    let members = entities::cross_check_member::Entity::find()
        .filter(entities::cross_check_member::Column::TeamId.eq(team.id))
        .all(tx)
        .await?;
    for member in members {
        let window = crate::authz::windows::NewWindow {
            user_id: member.user_id,
            action: crate::permissions::Action::ReadHousehold,
            purpose: format!("{} 年交叉检查：{}", check.year, team.name),
            codes: codes.clone(),
            starts_at: check.window_start,
            ends_at: check.window_end,
        };
        crate::authz::windows::grant(tx, now, actor, by, &window).await?;
    }
    Ok(())
}

/// The team the caller leads in the check, if any.
pub(crate) async fn led_team<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    check: &cross_check::Model,
) -> Result<Option<entities::cross_check_team::Model>, AppError> {
    let teams = super::teams_of(db, check.id).await?;
    let led = entities::cross_check_member::Entity::find()
        .filter(entities::cross_check_member::Column::TeamId.is_in(teams.iter().map(|t| t.id)))
        .filter(entities::cross_check_member::Column::UserId.eq(caller.user_id))
        .filter(entities::cross_check_member::Column::Leader.eq(true))
        .one(db)
        .await?;
    Ok(led.and_then(|m| teams.into_iter().find(|t| t.id == m.team_id)))
}

/// Replace a drawn household by the next household of its village and stratum's reserve, strictly in order, with
/// the coded reason: by the leader of the team that checks the township, while the window is open. The team
/// may read the replacement from then to the window's end. Returns the replacement's code.
pub async fn replace(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check_id: i64,
    form: &ReplaceForm,
) -> Result<String, AppError> {
    let caller = ctx.caller()?;
    let check = super::check_in_sight(db, caller, check_id).await?;
    let team = led_team(db, caller, &check).await?.ok_or(AppError::Forbidden)?;
    if !super::window_open(&check, now) {
        return Err(AppError::Conflict("只能在检查时间内替换抽中的农户。".into()));
    }
    let reason = ReplaceReason::parse(form.reason.trim()).ok_or_else(|| {
        AppError::validation("reason", "请选择替换原因：多次上门无人在家、已搬迁、拒绝接受检查、户已注销或其他。")
    })?;
    let note = form.note.trim();
    if (reason == ReplaceReason::Other && note.is_empty()) || note.chars().count() > 200 {
        return Err(AppError::validation("note", "选择“其他”的，请写明原因（200 字以内）。"));
    }
    let draw = cross_check_draw::Entity::find()
        .filter(cross_check_draw::Column::CheckId.eq(check.id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::Conflict("本次交叉检查尚未抽样。".into()))?;
    let household = household::Entity::find()
        .filter(household::Column::Code.eq(form.household.trim()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("household", "该户不在本组的抽查名单中。"))?;
    let drawn = cross_check_unit::Entity::find()
        .filter(cross_check_unit::Column::DrawId.eq(draw.id))
        .filter(cross_check_unit::Column::HouseholdId.eq(household.id))
        .filter(cross_check_unit::Column::Role.is_in(["drawn", "replacement"]))
        .one(db)
        .await?
        .filter(|u| team.township_code.as_deref() == Some(u.township_code.as_str()))
        .ok_or_else(|| AppError::validation("household", "该户不在本组的抽查名单中。"))?;
    let next = cross_check_unit::Entity::find()
        .filter(cross_check_unit::Column::DrawId.eq(draw.id))
        .filter(cross_check_unit::Column::VillageCode.eq(drawn.village_code.as_str()))
        .filter(cross_check_unit::Column::Stratum.eq(drawn.stratum.clone()))
        .filter(cross_check_unit::Column::Role.eq("reserve"))
        .order_by_asc(cross_check_unit::Column::Rank)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Conflict("该村这一类农户已无备选户，不能替换；请如实记录未能入户的原因。".into()))?;
    let replacement = household::Entity::find_by_id(next.household_id.unwrap_or_default())
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(format!("reserve unit {} has no household", next.id)))?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let checked = entities::cross_check_sheet::Entity::find()
        .filter(entities::cross_check_sheet::Column::UnitId.eq(drawn.id))
        .one(&tx)
        .await?;
    if checked.is_some() {
        return Err(AppError::Conflict("该户已填写核查表，不能再替换。".into()));
    }
    let mut out = drawn.clone().into_active_model();
    out.role = Set("replaced".into());
    out.replaced_by_unit_id = Set(Some(next.id));
    out.replace_reason = Set(Some(reason.as_str().into()));
    out.replace_note = Set(Some(note.to_string()).filter(|n| !n.is_empty()));
    out.replaced_by = Set(Some(caller.user_id));
    out.replaced_at = Set(Some(now));
    out.update(&tx).await?;
    let mut taken = next.clone().into_active_model();
    taken.role = Set("replacement".into());
    taken.update(&tx).await?;
    open_to_team(&tx, now, &actor, caller.user_id, &check, &team, vec![replacement.code.clone()]).await?;
    let changes = json!({ "after": { "team": team.name, "replaced": household.code, "by": replacement.code,
        "reason": reason.label(), "note": note, "reserve_rank": next.rank } });
    audit_change(&tx, &actor, now, &check, "crosscheck.replaced", changes).await?;
    tx.commit().await?;
    Ok(replacement.code)
}
