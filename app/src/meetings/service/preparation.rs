//! Preparing a meeting: the month's meeting of a unit with its roster and its agenda, and shaping the
//! agenda afterwards (adding, refreshing, dropping and moving items) while it is a draft.

use super::agenda::{build_agenda, carried_on, item};
use super::{chair_roles, editable, locked_for_edit, may_chair, may_record, meeting_entry, roster_roles};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::meetings::{Attendee, ItemAction, ItemKind, MeetingStatus};
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Role;
use crate::request::RequestContext;
use crate::time::beijing_date;
use chrono::{DateTime, Utc};
use entities::{meeting, meeting_item, org_unit, user_role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, SqlErr,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Open the unit's meeting for `month` (the chair or a recorder of that unit), with its agenda built
/// from the month's facts; an existing one is returned as it is. Returns its id.
pub async fn prepare(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit_code: &str,
    month: &str,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?;
    let unit = OrgCode::parse(unit_code).map_err(|_| AppError::validation("unit", "请选择召开会议的村或镇街。"))?;
    authz::check(db, now, ctx, Action::ReadHousehold, unit.as_str()).await?;
    if chair_roles(unit.level()).is_empty() {
        return Err(AppError::validation("unit", "研判会议由村（社区）或镇街召开。"));
    }
    if !may_chair(caller, &unit) && !may_record(caller, &unit) {
        return Err(AppError::Forbidden);
    }
    let today = beijing_date(now);
    let (first, last) = crate::calendar::month(month, today)?;
    if first > today {
        return Err(AppError::validation("month", "不能提前准备以后月份的会议。"));
    }
    let month = first.format("%Y-%m").to_string();
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    if let Some(found) = meeting_of(&tx, &unit, &month).await? {
        return Ok(found.id);
    }
    let attendance = roster(&tx, &unit).await?;
    let inserted = meeting::ActiveModel {
        org_code: Set(unit.as_str().to_string()),
        month: Set(month.clone()),
        status: Set(MeetingStatus::Preparing.as_str().into()),
        held_on: Set(None),
        place: Set(String::new()),
        chair_user_id: Set(None),
        recorder_user_id: Set(None),
        attendance: Set(serde_json::to_string(&attendance).map_err(AppError::internal)?),
        guests: Set(String::new()),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        finalised_at: Set(None),
        signed_at: Set(None),
        sent_back_reason: Set(String::new()),
        ..Default::default()
    }
    .insert(&tx)
    .await;
    let row = match inserted {
        Ok(row) => row,
        // Someone else prepared it a moment ago (PostgreSQL lets both get this far): theirs stands.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            tx.rollback().await?;
            return meeting_of(db, &unit, &month).await?.map(|m| m.id).ok_or_else(|| AppError::internal(e));
        }
        Err(e) => return Err(e.into()),
    };
    let agenda = build_agenda(&tx, &unit, first, last, today).await?;
    for (position, item) in agenda.iter().enumerate() {
        meeting_item::ActiveModel { meeting_id: Set(row.id), position: Set(position as i32 + 1), ..item.clone() }
            .insert(&tx)
            .await?;
    }
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "meeting.prepared",
            entity_type: "meeting",
            entity_id: row.id.to_string(),
            org_code: Some(unit.as_str().to_string()),
            changes: json!({ "after": { "month": month, "items": agenda.len() } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.id)
}

/// The unit's meeting of a month ("2026-03"), if there is one.
async fn meeting_of<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    month: &str,
) -> Result<Option<meeting::Model>, AppError> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::OrgCode.eq(unit.as_str()))
        .filter(meeting::Column::Month.eq(month))
        .one(db)
        .await?)
}

/// The unit's roster, everyone marked present until the recorder says otherwise: the unit's own people in
/// the roster's roles; for a village also its villager groups' monitoring contacts (the 村民小组长 who
/// attend [Y]); for a township also the departments.
pub(super) async fn roster<C: ConnectionTrait>(db: &C, unit: &OrgCode) -> Result<Vec<Attendee>, AppError> {
    let order = roster_roles(unit.level());
    let roles: Vec<&str> = order.iter().map(|r| r.as_str()).collect();
    let grants = user_role::Entity::find().filter(user_role::Column::Role.is_in(roles)).all(db).await?;
    let units: HashMap<i64, String> =
        org_unit::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.code)).collect();
    // (user, place in the roster's order, label)
    let mut people: Vec<(i64, usize, &'static str)> = Vec::new();
    for g in grants {
        let (Some(code), Some(role)) = (units.get(&g.org_unit_id), Role::parse(&g.role)) else { continue };
        let Ok(code) = OrgCode::parse(code) else { continue };
        let place = order.iter().position(|r| *r == role).unwrap_or(order.len());
        let own = code.as_str() == unit.as_str() || (role == Role::DepartmentUser && code.contains(unit.as_str()));
        let seat = if own {
            Some((place, role.label()))
        } else if role == Role::MonitoringContact && code.level() == OrgLevel::Group && unit.contains(code.as_str()) {
            Some((order.len(), "村民小组长"))
        } else {
            None
        };
        if let Some((place, label)) = seat
            && !people.iter().any(|(id, _, _)| *id == g.user_id)
        {
            people.push((g.user_id, place, label));
        }
    }
    people.sort_by_key(|(_, place, _)| *place);
    let names = crate::users::service::display_names(db, people.iter().map(|(id, _, _)| *id)).await?;
    Ok(people
        .into_iter()
        .filter_map(|(id, _, label)| {
            names.get(&id).map(|name| Attendee {
                user_id: id,
                name: name.clone(),
                role: label.into(),
                present: true,
                reason: String::new(),
            })
        })
        .collect())
}

/// Add an item of the chair's own.
pub async fn add_item(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    title: &str,
    facts: &str,
) -> Result<(), AppError> {
    editable(db, now, ctx, id).await?;
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 120 {
        return Err(AppError::validation("title", "请填写议题（不超过 120 字）。"));
    }
    let tx = begin_write(db).await?;
    let m = locked_for_edit(&tx, ctx.caller()?, id).await?;
    let last = last_position(&tx, m.id).await?;
    let row = meeting_item::ActiveModel {
        meeting_id: Set(m.id),
        position: Set(last + 1),
        ..item(ItemKind::Manual, title.to_string(), facts.trim().chars().take(1000).collect())
    }
    .insert(&tx)
    .await?;
    audit::append(
        &tx,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        meeting_entry(&m, "meeting.item_added", json!({ "after": { "item_id": row.id, "title": title } })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The position of a meeting's last item (0 for none).
async fn last_position<C: ConnectionTrait>(db: &C, meeting_id: i64) -> Result<i32, AppError> {
    Ok(meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.eq(meeting_id))
        .order_by_desc(meeting_item::Column::Position)
        .one(db)
        .await?
        .map_or(0, |i| i.position))
}

/// Build the agenda again from today's facts and append what is new since the meeting was prepared (a
/// case opened since, an item a village escalated since, ...); nothing already on it, dropped or not,
/// comes twice. Returns how many items were added.
pub async fn refresh_agenda(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<u32, AppError> {
    let (_, unit) = editable(db, now, ctx, id).await?;
    let tx = begin_write(db).await?;
    let m = locked_for_edit(&tx, ctx.caller()?, id).await?;
    let (first, last) = crate::calendar::month(&m.month, beijing_date(now))?;
    let present = meeting_item::Entity::find().filter(meeting_item::Column::MeetingId.eq(m.id)).all(&tx).await?;
    let cases: HashSet<i64> = present.iter().flat_map(|i| [i.case_id, i.result_case_id]).flatten().collect();
    let sources: HashSet<i64> = present.iter().filter_map(|i| i.source_item_id).collect();
    let titles: HashSet<(String, Option<i64>)> = present.iter().map(|i| (i.title.clone(), i.household_id)).collect();
    let is_new = |it: &meeting_item::ActiveModel| {
        let value = |v: &sea_orm::ActiveValue<Option<i64>>| v.clone().take().flatten();
        match (value(&it.case_id), value(&it.source_item_id)) {
            (Some(case), _) => !cases.contains(&case),
            (None, Some(source)) => !sources.contains(&source),
            (None, None) => !titles.contains(&(it.title.clone().take().unwrap_or_default(), value(&it.household_id))),
        }
    };
    let fresh: Vec<_> =
        build_agenda(&tx, &unit, first, last, beijing_date(now)).await?.into_iter().filter(is_new).collect();
    let mut position = last_position(&tx, m.id).await?;
    for it in &fresh {
        position += 1;
        meeting_item::ActiveModel { meeting_id: Set(m.id), position: Set(position), ..it.clone() }.insert(&tx).await?;
    }
    audit::append(
        &tx,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        meeting_entry(&m, "meeting.agenda_refreshed", json!({ "after": { "items_added": fresh.len() } })),
    )
    .await?;
    tx.commit().await?;
    Ok(fresh.len() as u32)
}

/// An item of an editable meeting, read inside the transaction that changes it.
pub(super) async fn item_of<C: ConnectionTrait>(
    db: &C,
    meeting_id: i64,
    item_id: i64,
) -> Result<meeting_item::Model, AppError> {
    meeting_item::Entity::find_by_id(item_id)
        .filter(meeting_item::Column::MeetingId.eq(meeting_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("item_id", "该议题不属于这次会议。"))
}

/// Refuse to change an item another meeting's agenda already carries on (a village's escalation the
/// township's joint meeting has taken up): what was handed on stays as it was.
pub(super) async fn not_taken_up<C: ConnectionTrait>(db: &C, it: &meeting_item::Model) -> Result<(), AppError> {
    if it.action != ItemAction::Escalate.as_str() || carried_on(db, [it.id]).await?.is_empty() {
        return Ok(());
    }
    Err(AppError::Conflict(
        "镇街联席研判会议已受理该议题，不能再修改；如需补充，请在会议记录签发后追加补充说明。".into(),
    ))
}

/// Drop an item with a reason, or take it back (an empty reason).
pub async fn drop_item(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    item_id: i64,
    reason: &str,
    restore: bool,
) -> Result<(), AppError> {
    editable(db, now, ctx, id).await?;
    let reason = reason.trim();
    if !restore && reason.is_empty() {
        return Err(AppError::validation("reason", "请说明不列入研判的原因。"));
    }
    let tx = begin_write(db).await?;
    let m = locked_for_edit(&tx, ctx.caller()?, id).await?;
    let it = item_of(&tx, m.id, item_id).await?;
    not_taken_up(&tx, &it).await?;
    if !restore
        && crate::meetings::carried_out(it.decided_at.is_some(), ItemAction::parse(&it.action), it.result_case_id)
    {
        return Err(AppError::Conflict(
            "该议题的研判决定已执行（已立案、已更新案件或已登记民主评议结果），不能再不列入研判；可修改研判决定。"
                .into(),
        ));
    }
    let mut active = it.clone().into_active_model();
    active.dropped = Set(!restore);
    active.drop_reason = Set(if restore { String::new() } else { reason.chars().take(200).collect() });
    active.update(&tx).await?;
    let action = if restore { "meeting.item_restored" } else { "meeting.item_dropped" };
    audit::append(
        &tx,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        meeting_entry(&m, action, json!({ "after": { "item_id": it.id, "title": it.title, "reason": reason } })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Move an item one place up (or down), swapping with its neighbour.
pub async fn move_item(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    item_id: i64,
    up: bool,
) -> Result<(), AppError> {
    editable(db, now, ctx, id).await?;
    let tx = begin_write(db).await?;
    let m = locked_for_edit(&tx, ctx.caller()?, id).await?;
    let it = item_of(&tx, m.id, item_id).await?;
    let neighbour = meeting_item::Entity::find().filter(meeting_item::Column::MeetingId.eq(m.id));
    let neighbour = if up {
        neighbour.filter(meeting_item::Column::Position.lt(it.position)).order_by_desc(meeting_item::Column::Position)
    } else {
        neighbour.filter(meeting_item::Column::Position.gt(it.position)).order_by_asc(meeting_item::Column::Position)
    };
    let Some(other) = neighbour.one(&tx).await? else { return Ok(()) };
    for (row, position) in [(&it, other.position), (&other, it.position)] {
        meeting_item::Entity::update_many()
            .col_expr(meeting_item::Column::Position, Expr::value(position))
            .filter(meeting_item::Column::Id.eq(row.id))
            .exec(&tx)
            .await?;
    }
    audit::append(
        &tx,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        meeting_entry(&m, "meeting.item_moved", json!({ "after": { "item_id": it.id, "position": other.position } })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
