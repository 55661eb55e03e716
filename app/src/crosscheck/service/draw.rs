//! The draw of a cross-check (抽样), reproducible and verifiable: at the draw the frame is written down — each
//! checked township's eligible villages and, for the villages drawn, their households with their strata (those
//! drawn in last year's check passed over when the policy says so) — with its SHA-256. Villages are the ones with
//! the smallest permanent random numbers (`crate::sampling`) of each township; households the smallest of each
//! stratum of a drawn village, as many as the policy's shares give; the next ones in that order are the reserve.
//! `verify` recomputes everything from the stored frame and seed and names what differs.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entities::{cross_check, cross_check_draw, cross_check_unit, household, org_unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{audit_change, check_to_manage, rules_of, status_of, townships_of};
use crate::audit::service::Actor;
use crate::crosscheck::{CheckStatus, Stratum, Verification, allocate, count_of};
use crate::db::begin_write;
use crate::error::AppError;
use crate::org::{OrgCode, OrgLevel};
use crate::policy::crosscheck::CrossCheckRules;
use crate::request::RequestContext;
use crate::sampling;

/// A household of the frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameHousehold {
    pub code: String,
    pub stratum: Stratum,
}

/// A drawn village of the frame with its eligible households, in code order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameVillage {
    pub code: String,
    pub households: Vec<FrameHousehold>,
}

/// A checked township of the frame: its eligible villages in code order, and the drawn ones' households.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameTownship {
    pub code: String,
    pub villages: Vec<String>,
    pub drawn: Vec<FrameVillage>,
}

/// What a draw was drawn from, with the sizes it asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    pub villages_per_township: usize,
    pub households_per_village: usize,
    pub strata_percent: [u32; 3],
    pub townships: Vec<FrameTownship>,
}

/// A frame's SHA-256: of its JSON, as stored.
pub fn frame_sha256(frame_json: &str) -> String {
    hex::encode(Sha256::digest(frame_json.as_bytes()))
}

/// How long a stratum's reserve is kept: as many as were drawn from it, at least three.
fn reserve_len(drawn: usize) -> usize {
    drawn.max(3)
}

/// One ordered list of a draw: a township's villages, or one stratum of a village's households.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drawn {
    pub township: String,
    pub village: Option<String>,
    pub stratum: Option<Stratum>,
    pub drawn: Vec<String>,
    pub reserve: Vec<String>,
}

/// A drawn village that had fewer eligible households than asked: all were taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub village: String,
    pub asked: usize,
    pub taken: usize,
}

/// The villages of each township drawn from the frame (stage one; the households are drawn from the frame's
/// households of these villages).
fn villages_drawn(seed: &str, frame: &Frame) -> Vec<Drawn> {
    frame
        .townships
        .iter()
        .map(|t| {
            let d = sampling::draw(seed, &t.villages, frame.villages_per_township);
            Drawn { township: t.code.clone(), village: None, stratum: None, drawn: d.drawn, reserve: d.reserve }
        })
        .collect()
}

/// Every list of the draw (each township's villages, then each drawn village's strata) and the villages that
/// fell short.
pub fn compute(seed: &str, frame: &Frame) -> (Vec<Drawn>, Vec<Shortfall>) {
    let mut lists = villages_drawn(seed, frame);
    let mut shortfalls = Vec::new();
    for t in &frame.townships {
        for v in &t.drawn {
            let by_stratum: Vec<Vec<String>> = Stratum::ALL
                .iter()
                .map(|s| v.households.iter().filter(|h| h.stratum == *s).map(|h| h.code.clone()).collect())
                .collect();
            let mut available = [0; 3];
            for (slot, codes) in available.iter_mut().zip(&by_stratum) {
                *slot = codes.len();
            }
            let (counts, short) = allocate(frame.households_per_village, frame.strata_percent, available);
            if short > 0 {
                let asked = frame.households_per_village;
                shortfalls.push(Shortfall { village: v.code.clone(), asked, taken: asked - short });
            }
            for (stratum, codes) in Stratum::ALL.into_iter().zip(&by_stratum) {
                let asked = count_of(&counts, stratum);
                let mut d = sampling::draw(seed, codes, asked);
                d.reserve.truncate(reserve_len(asked));
                lists.push(Drawn {
                    township: t.code.clone(),
                    village: Some(v.code.clone()),
                    stratum: Some(stratum),
                    drawn: d.drawn,
                    reserve: d.reserve,
                });
            }
        }
    }
    (lists, shortfalls)
}

/// Draw the check's sample with the seed read out at the draw (the county office, once, after the pairing).
/// Returns the draw's id.
pub async fn draw(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check_id: i64,
    seed: &str,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?;
    let check = check_to_manage(db, caller, check_id).await?;
    if status_of(&check)? != CheckStatus::Paired {
        return Err(AppError::Conflict("检查组与镇街配对确认后才能抽样；抽样只进行一次。".into()));
    }
    let seed = seed.trim();
    if seed.is_empty() || seed.chars().count() > 32 {
        return Err(AppError::validation(
            "seed",
            "请填写抽样现场当众确定的随机种子（例如掷骰或抽号得到的数字，32 字以内）。",
        ));
    }
    let rules = rules_of(&check);
    let skip = if rules.skip_last_year { last_years_households(db, &check).await? } else { HashSet::new() };
    let (frame, skipped) = build_frame(db, &check, &rules, seed, &skip).await?;
    let frame_json = serde_json::to_string(&frame).map_err(|e| AppError::internal(e.to_string()))?;
    let (lists, shortfalls) = compute(seed, &frame);
    let households = household_ids(db, lists.iter().filter(|l| l.village.is_some())).await?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let row = cross_check_draw::ActiveModel {
        check_id: Set(check.id),
        seed: Set(seed.to_string()),
        algorithm: Set(sampling::ALGORITHM.into()),
        frame_sha256: Set(frame_sha256(&frame_json)),
        frame: Set(frame_json),
        skipped: Set(serde_json::to_string(&skipped).map_err(|e| AppError::internal(e.to_string()))?),
        shortfalls: Set(serde_json::to_string(&shortfalls).map_err(|e| AppError::internal(e.to_string()))?),
        drawn_by: Set(caller.user_id),
        drawn_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let mut units = Vec::new();
    for list in &lists {
        let roles = list
            .drawn
            .iter()
            .map(|c| ("drawn", c))
            .enumerate()
            .chain(list.reserve.iter().map(|c| ("reserve", c)).enumerate());
        for (rank, (role, code)) in roles {
            let (village, household_id) = match &list.village {
                None => (code.clone(), None),
                Some(v) => (v.clone(), households.get(code).copied()),
            };
            units.push(cross_check_unit::ActiveModel {
                draw_id: Set(row.id),
                township_code: Set(list.township.clone()),
                village_code: Set(village),
                household_id: Set(household_id),
                stratum: Set(list.stratum.map(|s| s.as_str().to_string())),
                rank: Set(rank as i32),
                role: Set(role.into()),
                ..Default::default()
            });
        }
    }
    for chunk in units.chunks(500) {
        cross_check_unit::Entity::insert_many(chunk.to_vec()).exec(&tx).await?;
    }
    super::access::grant_samples(&tx, now, &actor, caller.user_id, &check, &lists).await?;
    let mut active = check.clone().into_active_model();
    active.status = Set(CheckStatus::Drawn.as_str().into());
    active.updated_at = Set(now);
    let check = active.update(&tx).await?;
    let changes = json!({ "after": { "draw_id": row.id, "seed": seed, "algorithm": sampling::ALGORITHM,
        "frame_sha256": row.frame_sha256, "villages": lists.iter().filter(|l| l.village.is_none()).map(|l| l.drawn.len()).sum::<usize>(),
        "households": lists.iter().filter(|l| l.village.is_some()).map(|l| l.drawn.len()).sum::<usize>(),
        "skipped": skipped.len(), "shortfalls": shortfalls } });
    audit_change(&tx, &actor, now, &check, "crosscheck.drawn", changes).await?;
    tx.commit().await?;
    Ok(row.id)
}

/// The frame: each checked township's villages, the villages drawn from them, and those villages' eligible
/// households (in code order, with their strata), last year's passed over; and the codes passed over.
async fn build_frame(
    db: &DatabaseConnection,
    check: &cross_check::Model,
    rules: &CrossCheckRules,
    seed: &str,
    skip: &HashSet<String>,
) -> Result<(Frame, Vec<String>), AppError> {
    let mut frame = Frame {
        villages_per_township: rules.villages_per_township as usize,
        households_per_village: rules.households_per_village as usize,
        strata_percent: rules.strata_percent,
        townships: Vec::new(),
    };
    for township in townships_of(check) {
        let prefix = OrgCode::parse(&township)?.scope_prefix().to_string();
        let villages: Vec<String> = org_unit::Entity::find()
            .select_only()
            .column(org_unit::Column::Code)
            .filter(crate::authz::code_prefix(org_unit::Column::Code, &prefix))
            .filter(org_unit::Column::Level.eq(OrgLevel::Village.as_str()))
            .order_by_asc(org_unit::Column::Code)
            .into_tuple()
            .all(db)
            .await?;
        frame.townships.push(FrameTownship { code: township, villages, drawn: Vec::new() });
    }
    let mut skipped = Vec::new();
    for (t, list) in villages_drawn(seed, &frame).into_iter().enumerate() {
        let mut drawn = Vec::new();
        for village in list.drawn {
            let rows: Vec<(String, String, String)> = household::Entity::find()
                .select_only()
                .column(household::Column::Code)
                .column(household::Column::MonitoringStatus)
                .column(household::Column::WarningKinds)
                .filter(household::Column::OrgCode.starts_with(village.as_str()))
                .order_by_asc(household::Column::Code)
                .into_tuple()
                .all(db)
                .await?;
            let mut households = Vec::new();
            for (code, status, kinds) in rows {
                if skip.contains(&code) {
                    skipped.push(code);
                } else {
                    households.push(FrameHousehold { code, stratum: Stratum::of(&status, &kinds) });
                }
            }
            drawn.push(FrameVillage { code: village, households });
        }
        if let Some(township) = frame.townships.get_mut(t) {
            township.drawn = drawn;
        }
    }
    Ok((frame, skipped))
}

/// The codes of the households drawn (or taken as replacements) in last year's check of the county.
async fn last_years_households(
    db: &DatabaseConnection,
    check: &cross_check::Model,
) -> Result<HashSet<String>, AppError> {
    let Some(previous) = cross_check::Entity::find()
        .filter(cross_check::Column::OrgCode.eq(check.org_code.as_str()))
        .filter(cross_check::Column::Year.eq(check.year - 1))
        .one(db)
        .await?
    else {
        return Ok(HashSet::new());
    };
    let Some(draw) =
        cross_check_draw::Entity::find().filter(cross_check_draw::Column::CheckId.eq(previous.id)).one(db).await?
    else {
        return Ok(HashSet::new());
    };
    let ids: Vec<i64> = cross_check_unit::Entity::find()
        .filter(cross_check_unit::Column::DrawId.eq(draw.id))
        .filter(cross_check_unit::Column::Role.is_in(["drawn", "replaced", "replacement"]))
        .filter(cross_check_unit::Column::HouseholdId.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|u| u.household_id)
        .collect();
    let codes: Vec<String> = household::Entity::find()
        .select_only()
        .column(household::Column::Code)
        .filter(household::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(codes.into_iter().collect())
}

/// The ids of the households the lists name, by code.
async fn household_ids<'a, C: ConnectionTrait>(
    db: &C,
    lists: impl Iterator<Item = &'a Drawn>,
) -> Result<HashMap<String, i64>, AppError> {
    let codes: Vec<String> = lists.flat_map(|l| l.drawn.iter().chain(&l.reserve).cloned()).collect();
    let mut ids = HashMap::new();
    for chunk in codes.chunks(500) {
        let rows: Vec<(i64, String)> = household::Entity::find()
            .select_only()
            .column(household::Column::Id)
            .column(household::Column::Code)
            .filter(household::Column::Code.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        ids.extend(rows.into_iter().map(|(id, code)| (code, id)));
    }
    Ok(ids)
}

/// Recompute a draw from its stored frame and seed and compare with what was stored: the frame's hash, and
/// every list (a unit drawn and later replaced still counts as drawn).
pub async fn verify<C: ConnectionTrait>(db: &C, draw_id: i64) -> Result<Verification, AppError> {
    let draw = cross_check_draw::Entity::find_by_id(draw_id).one(db).await?.ok_or(AppError::NotFound)?;
    let mut differences = Vec::new();
    if draw.algorithm != sampling::ALGORITHM {
        differences.push(format!(
            "抽样算法版本 {} 与本系统的 {} 不同，无法复核。",
            draw.algorithm,
            sampling::ALGORITHM
        ));
        return Ok(Verification { identical: false, differences });
    }
    let hash = frame_sha256(&draw.frame);
    if hash != draw.frame_sha256 {
        differences
            .push(format!("抽样框的 SHA-256 为 {hash}，与抽样时记录的 {} 不符：抽样框已被改动。", draw.frame_sha256));
    }
    let frame: Frame =
        serde_json::from_str(&draw.frame).map_err(|e| AppError::internal(format!("draw {draw_id} frame: {e}")))?;
    let units = cross_check_unit::Entity::find()
        .filter(cross_check_unit::Column::DrawId.eq(draw.id))
        .order_by_asc(cross_check_unit::Column::Rank)
        .all(db)
        .await?;
    let codes: HashMap<i64, String> = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .column(household::Column::Code)
        .filter(household::Column::Id.is_in(units.iter().filter_map(|u| u.household_id)))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let names = crate::org::service::display_names(
        db,
        frame.townships.iter().flat_map(|t| t.villages.iter().cloned().chain([t.code.clone()])).collect(),
    )
    .await?;
    let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_string());
    for list in compute(&draw.seed, &frame).0 {
        let stored = |original: &[&str]| -> Vec<String> {
            units
                .iter()
                .filter(|u| {
                    u.township_code == list.township && u.stratum.as_deref() == list.stratum.map(Stratum::as_str)
                })
                .filter(|u| {
                    list.village.as_ref().is_none_or(|v| &u.village_code == v)
                        && u.household_id.is_some() == list.village.is_some()
                })
                .filter(|u| original.contains(&u.role.as_str()))
                .map(|u| match u.household_id {
                    Some(id) => codes.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
                    None => u.village_code.clone(),
                })
                .collect()
        };
        let (drawn, reserve) = (stored(&["drawn", "replaced"]), stored(&["reserve", "replacement"]));
        if drawn != list.drawn || reserve != list.reserve {
            let what = match (&list.village, list.stratum) {
                (Some(v), Some(s)) => format!("{}（{}）{}", name(v), name(&list.township), s.label()),
                _ => format!("{}的抽查村", name(&list.township)),
            };
            differences.push(format!(
                "{what}：按记录的抽样框和种子应抽中 {}，记录为 {}。",
                list.drawn.join("、"),
                drawn.join("、")
            ));
        }
    }
    Ok(Verification { identical: differences.is_empty(), differences })
}

/// Verify the draw of a check the caller sees (any county user may, as may the checked townships).
pub async fn verify_for(
    db: &DatabaseConnection,
    ctx: &RequestContext,
    check_id: i64,
) -> Result<Verification, AppError> {
    let check = super::check_in_sight(db, ctx.caller()?, check_id).await?;
    let draw = cross_check_draw::Entity::find()
        .filter(cross_check_draw::Column::CheckId.eq(check.id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::Conflict("本次交叉检查尚未抽样。".into()))?;
    verify(db, draw.id).await
}

#[cfg(test)]
#[path = "draw_proptest.rs"]
mod draw_proptest;
