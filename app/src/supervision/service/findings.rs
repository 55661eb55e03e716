//! A round's findings: recorded in the field, handed over as rectification cases, re-checked by an
//! independent member and closed, or carried over with a reason.

use chrono::{DateTime, Datelike, Utc};
use entities::{case_event, household, risk_case, supervision_finding, supervision_round};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::rounds::finding_status;
use super::{
    FollowUpCheck, Sight, checklist_of, covers, pending_followup, record_followup_check, round_in_sight, status_of,
};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz;
use crate::cases::lifecycle;
use crate::cases::service::opening::{Opening, open};
use crate::cases::{RiskType, Source, Status};
use crate::db::begin_write;
use crate::error::AppError;
use crate::org::OrgCode;
use crate::request::RequestContext;
use crate::supervision::{
    FindingForm, FindingStatus, FollowUpResult, HandOverForm, Origin, RecheckForm, RoundStatus, recheck_refusal,
};
use crate::time::beijing_date;

/// A finding's change as its audit record, in the caller's transaction.
async fn finding_audit<C: sea_orm::ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    finding: &supervision_finding::Model,
    action: &'static str,
    changes: serde_json::Value,
) -> Result<(), AppError> {
    let entry = Entry {
        action,
        entity_type: "supervision_finding",
        entity_id: finding.id.to_string(),
        org_code: Some(finding.org_code.clone()),
        changes,
    };
    audit::append(tx, actor, now, entry).await?;
    Ok(())
}

/// Save a finding's new status, with what else the step changes, in the caller's transaction.
async fn save_status<C: sea_orm::ConnectionTrait>(
    tx: &C,
    finding: &supervision_finding::Model,
    status: FindingStatus,
    now: DateTime<Utc>,
    also: impl FnOnce(&mut supervision_finding::ActiveModel),
) -> Result<(), AppError> {
    let mut active = finding.clone().into_active_model();
    active.status = Set(status.as_str().into());
    active.updated_at = Set(now);
    also(&mut active);
    active.update(tx).await?;
    Ok(())
}

/// The round and finding by id, for a caller who sees the whole round; with whether they may manage it
/// and are a member.
async fn finding_for_team(
    db: &DatabaseConnection,
    ctx: &RequestContext,
    finding_id: i64,
) -> Result<(supervision_round::Model, supervision_finding::Model, bool, bool), AppError> {
    let caller = ctx.caller()?;
    let finding = supervision_finding::Entity::find_by_id(finding_id).one(db).await?.ok_or(AppError::NotFound)?;
    let (round, _, sight) = round_in_sight(db, caller, finding.round_id).await?;
    match sight {
        Sight::Whole { may_manage, is_member } => Ok((round, finding, may_manage, is_member)),
        Sight::Units(_) if sight.sees(&finding.org_code) => Err(AppError::Forbidden),
        Sight::Units(_) => Err(AppError::NotFound),
    }
}

/// A finding the caller may attach evidence to: a member of its round, or the team that runs it, until the
/// round is completed.
pub async fn for_evidence(
    db: &DatabaseConnection,
    ctx: &RequestContext,
    finding_id: i64,
) -> Result<supervision_finding::Model, AppError> {
    let (round, finding, may_manage, is_member) = finding_for_team(db, ctx, finding_id).await?;
    if !may_manage && !is_member {
        return Err(AppError::Forbidden);
    }
    if status_of(&round)? == RoundStatus::Completed {
        return Err(AppError::Conflict("本轮督查已完成，不能再补充问题的佐证资料。".into()));
    }
    Ok(finding)
}

/// A finding by id if the caller sees it (the whole round, or the finding's unit); otherwise not found.
pub async fn visible(
    db: &DatabaseConnection,
    ctx: &RequestContext,
    finding_id: i64,
) -> Result<supervision_finding::Model, AppError> {
    let caller = ctx.caller()?;
    let finding = supervision_finding::Entity::find_by_id(finding_id).one(db).await?.ok_or(AppError::NotFound)?;
    let (_, _, sight) = round_in_sight(db, caller, finding.round_id).await?;
    if !sight.sees(&finding.org_code) {
        return Err(AppError::NotFound);
    }
    Ok(finding)
}

/// The finding a rectification case was opened for, if it is one.
pub async fn of_case<C: sea_orm::ConnectionTrait>(
    db: &C,
    case_id: i64,
) -> Result<Option<supervision_finding::Model>, AppError> {
    Ok(supervision_finding::Entity::find().filter(supervision_finding::Column::CaseId.eq(case_id)).one(db).await?)
}

/// Record a finding in a covered unit while the round is under way; returns its id. Only the round's members
/// (and the team that runs it) record; the household, the person and the unit's own earlier case must
/// belong to the unit.
pub async fn record(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    round_id: i64,
    form: &FindingForm,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?;
    let (round, _, sight) = round_in_sight(db, caller, round_id).await?;
    if !matches!(sight, Sight::Whole { .. }) {
        return Err(AppError::Forbidden);
    }
    let today = beijing_date(now);
    let checklist = checklist_of(&round);
    let items: Vec<String> = checklist.iter().map(|c| c.item.clone()).collect();
    let fields = form.parse(&items, today)?;
    let unit =
        OrgCode::parse(&fields.org_code).map_err(|_| AppError::validation("org_code", "请选择问题所在的村或镇街。"))?;
    let followup = check_origin(db, &round, &fields, &unit).await?;
    let household = match &fields.household {
        None => None,
        Some(code) => Some(
            household::Entity::find()
                .filter(household::Column::Code.eq(code.as_str()))
                .one(db)
                .await?
                .filter(|h| unit.contains(&h.org_code))
                .ok_or_else(|| AppError::validation("household", "该户不在所选单位，请核对户编号。"))?,
        ),
    };
    if let Some(case_id) = fields.self_found_case {
        let own = risk_case::Entity::find_by_id(case_id).one(db).await?;
        if !own.is_some_and(|c| unit.contains(&c.org_code) && c.found_by_unit) {
            return Err(AppError::validation("self_found_case_id", "该编号不是本单位自查登记的案件。"));
        }
    }
    let basis = checklist.iter().find(|c| c.item == fields.item).map(|c| c.basis.clone()).unwrap_or_default();
    let status = if fields.on_spot_action.is_some() { FindingStatus::CorrectedOnSpot } else { FindingStatus::Recorded };
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let row = supervision_finding::ActiveModel {
        round_id: Set(round.id),
        org_code: Set(unit.as_str().to_string()),
        household_id: Set(household.as_ref().map(|h| h.id)),
        person_user_id: Set(fields.person),
        item: Set(fields.item.clone()),
        basis: Set(basis),
        method: Set(fields.method.as_str().into()),
        severity: Set(fields.severity.as_str().into()),
        description: Set(fields.description.clone()),
        found_on: Set(fields.found_on),
        on_spot_action: Set(fields.on_spot_action.clone()),
        self_found_case_id: Set(fields.self_found_case),
        prompted_by_finding_id: Set(match fields.origin {
            Origin::Similar(id) => Some(id),
            _ => None,
        }),
        followup_of_finding_id: Set(match fields.origin {
            Origin::FollowUp(id) => Some(id),
            _ => None,
        }),
        status: Set(status.as_str().into()),
        case_id: Set(None),
        carried_over_reason: Set(None),
        recorded_by: Set(caller.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set((status == FindingStatus::CorrectedOnSpot).then_some(now)),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    finding_audit(
        &tx,
        &actor,
        now,
        &row,
        "supervision.finding_recorded",
        json!({ "after": { "item": row.item, "method": fields.method.label(), "severity": fields.severity.label(),
                "description": row.description, "found_on": row.found_on, "household": household.map(|h| h.code),
                "on_spot_action": row.on_spot_action, "self_found_case_id": row.self_found_case_id,
                "prompted_by_finding_id": row.prompted_by_finding_id,
                "followup_of_finding_id": row.followup_of_finding_id } }),
    )
    .await?;
    if let (Some(draw), Origin::FollowUp(earlier)) = (followup, fields.origin) {
        let check = FollowUpCheck {
            by: caller.user_id,
            result: FollowUpResult::Relapsed,
            note: &row.description,
            new_finding: Some(row.id),
        };
        record_followup_check(&tx, &actor, now, &draw, earlier, &check).await?;
    }
    tx.commit().await?;
    Ok(row.id)
}

/// Whether a finding may be recorded now in `unit`, by where it comes from: the round's own checking records
/// while the round is under way and in its covered units; 举一反三 and 回头看 also while it rectifies, anywhere in
/// the team's area — 举一反三 after a finding of this round with the same item, 回头看 for a drawn finding of the
/// round's follow-up not yet checked, in that finding's unit. Returns the follow-up draw for 回头看.
async fn check_origin(
    db: &DatabaseConnection,
    round: &supervision_round::Model,
    fields: &crate::supervision::FindingFields,
    unit: &OrgCode,
) -> Result<Option<entities::supervision_followup::Model>, AppError> {
    let status = status_of(round)?;
    let in_area = OrgCode::parse(&round.org_code)?.contains(unit.as_str());
    match fields.origin {
        Origin::Checking => {
            if status != RoundStatus::Active {
                return Err(AppError::Conflict(format!("本轮督查当前为“{}”，实施中才能记录问题。", status.label())));
            }
            if !covers(round, unit) {
                return Err(AppError::validation("org_code", "问题所在单位应为本轮督查的对象。"));
            }
            Ok(None)
        }
        Origin::Similar(_) | Origin::FollowUp(_)
            if !matches!(status, RoundStatus::Active | RoundStatus::Rectifying) =>
        {
            Err(AppError::Conflict(format!(
                "本轮督查当前为“{}”，实施中或整改中才能记录举一反三、回头看发现的问题。",
                status.label()
            )))
        }
        Origin::Similar(id) => {
            let source = supervision_finding::Entity::find_by_id(id).one(db).await?;
            if !source.is_some_and(|f| f.round_id == round.id && f.item == fields.item) {
                return Err(AppError::validation("prompted_by_finding_id", "举一反三应依据本轮督查同一事项的问题。"));
            }
            if !in_area {
                return Err(AppError::validation("org_code", "问题所在单位应在本轮督查组织单位的辖区内。"));
            }
            Ok(None)
        }
        Origin::FollowUp(id) => {
            let draw = pending_followup(db, round.id, id).await?;
            let earlier = supervision_finding::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
            if earlier.org_code != unit.as_str() {
                return Err(AppError::validation("org_code", "回头看发现的问题应记录在原问题所在单位。"));
            }
            Ok(Some(draw))
        }
    }
}

/// Hand a recorded finding over (问题交办): a rectification case in the finding's unit, owned by the unit's
/// responsible person the team names, due by the team's date or the policy's working days, linked both ways.
/// Returns the case id.
pub async fn hand_over(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    finding_id: i64,
    form: &HandOverForm,
) -> Result<i64, AppError> {
    let (round, finding, may_manage, is_member) = finding_for_team(db, ctx, finding_id).await?;
    if !may_manage && !is_member {
        return Err(AppError::Forbidden);
    }
    if FindingStatus::parse(&finding.status) != Some(FindingStatus::Recorded) {
        return Err(AppError::Conflict("该问题已交办、已立行立改或已结转。".into()));
    }
    let not_eligible = "整改责任人应为被督查单位的干部，请从列表中选择。";
    let (owner, deadline) = crate::cases::service::opening::handover_terms(
        db,
        &finding.org_code,
        &form.owner_user_id,
        &form.deadline,
        beijing_date(now),
        not_eligible,
    )
    .await?;
    let household = match finding.household_id {
        Some(id) => household::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let caller = ctx.caller()?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let description = format!("{}交办（{}）：{}", round.title, finding.item, finding.description);
    let case_id = open(
        &tx,
        now,
        &actor,
        Opening {
            household: household.as_ref(),
            org_code: &finding.org_code,
            source: Source::Supervision,
            risk_type: RiskType::Other,
            red_alert: false,
            description: &description,
            owner,
            department: "",
            responsible_person: "",
            deadline,
            status: Status::Rectifying,
            notify_owner: true,
        },
    )
    .await?;
    save_status(&tx, &finding, FindingStatus::HandedOver, now, |f| f.case_id = Set(Some(case_id))).await?;
    finding_audit(
        &tx,
        &actor,
        now,
        &finding,
        "supervision.handed_over",
        json!({ "after": { "case_id": case_id, "owner_user_id": owner, "deadline": deadline } }),
    )
    .await?;
    tx.commit().await?;
    Ok(case_id)
}

/// Re-check a submitted rectification (复核): 合格 closes the case and the finding (销号), 不合格 sends it back to
/// 整改 with the reason. Only a member of the round who neither rectified it nor holds a role in the unit.
pub async fn recheck(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    finding_id: i64,
    form: &RecheckForm,
) -> Result<(), AppError> {
    let (_, finding, _, is_member) = finding_for_team(db, ctx, finding_id).await?;
    let caller = ctx.caller()?;
    let case_id = finding.case_id.ok_or_else(|| AppError::Conflict("该问题尚未交办整改。".into()))?;
    let case = risk_case::Entity::find_by_id(case_id).one(db).await?.ok_or(AppError::NotFound)?;
    if finding_status(&finding, Some(&case)) != FindingStatus::AwaitingRecheck {
        return Err(AppError::Conflict("被督查单位提交整改后才能复核。".into()));
    }
    let submitter = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case.id))
        .filter(case_event::Column::Action.eq("submit"))
        .order_by_desc(case_event::Column::Id)
        .one(db)
        .await?
        .map(|e| e.actor_user_id);
    let rectified_it = case.owner_user_id == caller.user_id || submitter == Some(caller.user_id);
    let unit_prefix = OrgCode::parse(&finding.org_code)?.scope_prefix().to_string();
    let from_the_unit = caller.roles.iter().any(|g| g.org_code.starts_with(unit_prefix.as_str()));
    if let Some(refusal) = recheck_refusal(is_member, rectified_it, from_the_unit) {
        return Err(AppError::Conflict(refusal.into()));
    }
    let note = form.note.trim().to_string();
    let (action, passed) = match form.result.as_str() {
        "pass" => (lifecycle::Action::Accept { note: note.clone() }, true),
        "fail" => (lifecycle::Action::Return { reason: note.clone() }, false),
        _ => return Err(AppError::validation("result", "请选择复核结论：合格或不合格。")),
    };
    let policy = crate::policy::service::effective(db, &case.org_code, beijing_date(now).year()).await?.policy;
    let roles = authz::roles_over(caller, &case.org_code);
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let acting = authz::Acting { actor: &actor, user_id: caller.user_id, roles: &roles };
    crate::cases::service::steps::take_step(&tx, now, &acting, case.id, &action, &policy).await?;
    if passed {
        save_status(&tx, &finding, FindingStatus::Closed, now, |f| f.closed_at = Set(Some(now))).await?;
    }
    finding_audit(
        &tx,
        &actor,
        now,
        &finding,
        "supervision.rechecked",
        json!({ "after": { "result": if passed { "合格，销号" } else { "不合格，退回整改" }, "note": note } }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Carry an open finding over to a later round with the reason (结转), by the team that runs the round,
/// once the round is in rectification.
pub async fn carry_over(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    finding_id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let (round, finding, may_manage, _) = finding_for_team(db, ctx, finding_id).await?;
    if !may_manage {
        return Err(AppError::Forbidden);
    }
    if status_of(&round)? != RoundStatus::Rectifying {
        return Err(AppError::Conflict("进入整改阶段后，才能将未销号的问题结转。".into()));
    }
    let case = match finding.case_id {
        Some(id) => risk_case::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    if !finding_status(&finding, case.as_ref()).is_open() {
        return Err(AppError::Conflict("该问题已销号、已立行立改或已结转。".into()));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::validation("reason", "请写明结转理由（500 字以内）。"));
    }
    let caller = ctx.caller()?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    save_status(&tx, &finding, FindingStatus::CarriedOver, now, |f| {
        f.carried_over_reason = Set(Some(reason.to_string()))
    })
    .await?;
    finding_audit(&tx, &actor, now, &finding, "supervision.carried_over", json!({ "after": { "reason": reason } }))
        .await?;
    tx.commit().await?;
    Ok(())
}
