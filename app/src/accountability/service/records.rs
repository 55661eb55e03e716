//! Accountability records: opened from a candidate with the facts behind it as their basis (never typed in), the
//! subject's statement, the team's review, the decision of the county's discipline team, the county's approval of
//! the heavier measures, and correction or revocation — each a recorded step with its audit record; nothing is
//! edited otherwise. Who sees a record: the discipline team over its unit, the subject, and the unit's own people.

use chrono::{DateTime, Datelike, Duration, Utc};
use entities::{accountability_dismissal, accountability_event, accountability_record, org_unit, user_role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use crate::accountability::rules::{RecordState, RecordStep, transition};
use crate::accountability::{
    DismissForm, EventView, Fact, Measure, OpenForm, RecordStatus, RecordSummary, RecordView, StepForm, TalkView,
    parse_candidate_key,
};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action, code_prefix};
use crate::crosscheck::Unit;
use crate::db::begin_write;
use crate::error::AppError;
use crate::households::CadreOption;
use crate::notify::Category as NoticeCategory;
use crate::notify::service::{Notice, notify};
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::{Caller, Role};
use crate::request::RequestContext;
use crate::time::beijing_date;

/// A record's change as its audit record, in the caller's transaction.
async fn record_audit<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    record: &accountability_record::Model,
    action: &'static str,
    changes: serde_json::Value,
) -> Result<(), AppError> {
    let entry = Entry {
        action,
        entity_type: "accountability_record",
        entity_id: record.id.to_string(),
        org_code: Some(record.org_code.clone()),
        changes,
    };
    audit::append(tx, actor, now, entry).await?;
    Ok(())
}

/// The people of a unit (a role held at the unit or below it), who may be a record's subject.
pub(crate) async fn people_of<C: ConnectionTrait>(db: &C, unit: &str) -> Result<Vec<CadreOption>, AppError> {
    let code = OrgCode::parse(unit)?;
    let units: Vec<i64> = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::Id)
        .filter(code_prefix(org_unit::Column::Code, code.scope_prefix()))
        .into_tuple()
        .all(db)
        .await?;
    let users: Vec<i64> = user_role::Entity::find()
        .select_only()
        .column(user_role::Column::UserId)
        .filter(user_role::Column::OrgUnitId.is_in(units))
        .into_tuple()
        .all(db)
        .await?;
    let all: Vec<Role> = Role::ALL.to_vec();
    let covering = crate::households::register::candidates(db, unit, &all).await?;
    Ok(covering.into_iter().filter(|c| users.contains(&c.user_id)).collect())
}

/// The people of a unit who may be named a record's subject, for the discipline team over it.
pub async fn subjects(db: &DatabaseConnection, ctx: &RequestContext, unit: &str) -> Result<Vec<CadreOption>, AppError> {
    let code = OrgCode::parse(unit).map_err(|_| AppError::validation("unit", "请选择单位。"))?;
    authz::authorize(ctx.caller()?, Action::ManageAccountability, code.as_str())?;
    people_of(db, code.as_str()).await
}

/// The candidate `key` names, as the record shows it now with all its facts (the caller's discipline team over its
/// unit); refused when the record no longer makes it a candidate.
async fn current_candidate(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    key: &str,
) -> Result<Current, AppError> {
    let (_, unit, from, to) =
        parse_candidate_key(key).ok_or_else(|| AppError::validation("candidate_key", "请从候选名单中选择。"))?;
    authz::authorize(ctx.caller()?, Action::ManageAccountability, &unit)?;
    let found = super::candidates::computed(db, now, ctx, &unit, &from, &to, usize::MAX).await?;
    let candidate = found
        .candidates
        .into_iter()
        .find(|c| c.key == key)
        .ok_or_else(|| AppError::Conflict("记录中已没有该候选事项的事实，不能据此处理。".into()))?;
    Ok(Current { kind: candidate.kind, unit: candidate.unit, facts: candidate.facts, from, to })
}

/// A candidate as computed now.
struct Current {
    kind: crate::accountability::CandidateKind,
    unit: Unit,
    facts: Vec<Fact>,
    from: String,
    to: String,
}

/// Refuses when the candidate, or one of the same kind and unit over an overlapping period, was dismissed or made a
/// record (in the caller's transaction, the unit locked, so two people cannot both deal with it).
async fn not_handled<C: ConnectionTrait>(tx: &C, key: &str) -> Result<(), AppError> {
    let (kind, unit, from, to) =
        parse_candidate_key(key).ok_or_else(|| AppError::validation("candidate_key", "请从候选名单中选择。"))?;
    // The unit's row, locked, makes two people dealing with its candidates take turns (PostgreSQL; SQLite's write
    // transaction runs alone).
    org_unit::Entity::find().filter(org_unit::Column::Code.eq(unit.as_str())).lock_exclusive().one(tx).await?;
    let handled = super::candidates::handled(tx, &unit).await?;
    match super::candidates::overlapping(&handled, kind, &unit, &from, &to) {
        Some(h) => Err(AppError::Conflict(match h.record_id {
            Some(id) => format!("该单位同类事项已立问责记录 {id}（期间相互重叠），不能重复处理。"),
            None => "该单位同类事项已决定不予问责（期间相互重叠），不能重复处理。".into(),
        })),
        None => Ok(()),
    }
}

/// Dismiss a candidate with the reason (the discipline team over its unit), once, unless a record was opened.
pub async fn dismiss(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &DismissForm,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let key = form.candidate_key.trim();
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::validation("reason", "请写明不予问责的理由（200 字以内）。"));
    }
    let candidate = current_candidate(db, now, ctx, key).await?;
    let unit = candidate.unit.code.clone();
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    not_handled(&tx, key).await?;
    let row = accountability_dismissal::ActiveModel {
        candidate_key: Set(key.to_string()),
        org_code: Set(unit.clone()),
        reason: Set(reason.to_string()),
        dismissed_by: Set(caller.user_id),
        dismissed_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let entry = Entry {
        action: "accountability.dismissed",
        entity_type: "accountability_candidate",
        entity_id: row.candidate_key.clone(),
        org_code: Some(unit),
        changes: json!({ "after": { "reason": reason } }),
    };
    audit::append(&tx, &actor, now, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Open a record from a candidate: its counted facts become the basis, recomputed now from the record; the subject
/// (the unit, or a person of it) is told and has the policy's days to state their case. Returns the record's id.
pub async fn open(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &OpenForm,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?;
    let key = form.candidate_key.trim();
    let candidate = current_candidate(db, now, ctx, key).await?;
    let (kind, unit, from, to) =
        (candidate.kind, candidate.unit.code.clone(), candidate.from.clone(), candidate.to.clone());
    let basis: Vec<Fact> =
        candidate.facts.into_iter().filter(|f| f.verdict.as_ref().is_none_or(|v| v.counted)).collect();
    let subject = match form.subject_user_id.trim() {
        "" => None,
        text => {
            let id: i64 =
                text.parse().map_err(|_| AppError::validation("subject_user_id", "请从名单中选择问责对象。"))?;
            let people = people_of(db, &unit).await?;
            people
                .iter()
                .find(|p| p.user_id == id)
                .ok_or_else(|| AppError::validation("subject_user_id", "问责对象应为该单位的人员，请从名单中选择。"))?;
            Some(id)
        }
    };
    let title = match form.title.trim() {
        "" => format!("{}：{}（{} 至 {}）", candidate.unit.name, kind.label(), from, to),
        text if text.chars().count() > 200 => return Err(AppError::validation("title", "标题不超过 200 字。")),
        text => text.to_string(),
    };
    let today = beijing_date(now);
    let rules = crate::policy::service::effective(db, &unit, today.year()).await?.policy.accountability;
    let statement_due = today + Duration::days(i64::from(rules.statement_days));
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    not_handled(&tx, key).await?;
    let record = accountability_record::ActiveModel {
        org_code: Set(unit.clone()),
        subject_user_id: Set(subject),
        kind: Set(kind.as_str().into()),
        candidate_key: Set(Some(key.to_string())),
        title: Set(title.clone()),
        basis: Set(serde_json::to_string(&basis).map_err(AppError::internal)?),
        status: Set(RecordStatus::AwaitingStatement.as_str().into()),
        measure: Set(None),
        measure_in_force: Set(None),
        statement_due: Set(statement_due),
        statement: Set(None),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    add_event(&tx, &record, "open", None, &format!("立问责记录，依据 {} 项事实", basis.len()), caller.user_id, now)
        .await?;
    let changes = json!({ "after": { "title": title, "subject_user_id": subject, "basis": basis.len(),
        "statement_due": statement_due, "candidate": key } });
    record_audit(&tx, &actor, now, &record, "accountability.opened", changes).await?;
    let told: Vec<i64> = match subject {
        Some(id) => vec![id],
        None => leaders_of(&tx, &unit).await?,
    };
    let notice = Notice {
        category: NoticeCategory::Assignment,
        title: format!("问责告知：{title}"),
        body: format!("请于 {statement_due} 前在系统中提交申辩意见；逾期未提交的，视为放弃申辩。"),
        link: format!("/accountability/records/{}", record.id),
        dedupe: None,
    };
    notify(&tx, now, &told, &notice).await?;
    tx.commit().await?;
    Ok(record.id)
}

/// The leaders who answer for a unit: its Party secretary (a village) or its leader (a township).
async fn leaders_of<C: ConnectionTrait>(db: &C, unit: &str) -> Result<Vec<i64>, AppError> {
    let people = people_of(db, unit).await?;
    let leaders =
        crate::households::register::candidates(db, unit, &[Role::VillageSecretary, Role::TownshipLeader]).await?;
    Ok(leaders.into_iter().filter(|l| people.iter().any(|p| p.user_id == l.user_id)).map(|l| l.user_id).collect())
}

async fn add_event<C: ConnectionTrait>(
    tx: &C,
    record: &accountability_record::Model,
    step: &str,
    measure: Option<Measure>,
    note: &str,
    actor_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    accountability_event::ActiveModel {
        record_id: Set(record.id),
        step: Set(step.to_string()),
        status: Set(record.status.clone()),
        measure: Set(measure.map(|m| m.as_str().to_string())),
        note: Set(note.to_string()),
        actor_id: Set(actor_id),
        at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}

/// Whether the caller sees a record: its subject, and those who read accountability over its unit (the discipline
/// team, the county office, the unit's leaders and those above them; `Action::ReadAccountability`).
fn sees(caller: &Caller, record: &accountability_record::Model) -> bool {
    record.subject_user_id == Some(caller.user_id)
        || authz::authorize(caller, Action::ReadAccountability, &record.org_code).is_ok()
}

async fn visible(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<accountability_record::Model, AppError> {
    accountability_record::Entity::find_by_id(id).one(db).await?.filter(|r| sees(caller, r)).ok_or(AppError::NotFound)
}

/// The county of a unit, where decisions and approvals are taken.
fn county_of(unit: &str) -> Result<String, AppError> {
    Ok(OrgCode::parse(unit)?.at_level(OrgLevel::County))
}

/// Whether the caller may take `step` on the record, by who they are (the order of steps is the rules').
fn may_take(caller: &Caller, record: &accountability_record::Model, step: &RecordStep) -> Result<bool, AppError> {
    Ok(match step {
        RecordStep::State { .. } => match record.subject_user_id {
            Some(id) => id == caller.user_id,
            None => caller.roles.iter().any(|g| {
                matches!(g.role, Role::VillageSecretary | Role::TownshipLeader) && g.org_code == record.org_code
            }),
        },
        RecordStep::Review { .. } | RecordStep::Talk { .. } => {
            authz::authorize(caller, Action::ManageAccountability, &record.org_code).is_ok()
        }
        RecordStep::Decide { .. } | RecordStep::Correct { .. } | RecordStep::Revoke { .. } => {
            authz::authorize(caller, Action::DecideAccountability, &county_of(&record.org_code)?).is_ok()
        }
        RecordStep::Approve { .. } | RecordStep::Reject { .. } => {
            authz::authorize(caller, Action::ApproveAccountability, &county_of(&record.org_code)?).is_ok()
        }
    })
}

fn state_of(record: &accountability_record::Model) -> Result<RecordState, AppError> {
    Ok(RecordState {
        status: RecordStatus::parse(&record.status)
            .ok_or_else(|| AppError::internal(format!("accountability record {} status", record.id)))?,
        measure: record.measure.as_deref().and_then(Measure::parse),
        in_force: record.measure_in_force.as_deref().and_then(Measure::parse),
        statement_due: record.statement_due,
    })
}

/// Take a step on a record.
pub async fn step(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    form: &StepForm,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let record = visible(db, caller, id).await?;
    let step = form.step()?;
    if !may_take(caller, &record, &step)? {
        return Err(AppError::Forbidden);
    }
    let text = form.text.trim();
    if text.chars().count() > 2000 {
        return Err(AppError::validation("text", "内容不超过 2000 字。"));
    }
    let next = transition(&state_of(&record)?, &step, beijing_date(now))?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let current =
        accountability_record::Entity::find_by_id(id).lock_exclusive().one(&tx).await?.ok_or(AppError::NotFound)?;
    if current.updated_at != record.updated_at {
        return Err(AppError::Conflict("问责记录刚被他人办理过，请刷新后再试。".into()));
    }
    let current_talk = current.talk_on;
    let mut active = current.into_active_model();
    active.status = Set(next.status.as_str().into());
    active.measure = Set(next.measure.map(|m| m.as_str().to_string()));
    active.measure_in_force = Set(next.in_force.map(|m| m.as_str().to_string()));
    match &step {
        RecordStep::State { text } => active.statement = Set(Some(text.trim().to_string())),
        RecordStep::Talk { on, participants, content, follow_up } => {
            if current_talk.is_some() {
                return Err(AppError::Conflict("约谈情况已记录，不能再改。".into()));
            }
            active.talk_on = Set(Some(*on));
            active.talk_participants = Set(Some(participants.clone()));
            active.talk_content = Set(Some(content.clone()));
            active.talk_follow_up = Set(Some(follow_up.clone()));
        }
        _ => {}
    }
    active.updated_at = Set(now);
    let updated = active.update(&tx).await?;
    add_event(&tx, &updated, step.code(), next.measure, text, caller.user_id, now).await?;
    let changes = json!({ "step": step.label(), "before": { "status": record.status, "measure": record.measure },
        "after": { "status": updated.status, "measure": updated.measure, "note": text } });
    record_audit(&tx, &actor, now, &updated, "accountability.step", changes).await?;
    tx.commit().await?;
    Ok(())
}

/// A record with its basis and steps, and what the caller may do now.
pub async fn get(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<RecordView, AppError> {
    let caller = ctx.caller()?;
    let record = visible(db, caller, id).await?;
    let events = accountability_event::Entity::find()
        .filter(accountability_event::Column::RecordId.eq(id))
        .order_by_asc(accountability_event::Column::Id)
        .all(db)
        .await?;
    let people =
        crate::users::service::display_names(db, events.iter().map(|e| e.actor_id).chain(record.subject_user_id))
            .await?;
    let name = |id: i64| people.get(&id).cloned().unwrap_or_default();
    let state = state_of(&record)?;
    let today = beijing_date(now);
    let probes = [
        RecordStep::State { text: "-".into() },
        RecordStep::Review { note: "-".into() },
        RecordStep::Decide { measure: Measure::Talk, note: "-".into() },
        RecordStep::Approve { note: "-".into() },
        RecordStep::Reject { note: "-".into() },
        RecordStep::Correct { measure: Measure::Education, reason: "-".into() },
        RecordStep::Revoke { reason: "-".into() },
        RecordStep::Talk { on: today, participants: "-".into(), content: "-".into(), follow_up: String::new() },
    ];
    let mut steps = Vec::new();
    for probe in &probes {
        let allowed = match probe {
            // A correction to any other measure is possible whatever the current one.
            RecordStep::Correct { .. } => state.status == RecordStatus::Decided,
            RecordStep::Talk { .. } => record.talk_on.is_none() && transition(&state, probe, today).is_ok(),
            _ => transition(&state, probe, today).is_ok(),
        };
        if allowed && may_take(caller, &record, probe)? {
            steps.push(probe.code().to_string());
        }
    }
    let names = crate::org::service::display_names(db, vec![record.org_code.clone()]).await?;
    Ok(RecordView {
        id: record.id,
        unit: Unit { code: record.org_code.clone(), name: names.get(&record.org_code).cloned().unwrap_or_default() },
        subject: record.subject_user_id.map(name),
        kind_label: crate::accountability::CandidateKind::parse(&record.kind)
            .map(|k| k.label())
            .unwrap_or_default()
            .into(),
        title: record.title.clone(),
        basis: serde_json::from_str(&record.basis).unwrap_or_default(),
        status: state.status,
        status_label: state.status.label().into(),
        measure: state.measure,
        statement_due: record.statement_due,
        statement: record.statement.clone(),
        talk: record.talk_on.map(|on| TalkView {
            on,
            participants: record.talk_participants.clone().unwrap_or_default(),
            content: record.talk_content.clone().unwrap_or_default(),
            follow_up: record.talk_follow_up.clone().unwrap_or_default(),
        }),
        events: events
            .into_iter()
            .map(|e| EventView {
                step_label: step_label(&e.step).into(),
                status_label: RecordStatus::parse(&e.status).map(|s| s.label()).unwrap_or_default().into(),
                measure_label: e.measure.as_deref().and_then(Measure::parse).map(|m| m.label().to_string()),
                note: e.note,
                actor: name(e.actor_id),
                at: e.at,
            })
            .collect(),
        steps,
    })
}

/// A stored step's name.
fn step_label(code: &str) -> &'static str {
    match code {
        "open" => "立问责记录",
        "state" => "提交申辩",
        "review" => "审查",
        "decide" => "作出决定",
        "approve" => "县级审批同意",
        "reject" => "县级审批退回",
        "correct" => "更正决定",
        "revoke" => "撤销决定",
        "talk" => "记录约谈",
        _ => "其他",
    }
}

/// The records the caller sees, newest first (at most 200): those of the units they read accountability over, and
/// their own.
/// `status`: empty for all, `open` for those not yet decided, `decided` for the decisions (revoked ones included).
pub async fn list(db: &DatabaseConnection, ctx: &RequestContext, status: &str) -> Result<Vec<RecordSummary>, AppError> {
    let caller = ctx.caller()?;
    let mut within = Condition::any().add(accountability_record::Column::SubjectUserId.eq(caller.user_id));
    for prefix in authz::scope_prefixes(caller, Action::ReadAccountability) {
        within = within.add(code_prefix(accountability_record::Column::OrgCode, &prefix));
    }
    let finished = [RecordStatus::Decided.as_str(), RecordStatus::Revoked.as_str()];
    let status = match status.trim() {
        "" => Condition::all(),
        "open" => Condition::all().add(accountability_record::Column::Status.is_not_in(finished)),
        "decided" => Condition::all().add(accountability_record::Column::Status.is_in(finished)),
        _ => return Err(AppError::validation("status", "状态应为 open（办理中）或 decided（已决定）。")),
    };
    let rows = accountability_record::Entity::find()
        .filter(within)
        .filter(status)
        .order_by_desc(accountability_record::Column::Id)
        .limit(200)
        .all(db)
        .await?;
    summarise(db, rows).await
}

/// Records as lists show them.
pub(crate) async fn summarise<C: ConnectionTrait>(
    db: &C,
    rows: Vec<accountability_record::Model>,
) -> Result<Vec<RecordSummary>, AppError> {
    let units = crate::org::service::display_names(db, rows.iter().map(|r| r.org_code.clone()).collect()).await?;
    let people = crate::users::service::display_names(db, rows.iter().filter_map(|r| r.subject_user_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let status = RecordStatus::parse(&r.status).unwrap_or(RecordStatus::AwaitingStatement);
            RecordSummary {
                id: r.id,
                unit: units.get(&r.org_code).cloned().unwrap_or_default(),
                subject: r.subject_user_id.and_then(|id| people.get(&id).cloned()),
                title: r.title,
                status,
                status_label: status.label().into(),
                measure_label: r.measure.as_deref().and_then(Measure::parse).map(|m| m.label().to_string()),
                opened_on: beijing_date(r.created_at),
            }
        })
        .collect())
}

/// The records `ids` the caller sees, as lists show them.
pub(crate) async fn visible_summaries(
    db: &DatabaseConnection,
    caller: &Caller,
    ids: &[i64],
) -> Result<Vec<RecordSummary>, AppError> {
    let rows = accountability_record::Entity::find()
        .filter(accountability_record::Column::Id.is_in(ids.to_vec()))
        .order_by_asc(accountability_record::Column::Id)
        .all(db)
        .await?;
    summarise(db, rows.into_iter().filter(|r| sees(caller, r)).collect()).await
}

/// A decided (or revoked) record as the print engine's data (`accountability-decision`): 问责决定书, or 约谈记录 for a
/// talk; returns the title too. The print is audited.
pub async fn decision_sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<(String, serde_json::Value), AppError> {
    let r = get(db, now, ctx, id).await?;
    if !matches!(r.status, RecordStatus::Decided | RecordStatus::Revoked) {
        return Err(AppError::Conflict("该问责记录尚未作出决定，决定后可打印决定书。".into()));
    }
    let title = match r.measure {
        Some(Measure::Talk) => "约谈记录",
        _ => "问责决定书",
    };
    let data = json!({
        "title": title,
        "unit": r.unit.name,
        "subject": r.subject.clone().unwrap_or_else(|| "（单位）".into()),
        "kind": r.title,
        "measure": r.measure.map(|m| m.label()).unwrap_or("—"),
        "status": r.status_label,
        "statement_due": r.statement_due.to_string(),
        "statement": r.statement.clone().unwrap_or_else(|| "未提交".into()),
        "talk": match &r.talk {
            Some(t) => json!({ "on": t.on.to_string(), "participants": t.participants, "content": t.content,
                "follow_up": t.follow_up }),
            None => json!({ "on": "", "participants": "", "content": "", "follow_up": "" }),
        },
        "basis": r.basis.iter().enumerate().map(|(i, f)| json!({ "number": i + 1, "text": f.text,
            "reason": f.verdict.as_ref().map(|v| v.reason.clone()).unwrap_or_default() })).collect::<Vec<_>>(),
        "events": r.events.iter().map(|e| json!({ "at": crate::time::beijing_time(e.at), "actor": e.actor,
            "step": e.step_label, "note": e.note })).collect::<Vec<_>>(),
        "printed_on": beijing_date(now).to_string(),
    });
    let entry = Entry {
        action: "print.accountability_decision",
        entity_type: "accountability_record",
        entity_id: id.to_string(),
        org_code: Some(r.unit.code.clone()),
        changes: json!({ "form": title }),
    };
    audit::record_event(db, &Actor::user(ctx.caller()?, &ctx.meta), now, entry).await?;
    Ok((title.to_string(), data))
}
