//! 回头看: a round's team draws a sample of the closed findings of earlier rounds in its area and checks whether
//! each rectification holds. The draw is reproducible (`crate::sampling`): the frame of finding ids, its SHA-256,
//! the seed read out at the draw and the algorithm's version are stored, and every reading of the draw checks
//! that they still give the stored sample.

use chrono::{DateTime, Utc};
use entities::{supervision_finding, supervision_followup, supervision_followup_check, supervision_round};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

use super::{FollowUpCheck, Sight, drawn_ids, pending_followup, record_followup_check, round_in_sight, status_of};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::db::begin_write;
use crate::error::AppError;
use crate::org::OrgCode;
use crate::request::RequestContext;
use crate::sampling;
use crate::supervision::{FindingStatus, FollowUpDrawForm, FollowUpItem, FollowUpResult, FollowUpView, RoundStatus};
use crate::time::beijing_date;

/// The closed findings (销号 or 立行立改) of the team's earlier rounds in its area, found before this round
/// started, in id order: what a follow-up can draw from.
async fn frame(db: &DatabaseConnection, round: &supervision_round::Model) -> Result<Vec<i64>, AppError> {
    let team = OrgCode::parse(&round.org_code)?;
    let earlier: Vec<i64> = supervision_round::Entity::find()
        .filter(crate::authz::code_prefix(supervision_round::Column::OrgCode, team.scope_prefix()))
        .filter(supervision_round::Column::Id.ne(round.id))
        .filter(supervision_round::Column::StartsOn.lt(round.starts_on))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    Ok(supervision_finding::Entity::find()
        .filter(supervision_finding::Column::RoundId.is_in(earlier))
        .filter(
            supervision_finding::Column::Status
                .is_in([FindingStatus::Closed.as_str(), FindingStatus::CorrectedOnSpot.as_str()]),
        )
        .order_by_asc(supervision_finding::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.id)
        .collect())
}

fn codes(ids: &[i64]) -> Vec<String> {
    ids.iter().map(i64::to_string).collect()
}

/// Recompute a stored draw from its stored frame and seed: `None` when it gives the stored sample, else what
/// differs, in words.
pub fn verify(draw: &supervision_followup::Model) -> Option<String> {
    let frame: Vec<i64> = serde_json::from_str(&draw.frame).unwrap_or_default();
    if draw.algorithm != sampling::ALGORITHM {
        return Some(format!("抽样算法版本 {} 与本系统的 {} 不同，无法复核。", draw.algorithm, sampling::ALGORITHM));
    }
    if sampling::frame_hash(&codes(&frame)) != draw.frame_sha256 {
        return Some("抽样框与抽取时记录的 SHA-256 不符：抽样框已被改动。".into());
    }
    let again = sampling::draw(&draw.seed, &codes(&frame), draw.sample_size as usize).drawn;
    (again != codes(&drawn_ids(draw)))
        .then(|| format!("按记录的抽样框和种子重新计算，应抽中 {}，与记录的名单不同。", again.join("、")))
}

/// Draw the round's follow-up sample: by the team that runs the round, once, while it is under way or
/// rectifying; the seed is what was read out at the draw. Returns how many were drawn.
pub async fn draw(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    round_id: i64,
    form: &FollowUpDrawForm,
) -> Result<usize, AppError> {
    let caller = ctx.caller()?;
    let (round, _, sight) = round_in_sight(db, caller, round_id).await?;
    if !matches!(sight, Sight::Whole { may_manage: true, .. }) {
        return Err(AppError::Forbidden);
    }
    if !matches!(status_of(&round)?, RoundStatus::Active | RoundStatus::Rectifying) {
        return Err(AppError::Conflict("实施中或整改中的督查才能抽取回头看的问题。".into()));
    }
    let (seed, size) = form.parse()?;
    let frame = frame(db, &round).await?;
    if frame.is_empty() {
        return Err(AppError::Conflict("辖区内以往的督查没有已销号的问题，无可回头看。".into()));
    }
    let drawn = sampling::draw(&seed, &codes(&frame), size);
    let drawn_ids: Vec<i64> = drawn.drawn.iter().filter_map(|c| c.parse().ok()).collect();
    let to_json = |v: &Vec<i64>| serde_json::to_string(v).map_err(|e| AppError::internal(e.to_string()));
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let existing = supervision_followup::Entity::find()
        .filter(supervision_followup::Column::RoundId.eq(round.id))
        .one(&tx)
        .await?;
    if existing.is_some() {
        return Err(AppError::Conflict("本轮督查已抽取过回头看的问题，抽样结果不能重抽。".into()));
    }
    let row = supervision_followup::ActiveModel {
        round_id: Set(round.id),
        seed: Set(seed.clone()),
        algorithm: Set(sampling::ALGORITHM.into()),
        frame: Set(to_json(&frame)?),
        frame_sha256: Set(sampling::frame_hash(&codes(&frame))),
        sample_size: Set(size as i32),
        drawn: Set(to_json(&drawn_ids)?),
        drawn_by: Set(caller.user_id),
        drawn_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let entry = Entry {
        action: "supervision.followup_drawn",
        entity_type: "supervision_round",
        entity_id: round.id.to_string(),
        org_code: Some(round.org_code.clone()),
        changes: json!({ "after": { "seed": seed, "algorithm": sampling::ALGORITHM, "frame_size": frame.len(),
            "frame_sha256": row.frame_sha256, "sample_size": size, "drawn": drawn_ids } }),
    };
    audit::append(&tx, &actor, now, entry).await?;
    tx.commit().await?;
    Ok(drawn_ids.len())
}

/// Record that a drawn finding's rectification holds (整改到位，未反弹), by a member of the round. A problem that
/// is back is recorded as a finding of the round instead (`findings::record` with its follow-up origin).
pub async fn confirm(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    round_id: i64,
    finding_id: i64,
    note: &str,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let (round, _, sight) = round_in_sight(db, caller, round_id).await?;
    if !matches!(sight, Sight::Whole { .. }) {
        return Err(AppError::Forbidden);
    }
    if !matches!(status_of(&round)?, RoundStatus::Active | RoundStatus::Rectifying) {
        return Err(AppError::Conflict("实施中或整改中的督查才能记录回头看结果。".into()));
    }
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(AppError::validation("note", "请写明回头看核查的情况（500 字以内）。"));
    }
    let draw = pending_followup(db, round.id, finding_id).await?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let check = FollowUpCheck { by: caller.user_id, result: FollowUpResult::Holds, note, new_finding: None };
    record_followup_check(&tx, &actor, now, &draw, finding_id, &check).await?;
    tx.commit().await?;
    Ok(())
}

/// The round's follow-up as its page shows it to those who see the whole round: the draw with its check, and
/// each drawn finding with its earlier round and what the follow-up found. `frame_size` is what a draw would
/// take from when there is none yet.
pub async fn view(db: &DatabaseConnection, round: &supervision_round::Model) -> Result<FollowUpView, AppError> {
    let Some(draw) =
        supervision_followup::Entity::find().filter(supervision_followup::Column::RoundId.eq(round.id)).one(db).await?
    else {
        return Ok(FollowUpView { frame_size: frame(db, round).await?.len() as u64, ..Default::default() });
    };
    let ids = drawn_ids(&draw);
    let findings =
        supervision_finding::Entity::find().filter(supervision_finding::Column::Id.is_in(ids.clone())).all(db).await?;
    let rounds = supervision_round::Entity::find()
        .filter(supervision_round::Column::Id.is_in(findings.iter().map(|f| f.round_id)))
        .all(db)
        .await?;
    let checks = supervision_followup_check::Entity::find()
        .filter(supervision_followup_check::Column::FollowupId.eq(draw.id))
        .all(db)
        .await?;
    let units = crate::org::service::display_names(db, findings.iter().map(|f| f.org_code.clone()).collect()).await?;
    let names = crate::users::service::display_names(db, [draw.drawn_by]).await?;
    let frame: Vec<i64> = serde_json::from_str(&draw.frame).unwrap_or_default();
    let items = ids
        .iter()
        .filter_map(|id| findings.iter().find(|f| f.id == *id))
        .map(|f| {
            let check = checks.iter().find(|c| c.finding_id == f.id);
            FollowUpItem {
                finding_id: f.id,
                round_id: f.round_id,
                round_title: rounds.iter().find(|r| r.id == f.round_id).map(|r| r.title.clone()).unwrap_or_default(),
                org_code: f.org_code.clone(),
                unit_name: units.get(&f.org_code).cloned().unwrap_or_default(),
                item: f.item.clone(),
                description: f.description.clone(),
                closed_on: f.closed_at.map(beijing_date),
                result: check.and_then(|c| FollowUpResult::parse(&c.result)),
                note: check.map(|c| c.note.clone()),
                new_finding_id: check.and_then(|c| c.new_finding_id),
            }
        })
        .collect();
    Ok(FollowUpView {
        frame_size: frame.len() as u64,
        drawn: true,
        seed: draw.seed.clone(),
        algorithm: draw.algorithm.clone(),
        frame_sha256: draw.frame_sha256.clone(),
        sample_size: draw.sample_size as u64,
        drawn_by: names.get(&draw.drawn_by).cloned().unwrap_or_default(),
        drawn_at: Some(draw.drawn_at),
        mismatch: verify(&draw),
        items,
    })
}
