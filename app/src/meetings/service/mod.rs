//! Meetings kept in the database: which are due and missing, preparing one with its agenda built from
//! the month's facts, shaping the agenda, attendance, decisions that open or update cases in the same
//! transaction, escalation to the township, finalising, signing and addenda. Every change is audited.

pub mod agenda;
pub mod decisions;
pub mod minutes;
pub mod preparation;
pub mod reminders;

use super::{
    Attendee, ItemAction, ItemKind, ItemView, MeetingAddendum, MeetingRow, MeetingStatus, MeetingView, MeetingsOverview,
};
use crate::audit::service::Entry;
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::households::CadreOption;
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Step;
use crate::permissions::{Caller, Role};
use crate::request::RequestContext;
use crate::time::{beijing_date, beijing_time};
use chrono::{DateTime, NaiveDate, Utc};
use entities::{household, meeting, meeting_addendum, meeting_item, org_unit};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// The roles that chair a meeting of this level (and sign its minutes) [Y]; none for other levels.
fn chair_roles(level: OrgLevel) -> &'static [Role] {
    Step::meeting_chair(level).map_or(&[], Step::roles)
}

/// The roles that prepare and record a meeting of this level: the unit's own staff.
fn recorder_roles(level: OrgLevel) -> &'static [Role] {
    Step::meeting_record(level).map_or(&[], Step::roles)
}

/// The roles a meeting's attendance is taken from [Y], in the order the roster lists them: the village's
/// cadres, resident cadres, information officers and monitoring contacts; the township's leaders and staff
/// and the departments.
fn roster_roles(level: OrgLevel) -> &'static [Role] {
    match level {
        OrgLevel::Village => &[
            Role::VillageSecretary,
            Role::VillageCadre,
            Role::ResidentCadre,
            Role::InfoOfficer,
            Role::MonitoringContact,
        ],
        _ => &[Role::TownshipLeader, Role::TownshipStaff, Role::DepartmentUser],
    }
}

/// Whether the caller holds `role` at exactly this unit.
fn holds(caller: &Caller, role: Role, unit: &str) -> bool {
    caller.roles.iter().any(|g| g.role == role && g.org_code == unit)
}

fn may_chair(caller: &Caller, unit: &OrgCode) -> bool {
    chair_roles(unit.level()).iter().any(|role| holds(caller, *role, unit.as_str()))
}

fn may_record(caller: &Caller, unit: &OrgCode) -> bool {
    recorder_roles(unit.level()).iter().any(|role| holds(caller, *role, unit.as_str()))
}

/// Who may change a meeting's agenda, attendance and decisions, and add addenda once it is signed: the
/// chair; the unit's staff in a recorder's role until a recorder is named, then that recorder only.
fn may_edit(caller: &Caller, unit: &OrgCode, m: &meeting::Model) -> bool {
    may_chair(caller, unit) || (may_record(caller, unit) && m.recorder_user_id.is_none_or(|r| r == caller.user_id))
}

/// Who on the roster may be named recorder: the unit's staff in a recorder's role other than the chair's.
fn recorders<'a>(attendance: &'a [Attendee], unit: &OrgCode) -> impl Iterator<Item = &'a Attendee> {
    let chair = chair_roles(unit.level());
    let roles: Vec<&'static str> =
        recorder_roles(unit.level()).iter().filter(|r| !chair.contains(r)).map(|r| r.label()).collect();
    attendance.iter().filter(move |a| roles.contains(&a.role.as_str()))
}

/// The meetings due in `month` (this month when empty) in the caller's scope: every village and
/// township, with its meeting if there is one; a past month without signed minutes is missing.
pub async fn overview(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    month: &str,
) -> Result<MeetingsOverview, AppError> {
    let caller = ctx.caller()?;
    let today = beijing_date(now);
    let (first, last) = crate::calendar::month(month, today)?;
    let month = first.format("%Y-%m").to_string();
    let Some(scope) = authz::scope_condition(caller, Action::ReadHousehold, org_unit::Column::Code) else {
        return Ok(MeetingsOverview { month, rows: Vec::new(), missing: 0, late: 0 });
    };
    let units = org_unit::Entity::find()
        .filter(scope)
        .filter(org_unit::Column::Level.is_in(["village", "township"]))
        .order_by_asc(org_unit::Column::Code)
        .all(db)
        .await?;
    let meetings: HashMap<String, meeting::Model> = meeting::Entity::find()
        .filter(meeting::Column::Month.eq(&month))
        .filter(meeting::Column::OrgCode.is_in(units.iter().map(|u| u.code.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.org_code.clone(), m))
        .collect();
    let rows: Vec<MeetingRow> = units
        .into_iter()
        .filter_map(|u| {
            let code = OrgCode::parse(&u.code).ok()?;
            let m = meetings.get(&u.code);
            let status = m.and_then(|m| MeetingStatus::parse(&m.status));
            Some(MeetingRow {
                township: code.level() == OrgLevel::Township,
                meeting_id: m.map(|m| m.id),
                held_on: m.and_then(|m| m.held_on),
                missing: last < today && status != Some(MeetingStatus::Signed),
                signed_late: m.and_then(|m| signed_late(m, last)),
                may_prepare: may_chair(caller, &code) || may_record(caller, &code),
                status,
                org_code: u.code,
                org_name: u.name,
            })
        })
        .collect();
    let missing = rows.iter().filter(|r| r.missing).count();
    let late = rows.iter().filter(|r| r.signed_late.is_some()).count();
    Ok(MeetingsOverview { month, rows, missing, late })
}

/// The day minutes were signed, when that was after the month `..=last` they belong to (逾期补签).
fn signed_late(m: &meeting::Model, last: NaiveDate) -> Option<NaiveDate> {
    m.signed_at.map(beijing_date).filter(|day| *day > last)
}

/// A meeting by id, if the caller may see its unit.
async fn in_scope(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<meeting::Model, AppError> {
    let found = meeting::Entity::find_by_id(id).one(db).await?;
    authz::found_in_scope(db, now, ctx, Action::ReadHousehold, found, |m| &m.org_code).await
}

fn status_of(m: &meeting::Model) -> Result<MeetingStatus, AppError> {
    MeetingStatus::parse(&m.status)
        .ok_or_else(|| AppError::internal(format!("meeting {} has status {}", m.id, m.status)))
}

/// Refuse a step the meeting's status does not allow, saying where it stands.
fn expect_status(m: &meeting::Model, expected: MeetingStatus) -> Result<(), AppError> {
    let status = status_of(m)?;
    if status == expected {
        return Ok(());
    }
    Err(AppError::Conflict(
        match (expected, status) {
            (MeetingStatus::Preparing, _) => "会议记录已定稿，不能再修改；如需补充，请在签发后追加补充说明。",
            (MeetingStatus::Finalised, MeetingStatus::Preparing) => {
                "会议记录尚未定稿（或已退回修改），请等记录人定稿。"
            }
            (MeetingStatus::Finalised, _) => "会议记录已签发，只能追加补充说明。",
            (MeetingStatus::Signed, _) => "会议记录签发前可直接修改，签发后才追加补充说明。",
        }
        .into(),
    ))
}

/// The meeting read again inside a write transaction and locked until it ends (a row lock on
/// PostgreSQL; SQLite's write transaction already runs alone), so two people acting at once take turns
/// and the second sees what the first did.
async fn locked(tx: &DatabaseTransaction, id: i64) -> Result<meeting::Model, AppError> {
    meeting::Entity::find_by_id(id).lock_exclusive().one(tx).await?.ok_or(AppError::NotFound)
}

/// Whether the caller may change the meeting now: see `may_edit`, while it is being prepared.
fn check_editable(caller: &Caller, m: &meeting::Model) -> Result<OrgCode, AppError> {
    let unit = OrgCode::parse(&m.org_code)?;
    if !may_edit(caller, &unit, m) {
        return Err(AppError::Forbidden);
    }
    expect_status(m, MeetingStatus::Preparing)?;
    Ok(unit)
}

/// A meeting the caller may change now (checked before a form is read; `locked_for_edit` checks again
/// inside the transaction that changes it).
async fn editable(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<(meeting::Model, OrgCode), AppError> {
    let m = in_scope(db, now, ctx, id).await?;
    let unit = check_editable(ctx.caller()?, &m)?;
    Ok((m, unit))
}

/// The meeting, locked inside the transaction, still open to the caller's changes.
async fn locked_for_edit(tx: &DatabaseTransaction, caller: &Caller, id: i64) -> Result<meeting::Model, AppError> {
    let m = locked(tx, id).await?;
    check_editable(caller, &m)?;
    Ok(m)
}

/// One meeting with its items, addenda and what the caller may do.
pub async fn get(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<MeetingView, AppError> {
    let m = in_scope(db, now, ctx, id).await?;
    let caller = ctx.caller()?;
    let unit = OrgCode::parse(&m.org_code)?;
    let status = status_of(&m)?;
    let items = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.eq(m.id))
        .order_by_asc(meeting_item::Column::Position)
        .all(db)
        .await?;
    let addenda = meeting_addendum::Entity::find()
        .filter(meeting_addendum::Column::MeetingId.eq(m.id))
        .order_by_asc(meeting_addendum::Column::Id)
        .all(db)
        .await?;
    let people = crate::users::service::display_names(
        db,
        items
            .iter()
            .filter_map(|i| i.owner_user_id)
            .chain(addenda.iter().map(|a| a.created_by))
            .chain(m.chair_user_id)
            .chain(m.recorder_user_id),
    )
    .await?;
    let households = item_households(db, &items).await?;
    let owners = owner_candidates(db, &m, &items, &households).await?;
    let names = crate::org::service::display_names(db, vec![m.org_code.clone()]).await?;
    let township = unit.level() == OrgLevel::Township;
    let attendance: Vec<Attendee> = serde_json::from_str(&m.attendance).map_err(AppError::internal)?;
    // The chair, the recorder and the addenda's authors as the roster recorded them (refreshed when signed),
    // so signed minutes never change with a later rename (someone not on the roster: their name today).
    let named = |id: i64| {
        attendance.iter().find(|a| a.user_id == id).map(|a| a.name.clone()).or_else(|| people.get(&id).cloned())
    };
    let addenda: Vec<MeetingAddendum> = addenda
        .into_iter()
        .map(|a| MeetingAddendum {
            at: beijing_time(a.created_at),
            by: named(a.created_by).unwrap_or_default(),
            text: a.text,
        })
        .collect();
    let (chair, recorder) = (m.chair_user_id.and_then(named), m.recorder_user_id.and_then(named));
    let editor = may_edit(caller, &unit, &m);
    Ok(MeetingView {
        id: m.id,
        org_name: names.get(&m.org_code).cloned().unwrap_or_default(),
        title: if township { "镇街联席研判会议" } else { "村级研判会议" }.into(),
        township,
        month: m.month.clone(),
        status,
        held_on: m.held_on,
        place: m.place.clone(),
        chair,
        recorder,
        recorder_user_id: m.recorder_user_id,
        signed_at: m.signed_at.map(beijing_time),
        sent_back_reason: m.sent_back_reason.clone(),
        recorders: recorders(&attendance, &unit).cloned().collect(),
        attendance,
        guests: m.guests.clone(),
        items: items.into_iter().map(|i| item_view(i, &m, &households, &people, &owners)).collect(),
        addenda,
        may_edit: editor && status == MeetingStatus::Preparing,
        may_finalise: status == MeetingStatus::Preparing && m.recorder_user_id == Some(caller.user_id),
        may_sign: may_chair(caller, &unit) && status == MeetingStatus::Finalised,
        may_amend: editor && status == MeetingStatus::Signed,
        org_code: m.org_code,
    })
}

/// The households the meeting's items are about, by id.
async fn item_households(
    db: &DatabaseConnection,
    items: &[meeting_item::Model],
) -> Result<HashMap<i64, household::Model>, AppError> {
    Ok(household::Entity::find()
        .filter(household::Column::Id.is_in(items.iter().filter_map(|i| i.household_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect())
}

/// Who may own each item's case, by the unit they are drawn from (see `owner_unit`), looked up once a unit.
async fn owner_candidates(
    db: &DatabaseConnection,
    m: &meeting::Model,
    items: &[meeting_item::Model],
    households: &HashMap<i64, household::Model>,
) -> Result<HashMap<String, Vec<CadreOption>>, AppError> {
    let mut owners: HashMap<String, Vec<CadreOption>> = HashMap::new();
    for i in items {
        let unit = owner_unit(m, i.household_id.and_then(|id| households.get(&id)));
        if let std::collections::hash_map::Entry::Vacant(slot) = owners.entry(unit) {
            let unit = slot.key().clone();
            slot.insert(crate::households::register::candidates(db, &unit, Action::OwnCase.roles()).await?);
        }
    }
    Ok(owners)
}

/// One item as shown: with its household's code, its owner's name and who may own its case.
fn item_view(
    i: meeting_item::Model,
    m: &meeting::Model,
    households: &HashMap<i64, household::Model>,
    people: &HashMap<i64, String>,
    owners: &HashMap<String, Vec<CadreOption>>,
) -> ItemView {
    let household = i.household_id.and_then(|id| households.get(&id));
    ItemView {
        id: i.id,
        position: i.position,
        kind: ItemKind::parse(&i.kind).unwrap_or(ItemKind::Manual),
        case_id: i.case_id,
        household_code: household.map(|h| h.code.clone()),
        title: i.title,
        facts: i.facts,
        dropped: i.dropped,
        drop_reason: i.drop_reason,
        analysis: i.analysis,
        decision: i.decision,
        action: ItemAction::parse(&i.action),
        department: i.department,
        responsible_person: i.responsible_person,
        deadline: i.deadline,
        owner_user_id: i.owner_user_id,
        owner_name: i.owner_user_id.and_then(|id| people.get(&id).cloned()),
        owners: owners.get(&owner_unit(m, household)).cloned().unwrap_or_default(),
        result_case_id: i.result_case_id,
        decided: i.decided_at.is_some(),
    }
}

/// The unit whose people may own an item's case: the household's, else the meeting's.
fn owner_unit(m: &meeting::Model, household: Option<&household::Model>) -> String {
    household.map_or_else(|| m.org_code.clone(), |h| h.org_code.clone())
}

fn meeting_entry(m: &meeting::Model, action: &'static str, changes: serde_json::Value) -> Entry {
    Entry { action, entity_type: "meeting", entity_id: m.id.to_string(), org_code: Some(m.org_code.clone()), changes }
}
