//! One-vote vetoes (考核一票否决): proposed by the discipline team over a unit on one of the policy's grounds with its
//! basis in decided accountability records (a veto without one cannot be saved), upheld or not by the county's
//! discipline team, approved or not by the county, and revocable once in effect — each a recorded, audited step.
//! In effect, it voids the unit's assessment for the year and bars the persons it names from promotion and awards.

use chrono::{DateTime, Datelike, Utc};
use entities::{accountability_record, assessment_veto, assessment_veto_event, org_unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::{Value, json};

use super::compute::year_of;
use crate::accountability::RecordSummary;
use crate::accountability::service::records::people_of;
use crate::assessment::rules::{VetoStatus, VetoStep, veto_transition};
use crate::assessment::{VetoEventView, VetoForm, VetoStepForm, VetoSummary, VetoView, VetoesView};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action, code_prefix};
use crate::crosscheck::Unit;
use crate::db::begin_write;
use crate::error::{AppError, Problems};
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Caller;
use crate::request::RequestContext;
use crate::time::{beijing_date, beijing_year_start};

/// The accountability records opened in `year` about the unit or its area with a decision in force, newest first;
/// `ids` narrows them.
pub(crate) async fn decided_records<C: ConnectionTrait>(
    db: &C,
    unit: &str,
    year: i32,
    ids: Option<&[i64]>,
) -> Result<Vec<RecordSummary>, AppError> {
    let code = OrgCode::parse(unit)?;
    let mut query = accountability_record::Entity::find()
        .filter(code_prefix(accountability_record::Column::OrgCode, code.scope_prefix()))
        .filter(super::compute::in_force())
        .filter(accountability_record::Column::CreatedAt.gte(beijing_year_start(year)))
        .filter(accountability_record::Column::CreatedAt.lt(beijing_year_start(year + 1)));
    if let Some(ids) = ids {
        query = query.filter(accountability_record::Column::Id.is_in(ids.to_vec()));
    }
    let rows = query.order_by_desc(accountability_record::Column::Id).limit(200).all(db).await?;
    crate::accountability::service::records::summarise(db, rows).await
}

/// The unit whose discipline team proposes a veto of `unit`: the township over a village, the county over a
/// township (a team does not veto its own unit).
fn over(unit: &OrgCode) -> String {
    match unit.level() {
        OrgLevel::Village | OrgLevel::Group => unit.at_level(OrgLevel::Township),
        _ => unit.at_level(OrgLevel::County),
    }
}

/// Whether the caller's discipline team is over the unit and may propose a veto of it.
pub(crate) fn may_propose(caller: &Caller, unit: &OrgCode) -> bool {
    authz::authorize(caller, Action::ManageAccountability, &over(unit)).is_ok()
}

fn ids(text: &[String], field: &str, message: &str) -> Result<Vec<i64>, AppError> {
    if text.len() > 200 {
        return Err(AppError::validation(field, "一次最多选择 200 项。"));
    }
    let mut out: Vec<i64> = Vec::new();
    for t in text.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        out.push(t.parse().map_err(|_| AppError::validation(field, message))?);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Propose a veto of the unit's assessment for the year; returns its id. Every problem of the form is named at once.
pub async fn propose(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &VetoForm,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?;
    let unit = OrgCode::parse(&form.unit).map_err(|_| AppError::validation("unit", "请选择被否决的单位。"))?;
    if !matches!(unit.level(), OrgLevel::Township | OrgLevel::Village) {
        return Err(AppError::validation("unit", "一票否决的对象应为镇街或村（社区）。"));
    }
    if !may_propose(caller, &unit) {
        return Err(AppError::Forbidden);
    }
    let today = beijing_date(now);
    let mut problems = Problems::default();
    let year = problems.take(year_of(&form.year, today, today.year() - 1).map(Some)).unwrap_or(today.year() - 1);
    let grounds = crate::policy::service::effective(db, unit.as_str(), year).await?.policy.accountability.veto_grounds;
    let ground = form.ground.trim();
    if !grounds.iter().any(|g| g == ground) {
        problems.add("ground", "请从政策规定的一票否决情形中选择。");
    }
    let records = problems.take(ids(&form.record_ids, "record_ids", "请从名单中选择问责记录。"));
    let basis = decided_records(db, unit.as_str(), year, Some(&records)).await?;
    if records.is_empty() {
        problems.add("record_ids", "一票否决须以已作出决定的问责记录为依据，请至少选择一条。");
    } else if basis.len() != records.len() {
        problems.add("record_ids", format!("所选问责记录应为该单位 {year} 年已作出决定的记录。"));
    }
    let persons = problems.take(ids(&form.person_ids, "person_ids", "请从名单中选择人员。"));
    let people = people_of(db, unit.as_str()).await?;
    if persons.iter().any(|p| !people.iter().any(|c| c.user_id == *p)) {
        problems.add("person_ids", "所列人员应为该单位的人员，请从名单中选择。");
    }
    let note = form.note.trim();
    if note.is_empty() || note.chars().count() > 2000 {
        problems.add("note", "请写明一票否决的事实和理由（2000 字以内）。");
    }
    problems.finish()?;
    let county = unit.at_level(OrgLevel::County);
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    // The unit's row, locked, makes two proposals for it take turns (PostgreSQL; SQLite's write runs alone).
    org_unit::Entity::find().filter(org_unit::Column::Code.eq(unit.as_str())).lock_exclusive().one(&tx).await?;
    let open = assessment_veto::Entity::find()
        .filter(assessment_veto::Column::OrgCode.eq(unit.as_str()))
        .filter(assessment_veto::Column::Year.eq(year))
        .all(&tx)
        .await?
        .into_iter()
        .any(|v| VetoStatus::parse(&v.status).is_some_and(|s| s.is_open()));
    if open {
        return Err(AppError::Conflict(format!("该单位 {year} 年度已有一票否决在办理或已生效。")));
    }
    let row = assessment_veto::ActiveModel {
        county_code: Set(county),
        year: Set(year),
        org_code: Set(unit.as_str().to_string()),
        ground: Set(ground.to_string()),
        basis: Set(json!(records).to_string()),
        persons: Set(json!(persons).to_string()),
        note: Set(note.to_string()),
        status: Set(VetoStatus::Proposed.as_str().into()),
        proposed_by: Set(caller.user_id),
        proposed_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    add_event(&tx, &row, "propose", note, caller.user_id, now).await?;
    let changes = json!({ "after": { "year": year, "ground": ground, "basis": records, "persons": persons } });
    veto_audit(&tx, &actor, now, &row, "assessment.veto_proposed", changes).await?;
    tx.commit().await?;
    Ok(row.id)
}

async fn add_event<C: ConnectionTrait>(
    tx: &C,
    veto: &assessment_veto::Model,
    step: &str,
    note: &str,
    actor_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    assessment_veto_event::ActiveModel {
        veto_id: Set(veto.id),
        step: Set(step.to_string()),
        status: Set(veto.status.clone()),
        note: Set(note.to_string()),
        actor_id: Set(actor_id),
        at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}

async fn veto_audit<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    veto: &assessment_veto::Model,
    action: &'static str,
    changes: Value,
) -> Result<(), AppError> {
    let entry = Entry {
        action,
        entity_type: "assessment_veto",
        entity_id: veto.id.to_string(),
        org_code: Some(veto.org_code.clone()),
        changes,
    };
    audit::append(tx, actor, now, entry).await?;
    Ok(())
}

/// Whether the caller may take `step` on the veto: the county's discipline team decides and revokes, the county
/// approves.
fn may_take(caller: &Caller, veto: &assessment_veto::Model, step: VetoStep) -> bool {
    let action = match step {
        VetoStep::Uphold | VetoStep::Dismiss | VetoStep::Revoke => Action::DecideAccountability,
        VetoStep::Approve | VetoStep::Reject => Action::ApproveAccountability,
    };
    authz::authorize(caller, action, &veto.county_code).is_ok()
}

/// Whether the caller sees a veto: those who read accountability over its unit, and the persons it names (who see
/// of its basis only the records they see).
fn sees(caller: &Caller, veto: &assessment_veto::Model) -> bool {
    authz::authorize(caller, Action::ReadAccountability, &veto.org_code).is_ok()
        || person_ids(veto).contains(&caller.user_id)
}

fn person_ids(veto: &assessment_veto::Model) -> Vec<i64> {
    serde_json::from_str(&veto.persons).unwrap_or_default()
}

async fn visible(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<assessment_veto::Model, AppError> {
    assessment_veto::Entity::find_by_id(id).one(db).await?.filter(|v| sees(caller, v)).ok_or(AppError::NotFound)
}

/// Take a step on a veto.
pub async fn step(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    form: &VetoStepForm,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let veto = visible(db, caller, id).await?;
    let step = VetoStep::parse(form.step.trim()).ok_or_else(|| AppError::validation("step", "请选择要办理的步骤。"))?;
    if !may_take(caller, &veto, step) {
        return Err(AppError::Forbidden);
    }
    let note = form.note.trim();
    if note.chars().count() > 2000 {
        return Err(AppError::validation("note", "意见不超过 2000 字。"));
    }
    if step == VetoStep::Uphold && veto.proposed_by == caller.user_id {
        return Err(AppError::Conflict("提请人不能认定自己提请的一票否决，请由县纪委其他人员认定。".into()));
    }
    let current = VetoStatus::parse(&veto.status).ok_or_else(|| AppError::internal(format!("veto {id} status")))?;
    let next = veto_transition(current, step, note)?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let fresh = assessment_veto::Entity::find_by_id(id).lock_exclusive().one(&tx).await?.ok_or(AppError::NotFound)?;
    if fresh.updated_at != veto.updated_at {
        return Err(AppError::Conflict("该一票否决刚被他人办理过，请刷新后再试。".into()));
    }
    let mut active = fresh.into_active_model();
    active.status = Set(next.as_str().into());
    active.updated_at = Set(now);
    let updated = active.update(&tx).await?;
    add_event(&tx, &updated, step.as_str(), note, caller.user_id, now).await?;
    let changes = json!({ "step": step.label(), "before": { "status": veto.status },
        "after": { "status": updated.status, "note": note } });
    veto_audit(&tx, &actor, now, &updated, "assessment.veto_step", changes).await?;
    tx.commit().await?;
    Ok(())
}

/// The summaries of vetoes.
async fn summaries(db: &DatabaseConnection, rows: Vec<assessment_veto::Model>) -> Result<Vec<VetoSummary>, AppError> {
    let units = crate::org::service::display_names(db, rows.iter().map(|v| v.org_code.clone()).collect()).await?;
    let people = crate::users::service::display_names(db, rows.iter().flat_map(person_ids)).await?;
    Ok(rows
        .into_iter()
        .map(|v| {
            let status = VetoStatus::parse(&v.status).unwrap_or(VetoStatus::Proposed);
            VetoSummary {
                id: v.id,
                year: v.year,
                unit: Unit { name: units.get(&v.org_code).cloned().unwrap_or_default(), code: v.org_code.clone() },
                ground: v.ground.clone(),
                status,
                status_label: status.label().into(),
                persons: person_ids(&v).into_iter().filter_map(|id| people.get(&id).cloned()).collect(),
                proposed_on: beijing_date(v.proposed_at),
            }
        })
        .collect())
}

/// The vetoes of a unit's year.
pub(crate) async fn of_unit(db: &DatabaseConnection, unit: &str, year: i32) -> Result<Vec<VetoSummary>, AppError> {
    let rows = assessment_veto::Entity::find()
        .filter(assessment_veto::Column::OrgCode.eq(unit))
        .filter(assessment_veto::Column::Year.eq(year))
        .order_by_desc(assessment_veto::Column::Id)
        .all(db)
        .await?;
    summaries(db, rows).await
}

/// The vetoes of `year` (empty: the last full year) the caller sees: of the units they read accountability over,
/// and those naming them.
pub async fn list(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    year: &str,
) -> Result<VetoesView, AppError> {
    let caller = ctx.caller()?;
    let today = beijing_date(now);
    let latest: Option<i32> = assessment_veto::Entity::find()
        .select_only()
        .column(assessment_veto::Column::Year)
        .order_by_desc(assessment_veto::Column::Year)
        .into_tuple()
        .one(db)
        .await?;
    let year = year_of(year, today, latest.unwrap_or(today.year() - 1))?;
    let rows = assessment_veto::Entity::find()
        .filter(assessment_veto::Column::Year.eq(year))
        .order_by_asc(assessment_veto::Column::OrgCode)
        .all(db)
        .await?
        .into_iter()
        .filter(|v| sees(caller, v))
        .collect();
    Ok(VetoesView { year, vetoes: summaries(db, rows).await? })
}

/// What a veto does, in words.
fn effect(summary: &VetoSummary) -> Vec<String> {
    let mut out = vec![format!("{} {} 年度考核结果无效，不参加排名、不得评先评优。", summary.unit.name, summary.year)];
    for p in &summary.persons {
        out.push(format!("{p}：{} 年度不得提拔重用、不得评先评优。", summary.year));
    }
    out
}

/// A veto with its basis, effect and steps.
pub async fn get(db: &DatabaseConnection, ctx: &RequestContext, id: i64) -> Result<VetoView, AppError> {
    let caller = ctx.caller()?;
    let veto = visible(db, caller, id).await?;
    let basis_ids: Vec<i64> = serde_json::from_str(&veto.basis).unwrap_or_default();
    let basis = crate::accountability::service::records::visible_summaries(db, caller, &basis_ids).await?;
    let events = assessment_veto_event::Entity::find()
        .filter(assessment_veto_event::Column::VetoId.eq(id))
        .order_by_asc(assessment_veto_event::Column::Id)
        .all(db)
        .await?;
    let names = crate::users::service::display_names(db, events.iter().map(|e| e.actor_id)).await?;
    let status = VetoStatus::parse(&veto.status).unwrap_or(VetoStatus::Proposed);
    let steps = VetoStep::ALL
        .into_iter()
        .filter(|s| veto_transition(status, *s, "-").is_ok() && may_take(caller, &veto, *s))
        .filter(|s| !(*s == VetoStep::Uphold && veto.proposed_by == caller.user_id))
        .map(|s| s.as_str().to_string())
        .collect();
    let note = veto.note.clone();
    let summary = summaries(db, vec![veto]).await?.into_iter().next().ok_or(AppError::NotFound)?;
    Ok(VetoView {
        effect: if status == VetoStatus::InEffect { effect(&summary) } else { Vec::new() },
        summary,
        note,
        basis,
        events: events
            .into_iter()
            .map(|e| VetoEventView {
                step_label: VetoStep::parse(&e.step).map(|s| s.label()).unwrap_or("提请一票否决").into(),
                status_label: VetoStatus::parse(&e.status).map(|s| s.label()).unwrap_or_default().into(),
                note: e.note,
                actor: names.get(&e.actor_id).cloned().unwrap_or_default(),
                at: e.at,
            })
            .collect(),
        steps,
    })
}

/// A veto as the print engine's data (`assessment-veto`, 一票否决决定); returns the title too. Audited.
pub async fn veto_sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<(String, Value), AppError> {
    let v = get(db, ctx, id).await?;
    let title = format!("关于{} {} 年度考核实行一票否决的决定", v.summary.unit.name, v.summary.year);
    let data = json!({
        "title": title,
        "unit": v.summary.unit.name,
        "year": v.summary.year,
        "ground": v.summary.ground,
        "status": v.summary.status_label,
        "note": v.note,
        "basis": v.basis.iter().map(|r| json!({ "id": r.id, "title": r.title,
            "measure": r.measure_label.clone().unwrap_or_default() })).collect::<Vec<_>>(),
        "effect": if v.effect.is_empty() { vec![format!("（{}，尚未生效）", v.summary.status_label)] } else { v.effect.clone() }
            .into_iter().map(|e| json!({ "text": e })).collect::<Vec<_>>(),
        "events": v.events.iter().map(|e| json!({ "at": crate::time::beijing_time(e.at), "actor": e.actor,
            "step": e.step_label, "note": e.note })).collect::<Vec<_>>(),
        "printed_on": beijing_date(now).to_string(),
    });
    let entry = Entry {
        action: "print.assessment_veto",
        entity_type: "assessment_veto",
        entity_id: id.to_string(),
        org_code: Some(v.summary.unit.code.clone()),
        changes: json!({ "form": "一票否决决定" }),
    };
    audit::record_event(db, &Actor::user(ctx.caller()?, &ctx.meta), now, entry).await?;
    Ok((title, data))
}
