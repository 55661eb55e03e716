//! Cases kept in the database: registering, listing within scope, and every step with its event and
//! audit record in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use entities::{app_user, case_event, household, org_unit, risk_case};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, Set, TryIntoModel,
};
use serde_json::json;

use super::lifecycle::{self, CaseState, Status, action_label, is_overdue};
use super::measures::{Category, MeasureForm, MeasureStatus, MeasureView};
use super::{CaseDetail, CaseEventView, CaseFilter, CasePageView, CaseSummary, NewCaseForm, RiskType, Source};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::notify::Category as NoticeCategory;
use crate::notify::service::{Notice, notify};
use crate::permissions::Role;
use crate::request::RequestContext;
use crate::time::beijing_date;

/// Register a case for a household; returns its id.
pub async fn create(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &NewCaseForm,
) -> Result<i64, AppError> {
    let household =
        crate::households::service::in_scope(db, now, ctx, form.household.trim(), Action::EditHousehold).await?;
    let caller = ctx.caller()?;
    let source = Source::parse(&form.source).ok_or_else(|| AppError::validation("source", "请选择风险来源。"))?;
    let risk_type =
        RiskType::parse(&form.risk_type).ok_or_else(|| AppError::validation("risk_type", "请选择风险类型。"))?;
    let description = form.description.trim().to_string();
    if description.is_empty() {
        return Err(AppError::validation("description", "请描述发现的风险情况。"));
    }
    if description.chars().count() > 1000 {
        return Err(AppError::validation("description", "情况描述不超过 1000 字。"));
    }
    let owner = match form.owner_user_id.trim() {
        "" => household.contact_user_id.unwrap_or(caller.user_id),
        text => text.parse().map_err(|_| AppError::validation("owner_user_id", "请从列表中选择责任人。"))?,
    };
    let eligible = crate::households::register::candidates(db, &household.org_code, Action::OwnCase.roles()).await?;
    if !eligible.iter().any(|c| c.user_id == owner) {
        return Err(AppError::validation("owner_user_id", "所选人员不能担任该户案件的责任人，请从列表中选择。"));
    }
    let set_deadline = match form.deadline.trim() {
        "" => None,
        text => Some(
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| AppError::validation("deadline", "期限应写作 2026-03-31 的形式。"))?,
        ),
    };
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &household.org_code, today.year()).await?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let calendar = crate::calendar::service::load(&tx).await?;
    let deadline = lifecycle::initial_deadline(today, set_deadline, &calendar, &policy.policy)?;
    let id = open(
        &tx,
        now,
        &actor,
        Opening {
            household: Some(&household),
            org_code: &household.org_code,
            source,
            risk_type,
            red_alert: form.red_alert.is_some(),
            description: &description,
            owner,
            department: &form.department,
            responsible_person: &form.responsible_person,
            deadline,
            notify_owner: true,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A new case, as the form, a department's warning, a villager's report or the demo loader gives it.
pub struct Opening<'a> {
    pub household: Option<&'a household::Model>,
    pub org_code: &'a str,
    pub source: Source,
    pub risk_type: RiskType,
    pub red_alert: bool,
    pub description: &'a str,
    pub owner: i64,
    pub department: &'a str,
    pub responsible_person: &'a str,
    pub deadline: NaiveDate,
    /// Tell the owner now (a department file instead tells each owner once, with a count).
    pub notify_owner: bool,
}

/// Register a case in the caller's transaction: the row, its first event and audit record, and the
/// notices (the owner, when someone else registered it; the unit's leaders, for a red alert).
pub async fn open<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    o: Opening<'_>,
) -> Result<i64, AppError> {
    let text = |t: &str| t.trim().chars().take(64).collect::<String>();
    let actor_id = actor.user_id.unwrap_or(0);
    let row = risk_case::ActiveModel {
        household_id: Set(o.household.map(|h| h.id)),
        org_code: Set(o.org_code.to_string()),
        source: Set(o.source.as_str().into()),
        risk_type: Set(o.risk_type.as_str().into()),
        red_alert: Set(o.red_alert),
        description: Set(o.description.to_string()),
        owner_user_id: Set(o.owner),
        department: Set(text(o.department)),
        responsible_person: Set(text(o.responsible_person)),
        deadline: Set(o.deadline),
        status: Set(Status::PendingVerification.as_str().into()),
        found_by_unit: Set(o.source.found_by_unit()),
        created_by: Set(actor_id),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let step = Step {
        case_id: row.id,
        org_code: o.org_code,
        action: "create",
        from: None,
        to: Status::PendingVerification,
        note: o.description,
        deadline: Some(o.deadline),
        audit_action: "case.created",
        changes: json!({ "after": { "household": o.household.map(|h| h.code.clone()), "source": o.source.label(),
            "risk_type": o.risk_type.label(), "owner_user_id": o.owner, "deadline": o.deadline, "red_alert": o.red_alert } }),
    };
    record(tx, step, actor, actor_id, now).await?;
    let subject = match o.household {
        Some(h) => format!("{}户（{}）", h.head_name, h.code),
        None => crate::org::service::display_names(tx, vec![o.org_code.to_string()])
            .await?
            .remove(o.org_code)
            .unwrap_or_default(),
    };
    let summary = format!(
        "{subject}，{}，来源：{}，期限 {}。\n{}",
        o.risk_type.label(),
        o.source.label(),
        o.deadline,
        o.description.chars().take(120).collect::<String>()
    );
    if o.notify_owner && o.owner != actor_id {
        let notice = Notice {
            category: NoticeCategory::Assignment,
            title: format!("新案件交您办理：{subject} {}", o.risk_type.label()),
            body: summary.clone(),
            link: format!("/cases/{}", row.id),
            dedupe: None,
        };
        notify(tx, now, &[o.owner], &notice).await?;
    }
    if o.red_alert {
        let title = format!("红色预警：{subject} {}", o.risk_type.label());
        tell_red_alert(tx, now, row.id, o.org_code, title, summary, actor_id).await?;
    }
    Ok(row.id)
}

/// Tell the village Party secretary and the township leaders of a case that is (or became) a red alert.
pub(crate) async fn tell_red_alert<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    case_id: i64,
    org_code: &str,
    title: String,
    body: String,
    actor_id: i64,
) -> Result<u64, AppError> {
    let leaders =
        crate::households::register::candidates(tx, org_code, &[Role::VillageSecretary, Role::TownshipLeader]).await?;
    let notice = Notice {
        category: NoticeCategory::RedAlert,
        title,
        body,
        link: format!("/cases/{case_id}"),
        dedupe: Some(format!("red:{case_id}")),
    };
    let ids: Vec<i64> = leaders.iter().map(|c| c.user_id).filter(|id| *id != actor_id).collect();
    notify(tx, now, &ids, &notice).await
}

/// Who takes a new case in a unit when nobody was named (the household has no contact): a monitoring
/// contact, else the Party secretary, else the township's staff. Cached per unit by the caller.
pub(crate) async fn default_owner<C: ConnectionTrait>(
    tx: &C,
    cache: &mut HashMap<String, Option<i64>>,
    org_code: &str,
) -> Result<Option<i64>, AppError> {
    if let Some(found) = cache.get(org_code) {
        return Ok(*found);
    }
    let mut owner = None;
    for role in [Role::MonitoringContact, Role::VillageSecretary, Role::TownshipStaff] {
        if let Some(c) = crate::households::register::candidates(tx, org_code, &[role]).await?.first() {
            owner = Some(c.user_id);
            break;
        }
    }
    cache.insert(org_code.to_string(), owner);
    Ok(owner)
}

/// One step of a case, as its history and the audit log keep it.
pub(crate) struct Step<'a> {
    pub case_id: i64,
    pub org_code: &'a str,
    /// The event's action code (`create`, `include`, `reassign`, `measure`, ...).
    pub action: &'a str,
    pub from: Option<Status>,
    pub to: Status,
    pub note: &'a str,
    /// The deadline this step set, if it set one.
    pub deadline: Option<NaiveDate>,
    /// The audit record's action and changes.
    pub audit_action: &'static str,
    pub changes: serde_json::Value,
}

/// Write a step's event and its audit record (in the caller's transaction).
pub(crate) async fn record<C: ConnectionTrait>(
    tx: &C,
    step: Step<'_>,
    actor: &Actor,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    case_event::ActiveModel {
        case_id: Set(step.case_id),
        action: Set(step.action.into()),
        from_status: Set(step.from.map(|s| s.as_str().to_string())),
        to_status: Set(step.to.as_str().into()),
        note: Set(step.note.into()),
        deadline: Set(step.deadline),
        actor_user_id: Set(user_id),
        actor_name: Set(actor.name.clone()),
        at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: step.audit_action,
            entity_type: "case",
            entity_id: step.case_id.to_string(),
            org_code: Some(step.org_code.to_string()),
            changes: step.changes,
        },
    )
    .await?;
    Ok(())
}

/// A case by id, if the caller may do `action` to it (out of scope answers like missing, and is audited).
pub(crate) async fn in_scope(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    action: Action,
) -> Result<risk_case::Model, AppError> {
    let found = risk_case::Entity::find_by_id(id).one(db).await?;
    authz::found_in_scope(db, now, ctx, action, found, |c| &c.org_code).await
}

fn status_of(row: &risk_case::Model) -> Result<Status, AppError> {
    Status::parse(&row.status).ok_or_else(|| AppError::internal(format!("case {} has status {}", row.id, row.status)))
}

async fn summaries(
    db: &DatabaseConnection,
    rows: Vec<risk_case::Model>,
    today: NaiveDate,
) -> Result<Vec<CaseSummary>, AppError> {
    let household_ids: Vec<i64> = rows.iter().filter_map(|c| c.household_id).collect();
    let households: HashMap<i64, household::Model> = household::Entity::find()
        .filter(household::Column::Id.is_in(household_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let owners = crate::users::service::display_names(db, rows.iter().map(|c| c.owner_user_id)).await?;
    let units = crate::org::service::display_names(db, rows.iter().map(|c| c.org_code.clone()).collect()).await?;
    rows.into_iter()
        .map(|c| {
            let status = status_of(&c)?;
            let household = c.household_id.and_then(|id| households.get(&id));
            Ok(CaseSummary {
                id: c.id,
                household_code: household.map(|h| h.code.clone()),
                household_head: household.map(|h| h.head_name.clone()),
                org_name: match (c.org_code.len(), units.get(&c.org_code)) {
                    (15, Some(group)) => {
                        format!(
                            "{}{group}",
                            units
                                .get(crate::org::prefix_at(&c.org_code, crate::org::OrgLevel::Village))
                                .cloned()
                                .unwrap_or_default()
                        )
                    }
                    (_, name) => name.cloned().unwrap_or_default(),
                },
                source_label: Source::parse(&c.source).map(Source::label).unwrap_or("其他").into(),
                risk_type_label: RiskType::parse(&c.risk_type).map(RiskType::label).unwrap_or("其他").into(),
                red_alert: c.red_alert,
                status,
                status_label: status.label().into(),
                owner_name: owners.get(&c.owner_user_id).cloned().unwrap_or_default(),
                deadline: c.deadline,
                overdue: is_overdue(status, c.deadline, today),
                description: c.description,
            })
        })
        .collect()
}

/// A page of the cases in the caller's scope, narrowed by the filter; nearest deadlines first.
pub async fn list(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    filter: &CaseFilter,
    page: u64,
) -> Result<CasePageView, AppError> {
    let caller = ctx.caller()?;
    let today = beijing_date(now);
    let Some(scope) = authz::scope_condition(caller, Action::ReadHousehold, risk_case::Column::OrgCode) else {
        return Ok(CasePageView { total: 0, page, items: Vec::new() });
    };
    let open: Vec<&str> = Status::open_codes();
    let mut query = risk_case::Entity::find().filter(scope);
    match filter.view.as_deref().unwrap_or("") {
        "" | "all" => {}
        "mine" => query = query.filter(risk_case::Column::OwnerUserId.eq(caller.user_id)),
        "overdue" => {
            query = query
                .filter(risk_case::Column::Status.is_in(open.clone()))
                .filter(risk_case::Column::Deadline.lt(today))
        }
        "due_week" => {
            query = query
                .filter(risk_case::Column::Status.is_in(open.clone()))
                .filter(risk_case::Column::Deadline.gte(today))
                .filter(risk_case::Column::Deadline.lte(today + Duration::days(7)))
        }
        "red" => query = query.filter(risk_case::Column::RedAlert.eq(true)),
        _ => return Err(AppError::validation("view", "列表类别不正确。")),
    }
    if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        let status = Status::parse(status).ok_or_else(|| AppError::validation("status", "案件状态不正确。"))?;
        query = query.filter(risk_case::Column::Status.eq(status.as_str()));
    }
    if let Some(source) = filter.source.as_deref().filter(|s| !s.is_empty()) {
        let source = Source::parse(source).ok_or_else(|| AppError::validation("source", "风险来源不正确。"))?;
        query = query.filter(risk_case::Column::Source.eq(source.as_str()));
    }
    if let Some(kind) = filter.risk_type.as_deref().filter(|s| !s.is_empty()) {
        let kind = RiskType::parse(kind).ok_or_else(|| AppError::validation("risk_type", "风险类型不正确。"))?;
        query = query.filter(risk_case::Column::RiskType.eq(kind.as_str()));
    }
    if let Some(within) = filter.within.as_deref().filter(|s| !s.is_empty()) {
        let unit = crate::org::OrgCode::parse(within).map_err(|_| AppError::validation("within", "范围不正确。"))?;
        query = query.filter(authz::code_prefix(risk_case::Column::OrgCode, unit.scope_prefix()));
    }
    if let Some(code) = filter.household.as_deref().filter(|s| !s.is_empty()) {
        let ids: Vec<i64> = household::Entity::find()
            .filter(household::Column::Code.eq(code))
            .all(db)
            .await?
            .into_iter()
            .map(|h| h.id)
            .collect();
        query = query.filter(risk_case::Column::HouseholdId.is_in(ids));
    }
    // Nearest deadline first: overdue cases lead.
    let paginator =
        query.order_by_asc(risk_case::Column::Deadline).order_by_desc(risk_case::Column::Id).paginate(db, 50);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page).await?;
    Ok(CasePageView { total, page, items: summaries(db, rows, today).await? })
}

/// The open cases of one household, nearest deadline first, for its page (the caller may already read
/// the household; its cases are in its unit).
pub async fn open_of_household(
    db: &DatabaseConnection,
    household_id: i64,
    today: NaiveDate,
) -> Result<Vec<CaseSummary>, AppError> {
    let rows = risk_case::Entity::find()
        .filter(risk_case::Column::HouseholdId.eq(household_id))
        .filter(risk_case::Column::Status.is_in(Status::open_codes()))
        .order_by_asc(risk_case::Column::Deadline)
        .all(db)
        .await?;
    summaries(db, rows, today).await
}

/// Take a lifecycle step on a case in the caller's transaction (the case is read again inside it, so
/// two people acting at once cannot both move it): the new status and deadline, its event and audit record.
pub(crate) async fn take_step<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    acting: &authz::Acting<'_>,
    case_id: i64,
    action: &lifecycle::Action,
    policy: &crate::policy::Policy,
) -> Result<(), AppError> {
    let authz::Acting { actor, user_id, roles } = *acting;
    let today = beijing_date(now);
    let row = risk_case::Entity::find_by_id(case_id).one(tx).await?.ok_or(AppError::NotFound)?;
    let current =
        CaseState { status: status_of(&row)?, deadline: row.deadline, registered_on: beijing_date(row.created_at) };
    let next = lifecycle::transition(&current, action, roles, row.owner_user_id == user_id, today, policy)?;
    let mut active = row.clone().into_active_model();
    active.status = Set(next.status.as_str().into());
    active.deadline = Set(next.deadline);
    active.updated_at = Set(now);
    active.closed_at = Set(if next.status.is_open() { None } else { Some(now) });
    active.update(tx).await?;
    let deadline_changed = (next.deadline != current.deadline).then_some(next.deadline);
    let step = Step {
        case_id: row.id,
        org_code: &row.org_code,
        action: action.code(),
        from: Some(current.status),
        to: next.status,
        note: action.note(),
        deadline: deadline_changed,
        audit_action: "case.step",
        changes: json!({ "step": action_label(action.code()),
            "before": { "status": current.status.label(), "deadline": current.deadline },
            "after": { "status": next.status.label(), "deadline": next.deadline }, "note": action.note() }),
    };
    record(tx, step, actor, user_id, now).await?;
    Ok(())
}

/// One case with its history and the steps open to the caller.
pub async fn get(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<CaseDetail, AppError> {
    let row = in_scope(db, now, ctx, id, Action::ReadHousehold).await?;
    let caller = ctx.caller()?;
    let status = status_of(&row)?;
    let roles = authz::roles_over(ctx.caller()?, &row.org_code);
    let is_owner = row.owner_user_id == caller.user_id;
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &row.org_code, today.year()).await.ok();
    let state = CaseState { status, deadline: row.deadline, registered_on: beijing_date(row.created_at) };
    // A step is offered when the caller's roles allow it (the content of the form is checked on submit).
    let next_actions = lifecycle::next_actions(status)
        .iter()
        .filter(|code| {
            let probe = lifecycle::ActionForm {
                action: code.to_string(),
                note: "—".into(),
                deadline: (today + Duration::days(30)).to_string(),
            };
            match (probe.parse(), policy.as_ref()) {
                (Ok(action), Some(p)) => {
                    lifecycle::transition(&state, &action, &roles, is_owner, today, &p.policy).is_ok()
                }
                _ => false,
            }
        })
        .map(|c| c.to_string())
        .collect();
    let events = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(row.id))
        .order_by_asc(case_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| CaseEventView {
            id: e.id,
            action_label: action_label(&e.action).into(),
            action: e.action,
            status_label: Status::parse(&e.to_status).map(Status::label).unwrap_or_default().into(),
            note: e.note,
            deadline: e.deadline,
            actor: e.actor_name,
            at: e.at,
        })
        .collect();
    let (department, responsible_person, found_by_unit) =
        (row.department.clone(), row.responsible_person.clone(), row.found_by_unit);
    let measures =
        measures_where(db, Condition::all().add(entities::assistance_measure::Column::CaseId.eq(row.id))).await?;
    let may_work_measures = may_work_measures(status, &roles, is_owner);
    let evidence = crate::evidence::listing::of_case(db, caller, row.id).await?;
    let may_attach = authz::authorize(caller, Action::EditHousehold, &row.org_code).is_ok();
    let summary = summaries(db, vec![row], today).await?.pop().ok_or(AppError::NotFound)?;
    Ok(CaseDetail {
        summary,
        department,
        responsible_person,
        found_by_unit,
        next_actions,
        measures,
        may_work_measures,
        evidence,
        may_attach,
        events,
    })
}

/// Take a step on a case.
pub async fn act(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    form: &lifecycle::ActionForm,
) -> Result<(), AppError> {
    let row = in_scope(db, now, ctx, id, Action::ReadHousehold).await?;
    let action = form.parse()?;
    let caller = ctx.caller()?;
    let roles = authz::roles_over(caller, &row.org_code);
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &row.org_code, today.year()).await?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let acting = authz::Acting { actor: &actor, user_id: caller.user_id, roles: &roles };
    take_step(&tx, now, &acting, row.id, &action, &policy.policy).await?;
    tx.commit().await?;
    Ok(())
}

/// Hand cases to another owner, keeping the history: one case, or every open case of one owner in the
/// caller's units (a contact leaves, villages merge). Returns how many moved.
pub async fn reassign(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &super::ReassignForm,
) -> Result<u64, AppError> {
    let caller = ctx.caller()?;
    let parse_user = |field: &str, text: &str| {
        text.trim().parse::<i64>().map_err(|_| AppError::validation(field, "请从列表中选择人员。"))
    };
    let to = parse_user("to_user_id", &form.to_user_id)?;
    let reason = form.reason.trim().to_string();
    if reason.is_empty() {
        return Err(AppError::validation("reason", "请写明更换责任人的原因。"));
    }
    let cases: Vec<risk_case::Model> = match form.case_id.trim() {
        "" => {
            let from = parse_user("from_user_id", &form.from_user_id)?;
            let Some(scope) = authz::scope_condition(caller, Action::AssignCadres, risk_case::Column::OrgCode) else {
                return Err(AppError::Forbidden);
            };
            let open: Vec<&str> = Status::open_codes();
            risk_case::Entity::find()
                .filter(scope)
                .filter(risk_case::Column::OwnerUserId.eq(from))
                .filter(risk_case::Column::Status.is_in(open))
                .order_by_asc(risk_case::Column::Id)
                .all(db)
                .await?
        }
        id => {
            let id = id.parse().map_err(|_| AppError::NotFound)?;
            let row = in_scope(db, now, ctx, id, Action::ReadHousehold).await?;
            authz::check(db, now, ctx, Action::AssignCadres, &row.org_code).await?;
            vec![row]
        }
    };
    if cases.is_empty() {
        return Err(AppError::validation("from_user_id", "所选人员在您负责的范围内没有未办结的案件。"));
    }
    let mut eligible: HashMap<String, bool> = HashMap::new();
    for c in &cases {
        let ok = match eligible.get(&c.org_code) {
            Some(ok) => *ok,
            None => {
                let ok = crate::households::register::candidates(db, &c.org_code, Action::OwnCase.roles())
                    .await?
                    .iter()
                    .any(|o| o.user_id == to);
                eligible.insert(c.org_code.clone(), ok);
                ok
            }
        };
        if !ok {
            return Err(AppError::validation(
                "to_user_id",
                "新责任人不能负责其中部分案件所在的村组，请另选或分批更换。",
            ));
        }
    }
    let names: HashMap<i64, String> =
        app_user::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let mut moved = 0;
    for c in cases {
        if c.owner_user_id == to {
            continue;
        }
        let status = status_of(&c)?;
        let note = format!("责任人由{}改为{}：{reason}", name(c.owner_user_id), name(to));
        let mut active = c.clone().into_active_model();
        active.owner_user_id = Set(to);
        active.updated_at = Set(now);
        active.update(&tx).await?;
        let step = Step {
            case_id: c.id,
            org_code: &c.org_code,
            action: "reassign",
            from: Some(status),
            to: status,
            note: &note,
            deadline: None,
            audit_action: "case.reassigned",
            changes: json!({ "before": { "owner_user_id": c.owner_user_id }, "after": { "owner_user_id": to }, "reason": reason }),
        };
        record(&tx, step, &actor, caller.user_id, now).await?;
        let notice = Notice {
            category: NoticeCategory::Assignment,
            title: format!("案件改由您办理：#{}", c.id),
            body: format!(
                "{note}。案件：{}，期限 {}。",
                c.description.chars().take(80).collect::<String>(),
                c.deadline
            ),
            link: format!("/cases/{}", c.id),
            dedupe: None,
        };
        notify(&tx, now, &[to], &notice).await?;
        moved += 1;
    }
    tx.commit().await?;
    Ok(moved)
}

/// Everyone who may own cases in the caller's units: the owner roles held in a unit within the caller's
/// scope (the reassignment forms offer them; the server checks each case's unit on submit).
pub async fn owners(
    db: &DatabaseConnection,
    ctx: &RequestContext,
) -> Result<Vec<crate::households::CadreOption>, AppError> {
    let caller = ctx.caller()?;
    let Some(scope) = authz::scope_condition(caller, Action::ReadHousehold, org_unit::Column::Code) else {
        return Ok(Vec::new());
    };
    let units: HashMap<i64, org_unit::Model> =
        org_unit::Entity::find().filter(scope).all(db).await?.into_iter().map(|u| (u.id, u)).collect();
    let roles: Vec<&str> = Action::OwnCase.roles().iter().map(|r| r.as_str()).collect();
    let grants = entities::user_role::Entity::find()
        .filter(entities::user_role::Column::Role.is_in(roles))
        .filter(entities::user_role::Column::OrgUnitId.is_in(units.keys().copied().collect::<Vec<_>>()))
        .all(db)
        .await?;
    let users: HashMap<i64, app_user::Model> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(grants.iter().map(|g| g.user_id).collect::<Vec<_>>()))
        .filter(app_user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut out: Vec<crate::households::CadreOption> = Vec::new();
    for g in grants {
        let (Some(user), Some(unit), Some(role)) =
            (users.get(&g.user_id), units.get(&g.org_unit_id), Role::parse(&g.role))
        else {
            continue;
        };
        if !out.iter().any(|o| o.user_id == user.id) {
            out.push(crate::households::CadreOption {
                user_id: user.id,
                label: format!("{}（{} · {}）", user.display_name, unit.name, role.label()),
            });
        }
    }
    out.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(out)
}

/// The caller's case counts: open and overdue of their own, due within a week, overdue in scope.
pub async fn counts(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
) -> Result<super::CaseCounts, AppError> {
    let caller = ctx.caller()?;
    let today = beijing_date(now);
    let Some(scope) = authz::scope_condition(caller, Action::ReadHousehold, risk_case::Column::OrgCode) else {
        return Ok(super::CaseCounts::default());
    };
    let open: Vec<&str> = Status::open_codes();
    let open_in_scope =
        || risk_case::Entity::find().filter(scope.clone()).filter(risk_case::Column::Status.is_in(open.clone()));
    let mine = || open_in_scope().filter(risk_case::Column::OwnerUserId.eq(caller.user_id));
    Ok(super::CaseCounts {
        mine_open: mine().count(db).await?,
        mine_overdue: mine().filter(risk_case::Column::Deadline.lt(today)).count(db).await?,
        due_week: open_in_scope()
            .filter(risk_case::Column::Deadline.gte(today))
            .filter(risk_case::Column::Deadline.lte(today + Duration::days(7)))
            .count(db)
            .await?,
        overdue: open_in_scope().filter(risk_case::Column::Deadline.lt(today)).count(db).await?,
    })
}

/// Whether the caller may add or change a case's measures now.
fn may_work_measures(status: Status, roles: &[Role], is_owner: bool) -> bool {
    matches!(status, Status::Assisting | Status::Rectifying)
        && crate::permissions::Step::CaseMeasures.allowed(roles, is_owner)
}

fn measure_view(m: entities::assistance_measure::Model) -> Result<MeasureView, AppError> {
    let category =
        Category::parse(&m.category).ok_or_else(|| AppError::internal(format!("measure {} category", m.id)))?;
    let status =
        MeasureStatus::parse(&m.status).ok_or_else(|| AppError::internal(format!("measure {} status", m.id)))?;
    Ok(MeasureView {
        id: m.id,
        case_id: m.case_id,
        category,
        category_label: category.label().into(),
        description: m.description,
        responsible_person: m.responsible_person,
        start_on: m.start_on,
        end_on: m.end_on,
        status,
        status_label: status.label().into(),
    })
}

/// The measures matching a condition, oldest first.
pub async fn measures_where(db: &DatabaseConnection, condition: Condition) -> Result<Vec<MeasureView>, AppError> {
    entities::assistance_measure::Entity::find()
        .filter(condition)
        .order_by_asc(entities::assistance_measure::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(measure_view)
        .collect()
}

/// Add a measure to a case, or change one (its status above all), while the case is being assisted.
pub async fn save_measure(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    case_id: i64,
    form: &MeasureForm,
) -> Result<(), AppError> {
    use entities::assistance_measure as measure;
    let row = in_scope(db, now, ctx, case_id, Action::ReadHousehold).await?;
    let caller = ctx.caller()?;
    let fields = form.parse()?;
    let status = status_of(&row)?;
    if !may_work_measures(status, &authz::roles_over(ctx.caller()?, &row.org_code), row.owner_user_id == caller.user_id)
    {
        return Err(AppError::Conflict(format!(
            "帮扶措施在案件“已纳入帮扶”或“整改中”时由责任人、村干部或镇街工作人员填写；案件当前为“{}”。",
            status.label()
        )));
    }
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let existing = match form.measure_id.trim() {
        "" => None,
        id => Some(
            measure::Entity::find_by_id(id.parse::<i64>().map_err(|_| AppError::NotFound)?)
                .filter(measure::Column::CaseId.eq(row.id))
                .one(&tx)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
    };
    let before = existing.clone().map(measure_view).transpose()?;
    let mut active = match existing {
        Some(m) => m.into_active_model(),
        None => measure::ActiveModel {
            case_id: Set(row.id),
            household_id: Set(row.household_id),
            org_code: Set(row.org_code.clone()),
            created_by: Set(caller.user_id),
            created_at: Set(now),
            ..Default::default()
        },
    };
    active.category = Set(fields.category.as_str().into());
    active.description = Set(fields.description.clone());
    active.responsible_person = Set(fields.responsible_person.clone());
    active.start_on = Set(fields.start_on);
    active.end_on = Set(fields.end_on);
    active.status = Set(fields.status.as_str().into());
    active.updated_at = Set(now);
    let saved = measure_view(active.save(&tx).await?.try_into_model()?)?;
    let note = match &before {
        None => format!("新增措施：{} — {}（{}）", fields.category.label(), fields.description, fields.status.label()),
        Some(b) => format!("措施“{}”：{} → {}", fields.description, b.status_label, saved.status_label),
    };
    let step = Step {
        case_id: row.id,
        org_code: &row.org_code,
        action: "measure",
        from: Some(status),
        to: status,
        note: &note,
        deadline: None,
        audit_action: "case.measure_saved",
        changes: json!({ "before": before, "after": saved }),
    };
    record(&tx, step, &actor, caller.user_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The cases of a list (every page) as an .xlsx file; the download is audited.
pub async fn export(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    filter: &CaseFilter,
) -> Result<crate::excel::workbook::ExportFile, AppError> {
    const COLUMNS: [(&str, f64); 12] = [
        ("序号", 6.0),
        ("案件编号", 9.0),
        ("户主", 10.0),
        ("户编号", 20.0),
        ("所在村组", 16.0),
        ("风险类型", 14.0),
        ("来源", 14.0),
        ("红色预警", 9.0),
        ("状态", 11.0),
        ("责任人", 10.0),
        ("期限", 12.0),
        ("情况描述", 48.0),
    ];
    let mut table = Vec::new();
    let mut page = 0;
    loop {
        let result = list(db, now, ctx, filter, page).await?;
        let done = result.items.is_empty() || (page + 1) * 50 >= result.total;
        for c in result.items {
            table.push(vec![
                c.id.to_string(),
                c.household_head.unwrap_or_default(),
                c.household_code.unwrap_or_default(),
                c.org_name,
                c.risk_type_label,
                c.source_label,
                if c.red_alert { "是" } else { "否" }.into(),
                c.status_label,
                c.owner_name,
                format!("{}{}", c.deadline, if c.overdue { "（已逾期）" } else { "" }),
                c.description,
            ]);
        }
        if done {
            break;
        }
        page += 1;
    }
    let today = beijing_date(now);
    let heading = format!("风险案件清单（{today}）");
    let bytes = crate::excel::workbook::workbook_bytes("风险案件", &heading, &COLUMNS, &table, "（无符合条件的案件）")?;
    let tx = begin_write(db).await?;
    audit::append(
        &tx,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "export.downloaded",
            entity_type: "cases",
            entity_id: filter.view.clone().unwrap_or_default(),
            org_code: None,
            changes: json!({ "name": "风险案件清单", "rows": table.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(crate::excel::workbook::ExportFile {
        file_name: format!("风险案件清单-{}.xlsx", today.format("%Y%m%d")),
        rows: table.len(),
        bytes,
    })
}
