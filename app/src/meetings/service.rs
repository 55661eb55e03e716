//! Meetings kept in the database: which are due and missing, preparing one with its agenda built from
//! the month's facts, shaping the agenda, attendance, decisions that open or update cases in the same
//! transaction, escalation to the township, finalising, signing and addenda. Every change is audited.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{
    household, identification, meeting, meeting_addendum, meeting_item, org_unit, risk_case, screening_row, user_role,
    visit,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};
use serde_json::json;

use super::{
    Attendee, Decision, DecisionForm, HeaderForm, ItemAction, ItemKind, ItemView, MeetingAddendum, MeetingRow,
    MeetingStatus, MeetingView, MeetingsOverview,
};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::cases::{RiskType, Source, Status};
use crate::db::begin_write;
use crate::error::{AppError, Problems};
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Step;
use crate::permissions::{Caller, Role};
use crate::request::RequestContext;
use crate::screening::Department;
use crate::time::{beijing_date, beijing_time};
use crate::workflow::procedure::Stage;

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
async fn roster<C: ConnectionTrait>(db: &C, unit: &OrgCode) -> Result<Vec<Attendee>, AppError> {
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

/// An agenda item before it has a meeting and a position.
fn item(kind: ItemKind, title: String, facts: String) -> meeting_item::ActiveModel {
    meeting_item::ActiveModel {
        kind: Set(kind.as_str().into()),
        case_id: Set(None),
        household_id: Set(None),
        source_item_id: Set(None),
        title: Set(title.chars().take(250).collect()),
        facts: Set(facts),
        dropped: Set(false),
        drop_reason: Set(String::new()),
        analysis: Set(String::new()),
        decision: Set(String::new()),
        action: Set(String::new()),
        department: Set(String::new()),
        responsible_person: Set(String::new()),
        deadline: Set(None),
        owner_user_id: Set(None),
        result_case_id: Set(None),
        decided_at: Set(None),
        ..Default::default()
    }
}

/// What the system knows of a case, in one line.
fn case_facts(c: &risk_case::Model, owners: &HashMap<i64, String>) -> String {
    let status = Status::parse(&c.status).map(|s| s.label()).unwrap_or_default();
    let risk = RiskType::parse(&c.risk_type).map(|r| r.label()).unwrap_or_default();
    let source = Source::parse(&c.source).map(|s| s.label()).unwrap_or_default();
    format!(
        "{risk}；{}；来源：{source}；责任人：{}；期限：{}；状态：{status}{}",
        c.description,
        owners.get(&c.owner_user_id).cloned().unwrap_or_default(),
        c.deadline,
        if c.red_alert { "；红色预警" } else { "" }
    )
}

/// The agenda of a unit's meeting for the month `first..=last`, in this order: decisions of earlier
/// meetings that fell due; what was handed down (villages: by the township's joint meeting; both: cases a
/// supervision opened); risks new this month (for a township: red alerts and department warnings) and
/// red-alert households with no open case (for a township also department warnings that matched no
/// household and wait to be verified); overdue cases; (villages) the other open cases, visit findings that
/// opened no case, and households waiting for the democratic appraisal; (townships) households waiting for
/// the township's review and items escalated by village meetings.
async fn build_agenda<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    first: NaiveDate,
    last: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let township = unit.level() == OrgLevel::Township;
    let within = |column| authz::code_prefix(column, unit.scope_prefix());
    let open_cases = risk_case::Entity::find()
        .filter(within(risk_case::Column::OrgCode))
        .filter(risk_case::Column::Status.is_in(Status::open_codes()))
        .order_by_asc(risk_case::Column::Deadline)
        .order_by_asc(risk_case::Column::Id)
        .all(db)
        .await?;
    let households: HashMap<i64, household::Model> = household::Entity::find()
        .filter(household::Column::Id.is_in(open_cases.iter().filter_map(|c| c.household_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let owners = crate::users::service::display_names(db, open_cases.iter().map(|c| c.owner_user_id)).await?;
    let who = |c: &risk_case::Model| {
        c.household_id.and_then(|id| households.get(&id)).map(|h| format!("{}户", h.head_name)).unwrap_or_default()
    };
    let mut items = Vec::new();
    let mut listed: HashSet<i64> = HashSet::new();
    let on_case = |kind: ItemKind, c: &risk_case::Model, title: String| {
        let mut it = item(kind, title, case_facts(c, &owners));
        it.case_id = Set(Some(c.id));
        it.household_id = Set(c.household_id);
        it
    };

    items.extend(
        follow_ups(
            db,
            unit,
            (first, last),
            &open_cases,
            &|c, title| on_case(ItemKind::FollowUp, c, title),
            &who,
            &mut listed,
        )
        .await?,
    );
    if !township {
        items.extend(handed_down(db, unit, first, &open_cases, &mut listed).await?);
    }
    // Cases a supervision opened are handed down to the unit as well.
    for c in open_cases.iter().filter(|c| c.source == Source::Supervision.as_str()) {
        if listed.insert(c.id) {
            let risk = RiskType::parse(&c.risk_type).map(|r| r.label()).unwrap_or_default();
            items.push(on_case(ItemKind::HandedDown, c, format!("督查交办：{}{risk}", who(c))));
        }
    }
    for c in &open_cases {
        if listed.contains(&c.id) {
            continue;
        }
        let risk = RiskType::parse(&c.risk_type).map(|r| r.label()).unwrap_or_default();
        let new = (first..=last).contains(&beijing_date(c.created_at));
        let overdue = c.deadline < today.min(last);
        let kind = if new && (!township || c.red_alert || c.source == Source::Department.as_str()) {
            ItemKind::NewRisk
        } else if overdue {
            ItemKind::OverdueCase
        } else if !township {
            ItemKind::OpenCase
        } else {
            continue;
        };
        listed.insert(c.id);
        let alert = if c.red_alert { "【红色预警】" } else { "" };
        items.push(on_case(kind, c, format!("{alert}{}：{risk}", who(c))));
    }
    let on_agenda: HashSet<i64> = items.iter().filter_map(|it| it.household_id.clone().take().flatten()).collect();
    items.extend(red_alerts_without_case(db, unit, &open_cases, &on_agenda).await?);
    if township {
        items.extend(warnings_to_verify(db, unit).await?);
    }
    // Keep the agenda's order (`ItemKind::ALL`): follow-ups, handed down, new risks, red alerts, overdue, open.
    items.sort_by_key(|it| {
        let kind = match &it.kind {
            sea_orm::ActiveValue::Set(k) | sea_orm::ActiveValue::Unchanged(k) => ItemKind::parse(k),
            sea_orm::ActiveValue::NotSet => None,
        };
        ItemKind::ALL.iter().position(|k| Some(*k) == kind)
    });
    if township {
        items.extend(waiting_for_step(db, unit).await?);
        items.extend(escalated(db, unit, first).await?);
    } else {
        items.extend(visit_findings(db, unit, first, last).await?);
        items.extend(waiting_for_step(db, unit).await?);
    }
    Ok(items)
}

/// Decisions of this unit's earlier meetings that fell due: on a case still open whose deadline passed by
/// the month's end (listed every month until the case closes), or recorded only, with a deadline in this
/// month. The latest decision on a case speaks for it.
async fn follow_ups<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    (first, last): (NaiveDate, NaiveDate),
    open_cases: &[risk_case::Model],
    on_case: &(dyn Fn(&risk_case::Model, String) -> meeting_item::ActiveModel + Sync),
    who: &(dyn Fn(&risk_case::Model) -> String + Sync),
    listed: &mut HashSet<i64>,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let earlier: Vec<i64> = meeting::Entity::find()
        .filter(meeting::Column::OrgCode.eq(unit.as_str()))
        .filter(meeting::Column::Month.lt(first.format("%Y-%m").to_string()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let due_decisions = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.is_in(earlier))
        .filter(meeting_item::Column::Dropped.eq(false))
        .filter(meeting_item::Column::Deadline.lte(last))
        .filter(meeting_item::Column::Action.is_in([
            ItemAction::Note.as_str(),
            ItemAction::OpenCase.as_str(),
            ItemAction::UpdateCase.as_str(),
        ]))
        .order_by_desc(meeting_item::Column::DecidedAt)
        .order_by_desc(meeting_item::Column::Id)
        .all(db)
        .await?;
    // The nearest deadline first.
    let mut found = Vec::new();
    for d in due_decisions {
        let Some(deadline) = d.deadline else { continue };
        let decided =
            format!("上次研判决定“{}”（{}，{}，{deadline} 前）", d.decision, d.department, d.responsible_person);
        match d.result_case_id.or(d.case_id) {
            Some(case_id) => {
                let Some(c) = open_cases.iter().find(|c| c.id == case_id) else { continue };
                if listed.insert(c.id) {
                    found.push((deadline, on_case(c, format!("{}：{decided}", who(c)))));
                }
            }
            None if deadline >= first => {
                let mut it = item(ItemKind::FollowUp, format!("到期复核：{}", d.title), decided);
                it.household_id = Set(d.household_id);
                it.source_item_id = Set(Some(d.id));
                found.push((deadline, it));
            }
            None => {}
        }
    }
    found.sort_by_key(|(deadline, _)| *deadline);
    Ok(found.into_iter().map(|(_, it)| it).collect())
}

/// What the township's signed joint minutes of this month or earlier decided about this village's
/// households, not yet handed down to an earlier village meeting: handed down for the village to carry
/// out. The cases they concern are not listed again.
async fn handed_down<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    first: NaiveDate,
    open_cases: &[risk_case::Model],
    listed: &mut HashSet<i64>,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let township: Vec<i64> = meeting::Entity::find()
        .filter(meeting::Column::OrgCode.eq(unit.at_level(OrgLevel::Township)))
        .filter(meeting::Column::Month.lte(first.format("%Y-%m").to_string()))
        .filter(meeting::Column::Status.eq(MeetingStatus::Signed.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let decided = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.is_in(township))
        .filter(meeting_item::Column::DecidedAt.is_not_null())
        .filter(meeting_item::Column::Dropped.eq(false))
        .order_by_asc(meeting_item::Column::Id)
        .all(db)
        .await?;
    let carried = carried_on(db, decided.iter().map(|d| d.id)).await?;
    let ours: HashSet<i64> = household::Entity::find()
        .filter(household::Column::Id.is_in(decided.iter().filter_map(|i| i.household_id)))
        .filter(authz::code_prefix(household::Column::OrgCode, unit.scope_prefix()))
        .all(db)
        .await?
        .into_iter()
        .map(|h| h.id)
        .collect();
    let mut items = Vec::new();
    for d in decided.into_iter().filter(|d| d.household_id.is_some_and(|h| ours.contains(&h))) {
        let case = d.result_case_id.or(d.case_id);
        // A decision on a case that has since closed has nothing left to carry out.
        let closed = case.is_some_and(|c| !open_cases.iter().any(|o| o.id == c));
        if carried.contains(&d.id) || closed || case.is_some_and(|c| !listed.insert(c)) {
            continue;
        }
        let deadline = d.deadline.map(|x| format!("，{x} 前")).unwrap_or_default();
        let mut it = item(
            ItemKind::HandedDown,
            format!("镇街交办：{}", d.title),
            format!("镇街联席研判决定：{}（{}，{}{deadline}）", d.decision, d.department, d.responsible_person),
        );
        it.case_id = Set(case);
        it.household_id = Set(d.household_id);
        it.source_item_id = Set(Some(d.id));
        items.push(it);
    }
    Ok(items)
}

/// Which of these items another meeting's agenda already carries on.
async fn carried_on<C: ConnectionTrait>(db: &C, ids: impl IntoIterator<Item = i64>) -> Result<HashSet<i64>, AppError> {
    Ok(meeting_item::Entity::find()
        .filter(meeting_item::Column::SourceItemId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|i| i.source_item_id)
        .collect())
}

/// Problems found on this month's visits that opened no case.
async fn visit_findings<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let visits = visit::Entity::find()
        .filter(authz::code_prefix(visit::Column::OrgCode, unit.scope_prefix()))
        .filter(visit::Column::VisitedOn.between(first, last))
        .order_by_asc(visit::Column::VisitedOn)
        .all(db)
        .await?;
    let households: HashMap<i64, String> = household::Entity::find()
        .filter(household::Column::Id.is_in(visits.iter().map(|v| v.household_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h.head_name))
        .collect();
    let mut items = Vec::new();
    for v in visits {
        let problems: Vec<crate::visits::Problem> = serde_json::from_str(&v.problems).unwrap_or_default();
        for p in problems.into_iter().filter(|p| p.case_id.is_none()) {
            let head = households.get(&v.household_id).cloned().unwrap_or_default();
            let mut it = item(
                ItemKind::VisitFinding,
                format!("{head}户：{}", p.risk_type.label()),
                format!("{} 走访发现：{}", v.visited_on, p.description),
            );
            it.household_id = Set(Some(v.household_id));
            items.push(it);
        }
    }
    Ok(items)
}

/// Households whose identification or risk elimination waits for this unit's step: a village's
/// verification and democratic appraisal (applied), a township's review (notice posted).
async fn waiting_for_step<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let township = unit.level() == OrgLevel::Township;
    let (stage, kind, step) = if township {
        (Stage::NoticePosted, ItemKind::Review, "待镇街审核")
    } else {
        (Stage::Applied, ItemKind::Appraisal, "待村级核实和民主评议")
    };
    let waiting = identification::Entity::find()
        .filter(identification::Column::Stage.eq(stage.as_str()))
        .filter(authz::code_prefix(identification::Column::OrgCode, unit.scope_prefix()))
        .all(db)
        .await?;
    let households: Vec<household::Model> = household::Entity::find()
        .filter(household::Column::Id.is_in(waiting.iter().map(|w| w.household_id)))
        .filter(authz::code_prefix(household::Column::OrgCode, unit.scope_prefix()))
        .order_by_asc(household::Column::Code)
        .all(db)
        .await?;
    Ok(households
        .into_iter()
        .filter_map(|h| {
            let procedure = waiting.iter().find(|w| w.household_id == h.id)?;
            let what = if procedure.kind == "elimination" { "风险消除" } else { "识别纳入" };
            let facts = match (township, procedure.notice_start, procedure.notice_end) {
                (true, Some(start), Some(end)) => {
                    format!("户编号 {}；公示 {start} 至 {end}；审核意见在该户的办理流程中登记。", h.code)
                }
                (true, _, _) => format!("户编号 {}；审核意见在该户的办理流程中登记。", h.code),
                (false, _, _) => {
                    format!("户编号 {}；会上选择“民主评议通过/未通过”并写明评议情况，结果记入该户的办理流程。", h.code)
                }
            };
            let mut it = item(kind, format!("{}户：{what}{step}", h.head_name), facts);
            it.household_id = Set(Some(h.id));
            Some(it)
        })
        .collect())
}

/// Households the system rates a red alert (below the red-alert line, or a 两不愁三保障 item failed) with no
/// open case and not already on the agenda (e.g. handed down): the meeting decides whether to open one.
async fn red_alerts_without_case<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    open_cases: &[risk_case::Model],
    on_agenda: &HashSet<i64>,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let mut followed: HashSet<i64> = open_cases.iter().filter_map(|c| c.household_id).collect();
    followed.extend(on_agenda);
    let alerts = household::Entity::find()
        .filter(authz::code_prefix(household::Column::OrgCode, unit.scope_prefix()))
        .filter(household::Column::RedAlert.eq(true))
        .order_by_asc(household::Column::Code)
        .all(db)
        .await?;
    Ok(alerts
        .into_iter()
        .filter(|h| !followed.contains(&h.id))
        .map(|h| {
            let mut it = item(
                ItemKind::RedAlert,
                format!("【红色预警】{}户", h.head_name),
                format!("户编号 {}；系统评估为红色预警，尚无在办案件，请研判是否立案跟踪。", h.code),
            );
            it.household_id = Set(Some(h.id));
            it
        })
        .collect())
}

/// Department warnings in the township that matched no household and are not yet verified (possible
/// 应纳未纳): the joint meeting assigns their verification.
async fn warnings_to_verify<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let rows = screening_row::Entity::find()
        .filter(authz::code_prefix(screening_row::Column::OrgCode, unit.scope_prefix()))
        .filter(screening_row::Column::Outcome.eq("unmatched"))
        .filter(screening_row::Column::ResolvedAt.is_null())
        .order_by_asc(screening_row::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let department = Department::parse(&r.department).map(|d| d.label()).unwrap_or_default();
            let risk = RiskType::parse(&r.risk_type).map(|t| t.label()).unwrap_or_default();
            let alert = if r.red_alert { "【红色预警】" } else { "" };
            item(
                ItemKind::NewRisk,
                format!("{alert}部门预警待核实：{}（{department}）{risk}", r.name),
                format!(
                    "{} 收到；{}；未匹配到农户，核实结论在“部门筛查预警”中登记。",
                    beijing_date(r.created_at),
                    r.description
                ),
            )
        })
        .collect())
}

/// Items the township's villages escalated in their meetings of this month or earlier (and kept on their
/// agenda) that no township meeting has taken up yet.
async fn escalated<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    first: NaiveDate,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let village_meetings: HashMap<i64, String> = meeting::Entity::find()
        .filter(authz::code_prefix(meeting::Column::OrgCode, unit.scope_prefix()))
        .filter(meeting::Column::OrgCode.ne(unit.as_str()))
        .filter(meeting::Column::Month.lte(first.format("%Y-%m").to_string()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.org_code))
        .collect();
    let names = crate::org::service::display_names(db, village_meetings.values().cloned().collect()).await?;
    let rows = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.is_in(village_meetings.keys().copied()))
        .filter(meeting_item::Column::Action.eq(ItemAction::Escalate.as_str()))
        .filter(meeting_item::Column::Dropped.eq(false))
        .order_by_asc(meeting_item::Column::Id)
        .all(db)
        .await?;
    let carried = carried_on(db, rows.iter().map(|r| r.id)).await?;
    Ok(rows
        .into_iter()
        .filter(|r| !carried.contains(&r.id))
        .map(|r| {
            let village = village_meetings.get(&r.meeting_id).and_then(|c| names.get(c)).cloned().unwrap_or_default();
            let mut it = item(
                ItemKind::Escalated,
                format!("{village}提交：{}", r.title),
                format!("{}；村级研判：{}；决定：{}", r.facts, r.analysis, r.decision),
            );
            it.case_id = Set(r.case_id);
            it.household_id = Set(r.household_id);
            it.source_item_id = Set(Some(r.id));
            it
        })
        .collect())
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
    let households: HashMap<i64, household::Model> = household::Entity::find()
        .filter(household::Column::Id.is_in(items.iter().filter_map(|i| i.household_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let mut owners: HashMap<String, Vec<crate::households::CadreOption>> = HashMap::new();
    for i in &items {
        let unit = owner_unit(&m, i.household_id.and_then(|id| households.get(&id)));
        if let std::collections::hash_map::Entry::Vacant(slot) = owners.entry(unit) {
            let unit = slot.key().clone();
            slot.insert(crate::households::register::candidates(db, &unit, Action::OwnCase.roles()).await?);
        }
    }
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
        items: items
            .into_iter()
            .map(|i| ItemView {
                id: i.id,
                position: i.position,
                kind: ItemKind::parse(&i.kind).unwrap_or(ItemKind::Manual),
                case_id: i.case_id,
                household_code: i.household_id.and_then(|id| households.get(&id)).map(|h| h.code.clone()),
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
                owners: owners
                    .get(&owner_unit(&m, i.household_id.and_then(|id| households.get(&id))))
                    .cloned()
                    .unwrap_or_default(),
                result_case_id: i.result_case_id,
                decided: i.decided_at.is_some(),
            })
            .collect(),
        addenda,
        may_edit: editor && status == MeetingStatus::Preparing,
        may_finalise: status == MeetingStatus::Preparing && m.recorder_user_id == Some(caller.user_id),
        may_sign: may_chair(caller, &unit) && status == MeetingStatus::Finalised,
        may_amend: editor && status == MeetingStatus::Signed,
        org_code: m.org_code,
    })
}

/// The unit whose people may own an item's case: the household's, else the meeting's.
fn owner_unit(m: &meeting::Model, household: Option<&household::Model>) -> String {
    household.map_or_else(|| m.org_code.clone(), |h| h.org_code.clone())
}

fn meeting_entry(m: &meeting::Model, action: &'static str, changes: serde_json::Value) -> Entry {
    Entry { action, entity_type: "meeting", entity_id: m.id.to_string(), org_code: Some(m.org_code.clone()), changes }
}

/// Date, place, guests and attendance.
pub async fn save_header(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    form: &HeaderForm,
) -> Result<(), AppError> {
    editable(db, now, ctx, id).await?;
    let caller = ctx.caller()?;
    let tx = begin_write(db).await?;
    let m = locked_for_edit(&tx, caller, id).await?;
    // Every problem of the header is named at once.
    let mut p = Problems::default();
    let today = beijing_date(now);
    let (first, last) = crate::calendar::month(&m.month, today)?;
    let held_on = match NaiveDate::parse_from_str(form.held_on.trim(), "%Y-%m-%d") {
        Ok(day) if day >= first && day <= last && day <= today => Some(day),
        Ok(_) => {
            p.add("held_on", format!("会议日期应在 {} 月内，且不晚于今天。", m.month));
            None
        }
        Err(_) => {
            p.add("held_on", "请填写会议日期，例如 2026-03-20。");
            None
        }
    };
    let place = form.place.trim().to_string();
    if place.is_empty() || place.chars().count() > 60 {
        p.add("place", "请填写会议地点（不超过 60 字）。");
    }
    let mut attendance: Vec<Attendee> = serde_json::from_str(&m.attendance).map_err(AppError::internal)?;
    for a in attendance.iter_mut() {
        let key = a.user_id.to_string();
        a.present = form.marks.get(&key).is_none_or(|v| v != "absent");
        a.reason = form.reasons.get(&key).map(|r| r.trim().chars().take(60).collect()).unwrap_or_default();
        if !a.present && a.reason.is_empty() {
            p.add("reasons", format!("请填写{}缺席的原因。", a.name));
        }
    }
    let guests = form.guests.trim().chars().take(500).collect::<String>();
    let unit = OrgCode::parse(&m.org_code)?;
    let recorder = form
        .recorder
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| recorders(&attendance, &unit).any(|a| a.user_id == *id && a.present));
    if recorder.is_none() {
        p.add("recorder", "请从出席的本单位人员中指定记录人（主持人以外）。");
    }
    p.finish()?;
    let (Some(held_on), Some(recorder)) = (held_on, recorder) else { return Err(AppError::Internal) };
    let mut active = m.clone().into_active_model();
    active.held_on = Set(Some(held_on));
    active.place = Set(place.clone());
    active.guests = Set(guests.clone());
    active.attendance = Set(serde_json::to_string(&attendance).map_err(AppError::internal)?);
    if may_chair(caller, &unit) {
        active.chair_user_id = Set(Some(caller.user_id));
    }
    active.recorder_user_id = Set(Some(recorder));
    active.update(&tx).await?;
    let present: Vec<&str> = attendance.iter().filter(|a| a.present).map(|a| a.name.as_str()).collect();
    audit::append(
        &tx,
        &Actor::user(caller, &ctx.meta),
        now,
        meeting_entry(
            &m,
            "meeting.header_saved",
            json!({ "after": { "held_on": held_on, "place": place, "guests": guests, "present": present, "recorder_user_id": recorder } }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
async fn item_of<C: ConnectionTrait>(db: &C, meeting_id: i64, item_id: i64) -> Result<meeting_item::Model, AppError> {
    meeting_item::Entity::find_by_id(item_id)
        .filter(meeting_item::Column::MeetingId.eq(meeting_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("item_id", "该议题不属于这次会议。"))
}

/// Refuse to change an item another meeting's agenda already carries on (a village's escalation the
/// township's joint meeting has taken up): what was handed on stays as it was.
async fn not_taken_up<C: ConnectionTrait>(db: &C, it: &meeting_item::Model) -> Result<(), AppError> {
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
    if !restore && super::carried_out(it.decided_at.is_some(), ItemAction::parse(&it.action), it.result_case_id) {
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

/// Record the analysis and decision on an item and carry it out in the same transaction: open a case
/// for the household (source 研判会议), or set the case's department, responsible person, deadline and
/// owner, or mark it for the township's joint meeting, or record the democratic appraisal. Saving a
/// decision again corrects it: the case it opened is updated, never opened twice; an appraisal, once it
/// has moved the household's procedure, keeps its result.
pub async fn decide(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    form: &DecisionForm,
) -> Result<(), AppError> {
    let (m, unit) = editable(db, now, ctx, id).await?;
    let d = form.parse(m.held_on.unwrap_or_else(|| beijing_date(now)))?;
    if d.action == ItemAction::Escalate && unit.level() != OrgLevel::Village {
        return Err(AppError::validation("action", "只有村级研判会议可以提交镇街联席研判会议。"));
    }
    let caller = ctx.caller()?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let m = locked_for_edit(&tx, caller, id).await?;
    let it = item_of(&tx, m.id, form.item_id).await?;
    if it.dropped {
        return Err(AppError::Conflict("该议题已不列入研判，请先恢复。".into()));
    }
    not_taken_up(&tx, &it).await?;
    if let Some(owner) = d.owner {
        let household = match it.household_id {
            Some(id) => household::Entity::find_by_id(id).one(&tx).await?,
            None => None,
        };
        let unit = owner_unit(&m, household.as_ref());
        let eligible = crate::households::register::candidates(&tx, &unit, Action::OwnCase.roles()).await?;
        if !eligible.iter().any(|c| c.user_id == owner) {
            return Err(AppError::validation("owner_user_id", "所选人员不能担任案件责任人，请从列表中选择。"));
        }
    }
    let before = ItemAction::parse(&it.action);
    let appraised = super::appraisal_recorded(it.decided_at.is_some(), before);
    if appraised && before != Some(d.action) {
        return Err(AppError::validation(
            "action",
            "民主评议结果已登记并记入该户的办理流程，不能改为其他处理方式；如需更正，请在签发后追加补充说明。",
        ));
    }
    let mut result_case = it.result_case_id;
    match d.action {
        ItemAction::OpenCase => match (it.result_case_id, it.case_id) {
            // Saved again: the case this decision opened takes the corrected department, person and deadline.
            (Some(case_id), _) => update_case(&tx, now, &actor, caller, &m, case_id, &d).await?,
            (None, Some(_)) => return Err(AppError::validation("action", "该议题已有案件，请选择“更新案件”。")),
            (None, None) => result_case = Some(open_case(&tx, now, &actor, &m, &it, &d).await?),
        },
        ItemAction::UpdateCase => {
            let case_id = it
                .case_id
                .or(it.result_case_id)
                .ok_or_else(|| AppError::validation("action", "该议题没有关联案件，请选择“立案”。"))?;
            update_case(&tx, now, &actor, caller, &m, case_id, &d).await?;
        }
        ItemAction::AppraisalPassed | ItemAction::AppraisalFailed if !appraised => {
            appraise(&tx, now, &actor, caller, &it, &d).await?;
        }
        ItemAction::AppraisalPassed | ItemAction::AppraisalFailed | ItemAction::Note | ItemAction::Escalate => {}
    }
    let mut active = it.clone().into_active_model();
    active.analysis = Set(d.analysis.clone());
    active.decision = Set(d.decision.clone());
    active.action = Set(d.action.as_str().into());
    active.department = Set(d.department.clone());
    active.responsible_person = Set(d.responsible_person.clone());
    active.deadline = Set(d.deadline);
    active.owner_user_id = Set(d.owner);
    active.result_case_id = Set(result_case);
    active.decided_at = Set(Some(now));
    active.update(&tx).await?;
    audit::append(
        &tx,
        &actor,
        now,
        meeting_entry(
            &m,
            "meeting.decided",
            json!({ "after": {
            "item_id": it.id, "title": it.title, "analysis": d.analysis, "decision": d.decision,
            "action": d.action.label(), "department": d.department, "responsible_person": d.responsible_person,
            "deadline": d.deadline, "owner_user_id": d.owner, "case_id": it.case_id.or(result_case), "case_step": d.case_step,
        } }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// "石桥村 2026-03 研判会议决定：…"
fn decided_by(m: &meeting::Model, unit_name: &str, d: &Decision) -> String {
    format!(
        "{unit_name}{} 研判会议决定：{}（整改部门：{}；责任人：{}）",
        m.month, d.decision, d.department, d.responsible_person
    )
}

async fn open_case<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    m: &meeting::Model,
    it: &meeting_item::Model,
    d: &Decision,
) -> Result<i64, AppError> {
    let household_id = it
        .household_id
        .ok_or_else(|| AppError::validation("action", "该议题没有关联农户，不能直接立案，请在农户页面登记。"))?;
    let household = household::Entity::find_by_id(household_id).one(tx).await?.ok_or(AppError::NotFound)?;
    let owner = match d.owner.or(household.contact_user_id) {
        Some(owner) => owner,
        None => crate::cases::service::default_owner(tx, &mut HashMap::new(), &household.org_code)
            .await?
            .or(actor.user_id)
            .ok_or_else(|| AppError::internal("a meeting decision without an actor"))?,
    };
    let alert = red_alert_of(tx, &household, beijing_date(now)).await?;
    let names = crate::org::service::display_names(tx, vec![m.org_code.clone()]).await?;
    let description =
        format!("{}；{}", it.title, decided_by(m, names.get(&m.org_code).map(String::as_str).unwrap_or(""), d));
    crate::cases::service::open(
        tx,
        now,
        actor,
        crate::cases::service::Opening {
            household: Some(&household),
            org_code: &household.org_code,
            source: Source::Meeting,
            risk_type: alert.unwrap_or(RiskType::Other),
            red_alert: alert.is_some(),
            description: &description,
            owner,
            department: &d.department,
            responsible_person: &d.responsible_person,
            deadline: d.deadline.ok_or_else(|| AppError::validation("deadline", "请填写整改期限。"))?,
            notify_owner: true,
        },
    )
    .await
}

/// The risk type of the household's red alert under today's verdict (its first red-alert reason), or
/// `None` when the household is not a red alert.
async fn red_alert_of<C: ConnectionTrait>(
    tx: &C,
    household: &household::Model,
    today: NaiveDate,
) -> Result<Option<RiskType>, AppError> {
    let evaluated = crate::households::service::evaluate_batch(tx, &[household.id], today, &mut HashMap::new()).await?;
    Ok(evaluated
        .into_iter()
        .filter_map(|e| e.evaluation)
        .filter(|v| v.red_alert)
        .find_map(|v| v.flags.iter().find_map(|f| RiskType::of_red_alert(f.kind))))
}

/// Set the case's department, responsible person, deadline (and owner) as decided, after the decided
/// lifecycle step if there is one (the caller's roles over the case decide whether they may take it);
/// the decision is a step of the case's history. A step that closes the case (不予纳入, 验收销号) ends it there.
async fn update_case<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    caller: &Caller,
    m: &meeting::Model,
    case_id: i64,
    d: &Decision,
) -> Result<(), AppError> {
    let user_id = caller.user_id;
    let case_org = risk_case::Entity::find_by_id(case_id).one(tx).await?.ok_or(AppError::NotFound)?.org_code;
    let roles = authz::roles_over(caller, &case_org);
    let acting = authz::Acting { actor, user_id, roles: &roles };
    if let Some(code) = &d.case_step {
        let form = crate::cases::lifecycle::ActionForm {
            action: code.clone(),
            note: format!("研判会议决定：{}", d.decision),
            deadline: d.deadline.map(|x| x.to_string()).unwrap_or_default(),
        };
        let step = form.parse()?;
        let policy = crate::policy::service::effective(tx, &m.org_code, beijing_date(now).year()).await?;
        crate::cases::service::take_step(tx, now, &acting, case_id, &step, &policy.policy).await?;
    }
    let case = risk_case::Entity::find_by_id(case_id).one(tx).await?.ok_or(AppError::NotFound)?;
    let status = Status::parse(&case.status).ok_or_else(|| AppError::internal(format!("case {case_id} status")))?;
    if !status.is_open() {
        if d.case_step.as_deref().is_some_and(|step| super::CLOSING_STEPS.contains(&step)) {
            return Ok(());
        }
        return Err(AppError::Conflict("该案件已办结或不予纳入，研判决定无法更新它。".into()));
    }
    let deadline = d.deadline.ok_or_else(|| AppError::validation("deadline", "请填写整改期限。"))?;
    let before = json!({ "department": case.department, "responsible_person": case.responsible_person,
        "deadline": case.deadline, "owner_user_id": case.owner_user_id });
    let owner_changed = d.owner.is_some_and(|o| o != case.owner_user_id);
    let mut active = case.clone().into_active_model();
    active.department = Set(d.department.clone());
    active.responsible_person = Set(d.responsible_person.clone());
    active.deadline = Set(deadline);
    if let Some(owner) = d.owner {
        active.owner_user_id = Set(owner);
    }
    active.updated_at = Set(now);
    active.update(tx).await?;
    let names = crate::org::service::display_names(tx, vec![m.org_code.clone()]).await?;
    let note = decided_by(m, names.get(&m.org_code).map(String::as_str).unwrap_or(""), d);
    crate::cases::service::record(
        tx,
        crate::cases::service::Step {
            case_id: case.id,
            org_code: &case.org_code,
            action: "meeting_decision",
            from: Some(status),
            to: status,
            note: &note,
            deadline: Some(deadline),
            audit_action: "case.meeting_decision",
            changes: json!({ "meeting_id": m.id, "before": before, "after": { "department": d.department,
                "responsible_person": d.responsible_person, "deadline": deadline, "owner_user_id": d.owner.unwrap_or(case.owner_user_id) } }),
        },
        actor,
        user_id,
        now,
    )
    .await?;
    if let Some(owner) = d.owner.filter(|_| owner_changed) {
        let notice = crate::notify::service::Notice {
            category: crate::notify::Category::Assignment,
            title: format!("研判会议交办案件 {}", case.id),
            body: note.clone(),
            link: format!("/cases/{}", case.id),
            dedupe: None,
        };
        crate::notify::service::notify(tx, now, &[owner], &notice).await?;
    }
    Ok(())
}

/// Record the democratic appraisal held in the meeting as the village's verification step of the
/// household's running identification or elimination (the procedure's own rules decide who may).
async fn appraise<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    caller: &Caller,
    it: &meeting_item::Model,
    d: &Decision,
) -> Result<(), AppError> {
    let household_id =
        it.household_id.ok_or_else(|| AppError::validation("action", "该议题没有关联农户，不能登记民主评议结果。"))?;
    let household = household::Entity::find_by_id(household_id).one(tx).await?.ok_or(AppError::NotFound)?;
    let roles = authz::roles_over(caller, &household.org_code);
    let policy = crate::policy::service::effective(tx, &household.org_code, beijing_date(now).year()).await?;
    let step = crate::workflow::procedure::Step::VillageVerify {
        appraisal_passed: d.action == ItemAction::AppraisalPassed,
        note: format!("研判会议民主评议：{}", d.decision),
    };
    let acting = authz::Acting { actor, user_id: caller.user_id, roles: &roles };
    crate::workflow::service::take_step(tx, now, &acting, &household, &step, &policy.policy, None).await
}

/// Remind each village's and township's chair whose meeting of this month is not yet signed, once,
/// when the month's end is within the policy's reminder working days. Returns how many notices were new.
pub async fn remind(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    let today = beijing_date(now);
    let (first, last) = crate::calendar::month("", today)?;
    let month = first.format("%Y-%m").to_string();
    let calendar = crate::calendar::service::load(db).await?;
    let units = org_unit::Entity::find().filter(org_unit::Column::Level.is_in(["village", "township"])).all(db).await?;
    let signed: HashSet<String> = meeting::Entity::find()
        .filter(meeting::Column::Month.eq(&month))
        .filter(meeting::Column::Status.eq(MeetingStatus::Signed.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.org_code)
        .collect();
    let tx = begin_write(db).await?;
    let mut sent = 0;
    for unit in units.into_iter().filter(|u| !signed.contains(&u.code)) {
        let Ok(code) = OrgCode::parse(&unit.code) else { continue };
        let chair = chair_roles(code.level());
        if chair.is_empty() {
            continue;
        }
        let reminder_days = match crate::policy::service::effective(&tx, &unit.code, today.year()).await {
            Ok(view) => view.policy.reminder_working_days,
            Err(AppError::Conflict(_)) => continue,
            Err(e) => return Err(e),
        };
        if calendar.add_working_days(today, reminder_days)? < last {
            continue;
        }
        let chairs: Vec<i64> = user_role::Entity::find()
            .filter(user_role::Column::OrgUnitId.eq(unit.id))
            .filter(user_role::Column::Role.is_in(chair.iter().map(|r| r.as_str())))
            .all(&tx)
            .await?
            .into_iter()
            .map(|g| g.user_id)
            .collect();
        let kind = if code.level() == OrgLevel::Township { "镇街联席研判会议" } else { "村级研判会议" };
        let notice = crate::notify::service::Notice {
            category: crate::notify::Category::MeetingDue,
            title: format!("{}本月{kind}尚未召开或签发", unit.name),
            body: format!(
                "{}{month} 的{kind}尚无签发的会议记录，请于 {last} 前召开研判会议、落实整改部门、责任人和期限，并签发会议记录。",
                unit.name
            ),
            link: "/meetings".into(),
            dedupe: Some(format!("meeting:{}:{month}", unit.code)),
        };
        sent += crate::notify::service::notify(&tx, now, &chairs, &notice).await?;
    }
    tx.commit().await?;
    Ok(sent)
}

/// The recorder finalises the minutes (every kept item decided, date and place set); the chair then signs.
pub async fn finalise(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<(), AppError> {
    editable(db, now, ctx, id).await?;
    let caller = ctx.caller()?;
    let tx = begin_write(db).await?;
    let m = locked_for_edit(&tx, caller, id).await?;
    if m.held_on.is_none() || m.place.is_empty() || m.recorder_user_id.is_none() {
        return Err(AppError::validation("held_on", "请先填写会议日期、地点、记录人和参会情况。"));
    }
    if m.recorder_user_id != Some(caller.user_id) {
        return Err(AppError::Conflict("会议记录由指定的记录人定稿，主持人审核后签发。".into()));
    }
    let undecided = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.eq(m.id))
        .filter(meeting_item::Column::Dropped.eq(false))
        .filter(meeting_item::Column::DecidedAt.is_null())
        .all(&tx)
        .await?;
    if let Some(first) = undecided.first() {
        return Err(AppError::Conflict(format!(
            "还有 {} 个议题没有研判决定（如“{}”），请逐项研判或说明原因后不列入。",
            undecided.len(),
            first.title
        )));
    }
    let mut active = m.clone().into_active_model();
    active.status = Set(MeetingStatus::Finalised.as_str().into());
    active.finalised_at = Set(Some(now));
    active.sent_back_reason = Set(String::new());
    active.update(&tx).await?;
    audit::append(&tx, &Actor::user(caller, &ctx.meta), now, meeting_entry(&m, "meeting.finalised", json!({}))).await?;
    tx.commit().await?;
    Ok(())
}

/// The chair sends finalised minutes back to the recorder, with the reason, instead of signing what is
/// wrong; they can be changed again until finalised anew.
pub async fn send_back(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let m = in_scope(db, now, ctx, id).await?;
    let caller = ctx.caller()?;
    if !may_chair(caller, &OrgCode::parse(&m.org_code)?) {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::validation("reason", "请写明退回修改的原因（不超过 200 字）。"));
    }
    let tx = begin_write(db).await?;
    let m = locked(&tx, id).await?;
    expect_status(&m, MeetingStatus::Finalised)?;
    let mut active = m.clone().into_active_model();
    active.status = Set(MeetingStatus::Preparing.as_str().into());
    active.finalised_at = Set(None);
    active.sent_back_reason = Set(reason.to_string());
    active.update(&tx).await?;
    audit::append(
        &tx,
        &Actor::user(caller, &ctx.meta),
        now,
        meeting_entry(&m, "meeting.sent_back", json!({ "after": { "reason": reason } })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The chair signs the finalised minutes: from now on they are locked.
pub async fn sign(db: &DatabaseConnection, now: DateTime<Utc>, ctx: &RequestContext, id: i64) -> Result<(), AppError> {
    let m = in_scope(db, now, ctx, id).await?;
    let caller = ctx.caller()?;
    let unit = OrgCode::parse(&m.org_code)?;
    if !may_chair(caller, &unit) {
        return Err(AppError::Forbidden);
    }
    let tx = begin_write(db).await?;
    let m = locked(&tx, id).await?;
    expect_status(&m, MeetingStatus::Finalised)?;
    // The signed minutes name everyone as their account reads at signing (a name corrected since the
    // roster was taken is corrected here too); from now on the names never change.
    let mut attendance: Vec<Attendee> = serde_json::from_str(&m.attendance).map_err(AppError::internal)?;
    let names = crate::users::service::display_names(&tx, attendance.iter().map(|a| a.user_id)).await?;
    let mut renamed = Vec::new();
    for a in &mut attendance {
        if let Some(name) = names.get(&a.user_id).filter(|name| **name != a.name) {
            renamed.push(json!({ "before": a.name, "after": name }));
            a.name = name.clone();
        }
    }
    let mut active = m.clone().into_active_model();
    active.status = Set(MeetingStatus::Signed.as_str().into());
    active.signed_at = Set(Some(now));
    active.chair_user_id = Set(Some(caller.user_id));
    active.attendance = Set(serde_json::to_string(&attendance).map_err(AppError::internal)?);
    active.update(&tx).await?;
    let changes = if renamed.is_empty() { json!({}) } else { json!({ "renamed": renamed }) };
    audit::append(&tx, &Actor::user(caller, &ctx.meta), now, meeting_entry(&m, "meeting.signed", changes)).await?;
    tx.commit().await?;
    Ok(())
}

/// A dated addendum to signed minutes.
pub async fn amend(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    text: &str,
) -> Result<(), AppError> {
    let m = in_scope(db, now, ctx, id).await?;
    let caller = ctx.caller()?;
    let unit = OrgCode::parse(&m.org_code)?;
    if !may_edit(caller, &unit, &m) {
        return Err(AppError::Forbidden);
    }
    expect_status(&m, MeetingStatus::Signed)?;
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 1000 {
        return Err(AppError::validation("text", "请填写补充说明（不超过 1000 字）。"));
    }
    let tx = begin_write(db).await?;
    let row = meeting_addendum::ActiveModel {
        meeting_id: Set(m.id),
        text: Set(text.to_string()),
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
        meeting_entry(&m, "meeting.amended", json!({ "after": { "addendum_id": row.id, "text": text } })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The data of a meeting's minutes (研判会议记录), audited as a print; a draft says so in its subtitle.
pub async fn minutes(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<(String, serde_json::Value), AppError> {
    let m = get(db, now, ctx, id).await?;
    audit::record_event(
        db,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "print.meeting_minutes",
            entity_type: "meeting",
            entity_id: m.id.to_string(),
            org_code: Some(m.org_code.clone()),
            changes: json!({ "status": m.status.as_str() }),
        },
    )
    .await?;
    Ok((format!("{}{}{}记录", m.org_name, m.month, m.title), minutes_data(&m, beijing_date(now))))
}

/// The meeting book (专本) of a unit for a year: the contents (one entry per signed meeting, in month
/// order, and the months without signed minutes) and each meeting's minutes. Audited as a print.
pub async fn book(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit_code: &str,
    year: &str,
) -> Result<(String, serde_json::Value, Vec<(String, serde_json::Value)>), AppError> {
    let unit = OrgCode::parse(unit_code).map_err(|_| AppError::validation("unit", "请选择村或镇街。"))?;
    authz::check(db, now, ctx, Action::ReadHousehold, unit.as_str()).await?;
    let today = beijing_date(now);
    let year = crate::calendar::year(year, today)?;
    let signed = meeting::Entity::find()
        .filter(meeting::Column::OrgCode.eq(unit.as_str()))
        .filter(meeting::Column::Month.starts_with(format!("{year}-")))
        .filter(meeting::Column::Status.eq(MeetingStatus::Signed.as_str()))
        .order_by_asc(meeting::Column::Month)
        .all(db)
        .await?;
    let mut entries = Vec::new();
    let mut parts = Vec::new();
    for m in &signed {
        let view = get(db, now, ctx, m.id).await?;
        let (_, last) = crate::calendar::month(&m.month, today)?;
        let signed = match signed_late(m, last) {
            Some(day) => format!("逾期补签（{day} 签发）"),
            None => "已签发".to_string(),
        };
        entries.push(json!({
            "month": view.month,
            "held_on": view.held_on.map(|d| d.to_string()).unwrap_or_default(),
            "items": view.items.iter().filter(|i| !i.dropped).count(),
            "status": if view.addenda.is_empty() { signed } else { format!("{signed}，补充说明 {} 条", view.addenda.len()) },
            "page": 0,
        }));
        parts.push((format!("{} 研判会议记录", view.month), minutes_data(&view, today)));
    }
    // Months that are over (this month may still hold its meeting).
    let last_month = if year < today.year() { 12 } else { today.month0() };
    let missing: Vec<String> = (1..=last_month)
        .map(|month| format!("{year}-{month:02}"))
        .filter(|month| !signed.iter().any(|m| &m.month == month))
        .collect();
    let names = crate::org::service::display_names(db, vec![unit.as_str().to_string()]).await?;
    let unit_name = names.get(unit.as_str()).cloned().ok_or(AppError::NotFound)?;
    let title = if unit.level() == OrgLevel::Township { "镇街联席研判会议" } else { "村级研判会议" };
    audit::record_event(
        db,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "print.meeting_book",
            entity_type: "org_unit",
            entity_id: unit.as_str().to_string(),
            org_code: Some(unit.as_str().to_string()),
            changes: json!({ "year": year, "meetings": signed.len() }),
        },
    )
    .await?;
    let contents = json!({
        "unit_name": unit_name,
        "year": year,
        "title": title,
        "entries": entries,
        "missing": if missing.is_empty() { "无".to_string() } else { missing.join("、") },
        "printed_on": today.to_string(),
    });
    Ok((format!("{unit_name}{year}年{title}记录专本"), contents, parts))
}

/// A meeting as the minutes template's data.
fn minutes_data(m: &MeetingView, today: NaiveDate) -> serde_json::Value {
    let or_none = |list: Vec<String>| if list.is_empty() { "无".to_string() } else { list.join("、") };
    let kept: Vec<&ItemView> = m.items.iter().filter(|i| !i.dropped).collect();
    let (year, month) = m.month.split_once('-').unwrap_or((&m.month, ""));
    json!({
        "unit_name": m.org_name,
        "title": m.title,
        "month": format!("{year}年{}月", month.trim_start_matches('0')),
        "held_on": m.held_on.map(|d| d.format("%Y年%m月%d日").to_string()).unwrap_or_default(),
        "place": m.place,
        "chair": m.chair.clone().unwrap_or_default(),
        "recorder": m.recorder.clone().unwrap_or_default(),
        "present": or_none(m.attendance.iter().filter(|a| a.present).map(|a| format!("{}（{}）", a.name, a.role)).collect()),
        "absent": or_none(m.attendance.iter().filter(|a| !a.present).map(|a| format!("{}（{}）", a.name, a.reason)).collect()),
        "guests": if m.guests.is_empty() { "无".to_string() } else { m.guests.clone() },
        "signed": match (&m.signed_at, &m.chair) {
            (Some(at), Some(chair)) => format!("{chair} 于 {at} 签发"),
            _ => "未签发".to_string(),
        },
        "status_note": match m.status {
            MeetingStatus::Signed => "",
            MeetingStatus::Finalised => "（已定稿，待主持人签发）",
            MeetingStatus::Preparing => "（草稿，未定稿）",
        },
        "items": kept.iter().enumerate().map(|(n, i)| json!({
            "number": n + 1,
            "kind": i.kind.label(),
            "title": i.title,
            "facts": if i.facts.is_empty() { String::new() } else { format!("：{}", i.facts) },
            "analysis": i.analysis,
            "decision": i.decision,
            "action": match (i.action, i.result_case_id) {
                (_, Some(id)) => format!("（已立案 {id} 号）"),
                (Some(ItemAction::Escalate), _) => "（提交镇街联席研判）".to_string(),
                _ => String::new(),
            },
            "department": i.department,
            "responsible_person": i.responsible_person,
            "deadline": i.deadline.map(|d| d.to_string()).unwrap_or_default(),
        })).collect::<Vec<_>>(),
        "dropped": m.items.iter().filter(|i| i.dropped).map(|i| json!({ "title": i.title, "reason": i.drop_reason })).collect::<Vec<_>>(),
        "addenda": m.addenda.iter().map(|a| json!({ "at": a.at, "by": a.by, "text": a.text })).collect::<Vec<_>>(),
        "printed_on": today.to_string(),
    })
}
