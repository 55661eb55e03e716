//! What a draw shows: the check's page (every drawn household in visiting order for the county office and for a
//! team its own township's, with replacements and the leader's right to replace), and the frame and the draw as
//! one workbook for the county office.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{cross_check, cross_check_draw, cross_check_unit, household};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::draw::{Frame, Shortfall};
use super::{check_to_manage, townships_of};
use crate::audit::service::Actor;
use crate::crosscheck::{DrawView, DrawnHousehold, DrawnTownship, DrawnVillage, ReplaceReason, Stratum, Unit};
use crate::error::AppError;
use crate::permissions::Caller;
use crate::request::RequestContext;

/// The frame and the draw as one workbook for the county office: every village and household of the frame with
/// its stratum and what the draw made of it (抽中, 备选 with its place, 已替换, 替换入选, 未抽中); the seed, the
/// algorithm and the frame's SHA-256 in the heading. The download is audited.
pub async fn draw_file(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check_id: i64,
) -> Result<crate::excel::workbook::ExportFile, AppError> {
    let caller = ctx.caller()?;
    let check = check_to_manage(db, caller, check_id).await?;
    let draw = cross_check_draw::Entity::find()
        .filter(cross_check_draw::Column::CheckId.eq(check.id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::Conflict("本次交叉检查尚未抽样。".into()))?;
    let frame: Frame =
        serde_json::from_str(&draw.frame).map_err(|e| AppError::internal(format!("draw {} frame: {e}", draw.id)))?;
    let units = cross_check_unit::Entity::find().filter(cross_check_unit::Column::DrawId.eq(draw.id)).all(db).await?;
    let ids: HashMap<i64, (String, String)> = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .column(household::Column::Code)
        .column(household::Column::HeadName)
        .filter(household::Column::Id.is_in(units.iter().filter_map(|u| u.household_id)))
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, code, head)| (id, (code, head)))
        .collect();
    let by_code: HashMap<String, (&cross_check_unit::Model, String)> = units
        .iter()
        .filter_map(|u| match u.household_id {
            Some(id) => ids.get(&id).map(|(code, head)| (code.clone(), (u, head.clone()))),
            None => Some((u.village_code.clone(), (u, String::new()))),
        })
        .collect();
    let result = |code: &str| match by_code.get(code) {
        Some((u, _)) => {
            let role = match u.role.as_str() {
                "drawn" => "抽中",
                "reserve" => "备选",
                "replaced" => "已替换",
                _ => "替换入选",
            };
            (role.to_string(), (u.rank + 1).to_string())
        }
        None => ("未抽中".to_string(), String::new()),
    };
    let mut codes: Vec<String> =
        frame.townships.iter().flat_map(|t| t.villages.iter().cloned().chain([t.code.clone()])).collect();
    codes.sort();
    let names = crate::org::service::display_names(db, codes).await?;
    let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_string());
    let mut table = Vec::new();
    for t in &frame.townships {
        for village in &t.villages {
            let (role, rank) = result(village);
            table.push(vec![name(&t.code), name(village), String::new(), String::new(), "村".into(), role, rank]);
        }
        for v in &t.drawn {
            for h in &v.households {
                let (role, rank) = result(&h.code);
                let head = by_code.get(&h.code).map(|(_, head)| head.clone()).unwrap_or_default();
                let row =
                    vec![name(&t.code), name(&v.code), h.code.clone(), head, h.stratum.label().into(), role, rank];
                table.push(row);
            }
        }
    }
    let columns = [
        ("序号", 6.0),
        ("镇街", 14.0),
        ("村", 14.0),
        ("户编号", 22.0),
        ("户主", 10.0),
        ("类别", 10.0),
        ("抽样结果", 10.0),
        ("顺序", 8.0),
    ];
    let title = format!("{}抽样框与抽样结果", check.title);
    let heading =
        format!("{title}（随机种子 {}，算法 {}，抽样框 SHA-256 {}）", draw.seed, draw.algorithm, draw.frame_sha256);
    let bytes = crate::excel::workbook::workbook_bytes("抽样", &heading, &columns, &table, "（抽样框为空）")?;
    let changes = json!({ "name": title, "rows": table.len() });
    let entry = crate::audit::service::Entry {
        action: "export.downloaded",
        entity_type: "cross_check",
        entity_id: check.id.to_string(),
        org_code: Some(check.org_code.clone()),
        changes,
    };
    crate::audit::service::record_event(db, &Actor::user(caller, &ctx.meta), now, entry).await?;
    Ok(crate::excel::workbook::ExportFile { file_name: format!("{title}.xlsx"), bytes, rows: table.len() })
}

/// The draw as the check's page shows it: for the county office every drawn household in visiting order, for a
/// checker their own team's; for others the villages and counts only.
pub async fn view(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    caller: &Caller,
    check: &cross_check::Model,
    full: bool,
) -> Result<Option<DrawView>, AppError> {
    let Some(draw) =
        cross_check_draw::Entity::find().filter(cross_check_draw::Column::CheckId.eq(check.id)).one(db).await?
    else {
        return Ok(None);
    };
    let units = cross_check_unit::Entity::find()
        .filter(cross_check_unit::Column::DrawId.eq(draw.id))
        .order_by_asc(cross_check_unit::Column::Rank)
        .all(db)
        .await?;
    let households: HashMap<i64, household::Model> = household::Entity::find()
        .filter(
            household::Column::Id.is_in(units.iter().filter(|u| u.role != "reserve").filter_map(|u| u.household_id)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let teams = super::teams_of(db, check.id).await?;
    let mine = entities::cross_check_member::Entity::find()
        .filter(entities::cross_check_member::Column::TeamId.is_in(teams.iter().map(|t| t.id)))
        .filter(entities::cross_check_member::Column::UserId.eq(caller.user_id))
        .one(db)
        .await?;
    let own_township =
        mine.clone().and_then(|m| teams.iter().find(|t| t.id == m.team_id).and_then(|t| t.township_code.clone()));
    let open = super::window_open(check, now);
    let leads = mine.as_ref().is_some_and(|m| m.leader) && open;
    let checked: std::collections::HashSet<i64> = entities::cross_check_sheet::Entity::find()
        .select_only()
        .column(entities::cross_check_sheet::Column::UnitId)
        .filter(entities::cross_check_sheet::Column::CheckId.eq(check.id))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut codes = townships_of(check);
    codes.extend(units.iter().map(|u| u.village_code.clone()));
    let names = crate::org::service::display_names(db, codes).await?;
    let unit = |code: &str| Unit { code: code.to_string(), name: names.get(code).cloned().unwrap_or_default() };
    let shortfalls: Vec<Shortfall> = serde_json::from_str(&draw.shortfalls).unwrap_or_default();
    let townships = townships_of(check)
        .iter()
        .map(|t| {
            let villages = units
                .iter()
                .filter(|u| &u.township_code == t && u.household_id.is_none() && u.role == "drawn")
                .map(|v| {
                    let of_village =
                        |u: &&cross_check_unit::Model| u.village_code == v.village_code && u.household_id.is_some();
                    let mut listed: Vec<&cross_check_unit::Model> = units
                        .iter()
                        .filter(of_village)
                        .filter(|u| matches!(u.role.as_str(), "drawn" | "replacement"))
                        .collect();
                    listed.sort_by_key(|u| (u.stratum.clone(), u.rank));
                    DrawnVillage {
                        unit_id: v.id,
                        checked: checked.contains(&v.id),
                        unit: unit(&v.village_code),
                        households: if full || own_township.as_deref() == Some(t.as_str()) {
                            listed
                                .iter()
                                .filter_map(|u| {
                                    let h = households.get(&u.household_id?)?;
                                    let stratum = Stratum::parse(u.stratum.as_deref()?)?;
                                    let replaced = units.iter().find(|r| r.replaced_by_unit_id == Some(u.id));
                                    let replaces = replaced.and_then(|r| {
                                        let old = households.get(&r.household_id?)?;
                                        let reason = r.replace_reason.as_deref().and_then(ReplaceReason::parse)?;
                                        Some(format!("替换{}户（{}）", old.head_name, reason.label()))
                                    });
                                    Some(DrawnHousehold {
                                        unit_id: u.id,
                                        checked: checked.contains(&u.id),
                                        code: h.code.clone(),
                                        head_name: h.head_name.clone(),
                                        stratum,
                                        stratum_label: stratum.label().into(),
                                        replaces,
                                    })
                                })
                                .collect()
                        } else {
                            Vec::new()
                        },
                        reserve: units.iter().filter(of_village).filter(|u| u.role == "reserve").count() as u64,
                        shortfall: shortfalls
                            .iter()
                            .filter(|s| s.village == v.village_code)
                            .map(|s| (s.asked - s.taken) as u64)
                            .sum(),
                    }
                })
                .collect();
            let own = own_township.as_deref() == Some(t.as_str());
            DrawnTownship {
                may_replace: leads && own,
                may_fill: open && own,
                sees_findings: full
                    || (open && own)
                    || crate::authz::authorize(caller, crate::permissions::Action::ReadHousehold, t).is_ok(),
                unit: unit(t),
                team: teams
                    .iter()
                    .find(|team| team.township_code.as_deref() == Some(t.as_str()))
                    .map(|team| team.name.clone())
                    .unwrap_or_default(),
                villages,
            }
        })
        .collect();
    let by = crate::users::service::display_names(db, [draw.drawn_by]).await?;
    let skipped: Vec<String> = serde_json::from_str(&draw.skipped).unwrap_or_default();
    Ok(Some(DrawView {
        id: draw.id,
        seed: draw.seed.clone(),
        algorithm: draw.algorithm.clone(),
        frame_sha256: draw.frame_sha256.clone(),
        drawn_by: by.get(&draw.drawn_by).cloned().unwrap_or_default(),
        drawn_at: draw.drawn_at,
        skipped: skipped.len() as u64,
        townships,
    }))
}
