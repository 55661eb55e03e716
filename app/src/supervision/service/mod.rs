//! Supervision rounds in the database: who sees what of a round, its rounds and steps (`rounds`), its
//! findings from recording to closing (`findings`), each covered unit's work paper (`workpaper`) and its
//! hand-over sheet, work paper and summary as prints (`sheets`), the same item looked for in other units
//! (`similar`, 举一反三) and the follow-up draw of earlier rounds' closed findings (`followup`, 回头看).
//! Every change writes its audit record in the same transaction.

pub mod findings;
pub mod followup;
pub mod rounds;
pub mod sheets;
pub mod similar;
pub mod workpaper;

use chrono::{DateTime, Utc};
use entities::{supervision_followup, supervision_followup_check, supervision_member, supervision_round};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::org::OrgCode;
use crate::permissions::Caller;
use crate::policy::supervision::ChecklistItem;
use crate::supervision::{FollowUpResult, RoundStatus};

/// What of a round the caller sees: all of it (the team that runs it, its members), or the findings of
/// the covered units within their own reading scope (a covered village sees its own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Sight {
    Whole { may_manage: bool, is_member: bool },
    Units(Vec<String>),
}

impl Sight {
    /// Whether the caller sees something of the covered unit `unit` (all of it, or a part in their scope).
    pub(crate) fn touches(&self, unit: &OrgCode) -> bool {
        match self {
            Sight::Whole { .. } => true,
            Sight::Units(prefixes) => prefixes.iter().any(|p| p.starts_with(unit.scope_prefix())),
        }
    }

    /// Whether a finding of the unit `org_code` is visible.
    pub(crate) fn sees(&self, org_code: &str) -> bool {
        match self {
            Sight::Whole { .. } => true,
            Sight::Units(prefixes) => prefixes.iter().any(|p| org_code.starts_with(p.as_str())),
        }
    }
}

/// The covered units of a round.
pub(crate) fn units_of(round: &supervision_round::Model) -> Vec<String> {
    serde_json::from_str(&round.units).unwrap_or_default()
}

/// Whether `unit` is one of the round's covered units or lies inside one.
pub(crate) fn covers(round: &supervision_round::Model, unit: &OrgCode) -> bool {
    units_of(round).iter().filter_map(|u| OrgCode::parse(u).ok()).any(|covered| covered.contains(unit.as_str()))
}

/// The checklist a round works from.
pub(crate) fn checklist_of(round: &supervision_round::Model) -> Vec<ChecklistItem> {
    serde_json::from_str(&round.checklist).unwrap_or_default()
}

pub(crate) fn status_of(round: &supervision_round::Model) -> Result<RoundStatus, AppError> {
    RoundStatus::parse(&round.status).ok_or_else(|| AppError::internal(format!("round {} status", round.id)))
}

/// The user ids of a round's members.
pub(crate) async fn member_ids<C: ConnectionTrait>(db: &C, round_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(supervision_member::Entity::find()
        .filter(supervision_member::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

/// What the caller sees of `round`, without the database: `members` are its member ids.
pub(crate) fn sight(caller: &Caller, round: &supervision_round::Model, members: &[i64]) -> Option<Sight> {
    let may_manage = authz::authorize(caller, Action::ManageSupervision, &round.org_code).is_ok()
        || round.lead_user_id == caller.user_id;
    let is_member = members.contains(&caller.user_id);
    if may_manage || is_member {
        return Some(Sight::Whole { may_manage, is_member });
    }
    let own = authz::scope_prefixes(caller, Action::ReadHousehold);
    let covered: Vec<String> = units_of(round)
        .iter()
        .filter_map(|u| OrgCode::parse(u).ok())
        .flat_map(|unit| {
            own.iter()
                .filter_map(|p| {
                    if p.starts_with(unit.scope_prefix()) {
                        Some(p.clone())
                    } else if unit.as_str().starts_with(p.as_str()) {
                        Some(unit.scope_prefix().to_string())
                    } else {
                        None
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    (!covered.is_empty()).then_some(Sight::Units(covered))
}

/// A round by id with what the caller sees of it; a round the caller may not see answers like a missing one.
pub(crate) async fn round_in_sight<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    round_id: i64,
) -> Result<(supervision_round::Model, Vec<i64>, Sight), AppError> {
    let round = supervision_round::Entity::find_by_id(round_id).one(db).await?.ok_or(AppError::NotFound)?;
    let members = member_ids(db, round.id).await?;
    let sight = sight(caller, &round, &members).ok_or(AppError::NotFound)?;
    Ok((round, members, sight))
}

/// The finding ids a follow-up draw took, in draw order.
pub(crate) fn drawn_ids(draw: &supervision_followup::Model) -> Vec<i64> {
    serde_json::from_str(&draw.drawn).unwrap_or_default()
}

/// The round's follow-up draw, if the finding `finding_id` is on it and not yet checked.
pub(crate) async fn pending_followup<C: ConnectionTrait>(
    db: &C,
    round_id: i64,
    finding_id: i64,
) -> Result<supervision_followup::Model, AppError> {
    let draw = supervision_followup::Entity::find()
        .filter(supervision_followup::Column::RoundId.eq(round_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::Conflict("本轮督查尚未抽取回头看的问题。".into()))?;
    if !drawn_ids(&draw).contains(&finding_id) {
        return Err(AppError::validation("followup_of_finding_id", "该问题不在本轮回头看的抽取名单中。"));
    }
    let checked = supervision_followup_check::Entity::find()
        .filter(supervision_followup_check::Column::FollowupId.eq(draw.id))
        .filter(supervision_followup_check::Column::FindingId.eq(finding_id))
        .one(db)
        .await?;
    if checked.is_some() {
        return Err(AppError::Conflict("该问题已完成回头看。".into()));
    }
    Ok(draw)
}

/// What a follow-up check of one drawn finding found.
pub(crate) struct FollowUpCheck<'a> {
    pub by: i64,
    pub result: FollowUpResult,
    pub note: &'a str,
    /// The round's new finding, when the problem is back.
    pub new_finding: Option<i64>,
}

/// Record the follow-up check of the drawn finding `finding_id` with its audit record, in the caller's
/// transaction.
pub(crate) async fn record_followup_check<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    draw: &supervision_followup::Model,
    finding_id: i64,
    check: &FollowUpCheck<'_>,
) -> Result<(), AppError> {
    let row = supervision_followup_check::ActiveModel {
        followup_id: Set(draw.id),
        finding_id: Set(finding_id),
        result: Set(check.result.as_str().into()),
        note: Set(check.note.to_string()),
        new_finding_id: Set(check.new_finding),
        checked_by: Set(check.by),
        checked_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let entry = Entry {
        action: "supervision.followup_checked",
        entity_type: "supervision_finding",
        entity_id: finding_id.to_string(),
        org_code: None,
        changes: json!({ "after": { "round_id": draw.round_id, "result": check.result.label(), "note": check.note,
            "new_finding_id": check.new_finding, "check_id": row.id } }),
    };
    audit::append(tx, actor, now, entry).await?;
    Ok(())
}
