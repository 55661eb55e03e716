//! The townships' scores: each township's answers counted per indicator in one grouped query, scored by the
//! check's rules (`crosscheck::score`), combined with the township's self-assessment where the rules give it a
//! share, and ranked; the county's report as a page, a workbook and a printed form. A township enters its own
//! assessment here.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{
    cross_check, cross_check_answer, cross_check_finding, cross_check_self_score, cross_check_sheet, cross_check_unit,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Set,
};
use serde_json::{Value, json};

use super::{audit_change, check_in_sight, rules_of, townships_of};
use crate::audit::service::Actor;
use crate::authz::{self, Action};
use crate::crosscheck::score::{self, TownshipScore, parse_points, points, shown};
use crate::crosscheck::{ScoresView, SelfScoreForm, Unit};
use crate::db::begin_write;
use crate::error::AppError;
use crate::request::RequestContext;

/// Enter (or correct) the township's self-assessment: its leaders and staff, for a township the check covers, until
/// the check's window ends (the ranking does not change after).
pub async fn enter_self_score(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check_id: i64,
    form: &SelfScoreForm,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let check = check_in_sight(db, caller, check_id).await?;
    let township = form.township.trim();
    if !townships_of(&check).iter().any(|t| t == township) {
        return Err(AppError::validation("township", "该镇街不在本次交叉检查范围内。"));
    }
    authz::authorize(caller, Action::AnswerCrossCheck, township)?;
    if now > check.window_end {
        return Err(AppError::Conflict("检查时间已结束，不能再填报或修改自评。".into()));
    }
    let tenths = parse_points(&form.score)
        .ok_or_else(|| AppError::validation("score", "自评得分应为 0 至 100 之间的数，最多一位小数，例如 92.5。"))?;
    let note = form.note.trim();
    if note.chars().count() > 500 {
        return Err(AppError::validation("note", "自评说明不超过 500 字。"));
    }
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let existing = cross_check_self_score::Entity::find()
        .filter(cross_check_self_score::Column::CheckId.eq(check.id))
        .filter(cross_check_self_score::Column::TownshipCode.eq(township))
        .one(&tx)
        .await?;
    let before = existing.as_ref().map(|s| json!({ "score": points(s.score_tenths.max(0) as u32), "note": s.note }));
    let mut row = match existing {
        Some(s) => s.into_active_model(),
        None => cross_check_self_score::ActiveModel {
            check_id: Set(check.id),
            township_code: Set(township.to_string()),
            ..Default::default()
        },
    };
    row.score_tenths = Set(tenths as i32);
    row.note = Set(note.to_string());
    row.entered_by = Set(caller.user_id);
    row.entered_at = Set(now);
    row.save(&tx).await?;
    let changes = json!({ "township": township, "before": before, "after": { "score": points(tenths), "note": note } });
    audit_change(&tx, &actor, now, &check, "crosscheck.self_scored", changes).await?;
    tx.commit().await?;
    Ok(())
}

/// Every checked township's score with its components, ranked (any user who sees the check).
pub async fn scores(db: &DatabaseConnection, ctx: &RequestContext, check_id: i64) -> Result<ScoresView, AppError> {
    let check = check_in_sight(db, ctx.caller()?, check_id).await?;
    scores_of(db, &check).await
}

/// The scores of a check.
async fn scores_of(db: &DatabaseConnection, check: &cross_check::Model) -> Result<ScoresView, AppError> {
    let rules = rules_of(check);
    let answers: Vec<(String, String, String, i64)> = cross_check_answer::Entity::find()
        .select_only()
        .column(cross_check_answer::Column::TownshipCode)
        .column(cross_check_answer::Column::Indicator)
        .column(cross_check_answer::Column::Result)
        .column_as(cross_check_answer::Column::Id.count(), "n")
        .filter(cross_check_answer::Column::CheckId.eq(check.id))
        .group_by(cross_check_answer::Column::TownshipCode)
        .group_by(cross_check_answer::Column::Indicator)
        .group_by(cross_check_answer::Column::Result)
        .into_tuple()
        .all(db)
        .await?;
    use cross_check_finding::Column as Finding;
    use cross_check_sheet::Column as Sheet;
    use cross_check_unit::Column as Drawn;
    // Household sheets of all sheets (a village's has no household), problems handed over of all problems.
    let sheets = counts_by_township(
        db,
        cross_check_sheet::Entity::find().filter(Sheet::CheckId.eq(check.id)),
        Sheet::TownshipCode,
        Sheet::HouseholdId,
        Sheet::Id,
    )
    .await?;
    let findings = counts_by_township(
        db,
        cross_check_finding::Entity::find().filter(Finding::CheckId.eq(check.id)),
        Finding::TownshipCode,
        Finding::CaseId,
        Finding::Id,
    )
    .await?;
    let draw = entities::cross_check_draw::Entity::find()
        .filter(entities::cross_check_draw::Column::CheckId.eq(check.id))
        .one(db)
        .await?
        .map(|d| d.id)
        .unwrap_or_default();
    let drawn_units = cross_check_unit::Entity::find()
        .filter(Drawn::DrawId.eq(draw))
        .filter(Drawn::Role.is_in(["drawn", "replacement"]));
    let drawn = counts_by_township(db, drawn_units, Drawn::TownshipCode, Drawn::HouseholdId, Drawn::Id).await?;
    let own: HashMap<String, u32> = cross_check_self_score::Entity::find()
        .filter(cross_check_self_score::Column::CheckId.eq(check.id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.township_code, s.score_tenths.max(0) as u32))
        .collect();
    let names = crate::org::service::display_names(db, townships_of(check)).await?;
    let mut townships: Vec<TownshipScore> = townships_of(check)
        .into_iter()
        .map(|code| {
            let count = |name: &str, result: &str| {
                answers
                    .iter()
                    .filter(|(t, i, r, _)| *t == code && i == name && r == result)
                    .map(|(_, _, _, n)| *n as u64)
                    .sum::<u64>()
            };
            let counts: Vec<(u64, u64)> =
                rules.indicators.iter().map(|i| (count(&i.name, "pass"), count(&i.name, "fail"))).collect();
            let components = score::components(&rules.indicators, &counts);
            let check_tenths = score::check_score(&components);
            let self_tenths = own.get(&code).copied();
            let (households, all_sheets) = sheets.get(&code).copied().unwrap_or_default();
            let villages = all_sheets - households;
            let (handed, found) = findings.get(&code).copied().unwrap_or_default();
            let (drawn_households, all_drawn) = drawn.get(&code).copied().unwrap_or_default();
            let drawn_villages = all_drawn - drawn_households;
            TownshipScore {
                township: Unit { name: names.get(&code).cloned().unwrap_or_default(), code },
                household_sheets: households as u64,
                village_sheets: villages as u64,
                drawn_households: drawn_households as u64,
                drawn_villages: drawn_villages as u64,
                findings: found as u64,
                handed_over: handed as u64,
                components,
                check_tenths,
                self_tenths,
                score_tenths: score::combined(check_tenths, self_tenths, rules.self_assessment_percent),
                rank: None,
            }
        })
        .collect();
    score::rank(&mut townships);
    Ok(ScoresView {
        check_id: check.id,
        title: check.title.clone(),
        self_assessment_percent: rules.self_assessment_percent,
        townships,
    })
}

/// Per township, how many rows of `query` have `counted` set, and how many rows there are (one grouped query).
async fn counts_by_township<E: EntityTrait>(
    db: &DatabaseConnection,
    query: sea_orm::Select<E>,
    township: E::Column,
    counted: E::Column,
    id: E::Column,
) -> Result<HashMap<String, (i64, i64)>, AppError> {
    let rows: Vec<(String, i64, i64)> = query
        .select_only()
        .column(township)
        .column_as(counted.count(), "counted")
        .column_as(id.count(), "all")
        .group_by(township)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(t, counted, all)| (t, (counted, all))).collect())
}

/// How far the check of a township is: "36 / 80 户，2 / 2 村".
fn progress(t: &TownshipScore) -> String {
    format!("{} / {} 户，{} / {} 村", t.household_sheets, t.drawn_households, t.village_sheets, t.drawn_villages)
}

/// The report's table: one row per township, best first.
fn report_rows(view: &ScoresView) -> Vec<Vec<String>> {
    view.townships
        .iter()
        .map(|t| {
            let mut row = vec![
                t.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()),
                t.township.name.clone(),
                shown(t.score_tenths),
                shown(t.check_tenths),
                shown(t.self_tenths),
            ];
            row.extend(t.components.iter().map(|c| shown(c.points_tenths)));
            row.push(progress(t));
            row.extend([t.findings, t.handed_over].map(|n| n.to_string()));
            row
        })
        .collect()
}

/// The report's column headings, with each indicator and its weight.
fn report_headings(view: &ScoresView) -> Vec<String> {
    let mut headings: Vec<String> =
        ["排名", "镇街", "得分", "检查得分", "自评得分"].into_iter().map(String::from).collect();
    if let Some(first) = view.townships.first() {
        headings.extend(first.components.iter().map(|c| format!("{}（{}）", c.indicator, c.weight)));
    }
    headings.extend(["已核查（户 / 村）", "发现问题", "已交办"].into_iter().map(String::from));
    headings
}

/// Record a download or print of the report.
async fn report_audit(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check: &cross_check::Model,
    action: &'static str,
    changes: Value,
) -> Result<(), AppError> {
    let entry = crate::audit::service::Entry {
        action,
        entity_type: "cross_check",
        entity_id: check.id.to_string(),
        org_code: Some(check.org_code.clone()),
        changes,
    };
    crate::audit::service::record_event(db, &Actor::user(ctx.caller()?, &ctx.meta), now, entry).await?;
    Ok(())
}

/// The county's report as a workbook (audited).
pub async fn report_file(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check_id: i64,
) -> Result<crate::excel::workbook::ExportFile, AppError> {
    let check = check_in_sight(db, ctx.caller()?, check_id).await?;
    let view = scores_of(db, &check).await?;
    let headings = report_headings(&view);
    let mut columns: Vec<(&str, f64)> = vec![("序号", 6.0)];
    columns.extend(headings.iter().map(|h| (h.as_str(), if h == "镇街" { 14.0 } else { 11.0 })));
    let table = report_rows(&view);
    let title = format!("{}成绩排名", check.title);
    let heading = if view.self_assessment_percent > 0 {
        format!(
            "{title}（得分 = 检查得分 × {}% + 自评得分 × {}%）",
            100 - view.self_assessment_percent,
            view.self_assessment_percent
        )
    } else {
        title.clone()
    };
    let bytes = crate::excel::workbook::workbook_bytes("排名", &heading, &columns, &table, "（没有被检查的镇街）")?;
    report_audit(db, now, ctx, &check, "export.downloaded", json!({ "name": title, "rows": table.len() })).await?;
    Ok(crate::excel::workbook::ExportFile { file_name: format!("{title}.xlsx"), bytes, rows: table.len() })
}

/// The county's report as the print engine's data (`cross-check-report`); returns the title too (audited).
pub async fn report_sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check_id: i64,
) -> Result<(String, Value), AppError> {
    let check = check_in_sight(db, ctx.caller()?, check_id).await?;
    let view = scores_of(db, &check).await?;
    let title = format!("{}情况通报", check.title);
    let rows: Vec<Value> = view
        .townships
        .iter()
        .map(|t| {
            json!({ "rank": t.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()), "township": t.township.name,
                "score": shown(t.score_tenths), "check": shown(t.check_tenths), "own": shown(t.self_tenths),
                "sheets": progress(t),
                "findings": format!("{} / {}", t.findings, t.handed_over) })
        })
        .collect();
    let components: Vec<Value> = view
        .townships
        .iter()
        .flat_map(|t| {
            t.components.iter().map(|c| {
                json!({ "township": t.township.name, "indicator": format!("{}（{}）", c.indicator, c.weight),
                    "answers": format!("{} / {}", c.passed, c.passed + c.failed), "points": shown(c.points_tenths) })
            })
        })
        .collect();
    let rule = if view.self_assessment_percent > 0 {
        format!(
            "得分 = 检查得分 × {}% + 自评得分 × {}%；检查得分按各指标“符合”的比例乘以权重计算，不适用的不计。",
            100 - view.self_assessment_percent,
            view.self_assessment_percent
        )
    } else {
        "得分按各指标“符合”的比例乘以权重计算，不适用的不计；无人作答的指标不计分，其余指标按权重折算为百分制。".into()
    };
    let rule = format!("{rule}尚未核查完的镇街，得分按已填写的核查表计算。");
    let data = json!({
        "title": title, "year": check.year, "rule": rule, "rows": rows, "components": components,
        "printed_on": crate::time::beijing_date(now).to_string(),
    });
    report_audit(db, now, ctx, &check, "print.cross_check_report", json!({ "name": title })).await?;
    Ok((title, data))
}
