//! Reading cases: the lists, one case with its history, the owners a case may get and the home page's
//! counts.

use super::plan::{may_work_measures, measures_where};
use super::{in_scope, status_of};
use crate::authz::{self, Action};
use crate::cases::lifecycle::{self, CaseState, Status, action_label, is_overdue};
use crate::cases::{CaseDetail, CaseEventView, CaseFilter, CasePageView, CaseSummary, RiskType, Source};
use crate::error::AppError;
use crate::permissions::Role;
use crate::request::RequestContext;
use crate::time::beijing_date;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use entities::{app_user, case_event, household, org_unit, risk_case};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

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
    let supervised = row.source == crate::cases::Source::Supervision.as_str();
    let state = CaseState { status, deadline: row.deadline, registered_on: beijing_date(row.created_at), supervised };
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
    let rectifies = if supervised { rectified_finding(db, row.id).await? } else { None };
    let checked =
        if row.source == crate::cases::Source::CrossCheck.as_str() { checked_problem(db, row.id).await? } else { None };
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
        rectifies,
        checked,
    })
}

/// The cross-check problem a case was handed over for, with its check and the sheet that found it.
async fn checked_problem(
    db: &DatabaseConnection,
    case_id: i64,
) -> Result<Option<crate::cases::CheckedProblem>, AppError> {
    use entities::{cross_check, cross_check_finding, cross_check_sheet};
    let Some(finding) =
        cross_check_finding::Entity::find().filter(cross_check_finding::Column::CaseId.eq(case_id)).one(db).await?
    else {
        return Ok(None);
    };
    let check = cross_check::Entity::find_by_id(finding.check_id).one(db).await?.ok_or(AppError::NotFound)?;
    let sheet = cross_check_sheet::Entity::find_by_id(finding.sheet_id).one(db).await?.ok_or(AppError::NotFound)?;
    Ok(Some(crate::cases::CheckedProblem {
        check_title: check.title,
        problem: finding.title,
        unit_id: sheet.unit_id,
        found_on: sheet.visited_on,
    }))
}

/// The supervision finding a case rectifies, with its round's title.
async fn rectified_finding(
    db: &DatabaseConnection,
    case_id: i64,
) -> Result<Option<crate::cases::RectifiedFinding>, AppError> {
    use entities::{supervision_finding, supervision_round};
    let Some(finding) =
        supervision_finding::Entity::find().filter(supervision_finding::Column::CaseId.eq(case_id)).one(db).await?
    else {
        return Ok(None);
    };
    let round = supervision_round::Entity::find_by_id(finding.round_id).one(db).await?.ok_or(AppError::NotFound)?;
    Ok(Some(crate::cases::RectifiedFinding {
        round_id: round.id,
        finding_id: finding.id,
        round_title: round.title,
        item: finding.item,
        found_on: finding.found_on,
    }))
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
) -> Result<crate::cases::CaseCounts, AppError> {
    let caller = ctx.caller()?;
    let today = beijing_date(now);
    let Some(scope) = authz::scope_condition(caller, Action::ReadHousehold, risk_case::Column::OrgCode) else {
        return Ok(crate::cases::CaseCounts::default());
    };
    let open: Vec<&str> = Status::open_codes();
    let open_in_scope =
        || risk_case::Entity::find().filter(scope.clone()).filter(risk_case::Column::Status.is_in(open.clone()));
    let mine = || open_in_scope().filter(risk_case::Column::OwnerUserId.eq(caller.user_id));
    Ok(crate::cases::CaseCounts {
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
