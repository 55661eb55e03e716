//! Recording a visit in one transaction: its checklist becomes assessments, its finance the household's
//! income record, its problems open cases. Then reading a visit, its addenda and a household's visits.

use super::Loaded;
use super::in_scope;
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::cases::{RiskType, Source};
use crate::db::begin_write;
use crate::error::AppError;
use crate::households::IncomeForm;
use crate::policy::Policy;
use crate::request::RequestContext;
use crate::risk::{AssessmentStatus, SecurityItem};
use crate::time::{beijing_date, beijing_time};
use crate::visits::schedule::{self, Standing};
use crate::visits::{
    AddendumView, ChecklistAnswer, Mode, NewVisit, Problem, VisitForm, VisitStart, VisitSummary, VisitView,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, visit, visit_addendum};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The 两不愁三保障 item a risk type is about, if it is one of them.
fn item_of(risk: RiskType) -> Option<SecurityItem> {
    match risk {
        RiskType::Food => Some(SecurityItem::Food),
        RiskType::Clothing => Some(SecurityItem::Clothing),
        RiskType::Education => Some(SecurityItem::Education),
        RiskType::Medical => Some(SecurityItem::Medical),
        RiskType::Housing => Some(SecurityItem::Housing),
        RiskType::Water => Some(SecurityItem::Water),
        _ => None,
    }
}

/// The policy in force for a household's unit this year (a unit without one cannot schedule visits).
pub(super) async fn policy_for<C: ConnectionTrait>(
    db: &C,
    cache: &mut HashMap<String, Option<Policy>>,
    org_code: &str,
    year: i32,
) -> Result<Option<Policy>, AppError> {
    if let Some(found) = cache.get(org_code) {
        return Ok(found.clone());
    }
    let policy = match crate::policy::service::effective(db, org_code, year).await {
        Ok(view) => Some(view.policy),
        Err(AppError::Conflict(_)) => None,
        Err(e) => return Err(e),
    };
    cache.insert(org_code.to_string(), policy.clone());
    Ok(policy)
}

/// The category names a sweep may place a household in.
fn ledger_classes(policy: &Policy) -> Vec<String> {
    policy.categories.iter().map(|c| c.name.clone()).collect()
}

/// The form to record a visit of a household, pre-filled from what the system holds.
pub async fn start(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<VisitStart, AppError> {
    let household = crate::households::service::in_scope(db, now, ctx, code, Action::RecordVisit).await?;
    let detail = crate::households::service::reading::get(db, now, ctx, code).await?;
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &household.org_code, today.year()).await?.policy;
    let income = detail
        .latest_income
        .as_ref()
        .map(IncomeForm::from_record)
        .unwrap_or_else(|| IncomeForm { year: (today.year() - 1).to_string(), ..Default::default() });
    let in_season = schedule::sweep_season(today.year(), &policy).contains(today);
    let form = VisitForm {
        household: household.code.clone(),
        visitor: ctx.caller()?.user_id.to_string(),
        visited_on: today.to_string(),
        mode: Mode::InPerson.as_str().into(),
        sweep: in_season.then(|| "on".into()),
        income,
        ledger_class: if in_season {
            suggested_ledger_class(db, &household, &policy, today).await?
        } else {
            String::new()
        },
        acknowledgement: crate::visits::Acknowledgement::Signed.as_str().into(),
        acknowledged_by: household.head_name.clone(),
        ..Default::default()
    };
    let loaded = Loaded::read(db, Condition::all().add(household::Column::Id.eq(household.id)), today).await?;
    let subject = loaded.subject(&household, &policy);
    let duties = schedule::rules(&subject, &policy)
        .iter()
        .filter(|rule| {
            let seen = loaded.seen_of(household.id);
            matches!(
                schedule::standing(rule, &subject, &policy, seen, today),
                Some(Standing::Due | Standing::Overdue { .. })
            )
        })
        .map(|rule| rule.label.clone())
        .collect();
    let caller = ctx.caller()?.user_id;
    let mut visitors = visitors(db, &household).await?;
    visitors.sort_by_key(|c| c.user_id != caller);
    Ok(VisitStart {
        visitors,
        household_code: household.code,
        head_name: household.head_name,
        address: household.address,
        org_name: detail.summary.org_name,
        form,
        last_answers: detail.assessments,
        ledger_classes: ledger_classes(&policy),
        duties,
        sweep_season: in_season,
    })
}

/// Who may be named as a household's visitor: the people who may record a visit over it.
pub(super) async fn visitors(
    db: &DatabaseConnection,
    household: &household::Model,
) -> Result<Vec<crate::households::CadreOption>, AppError> {
    crate::households::register::candidates(db, &household.org_code, Action::RecordVisit.roles()).await
}

/// The ledger a sweep would place the household in from its evaluation: its formal class, else the one
/// category of the policy that fits a monitoring object (or a warning household). Where several fit
/// (脱贫不稳定户, 边缘易致贫户, ...), the evaluation cannot tell which: none is suggested and the visitor chooses.
async fn suggested_ledger_class(
    db: &DatabaseConnection,
    household: &household::Model,
    policy: &Policy,
    today: NaiveDate,
) -> Result<String, AppError> {
    if let Some(class) = household.monitoring_class.clone().filter(|c| policy.category(c).is_some()) {
        return Ok(class);
    }
    let mut policies = HashMap::new();
    let evaluated =
        crate::households::service::evaluation::evaluate_batch(db, &[household.id], today, &mut policies).await?;
    let Some(evaluation) = evaluated.into_iter().next().and_then(|e| e.evaluation) else {
        return Ok(String::new());
    };
    let pick = |monitored: bool| {
        let mut fitting = policy.categories.iter().filter(|c| c.monitored == monitored && c.visit_every.is_routine());
        match (fitting.next(), fitting.next()) {
            (Some(only), None) => Some(only.name.clone()),
            _ => None,
        }
    };
    Ok(if evaluation.monitoring_object {
        pick(true)
    } else if evaluation.warning_object {
        pick(false)
    } else {
        None
    }
    .unwrap_or_default())
}

/// Record a visit; returns its id. The checklist becomes the household's assessments, changed income
/// figures replace its income record for their year, each problem marked for it opens a case, and the
/// household is re-evaluated: all in one transaction with one audit record of the visit.
pub async fn record(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &VisitForm,
) -> Result<i64, AppError> {
    let household =
        crate::households::service::in_scope(db, now, ctx, form.household.trim(), Action::RecordVisit).await?;
    let caller = ctx.caller()?;
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &household.org_code, today.year()).await?.policy;
    let mut visit = form.parse(today, &ledger_classes(&policy))?;
    let visitor = named_visitor(db, caller.user_id, &household, &form.visitor).await?;
    let recorded_by = (visitor != caller.user_id).then_some(caller.user_id);
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    for (item, status, note) in &visit.checklist {
        crate::households::service::write_assessment(
            &tx,
            now,
            visitor,
            household.id,
            (*item, *status, note),
            visit.visited_on,
        )
        .await?;
    }
    // Figures as pre-filled change nothing, and the visit then names no income year.
    if let Some(income) = &visit.income
        && !crate::households::service::write_income(&tx, now, &actor, &household, income).await?
    {
        visit.income = None;
    }
    open_cases(&tx, now, &actor, &household, &policy, &mut visit).await?;
    let row = keep_visit(&tx, now, &actor, &household, (visitor, recorded_by), &visit).await?;
    crate::households::service::evaluation::reevaluate(&tx, &[household.id], now).await?;
    tx.commit().await?;
    Ok(row.id)
}

/// Who made the visit: the one named on the form if they may visit the household (a paper sheet may be
/// typed in by someone else, who is then kept as its typist), else the caller.
async fn named_visitor(
    db: &DatabaseConnection,
    caller: i64,
    household: &household::Model,
    named: &str,
) -> Result<i64, AppError> {
    Ok(match named.trim().parse::<i64>() {
        Err(_) => caller,
        Ok(id) if id == caller => id,
        Ok(id) if visitors(db, household).await?.iter().any(|c| c.user_id == id) => id,
        Ok(_) => return Err(AppError::validation("visitor", "走访人应为能走访该户的干部，请从列表中选择。")),
    })
}

/// Keep the visit (by its visitor, typed in by `recorded_by` if someone else) with its audit record.
async fn keep_visit<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    household: &household::Model,
    (visitor, recorded_by): (i64, Option<i64>),
    visit: &NewVisit,
) -> Result<visit::Model, AppError> {
    let row = visit::ActiveModel {
        household_id: Set(household.id),
        org_code: Set(household.org_code.clone()),
        visited_on: Set(visit.visited_on),
        mode: Set(visit.mode.as_str().into()),
        sweep: Set(visit.sweep),
        visitor_user_id: Set(visitor),
        companions: Set(visit.companions.clone()),
        checklist: Set(checklist_json(visit).to_string()),
        finance_note: Set(visit.finance_note.clone()),
        income_year: Set(visit.income.as_ref().map(|i| i.year)),
        problems: Set(problems_json(visit).to_string()),
        assistance: Set(visit.assistance.clone()),
        ledger_class: Set(visit.ledger_class.clone()),
        acknowledgement: Set(visit.acknowledgement.as_str().into()),
        acknowledged_by: Set(visit.acknowledged_by.clone()),
        recorded_by: Set(recorded_by),
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
            action: "visit.recorded",
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "after": {
                "visit_id": row.id,
                "visitor_user_id": visitor,
                "visited_on": visit.visited_on,
                "mode": visit.mode.label(),
                "sweep": visit.sweep,
                "checklist": checklist_json(visit),
                "finance_note": visit.finance_note,
                "income_year": visit.income.as_ref().map(|i| i.year),
                "problems": problems_json(visit),
                "assistance": visit.assistance,
                "ledger_class": visit.ledger_class,
                "acknowledgement": visit.acknowledgement.label(),
                "acknowledged_by": visit.acknowledged_by,
            } }),
        },
    )
    .await?;
    Ok(row)
}

fn checklist_json(visit: &NewVisit) -> Value {
    visit.checklist.iter().map(|(item, status, note)| json!({ "item": item, "status": status, "note": note })).collect()
}

fn problems_json(visit: &NewVisit) -> Value {
    serde_json::to_value(visit.problems.iter().map(|(p, _)| p).collect::<Vec<_>>()).unwrap_or_default()
}

/// Open a case for each problem marked for one (source: the visit), owned by the household's contact.
async fn open_cases<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    household: &household::Model,
    policy: &Policy,
    visit: &mut NewVisit,
) -> Result<(), AppError> {
    if !visit.problems.iter().any(|(_, open)| *open) {
        return Ok(());
    }
    let calendar = crate::calendar::service::load(tx).await?;
    let deadline = crate::cases::lifecycle::initial_deadline(beijing_date(now), None, &calendar, policy)?;
    let mut owners = HashMap::new();
    let owner = match household.contact_user_id {
        Some(contact) => contact,
        None => crate::cases::service::opening::default_owner(tx, &mut owners, &household.org_code)
            .await?
            .or(actor.user_id)
            .ok_or_else(|| AppError::internal("a visit without a visitor"))?,
    };
    let failed: Vec<SecurityItem> = visit
        .checklist
        .iter()
        .filter(|(_, status, _)| *status == AssessmentStatus::Failed)
        .map(|(item, ..)| *item)
        .collect();
    for (problem, open) in visit.problems.iter_mut() {
        if !*open {
            continue;
        }
        let description = format!("{}走访发现：{}", visit.visited_on, problem.description);
        let id = crate::cases::service::opening::open(
            tx,
            now,
            actor,
            crate::cases::service::opening::Opening {
                household: Some(household),
                org_code: &household.org_code,
                source: Source::Visit,
                risk_type: problem.risk_type,
                red_alert: item_of(problem.risk_type).is_some_and(|item| failed.contains(&item)),
                description: &description,
                owner,
                department: "",
                responsible_person: "",
                deadline,
                status: crate::cases::Status::PendingVerification,
                notify_owner: true,
            },
        )
        .await?;
        problem.case_id = Some(id);
    }
    Ok(())
}

/// A saved visit with its addenda.
pub async fn get(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<VisitView, AppError> {
    let row = in_scope(db, now, ctx, id, Action::ReadHousehold).await?;
    let household = household::Entity::find_by_id(row.household_id).one(db).await?.ok_or(AppError::NotFound)?;
    let addenda = visit_addendum::Entity::find()
        .filter(visit_addendum::Column::VisitId.eq(row.id))
        .order_by_asc(visit_addendum::Column::Id)
        .all(db)
        .await?;
    let names = crate::users::service::display_names(
        db,
        addenda.iter().map(|a| a.created_by).chain([row.visitor_user_id]).chain(row.recorded_by),
    )
    .await?;
    let units = crate::org::service::display_names(db, vec![row.org_code.clone()]).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let broken = |what: &str| AppError::internal(format!("visit {} has a broken {what}", row.id));
    Ok(VisitView {
        id: row.id,
        household_code: household.code,
        head_name: household.head_name,
        address: household.address,
        org_name: units.get(&row.org_code).cloned().unwrap_or_default(),
        visited_on: row.visited_on,
        mode: Mode::parse(&row.mode).ok_or_else(|| broken("mode"))?,
        sweep: row.sweep,
        visitor: name(row.visitor_user_id),
        recorded_by: row.recorded_by.map(name),
        companions: row.companions,
        checklist: serde_json::from_str::<Vec<ChecklistAnswer>>(&row.checklist).map_err(|_| broken("checklist"))?,
        finance_note: row.finance_note,
        income_year: row.income_year,
        problems: serde_json::from_str::<Vec<Problem>>(&row.problems).map_err(|_| broken("problem list"))?,
        assistance: row.assistance,
        ledger_class: row.ledger_class,
        acknowledgement: crate::visits::Acknowledgement::parse(&row.acknowledgement)
            .ok_or_else(|| broken("acknowledgement"))?,
        acknowledged_by: row.acknowledged_by,
        recorded_at: beijing_time(row.created_at),
        addenda: addenda
            .into_iter()
            .map(|a| AddendumView { at: beijing_time(a.created_at), by: name(a.created_by), text: a.text })
            .collect(),
        photos: crate::evidence::listing::of_visit(db, ctx.caller()?, row.id).await?,
        may_amend: authz::authorize(ctx.caller()?, Action::RecordVisit, &row.org_code).is_ok(),
    })
}

/// Add a dated addendum to a saved visit (the record itself never changes).
pub async fn amend(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    text: &str,
) -> Result<(), AppError> {
    let row = in_scope(db, now, ctx, id, Action::RecordVisit).await?;
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::validation("text", "请填写补充说明。"));
    }
    if text.chars().count() > 1000 {
        return Err(AppError::validation("text", "补充说明不超过 1000 字。"));
    }
    let caller = ctx.caller()?;
    let household = household::Entity::find_by_id(row.household_id).one(db).await?.ok_or(AppError::NotFound)?;
    let tx = begin_write(db).await?;
    let addendum = visit_addendum::ActiveModel {
        visit_id: Set(row.id),
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
        Entry {
            action: "visit.amended",
            entity_type: "household",
            entity_id: household.code,
            org_code: Some(row.org_code.clone()),
            changes: json!({ "after": { "visit_id": row.id, "addendum_id": addendum.id, "text": text } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The visits of a household, newest first.
pub async fn of_household(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<Vec<VisitSummary>, AppError> {
    let household = crate::households::service::in_scope(db, now, ctx, code, Action::ReadHousehold).await?;
    let rows = visit::Entity::find()
        .filter(visit::Column::HouseholdId.eq(household.id))
        .order_by_desc(visit::Column::VisitedOn)
        .order_by_desc(visit::Column::Id)
        .all(db)
        .await?;
    let names = crate::users::service::display_names(db, rows.iter().map(|v| v.visitor_user_id)).await?;
    rows.into_iter()
        .map(|v| {
            let problems: Vec<Problem> = serde_json::from_str(&v.problems)
                .map_err(|_| AppError::internal(format!("visit {} has a broken problem list", v.id)))?;
            Ok(VisitSummary {
                id: v.id,
                visited_on: v.visited_on,
                mode: Mode::parse(&v.mode).unwrap_or(Mode::InPerson),
                sweep: v.sweep,
                visitor: names.get(&v.visitor_user_id).cloned().unwrap_or_default(),
                cases: problems.iter().filter(|p| p.case_id.is_some()).count(),
                problems: problems.len(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_two_worries_three_guarantees_risks_map_to_checklist_items() {
        assert_eq!(item_of(RiskType::Housing), Some(SecurityItem::Housing));
        assert_eq!(item_of(RiskType::Illness), None);
    }
}
