//! Visits kept in the database: recording a visit (its checklist becomes assessments, its finance
//! changes the household's income record, its problems open cases, all in one transaction), addenda,
//! and the schedule read from the register: "my visits", unit coverage and the sweep's ledgers.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, org_unit, user_role, visit, visit_addendum};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{Value, json};

use super::schedule::{self, Coverage, Duty, Rule, Seen, Standing, Subject};
use super::{
    AddendumView, ChecklistAnswer, CoverageCounts, CoverageGap, CoverageRow, CoverageView, DueVisit, Ledger,
    LedgerEntry, Mode, MyVisits, NewVisit, Problem, SweepView, VisitForm, VisitStart, VisitSummary, VisitView,
};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::cases::{RiskType, Source};
use crate::db::begin_write;
use crate::error::AppError;
use crate::excel::workbook::{ExportFile, workbook_bytes};
use crate::households::{IncomeForm, MonitoringStatus};
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Role;
use crate::policy::Policy;
use crate::request::RequestContext;
use crate::risk::{AssessmentStatus, SecurityItem};
use crate::time::{beijing_date, beijing_time};

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
async fn policy_for<C: ConnectionTrait>(
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
    let detail = crate::households::service::get(db, now, ctx, code).await?;
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
        acknowledgement: super::Acknowledgement::Signed.as_str().into(),
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
async fn visitors(
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
    let evaluated = crate::households::service::evaluate_batch(db, &[household.id], today, &mut policies).await?;
    let Some(evaluation) = evaluated.into_iter().next().and_then(|e| e.evaluation) else {
        return Ok(String::new());
    };
    let pick = |monitored: bool| {
        let mut fitting = policy.categories.iter().filter(|c| c.monitored == monitored && c.visit_every_months < 12);
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
    // A paper sheet may be typed in by someone else: the visitor is named, the typist kept.
    let visitor = match form.visitor.trim().parse::<i64>() {
        Err(_) => caller.user_id,
        Ok(id) if id == caller.user_id => id,
        Ok(id) if visitors(db, &household).await?.iter().any(|c| c.user_id == id) => id,
        Ok(_) => return Err(AppError::validation("visitor", "走访人应为能走访该户的干部，请从列表中选择。")),
    };
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
    let row = visit::ActiveModel {
        household_id: Set(household.id),
        org_code: Set(household.org_code.clone()),
        visited_on: Set(visit.visited_on),
        mode: Set(visit.mode.as_str().into()),
        sweep: Set(visit.sweep),
        visitor_user_id: Set(visitor),
        companions: Set(visit.companions.clone()),
        checklist: Set(checklist_json(&visit).to_string()),
        finance_note: Set(visit.finance_note.clone()),
        income_year: Set(visit.income.as_ref().map(|i| i.year)),
        problems: Set(problems_json(&visit).to_string()),
        assistance: Set(visit.assistance.clone()),
        ledger_class: Set(visit.ledger_class.clone()),
        acknowledgement: Set(visit.acknowledgement.as_str().into()),
        acknowledged_by: Set(visit.acknowledged_by.clone()),
        recorded_by: Set(recorded_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::append(
        &tx,
        &actor,
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
                "checklist": checklist_json(&visit),
                "finance_note": visit.finance_note,
                "income_year": visit.income.as_ref().map(|i| i.year),
                "problems": problems_json(&visit),
                "assistance": visit.assistance,
                "ledger_class": visit.ledger_class,
                "acknowledgement": visit.acknowledgement.label(),
                "acknowledged_by": visit.acknowledged_by,
            } }),
        },
    )
    .await?;
    crate::households::service::reevaluate(&tx, &[household.id], now).await?;
    tx.commit().await?;
    Ok(row.id)
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
        None => crate::cases::service::default_owner(tx, &mut owners, &household.org_code)
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
        let id = crate::cases::service::open(
            tx,
            now,
            actor,
            crate::cases::service::Opening {
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
                notify_owner: true,
            },
        )
        .await?;
        problem.case_id = Some(id);
    }
    Ok(())
}

/// A visit by id, if the caller may do `action` in its household's unit (out of scope answers like missing).
pub(crate) async fn in_scope(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    action: Action,
) -> Result<visit::Model, AppError> {
    let found = visit::Entity::find_by_id(id).one(db).await?;
    authz::found_in_scope(db, now, ctx, action, found, |v| &v.org_code).await
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
        acknowledgement: super::Acknowledgement::parse(&row.acknowledgement)
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

/// One run of an address: text, or a number compared as a number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum AddressPart {
    Text(String),
    Number(u64),
}

/// Route order within a villager group: by address, with house numbers in numeric order ("9号" before "10号").
fn route_key(address: &str) -> Vec<AddressPart> {
    let mut parts = Vec::new();
    let mut run = String::new();
    let mut digits = false;
    for c in address.chars() {
        if c.is_ascii_digit() != digits && !run.is_empty() {
            parts.push(if digits {
                AddressPart::Number(run.parse().unwrap_or(u64::MAX))
            } else {
                AddressPart::Text(std::mem::take(&mut run))
            });
            run.clear();
        }
        digits = c.is_ascii_digit();
        run.push(c);
    }
    if !run.is_empty() {
        parts.push(if digits { AddressPart::Number(run.parse().unwrap_or(u64::MAX)) } else { AddressPart::Text(run) });
    }
    parts
}

/// Households and their visits since the start of last year, read once for the schedule.
struct Loaded {
    households: Vec<household::Model>,
    seen: HashMap<i64, Vec<Seen>>,
    /// The ledger class in force: the latest sweep visit's placement, and its day.
    ledger: HashMap<i64, (Option<String>, NaiveDate)>,
    /// Each household's visits by id (for the sweep ledgers).
    sweeps: HashMap<i64, visit::Model>,
}

impl Loaded {
    async fn read<C: ConnectionTrait>(db: &C, condition: Condition, today: NaiveDate) -> Result<Loaded, AppError> {
        let mut households = household::Entity::find()
            .filter(condition)
            .order_by_asc(household::Column::OrgCode)
            .order_by_asc(household::Column::Code)
            .all(db)
            .await?;
        households.sort_by_cached_key(|h| (h.org_code.clone(), route_key(&h.address), h.code.clone()));
        let since = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
        let mut seen: HashMap<i64, Vec<Seen>> = HashMap::new();
        let mut ledger = HashMap::new();
        let mut sweeps = HashMap::new();
        for ids in households.iter().map(|h| h.id).collect::<Vec<_>>().chunks(500) {
            let rows = visit::Entity::find()
                .filter(visit::Column::HouseholdId.is_in(ids.to_vec()))
                .filter(visit::Column::VisitedOn.gte(since))
                .order_by_asc(visit::Column::VisitedOn)
                .order_by_asc(visit::Column::Id)
                .all(db)
                .await?;
            for v in rows {
                let Some(mode) = Mode::parse(&v.mode) else { continue };
                seen.entry(v.household_id).or_default().push(Seen {
                    on: v.visited_on,
                    mode,
                    visitor: v.visitor_user_id,
                    sweep: v.sweep,
                });
                if v.sweep {
                    ledger.insert(v.household_id, (v.ledger_class.clone(), v.visited_on));
                    if v.visited_on.year() == today.year() {
                        sweeps.insert(v.household_id, v);
                    }
                }
            }
        }
        Ok(Loaded { households, seen, ledger, sweeps })
    }

    fn seen_of(&self, household_id: i64) -> &[Seen] {
        self.seen.get(&household_id).map(Vec::as_slice).unwrap_or_default()
    }

    /// What the schedule needs of a household: the cadence of its formal class while monitored, else of
    /// the ledger the latest sweep placed it in.
    fn subject<'p>(&self, h: &household::Model, policy: &'p Policy) -> Subject<'p> {
        let formal = h.monitoring_class.as_deref().filter(|_| {
            matches!(
                MonitoringStatus::parse(&h.monitoring_status),
                Some(MonitoringStatus::Monitored | MonitoringStatus::Eliminating)
            )
        });
        let registered = beijing_date(h.created_at);
        let ledger = self.ledger.get(&h.id).and_then(|(class, on)| Some((class.as_deref()?, *on)));
        let (class, class_since) = match (formal, ledger) {
            (Some(name), _) => (Some(name), h.class_since.unwrap_or(registered)),
            (None, Some((name, on))) => (Some(name), on),
            (None, None) => (None, registered),
        };
        Subject {
            class: class.and_then(|name| policy.category(name)),
            class_since,
            liaison: h.liaison_user_id,
            liaison_since: h.liaison_since.unwrap_or(registered),
            registered,
        }
    }
}

/// The village roles a category's visitor may name, for [`VillageStaff`].
const VISITOR_ROLES: [Role; 2] = [Role::ResidentCadre, Role::InfoOfficer];

/// Each village's resident cadres and information officers (by village code): they owe the visits of
/// categories whose visitor names them.
struct VillageStaff(HashMap<String, Vec<(Role, i64)>>);

impl VillageStaff {
    async fn read<C: ConnectionTrait>(db: &C) -> Result<VillageStaff, AppError> {
        let grants = user_role::Entity::find()
            .filter(user_role::Column::Role.is_in(VISITOR_ROLES.map(|r| r.as_str())))
            .all(db)
            .await?;
        let units: HashMap<i64, String> = org_unit::Entity::find()
            .filter(org_unit::Column::Id.is_in(grants.iter().map(|g| g.org_unit_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.code))
            .collect();
        let mut staff: HashMap<String, Vec<(Role, i64)>> = HashMap::new();
        for g in grants {
            let (Some(code), Some(role)) = (units.get(&g.org_unit_id), Role::parse(&g.role)) else { continue };
            staff.entry(code.clone()).or_default().push((role, g.user_id));
        }
        Ok(VillageStaff(staff))
    }

    /// Who owes `rule` for household `h`: the 挂钩干部 their own visits; the village staff the category
    /// names its cadence (the contact where the village has none of them); the contact the sweep, and
    /// where a household has no contact, the village staff, so every rural household is swept by someone.
    fn owers(&self, rule: &Rule, subject: &Subject, h: &household::Model) -> Vec<i64> {
        let village = OrgCode::parse(&h.org_code).map(|c| c.at_level(OrgLevel::Village)).unwrap_or_default();
        let staff = |roles: &[Role]| -> Vec<i64> {
            self.0
                .get(&village)
                .into_iter()
                .flatten()
                .filter(|(role, _)| roles.contains(role))
                .map(|(_, u)| *u)
                .collect()
        };
        let contact = || h.contact_user_id.into_iter().collect::<Vec<i64>>();
        let first_of = |people: Vec<i64>, otherwise: Vec<i64>| if people.is_empty() { otherwise } else { people };
        match rule.duty {
            Duty::Liaison => h.liaison_user_id.into_iter().collect(),
            Duty::Cadence => first_of(staff(&subject.class.map(|c| c.visitor_roles()).unwrap_or_default()), contact()),
            Duty::Sweep => first_of(contact(), staff(&VISITOR_ROLES)),
        }
    }

    /// The villages where `user` is one of the staff.
    fn villages_of(&self, user: i64) -> Vec<String> {
        self.0.iter().filter(|(_, people)| people.iter().any(|(_, u)| *u == user)).map(|(v, _)| v.clone()).collect()
    }
}

/// The caller's visits today: households where they are the contact (cadence and sweep), the village
/// staff a category's visitor names (its cadence; the sweep of households without a contact), or the
/// 挂钩干部 (their own visits); overdue first, then due, then done this period; each part in route order
/// (villager group, then address).
pub async fn my_visits(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
) -> Result<MyVisits, AppError> {
    let caller = ctx.caller()?;
    let today = beijing_date(now);
    let mut result = MyVisits { today, overdue: Vec::new(), due: Vec::new(), done: Vec::new() };
    let Some(scope) = authz::scope_condition(caller, Action::RecordVisit, household::Column::OrgCode) else {
        return Ok(result);
    };
    let staff = VillageStaff::read(db).await?;
    let mut mine = Condition::any()
        .add(household::Column::ContactUserId.eq(caller.user_id))
        .add(household::Column::LiaisonUserId.eq(caller.user_id));
    for village in staff.villages_of(caller.user_id) {
        mine = mine.add(authz::code_prefix(household::Column::OrgCode, OrgCode::parse(&village)?.scope_prefix()));
    }
    let loaded = Loaded::read(db, Condition::all().add(scope).add(mine), today).await?;
    let groups =
        crate::org::service::display_names(db, loaded.households.iter().map(|h| h.org_code.clone()).collect()).await?;
    let mut policies = HashMap::new();
    for h in &loaded.households {
        let Some(policy) = policy_for(db, &mut policies, &h.org_code, today.year()).await? else { continue };
        let subject = loaded.subject(h, &policy);
        let seen = loaded.seen_of(h.id);
        for rule in schedule::rules(&subject, &policy) {
            if !staff.owers(&rule, &subject, h).contains(&caller.user_id) {
                continue;
            }
            let Some(standing) = schedule::standing(&rule, &subject, &policy, seen, today) else { continue };
            // The sweep shows only in its season or while overdue.
            if rule.duty == Duty::Sweep
                && matches!(standing, Standing::Done(_))
                && today > rule.period(today, &policy).end
            {
                continue;
            }
            let item = DueVisit {
                household_code: h.code.clone(),
                head_name: h.head_name.clone(),
                address: h.address.clone(),
                group_name: groups.get(&h.org_code).cloned().unwrap_or_default(),
                phone: h.phone.clone(),
                duty: rule.label.clone(),
                standing,
                due_by: rule.period(today, &policy).end,
                last_visit: seen.iter().filter(|v| rule.counts(v)).map(|v| v.on).max(),
            };
            match standing {
                Standing::Overdue { .. } => result.overdue.push(item),
                Standing::Due => result.due.push(item),
                Standing::Done(_) => result.done.push(item),
            }
        }
    }
    keep_households_together(&mut result.due);
    Ok(result)
}

/// Orders the due list for a morning's route: a household's cards stay together, the household whose period
/// ends soonest comes first, and households due by the same day keep their route order.
fn keep_households_together(due: &mut [DueVisit]) {
    let mut first: HashMap<String, (NaiveDate, usize)> = HashMap::new();
    for (arrival, d) in due.iter().enumerate() {
        let entry = first.entry(d.household_code.clone()).or_insert((d.due_by, arrival));
        entry.0 = entry.0.min(d.due_by);
    }
    due.sort_by_key(|d| (first.get(&d.household_code).copied(), d.due_by));
}

/// What one person owes, for their reminder.
#[derive(Default)]
struct Owed {
    due: u32,
    overdue: u32,
    /// The nearest end of a period with a visit due, when it falls within the reminder window.
    ending: Option<NaiveDate>,
    /// The latest end of a period that passed unmet.
    missed: Option<NaiveDate>,
}

/// Remind contacts and 挂钩干部 of the visits they still owe, one notice per person with the counts: when
/// a period with visits due ends within the policy's reminder working days, and once for each period
/// that passed unmet. Returns how many notices were new.
pub async fn remind(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    let today = beijing_date(now);
    let loaded = Loaded::read(db, Condition::all(), today).await?;
    let staff = VillageStaff::read(db).await?;
    let calendar = crate::calendar::service::load(db).await?;
    let mut policies = HashMap::new();
    // Per person: what they owe, and whether some period ends within the window.
    let mut owed: HashMap<i64, Owed> = HashMap::new();
    for h in &loaded.households {
        let Some(policy) = policy_for(db, &mut policies, &h.org_code, today.year()).await? else { continue };
        let window_end = calendar.add_working_days(today, policy.reminder_working_days)?;
        let subject = loaded.subject(h, &policy);
        for rule in schedule::rules(&subject, &policy) {
            let end = rule.period(today, &policy).end;
            let standing = schedule::standing(&rule, &subject, &policy, loaded.seen_of(h.id), today);
            for person in staff.owers(&rule, &subject, h) {
                let entry = owed.entry(person).or_default();
                match standing {
                    Some(Standing::Due) => {
                        entry.due += 1;
                        if end <= window_end {
                            entry.ending = Some(entry.ending.map_or(end, |e: NaiveDate| e.min(end)));
                        }
                    }
                    Some(Standing::Overdue { missed_end }) => {
                        entry.overdue += 1;
                        entry.missed = Some(entry.missed.map_or(missed_end, |m: NaiveDate| m.max(missed_end)));
                    }
                    _ => {}
                }
            }
        }
    }
    let tx = begin_write(db).await?;
    let mut sent = 0;
    for (person, o) in owed {
        // Remind near a period's end, and once for each period that passed unmet.
        let (dedupe, title) = match (o.ending, o.missed) {
            (Some(end), _) => (format!("visits-due:{end}"), format!("走访提醒：{end} 前尚有 {} 户次应访未访", o.due)),
            (None, Some(missed)) => {
                (format!("visits-overdue:{missed}"), format!("走访逾期：{} 户次应访未访", o.overdue))
            }
            (None, None) => continue,
        };
        let body = format!(
            "您负责的农户中，本期应访未访 {} 户次，已逾期 {} 户次。请打开“我的走访”按路线安排走访并录入走访记录。",
            o.due, o.overdue
        );
        let notice = crate::notify::service::Notice {
            category: crate::notify::Category::VisitsDue,
            title,
            body,
            link: "/visits".into(),
            dedupe: Some(dedupe),
        };
        sent += crate::notify::service::notify(&tx, now, &[person], &notice).await?;
    }
    tx.commit().await?;
    Ok(sent)
}

/// The unit a caller asks about, checked against their scope; none asked: the first unit in their scope.
async fn unit_in_scope(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<(OrgCode, String), AppError> {
    let code = match code.trim() {
        "" => crate::org::service::list(db, ctx.caller()?)
            .await?
            .into_iter()
            .find(|u| u.level != OrgLevel::Group)
            .map(|u| u.code)
            .ok_or(AppError::NotFound)?,
        code => code.to_string(),
    };
    let unit = OrgCode::parse(&code).map_err(|_| AppError::validation("unit", "请选择单位。"))?;
    authz::check(db, now, ctx, Action::ReadHousehold, unit.as_str()).await?;
    let names = crate::org::service::display_names(db, vec![unit.as_str().to_string()]).await?;
    let name = names.get(unit.as_str()).cloned().ok_or(AppError::NotFound)?;
    Ok((unit, name))
}

/// How many missed or late households the coverage view lists (the counts cover them all).
const GAPS_LISTED: usize = 500;

/// Visit coverage in a unit for the periods containing `month`: per sub-unit and duty, households
/// visited on time, made up late, never, and still pending; and the households missed or late.
pub async fn coverage(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit_code: &str,
    month: &str,
) -> Result<CoverageView, AppError> {
    let (unit, unit_name) = unit_in_scope(db, now, ctx, unit_code).await?;
    let today = beijing_date(now);
    let (first, _) = crate::calendar::month(month, today)?;
    if first > today {
        return Err(AppError::validation("month", "不能查看未来月份的走访情况。"));
    }
    let within = authz::code_prefix(household::Column::OrgCode, unit.scope_prefix());
    // The visits from the year before the month on: enough to tell on time, late and never.
    let loaded = Loaded::read(db, Condition::all().add(within), first).await?;
    let child_level = unit.level().child().unwrap_or(OrgLevel::Group);
    let sub_unit = |code: &str| OrgCode::parse(code).map(|c| c.at_level(child_level)).unwrap_or_else(|_| code.into());
    let mut codes: Vec<String> = loaded.households.iter().map(|h| sub_unit(&h.org_code)).collect();
    codes.extend(loaded.households.iter().map(|h| h.org_code.clone()));
    codes.sort();
    codes.dedup();
    let names = crate::org::service::display_names(db, codes).await?;
    let mut rows: Vec<CoverageRow> = Vec::new();
    let mut gaps = Vec::new();
    let mut gaps_total = 0u32;
    let mut policies = HashMap::new();
    for h in &loaded.households {
        let Some(policy) = policy_for(db, &mut policies, &h.org_code, first.year()).await? else { continue };
        let subject = loaded.subject(h, &policy);
        let seen = loaded.seen_of(h.id);
        let code = sub_unit(&h.org_code);
        for rule in schedule::rules(&subject, &policy) {
            let period = rule.period(first, &policy);
            if !subject.owes(&rule, period) {
                continue;
            }
            let covered = schedule::coverage(&rule, period, seen, today);
            let row = match rows.iter_mut().find(|r| r.unit_code == code && r.duty == rule.label) {
                Some(row) => row,
                None => {
                    rows.push(CoverageRow {
                        unit_code: code.clone(),
                        unit_name: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
                        duty: rule.label.clone(),
                        sweep: rule.duty == Duty::Sweep,
                        counts: CoverageCounts::default(),
                    });
                    rows.last_mut().ok_or_else(|| AppError::internal("empty coverage rows"))?
                }
            };
            row.counts.add(covered);
            if !matches!(covered, Coverage::Never | Coverage::Late(_)) {
                continue;
            }
            gaps_total += 1;
            if gaps.len() < GAPS_LISTED {
                gaps.push(CoverageGap {
                    household_code: h.code.clone(),
                    head_name: h.head_name.clone(),
                    unit_name: names.get(&h.org_code).cloned().unwrap_or_default(),
                    duty: rule.label.clone(),
                    sweep: rule.duty == Duty::Sweep,
                    coverage: covered,
                });
            }
        }
    }
    rows.sort_by(|a, b| (&a.unit_code, duty_order(&a.duty)).cmp(&(&b.unit_code, duty_order(&b.duty))));
    Ok(CoverageView {
        unit_code: unit.as_str().to_string(),
        unit_name,
        month: first.format("%Y-%m").to_string(),
        today,
        rows,
        gaps,
        gaps_total,
    })
}

/// Sweep rows last, liaison rows after the cadences.
fn duty_order(label: &str) -> (u8, String) {
    let rank = if label.starts_with("年度集中排查") {
        2
    } else if label.starts_with("挂钩干部") {
        1
    } else {
        0
    };
    (rank, label.to_string())
}

/// The year's sweep in a unit: the ledgers its visits built (one per policy category), the households
/// swept with no ledger, and those not swept yet.
pub async fn sweep(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit_code: &str,
    year: &str,
) -> Result<SweepView, AppError> {
    let (unit, unit_name) = unit_in_scope(db, now, ctx, unit_code).await?;
    let today = beijing_date(now);
    let year = crate::calendar::year(year, today)?;
    if !(2000..=today.year()).contains(&year) {
        return Err(AppError::validation("year", "年度应为今年或以前的年份。"));
    }
    let as_of = if year == today.year() { today } else { NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today) };
    let within = authz::code_prefix(household::Column::OrgCode, unit.scope_prefix());
    let loaded = Loaded::read(db, Condition::all().add(within), as_of).await?;
    let policy = crate::policy::service::effective(db, unit.as_str(), year).await?.policy;
    let deadline = schedule::sweep_season(year, &policy).end;
    let units =
        crate::org::service::display_names(db, loaded.households.iter().map(|h| h.org_code.clone()).collect()).await?;
    let visitors = crate::users::service::display_names(db, loaded.sweeps.values().map(|v| v.visitor_user_id)).await?;
    let mut ledgers: Vec<Ledger> = policy
        .categories
        .iter()
        .map(|c| Ledger { class: c.name.clone(), monitored: c.monitored, entries: Vec::new() })
        .collect();
    let mut view = SweepView {
        unit_code: unit.as_str().to_string(),
        unit_name,
        year,
        deadline,
        households: 0,
        swept: 0,
        late: 0,
        ledgers: Vec::new(),
        ordinary: 0,
        not_swept: Vec::new(),
    };
    for h in &loaded.households {
        if beijing_date(h.created_at) > deadline {
            continue;
        }
        view.households += 1;
        let entry = |v: Option<&visit::Model>| LedgerEntry {
            household_code: h.code.clone(),
            head_name: h.head_name.clone(),
            address: h.address.clone(),
            unit_name: units.get(&h.org_code).cloned().unwrap_or_default(),
            visited_on: v.map_or(deadline, |v| v.visited_on),
            visitor: v.and_then(|v| visitors.get(&v.visitor_user_id).cloned()).unwrap_or_default(),
            visit_id: v.map_or(0, |v| v.id),
            red_alert: h.red_alert,
        };
        let Some(v) = loaded.sweeps.get(&h.id) else {
            view.not_swept.push(entry(None));
            continue;
        };
        view.swept += 1;
        if v.visited_on > deadline {
            view.late += 1;
        }
        match v.ledger_class.as_deref().and_then(|c| ledgers.iter_mut().find(|l| l.class == c)) {
            Some(ledger) => ledger.entries.push(entry(Some(v))),
            None => view.ordinary += 1,
        }
    }
    view.ledgers = ledgers;
    Ok(view)
}

/// The data of a recorded visit's sheet (the household as it stands, the visit as recorded).
pub async fn sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<Value, AppError> {
    let v = get(db, now, ctx, id).await?;
    let d = crate::households::service::get(db, now, ctx, &v.household_code).await?;
    crate::prints::service::printed(db, now, ctx, "visit-sheet", &d, false).await?;
    Ok(crate::prints::service::visit_sheet_data(&d, beijing_date(now), Some(sheet_visit(&v))))
}

/// A recorded visit as the sheet's `visit` data.
fn sheet_visit(v: &VisitView) -> Value {
    let problems: Vec<String> = v
        .problems
        .iter()
        .map(|p| match p.case_id {
            Some(id) => format!("{}（{}，已立案 {id} 号）", p.description, p.risk_type.label()),
            None => format!("{}（{}）", p.description, p.risk_type.label()),
        })
        .collect();
    let finance = match v.income_year {
        Some(year) => format!("{}（已更新 {year} 年收支记录）", v.finance_note),
        None => v.finance_note.clone(),
    };
    let mut visitor = v.visitor.clone();
    if !v.companions.is_empty() {
        visitor.push_str(&format!("（同行：{}）", v.companions));
    }
    if let Some(typist) = &v.recorded_by {
        visitor.push_str(&format!("（{typist}代为录入）"));
    }
    let acknowledgement = if v.acknowledged_by.is_empty() {
        v.acknowledgement.label().to_string()
    } else {
        format!("{}：{}", v.acknowledged_by, v.acknowledgement.label())
    };
    json!({
        "date": v.visited_on.format("%Y年%m月%d日").to_string(),
        "mode": v.mode.label(),
        "visitor": visitor,
        "kind": match (&v.sweep, &v.ledger_class) {
            (true, Some(class)) => format!("年度集中排查（列入{class}台账）"),
            (true, None) => "年度集中排查".to_string(),
            (false, _) => "日常走访".to_string(),
        },
        "finance": finance,
        "problems": if problems.is_empty() { "未发现问题".to_string() } else { problems.join("；") },
        "assistance": v.assistance,
        "acknowledgement": acknowledgement,
        "checklist": v.checklist.iter().map(|c| json!({ "item": c.item.label(), "status": c.status.label(), "note": c.note })).collect::<Vec<_>>(),
        "addenda": v.addenda.iter().map(|a| json!({ "at": a.at, "by": a.by, "text": a.text })).collect::<Vec<_>>(),
    })
}

/// The year's sweep ledgers of a unit as one .xlsx, one row per household swept, ledger by ledger, for
/// filing and reporting up. The download is audited.
pub async fn sweep_ledgers_file(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit_code: &str,
    year: &str,
) -> Result<ExportFile, AppError> {
    let view = sweep(db, now, ctx, unit_code, year).await?;
    let columns = [
        ("序号", 6.0),
        ("台账类别", 16.0),
        ("村（社区）/村民小组", 18.0),
        ("户编号", 20.0),
        ("户主姓名", 10.0),
        ("家庭住址", 28.0),
        ("排查日期", 12.0),
        ("排查人", 12.0),
        ("红色预警", 9.0),
    ];
    let table: Vec<Vec<String>> = view
        .ledgers
        .iter()
        .flat_map(|l| {
            l.entries.iter().map(|e| {
                vec![
                    l.class.clone(),
                    e.unit_name.clone(),
                    e.household_code.clone(),
                    e.head_name.clone(),
                    e.address.clone(),
                    e.visited_on.to_string(),
                    e.visitor.clone(),
                    if e.red_alert { "是" } else { "否" }.into(),
                ]
            })
        })
        .collect();
    let title = format!("{}{}年度集中排查台账", view.unit_name, view.year);
    let heading = format!("{title}（截至 {}）", beijing_date(now));
    let bytes = workbook_bytes("排查台账", &heading, &columns, &table, "（本年度尚无排查后列入台账的农户）")?;
    audit::record_event(
        db,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "export.downloaded",
            entity_type: "roster",
            entity_id: "sweep-ledgers".into(),
            org_code: Some(view.unit_code.clone()),
            changes: json!({ "name": title, "year": view.year, "rows": table.len() }),
        },
    )
    .await?;
    Ok(ExportFile { file_name: format!("{title}.xlsx"), bytes, rows: table.len() })
}

/// Blank sheets for every household of a village with a visit due (or overdue) in `month`, in route
/// order (villager group, then address): one sheet per household, however many duties it owes.
pub async fn due_sheets(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    village_code: &str,
    month: &str,
) -> Result<(String, Vec<(String, Value)>), AppError> {
    let (unit, unit_name) = unit_in_scope(db, now, ctx, village_code).await?;
    if unit.level() != OrgLevel::Village {
        return Err(AppError::validation("unit", "批量打印按村进行，请选择一个村（社区）。"));
    }
    let today = beijing_date(now);
    let (first, month_end) = crate::calendar::month(month, today)?;
    // Due "this month": judged on the later of today and the first of the month, within the month.
    let on = today.clamp(first, month_end);
    let within = authz::code_prefix(household::Column::OrgCode, unit.scope_prefix());
    let loaded = Loaded::read(db, Condition::all().add(within), on).await?;
    let mut policies = HashMap::new();
    let mut codes = Vec::new();
    for h in &loaded.households {
        let Some(policy) = policy_for(db, &mut policies, &h.org_code, on.year()).await? else { continue };
        let subject = loaded.subject(h, &policy);
        let owes = schedule::rules(&subject, &policy).iter().any(|rule| {
            let standing = schedule::standing(rule, &subject, &policy, loaded.seen_of(h.id), on);
            match standing {
                Some(Standing::Overdue { .. }) => true,
                Some(Standing::Due) => rule.period(on, &policy).start <= month_end,
                _ => false,
            }
        });
        if owes {
            codes.push(h.code.clone());
        }
    }
    let mut sheets = Vec::with_capacity(codes.len());
    for code in codes {
        let d = crate::households::service::get(db, now, ctx, &code).await?;
        // Each household's print is on its own record, so "who printed this household" finds batches too.
        crate::prints::service::printed(db, now, ctx, "visit-sheets-due", &d, false).await?;
        let title = format!("{}户（{}）", d.summary.head_name, d.summary.code);
        sheets.push((title, crate::prints::service::visit_sheet_data(&d, today, None)));
    }
    audit::record_event(
        db,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "print.visit_sheets",
            entity_type: "org_unit",
            entity_id: unit.as_str().to_string(),
            org_code: Some(unit.as_str().to_string()),
            changes: json!({ "month": first.format("%Y-%m").to_string(), "sheets": sheets.len() }),
        },
    )
    .await?;
    Ok((unit_name, sheets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn house_numbers_sort_as_numbers() {
        let mut addresses = vec!["石桥村三组16号", "石桥村三组158号", "石桥村三组9号", "石桥村二组200号"];
        addresses.sort_by_key(|a| route_key(a));
        assert_eq!(addresses, ["石桥村三组9号", "石桥村三组16号", "石桥村三组158号", "石桥村二组200号"]);
    }

    #[test]
    fn only_the_two_worries_three_guarantees_risks_map_to_checklist_items() {
        assert_eq!(item_of(RiskType::Housing), Some(SecurityItem::Housing));
        assert_eq!(item_of(RiskType::Illness), None);
    }
}
