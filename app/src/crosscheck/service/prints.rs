//! The printed check sheets: a drawn village's households' sheets pre-filled from the register, in visiting
//! order, with the village's own sheet last (one PDF to take into the village), and a saved sheet as recorded.
//! Forms `cross-check-sheet` (a household's) and `cross-check-village-sheet`; every print is audited.

use chrono::{DateTime, Utc};
use entities::{cross_check_draw, cross_check_unit, household};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::sheets::{UnitAccess, register_facts, unit_access};
use super::{check_in_sight, may_manage, rules_of, team_place, window_open};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::crosscheck::sheet::{Answer, Inclusion, RegisterFact, questions};
use crate::crosscheck::{RegisterFacts, SheetPage, SheetView};
use crate::error::AppError;
use crate::request::RequestContext;
use crate::time::beijing_date;

/// One printed sheet: its bookmark, its form and its data.
pub struct PrintedSheet {
    pub bookmark: String,
    pub form: &'static str,
    pub data: Value,
}

const ANSWER_BOXES: &str = "□符合　□不符合　□不适用";
const INCLUSION_BOXES: &str = "□纳入、退出恰当　□应纳未纳　□应退未退";
const ACK_BOXES: &str = "□已确认签字　□拒绝签字";

/// The register's part of a household's sheet.
fn register_data(facts: &RegisterFacts) -> Value {
    let record: Vec<Value> = [("近期走访", &facts.visits), ("未结案件", &facts.cases), ("帮扶措施", &facts.measures)]
        .into_iter()
        .flat_map(|(kind, items)| {
            let items = if items.is_empty() { vec!["无".to_string()] } else { items.clone() };
            items.into_iter().map(move |text| json!({ "kind": kind, "text": text }))
        })
        .collect();
    json!({
        "household": { "code": facts.code, "head_name": facts.head_name, "address": facts.address,
            "phone": facts.phone, "class": facts.class, "income": facts.income, "contact": facts.contact },
        "members": facts.members.iter().map(|m| json!({ "text": m })).collect::<Vec<_>>(),
        "record": record,
    })
}

/// Merge `extra`'s fields into `base`.
fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
    base
}

/// A drawn village's sheets to fill by hand: each drawn household's in visiting order, pre-filled from the
/// register, then the village's. The county office, or the team that checks the township while the window is open.
pub async fn blank_sheets(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check_id: i64,
    village_code: &str,
) -> Result<(String, Vec<PrintedSheet>), AppError> {
    let caller = ctx.caller()?;
    let check = check_in_sight(db, caller, check_id).await?;
    let draw = cross_check_draw::Entity::find()
        .filter(cross_check_draw::Column::CheckId.eq(check.id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::Conflict("本次交叉检查尚未抽样。".into()))?;
    let mut units = cross_check_unit::Entity::find()
        .filter(cross_check_unit::Column::DrawId.eq(draw.id))
        .filter(cross_check_unit::Column::VillageCode.eq(village_code))
        .filter(cross_check_unit::Column::Role.is_in(["drawn", "replacement"]))
        .order_by_asc(cross_check_unit::Column::Rank)
        .all(db)
        .await?;
    let village = units.iter().find(|u| u.household_id.is_none()).cloned().ok_or(AppError::NotFound)?;
    let team = window_open(&check, now) && team_place(db, caller, &check, &village.township_code).await?.is_some();
    if !team && !may_manage(caller, &check) {
        return Err(AppError::NotFound);
    }
    units.retain(|u| u.household_id.is_some());
    units.sort_by_key(|u| (u.stratum.clone(), u.rank));
    let names =
        crate::org::service::display_names(db, vec![village.township_code.clone(), village_code.to_string()]).await?;
    let (township, village_name) = (
        names.get(&village.township_code).cloned().unwrap_or_default(),
        names.get(village_code).cloned().unwrap_or_default(),
    );
    let rules = rules_of(&check);
    let heading = json!({ "check_title": check.title, "township": township, "village": village_name,
        "printed_on": beijing_date(now).to_string() });
    let blank_answers = |village: bool| -> Vec<Value> {
        questions(&rules.indicators, village)
            .iter()
            .enumerate()
            .map(|(i, (_, q))| json!({ "number": i + 1, "indicator": q.name, "result": ANSWER_BOXES, "note": "" }))
            .collect()
    };
    let blank_sheet = json!({ "visited_on": "　　年　　月　　日", "checker": "", "acknowledgement": ACK_BOXES,
        "acknowledged_by": "", "note": "" });
    let mut sheets = Vec::new();
    let codes: Vec<i64> = units.iter().filter_map(|u| u.household_id).collect();
    let households = household::Entity::find().filter(household::Column::Id.is_in(codes)).all(db).await?;
    for unit in &units {
        let Some(h) = households.iter().find(|h| Some(h.id) == unit.household_id) else { continue };
        let facts = register_facts(db, now, ctx, &h.code).await?;
        let data = with(
            with(heading.clone(), register_data(&facts)),
            json!({ "answers": blank_answers(false), "inclusion": INCLUSION_BOXES, "inclusion_note": "",
                "mismatches": RegisterFact::ALL.iter().map(|f| json!({ "fact": f.label(), "actual": "" })).collect::<Vec<_>>(),
                "sheet": blank_sheet, "addenda": [] }),
        );
        sheets.push(PrintedSheet { bookmark: format!("{}户", facts.head_name), form: "cross-check-sheet", data });
    }
    let data = with(heading, json!({ "answers": blank_answers(true), "sheet": blank_sheet, "addenda": [] }));
    sheets.push(PrintedSheet {
        bookmark: format!("{village_name}（村级）"), form: "cross-check-village-sheet", data
    });
    printed(db, now, ctx, &check, json!({ "form": "blank", "village": village_code, "sheets": sheets.len() })).await?;
    Ok((format!("交叉检查核查表-{village_name}"), sheets))
}

/// A saved sheet as recorded, with its addenda.
pub async fn filled_sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit_id: i64,
) -> Result<(String, PrintedSheet), AppError> {
    let caller = ctx.caller()?;
    let access: UnitAccess = unit_access(db, now, caller, unit_id).await?;
    let view = match super::sheets::page(db, now, ctx, unit_id).await? {
        SheetPage::Saved(view) => *view,
        SheetPage::Start(_) => return Err(AppError::Conflict("该户（村）尚未核查，可打印空白核查表。".into())),
    };
    let data = filled_data(&view, now);
    let (bookmark, form) = match &view.household {
        Some((_, head)) => (format!("{head}户"), "cross-check-sheet"),
        None => (format!("{}（村级）", view.village.name), "cross-check-village-sheet"),
    };
    // Whoever reaches the sheet reads its household: the team in the window, the county and the township by scope.
    let data = match &view.household {
        Some((code, _)) => with(data, register_data(&register_facts(db, now, ctx, code).await?)),
        None => data,
    };
    printed(db, now, ctx, &access.check, json!({ "form": "filled", "sheet_id": view.id })).await?;
    Ok((format!("交叉检查核查表-{bookmark}"), PrintedSheet { bookmark, form, data }))
}

/// A saved sheet's answers, acknowledgement and addenda as the forms print them.
fn filled_data(view: &SheetView, now: DateTime<Utc>) -> Value {
    let answers: Vec<Value> = view
        .answers
        .iter()
        .enumerate()
        .map(|(i, a)| json!({ "number": i + 1, "indicator": a.indicator, "result": a.answer.label(), "note": a.note }))
        .collect();
    let failed = view.answers.iter().filter(|a| a.answer == Answer::Fail).count();
    json!({
        "check_title": view.check_title, "township": view.township.name, "village": view.village.name,
        "printed_on": beijing_date(now).to_string(),
        "answers": answers,
        "inclusion": view.inclusion.map(Inclusion::label).unwrap_or_default(),
        "inclusion_note": view.inclusion_note,
        "mismatches": if view.mismatches.is_empty() {
            vec![json!({ "fact": "全部信息", "actual": "与登记一致" })]
        } else {
            view.mismatches.iter().map(|(fact, actual)| json!({ "fact": fact, "actual": actual })).collect()
        },
        "sheet": { "visited_on": view.visited_on.to_string(), "checker": view.checker,
            "acknowledgement": view.acknowledgement.label(), "acknowledged_by": view.acknowledged_by,
            "note": view.note, "failed": failed },
        "addenda": view.addenda.iter().map(|a| json!({ "at": a.at, "by": a.by, "text": a.text })).collect::<Vec<_>>(),
    })
}

/// The audit record of a print.
async fn printed(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check: &entities::cross_check::Model,
    changes: Value,
) -> Result<(), AppError> {
    let entry = Entry {
        action: "print.cross_check_sheet",
        entity_type: "cross_check",
        entity_id: check.id.to_string(),
        org_code: Some(check.org_code.clone()),
        changes,
    };
    audit::record_event(db, &Actor::user(ctx.caller()?, &ctx.meta), now, entry).await?;
    Ok(())
}
