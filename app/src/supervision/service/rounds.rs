//! Planning a round, listing and reading rounds, and moving a round on.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{app_user, org_unit, risk_case, supervision_finding, supervision_member, supervision_round};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

use super::{Sight, checklist_of, round_in_sight, sight, status_of, units_of};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Step;
use crate::request::RequestContext;
use crate::supervision::{
    FindingStatus, FindingView, PlanningOptions, RoundForm, RoundMember, RoundStatus, RoundSummary, RoundView,
    UnitOption, UnitTally, round_step,
};
use crate::time::beijing_date;

/// Plan a round: the team's unit must be a county or township the caller runs supervision in, the covered
/// units townships or villages inside it, the members active accounts. The checklist is copied from the
/// policy in force for the team's unit and year. Returns the new round's id.
pub async fn create(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &RoundForm,
) -> Result<i64, AppError> {
    let team =
        OrgCode::parse(form.org_code.trim()).map_err(|_| AppError::validation("org_code", "请选择督查组所在单位。"))?;
    if !matches!(team.level(), OrgLevel::County | OrgLevel::Township) {
        return Err(AppError::validation("org_code", "专项督查由县（区）或镇街的纪（工）委组织。"));
    }
    authz::check(db, now, ctx, Action::ManageSupervision, team.as_str()).await?;
    let fields = form.parse()?;
    let units = org_unit::Entity::find().filter(org_unit::Column::Code.is_in(fields.units.clone())).all(db).await?;
    for code in &fields.units {
        let fits = units.iter().find(|u| &u.code == code).is_some_and(|u| {
            matches!(OrgLevel::parse(&u.level), Some(OrgLevel::Township | OrgLevel::Village)) && team.contains(&u.code)
        });
        if !fits {
            return Err(AppError::validation("units", "督查对象应为本单位辖区内的镇街或村。"));
        }
    }
    let people = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(fields.members.clone()))
        .filter(app_user::Column::Active.eq(true))
        .all(db)
        .await?;
    if people.len() != fields.members.len() {
        return Err(AppError::validation("members", "督查组成员应为启用的账号，请从列表中选择。"));
    }
    let policy = crate::policy::service::effective(db, team.as_str(), fields.year).await?.policy;
    let caller = ctx.caller()?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let round = supervision_round::ActiveModel {
        org_code: Set(team.as_str().to_string()),
        title: Set(fields.title.clone()),
        year: Set(fields.year),
        half: Set(fields.half.as_str().into()),
        units: Set(serde_json::to_string(&fields.units).map_err(|e| AppError::internal(e.to_string()))?),
        topics: Set(fields.topics.clone()),
        checklist: Set(
            serde_json::to_string(&policy.supervision_checklist).map_err(|e| AppError::internal(e.to_string()))?
        ),
        lead_user_id: Set(fields.lead),
        starts_on: Set(fields.starts_on),
        ends_on: Set(fields.ends_on),
        status: Set(RoundStatus::Planned.as_str().into()),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    for user in &fields.members {
        supervision_member::ActiveModel { round_id: Set(round.id), user_id: Set(*user), ..Default::default() }
            .insert(&tx)
            .await?;
    }
    let names: Vec<&str> = people.iter().map(|p| p.display_name.as_str()).collect();
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "supervision.round_planned",
            entity_type: "supervision_round",
            entity_id: round.id.to_string(),
            org_code: Some(round.org_code.clone()),
            changes: json!({ "after": { "title": round.title, "year": round.year, "half": fields.half.label(),
                "units": fields.units, "members": names, "starts_on": round.starts_on, "ends_on": round.ends_on } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(round.id)
}

/// The rounds the caller sees (the team's, a member's, or covering their units), newest first.
pub async fn list(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
) -> Result<Vec<RoundSummary>, AppError> {
    let caller = ctx.caller()?;
    let rounds = supervision_round::Entity::find().order_by_desc(supervision_round::Column::Id).all(db).await?;
    let memberships = supervision_member::Entity::find().all(db).await?;
    let mut seen = Vec::new();
    for round in rounds {
        let members: Vec<i64> = memberships.iter().filter(|m| m.round_id == round.id).map(|m| m.user_id).collect();
        if let Some(sight) = sight(caller, &round, &members) {
            seen.push((round, sight));
        }
    }
    let today = beijing_date(now);
    let mut out = Vec::new();
    for (round, sight) in seen {
        let findings = findings_of(db, &round, &sight).await?;
        out.push(summary(db, &round, &findings, today).await?);
    }
    Ok(out)
}

/// A round's findings the caller sees, with their cases.
async fn findings_of(
    db: &DatabaseConnection,
    round: &supervision_round::Model,
    sight: &Sight,
) -> Result<Vec<(supervision_finding::Model, Option<risk_case::Model>)>, AppError> {
    let rows = supervision_finding::Entity::find()
        .filter(supervision_finding::Column::RoundId.eq(round.id))
        .order_by_asc(supervision_finding::Column::OrgCode)
        .order_by_asc(supervision_finding::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|f| sight.sees(&f.org_code))
        .collect::<Vec<_>>();
    let cases: HashMap<i64, risk_case::Model> = risk_case::Entity::find()
        .filter(risk_case::Column::Id.is_in(rows.iter().filter_map(|f| f.case_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    Ok(rows
        .into_iter()
        .map(|f| {
            let case = f.case_id.and_then(|id| cases.get(&id).cloned());
            (f, case)
        })
        .collect())
}

/// A finding's status as it stands with its case: handed over and submitted by the unit is 待复核.
pub(crate) fn finding_status(f: &supervision_finding::Model, case: Option<&risk_case::Model>) -> FindingStatus {
    let stored = FindingStatus::parse(&f.status).unwrap_or(FindingStatus::Recorded);
    match (stored, case.map(|c| c.status.as_str())) {
        (FindingStatus::HandedOver, Some("awaiting_acceptance")) => FindingStatus::AwaitingRecheck,
        _ => stored,
    }
}

/// The day each case's rectification was last submitted (its latest 整改完成，提请验收), by case id.
async fn submitted_on(
    db: &DatabaseConnection,
    findings: &[(supervision_finding::Model, Option<risk_case::Model>)],
) -> Result<HashMap<i64, chrono::NaiveDate>, AppError> {
    let events = entities::case_event::Entity::find()
        .filter(entities::case_event::Column::CaseId.is_in(findings.iter().filter_map(|(f, _)| f.case_id)))
        .filter(entities::case_event::Column::Action.eq("submit"))
        .order_by_asc(entities::case_event::Column::Id)
        .all(db)
        .await?;
    Ok(events.into_iter().map(|e| (e.case_id, beijing_date(e.at))).collect())
}

/// Whether a finding with its case is overdue on `today` ([`crate::supervision::is_overdue`]).
fn overdue(
    f: &supervision_finding::Model,
    case: Option<&risk_case::Model>,
    submitted: &HashMap<i64, chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> bool {
    case.is_some_and(|c| {
        crate::supervision::is_overdue(finding_status(f, Some(c)), c.deadline, submitted.get(&c.id).copied(), today)
    })
}

async fn summary(
    db: &DatabaseConnection,
    round: &supervision_round::Model,
    findings: &[(supervision_finding::Model, Option<risk_case::Model>)],
    today: chrono::NaiveDate,
) -> Result<RoundSummary, AppError> {
    let half = crate::supervision::Half::parse(&round.half).unwrap_or(crate::supervision::Half::First);
    let status = status_of(round)?;
    let mut codes = units_of(round);
    codes.push(round.org_code.clone());
    let names = crate::org::service::display_names(db, codes).await?;
    let submitted = submitted_on(db, findings).await?;
    Ok(RoundSummary {
        id: round.id,
        title: round.title.clone(),
        year: round.year,
        half,
        period: format!("{} 年{}", round.year, half.label()),
        status,
        status_label: status.label().into(),
        org_name: names.get(&round.org_code).cloned().unwrap_or_default(),
        unit_names: units_of(round).iter().map(|u| names.get(u).cloned().unwrap_or_else(|| u.clone())).collect(),
        starts_on: round.starts_on,
        ends_on: round.ends_on,
        findings: findings.len() as u64,
        open: findings.iter().filter(|(f, c)| finding_status(f, c.as_ref()).is_open()).count() as u64,
        overdue: findings.iter().filter(|(f, c)| overdue(f, c.as_ref(), &submitted, today)).count() as u64,
        on_time_rate: crate::supervision::on_time_rate(
            findings.iter().filter(|(f, c)| closed_on_time(f, c.as_ref())).count() as u64,
            findings.iter().filter(|(f, _)| f.case_id.is_some()).count() as u64,
        ),
    })
}

/// One round as its page shows it to the caller.
pub async fn get(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    round_id: i64,
) -> Result<RoundView, AppError> {
    let caller = ctx.caller()?;
    let (round, members, sight) = round_in_sight(db, caller, round_id).await?;
    let today = beijing_date(now);
    let findings = findings_of(db, &round, &sight).await?;
    let summary = summary(db, &round, &findings, today).await?;
    let submitted = submitted_on(db, &findings).await?;
    let mut people: Vec<i64> = members.clone();
    people.extend(findings.iter().filter_map(|(f, _)| f.person_user_id));
    people.extend(findings.iter().filter_map(|(_, c)| c.as_ref().map(|c| c.owner_user_id)));
    let names = crate::users::service::display_names(db, people).await?;
    let households: HashMap<i64, entities::household::Model> = entities::household::Entity::find()
        .filter(entities::household::Column::Id.is_in(findings.iter().filter_map(|(f, _)| f.household_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let mut unit_codes = units_of(&round);
    unit_codes.extend(findings.iter().map(|(f, _)| f.org_code.clone()));
    let unit_names = crate::org::service::display_names(db, unit_codes).await?;
    let mut evidence =
        crate::evidence::listing::of_findings(db, caller, findings.iter().map(|(f, _)| f.id).collect()).await?;
    let views: Vec<FindingView> = findings
        .iter()
        .map(|(f, case)| {
            let status = finding_status(f, case.as_ref());
            let method =
                crate::supervision::Method::parse(&f.method).unwrap_or(crate::supervision::Method::LedgerCheck);
            let severity =
                crate::supervision::Severity::parse(&f.severity).unwrap_or(crate::supervision::Severity::Minor);
            let household = f.household_id.and_then(|id| households.get(&id));
            FindingView {
                id: f.id,
                round_id: f.round_id,
                org_code: f.org_code.clone(),
                unit_name: unit_names.get(&f.org_code).cloned().unwrap_or_default(),
                household_code: household.map(|h| h.code.clone()),
                household_head: household.map(|h| h.head_name.clone()),
                person_name: f.person_user_id.and_then(|id| names.get(&id).cloned()),
                item: f.item.clone(),
                basis: f.basis.clone(),
                method,
                method_label: method.label().into(),
                severity,
                severity_label: severity.label().into(),
                description: f.description.clone(),
                found_on: f.found_on,
                on_spot_action: f.on_spot_action.clone(),
                self_found_case_id: f.self_found_case_id,
                status,
                status_label: status.label().into(),
                case_id: f.case_id,
                owner_name: case.as_ref().and_then(|c| names.get(&c.owner_user_id).cloned()),
                deadline: case.as_ref().map(|c| c.deadline),
                overdue: overdue(f, case.as_ref(), &submitted, today),
                carried_over_reason: f.carried_over_reason.clone(),
                prompted_by_finding_id: f.prompted_by_finding_id,
                followup_of_finding_id: f.followup_of_finding_id,
                evidence: evidence.remove(&f.id).unwrap_or_default(),
                owner_options: Vec::new(),
            }
        })
        .collect();
    let units = tallies(&round, &sight, &views, &unit_names, &findings);
    let (may_manage, is_member) = match sight {
        Sight::Whole { may_manage, is_member } => (may_manage, is_member),
        Sight::Units(_) => (false, false),
    };
    let mut views = views;
    if may_manage || is_member {
        for v in views.iter_mut().filter(|v| v.status == FindingStatus::Recorded) {
            v.owner_options = crate::households::register::candidates(db, &v.org_code, Action::OwnCase.roles()).await?;
        }
    }
    let unit_options = if may_manage || is_member { unit_options(db, &round).await? } else { Vec::new() };
    let followup =
        if matches!(sight, Sight::Whole { .. }) { Some(super::followup::view(db, &round).await?) } else { None };
    Ok(RoundView {
        summary,
        topics: round.topics.clone(),
        members: members
            .iter()
            .map(|id| RoundMember {
                user_id: *id,
                name: names.get(id).cloned().unwrap_or_default(),
                lead: *id == round.lead_user_id,
            })
            .collect(),
        checklist: checklist_of(&round),
        units,
        findings: views,
        whole: matches!(sight, Sight::Whole { .. }),
        may_manage,
        is_member,
        unit_options,
        followup,
    })
}

/// The covered units and the villages inside the covered townships, in code order.
async fn unit_options(db: &DatabaseConnection, round: &supervision_round::Model) -> Result<Vec<UnitOption>, AppError> {
    let mut any = sea_orm::Condition::any();
    for unit in units_of(round).iter().filter_map(|u| OrgCode::parse(u).ok()) {
        any = any.add(authz::code_prefix(org_unit::Column::Code, unit.scope_prefix()));
    }
    Ok(org_unit::Entity::find()
        .filter(any)
        .filter(org_unit::Column::Level.is_in([OrgLevel::Township.as_str(), OrgLevel::Village.as_str()]))
        .order_by_asc(org_unit::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|u| UnitOption { code: u.code, name: u.name })
        .collect())
}

/// Per covered unit (the caller sees): found, corrected on the spot, handed over, closed (on time), overdue,
/// carried over. A finding counts under the covered unit that contains it.
fn tallies(
    round: &supervision_round::Model,
    sight: &Sight,
    views: &[FindingView],
    names: &HashMap<String, String>,
    findings: &[(supervision_finding::Model, Option<risk_case::Model>)],
) -> Vec<UnitTally> {
    units_of(round)
        .into_iter()
        .filter(|u| OrgCode::parse(u).is_ok_and(|unit| sight.touches(&unit)))
        .map(|unit| {
            let prefix = OrgCode::parse(&unit).map(|c| c.scope_prefix().to_string()).unwrap_or_else(|_| unit.clone());
            let mut t = UnitTally {
                unit_name: names.get(&unit).cloned().unwrap_or_default(),
                org_code: unit,
                ..Default::default()
            };
            for (v, (finding, case)) in
                views.iter().zip(findings).filter(|(v, _)| v.org_code.starts_with(prefix.as_str()))
            {
                t.found += 1;
                t.handed_over += u64::from(v.case_id.is_some());
                match v.status {
                    FindingStatus::CorrectedOnSpot => t.on_spot += 1,
                    FindingStatus::Closed => {
                        t.closed += 1;
                        t.closed_on_time += u64::from(closed_on_time(finding, case.as_ref()));
                    }
                    FindingStatus::CarriedOver => t.carried_over += 1,
                    FindingStatus::Recorded | FindingStatus::HandedOver | FindingStatus::AwaitingRecheck => {}
                }
                t.overdue += u64::from(v.overdue);
            }
            t
        })
        .collect()
}

/// Whether a handed-over finding was closed (its case accepted) by its deadline.
fn closed_on_time(finding: &supervision_finding::Model, case: Option<&risk_case::Model>) -> bool {
    FindingStatus::parse(&finding.status) == Some(FindingStatus::Closed)
        && case.is_some_and(|c| c.closed_at.is_some_and(|at| beijing_date(at) <= c.deadline))
}

/// Move a round on (`start`, `rectify`, `complete`), by the team that runs it or its lead.
pub async fn step(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    round_id: i64,
    code: &str,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let (round, _, sight) = round_in_sight(db, caller, round_id).await?;
    if !matches!(sight, Sight::Whole { may_manage: true, .. }) {
        authz::check(db, now, ctx, Action::ManageSupervision, &round.org_code).await?;
    }
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let open = supervision_finding::Entity::find()
        .filter(supervision_finding::Column::RoundId.eq(round.id))
        .filter(supervision_finding::Column::Status.is_in(FindingStatus::open_codes()))
        .count(&tx)
        .await?;
    let current = status_of(&round)?;
    let next = round_step(current, code, open)?;
    let mut active = round.clone().into_active_model();
    active.status = Set(next.as_str().into());
    active.updated_at = Set(now);
    active.update(&tx).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "supervision.round_step",
            entity_type: "supervision_round",
            entity_id: round.id.to_string(),
            org_code: Some(round.org_code.clone()),
            changes: json!({ "before": { "status": current.label() }, "after": { "status": next.label() } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the planning form offers: the county and township units where the caller runs supervision, the
/// townships and villages inside them, and the accounts that can be members (discipline teams, the county
/// office, township leaders and staff, department users) of those units.
pub async fn planning_options(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
) -> Result<PlanningOptions, AppError> {
    let caller = authz::caller_with_right(ctx, Action::ManageSupervision)?;
    let within =
        authz::scope_condition(caller, Action::ManageSupervision, org_unit::Column::Code).ok_or(AppError::Forbidden)?;
    let units = org_unit::Entity::find().filter(within).order_by_asc(org_unit::Column::Code).all(db).await?;
    let at = |levels: &[OrgLevel]| -> Vec<UnitOption> {
        units
            .iter()
            .filter(|u| OrgLevel::parse(&u.level).is_some_and(|l| levels.contains(&l)))
            .map(|u| UnitOption { code: u.code.clone(), name: u.name.clone() })
            .collect()
    };
    let teams = at(&[OrgLevel::County, OrgLevel::Township]);
    let mut members: Vec<crate::households::CadreOption> = Vec::new();
    for team in &teams {
        for option in crate::households::register::candidates(db, &team.code, Step::SupervisionRecheck.roles()).await? {
            if !members.iter().any(|m| m.user_id == option.user_id) {
                members.push(option);
            }
        }
    }
    Ok(PlanningOptions {
        today: beijing_date(now),
        me: caller.user_id,
        teams,
        townships: at(&[OrgLevel::Township]),
        villages: at(&[OrgLevel::Village]),
        members,
    })
}
