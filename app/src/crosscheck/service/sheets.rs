//! The check sheets: who reaches a drawn unit's sheet (the team that checks its township, only in the window, to
//! fill it; the county office, and whoever reads the village, to read it), the sheet pre-filled from the register,
//! saving it once with its answers and the problems it found, and addenda after. Every change is audited.

use chrono::{DateTime, Utc};
use entities::{
    cross_check, cross_check_addendum, cross_check_answer, cross_check_draw, cross_check_finding, cross_check_sheet,
    cross_check_unit, household,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::{may_manage, rules_of, team_place, window_open};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::crosscheck::sheet::{Acknowledgement, Answer, CheckedSheet, Inclusion, SheetForm, questions};
use crate::crosscheck::{AnswerView, RegisterFacts, SheetPage, SheetStart, SheetView, Unit};
use crate::db::begin_write;
use crate::error::AppError;
use crate::permissions::Caller;
use crate::request::RequestContext;
use crate::time::beijing_date;

/// A drawn unit as the caller reaches it.
pub(crate) struct UnitAccess {
    pub check: cross_check::Model,
    pub unit: cross_check_unit::Model,
    /// A member of the team that checks the unit's township, in the window: fills the sheet, adds notes and photos.
    pub fills: bool,
}

/// A drawn (or replacement) household or drawn village by its place in the draw, if the caller reaches it: the
/// team that checks its township while the window is open, the county office that runs the check, and whoever
/// reads the village's households (the checked township, the discipline team). Otherwise not found.
pub(crate) async fn unit_access<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    caller: &Caller,
    unit_id: i64,
) -> Result<UnitAccess, AppError> {
    let unit = cross_check_unit::Entity::find_by_id(unit_id)
        .one(db)
        .await?
        .filter(|u| matches!(u.role.as_str(), "drawn" | "replacement"))
        .ok_or(AppError::NotFound)?;
    let draw = cross_check_draw::Entity::find_by_id(unit.draw_id).one(db).await?.ok_or(AppError::NotFound)?;
    let check = cross_check::Entity::find_by_id(draw.check_id).one(db).await?.ok_or(AppError::NotFound)?;
    let fills = window_open(&check, now) && team_place(db, caller, &check, &unit.township_code).await?.is_some();
    let reads = fills
        || may_manage(caller, &check)
        || authz::authorize(caller, Action::ReadHousehold, &unit.village_code).is_ok();
    if !reads {
        return Err(AppError::NotFound);
    }
    Ok(UnitAccess { check, unit, fills })
}

/// The saved sheet of a unit, if any.
async fn sheet_of<C: ConnectionTrait>(db: &C, unit_id: i64) -> Result<Option<cross_check_sheet::Model>, AppError> {
    Ok(cross_check_sheet::Entity::find().filter(cross_check_sheet::Column::UnitId.eq(unit_id)).one(db).await?)
}

/// A saved sheet by id, with the caller's access to its unit.
async fn sheet_access(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    caller: &Caller,
    sheet_id: i64,
) -> Result<(cross_check_sheet::Model, UnitAccess), AppError> {
    let sheet = cross_check_sheet::Entity::find_by_id(sheet_id).one(db).await?.ok_or(AppError::NotFound)?;
    let access = unit_access(db, now, caller, sheet.unit_id).await?;
    Ok((sheet, access))
}

/// A saved sheet the caller may add photos to (the team, in the window).
pub async fn for_photos(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    sheet_id: i64,
) -> Result<cross_check_sheet::Model, AppError> {
    let (sheet, access) = sheet_access(db, now, ctx.caller()?, sheet_id).await?;
    if !access.fills {
        return Err(AppError::Forbidden);
    }
    Ok(sheet)
}

/// A saved sheet the caller may read (its photos are served on this).
pub async fn visible(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    sheet_id: i64,
) -> Result<cross_check_sheet::Model, AppError> {
    Ok(sheet_access(db, now, ctx.caller()?, sheet_id).await?.0)
}

/// A drawn unit's page: the saved sheet, or for the team in the window the sheet to fill, pre-filled from the
/// register.
pub async fn page(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit_id: i64,
) -> Result<SheetPage, AppError> {
    let caller = ctx.caller()?;
    let access = unit_access(db, now, caller, unit_id).await?;
    match sheet_of(db, unit_id).await? {
        Some(sheet) => Ok(SheetPage::Saved(Box::new(view(db, caller, &access, &sheet).await?))),
        None if access.fills => Ok(SheetPage::Start(Box::new(start(db, now, ctx, &access).await?))),
        None => Err(AppError::Conflict("该户（村）尚未核查，检查组填写核查表后可在此查看。".into())),
    }
}

/// The names of a unit's township and village.
async fn places<C: ConnectionTrait>(db: &C, unit: &cross_check_unit::Model) -> Result<(Unit, Unit), AppError> {
    let names =
        crate::org::service::display_names(db, vec![unit.township_code.clone(), unit.village_code.clone()]).await?;
    let unit_of = |code: &str| Unit { code: code.to_string(), name: names.get(code).cloned().unwrap_or_default() };
    Ok((unit_of(&unit.township_code), unit_of(&unit.village_code)))
}

/// The register's facts of a drawn household (read through the team's window grant, which audits it).
pub(crate) async fn register_facts(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<RegisterFacts, AppError> {
    let file = crate::household_file::service::get(db, now, ctx, code).await?;
    let visits = crate::visits::service::record::of_household(db, now, ctx, code).await?;
    let d = &file.household;
    let today = beijing_date(now);
    let s = &d.summary;
    Ok(RegisterFacts {
        code: s.code.clone(),
        head_name: s.head_name.clone(),
        address: d.address.clone(),
        phone: d.phone.clone().unwrap_or_default(),
        class: format!("{}（{}）", s.monitoring_class.clone().unwrap_or_else(|| "一般农户".into()), s.status.label()),
        income: match (d.income_year, d.per_capita_income_yuan) {
            (Some(year), Some(yuan)) => format!("人均纯收入 {yuan} 元（{year} 年）"),
            _ => "未登记".into(),
        },
        contact: d.contact_name.clone().unwrap_or_else(|| "未指定".into()),
        members: d
            .members
            .iter()
            .map(|m| {
                let age = crate::prints::service::age(m.birth_date, today);
                format!("{} {} {age} 岁 {}", m.name, m.relation, m.labour_capacity)
            })
            .collect(),
        visits: visits.iter().take(3).map(|v| format!("{} {} {}", v.visited_on, v.mode.label(), v.visitor)).collect(),
        cases: file
            .open_cases
            .iter()
            .map(|c| format!("{} {} 期限 {}", c.risk_type_label, c.status_label, c.deadline))
            .collect(),
        measures: file
            .plan
            .iter()
            .map(|m| format!("{}：{}（{}）", m.category_label, m.description, m.status_label))
            .collect(),
    })
}

/// The code of a unit's household, if it is one.
async fn household_code<C: ConnectionTrait>(
    db: &C,
    unit: &cross_check_unit::Model,
) -> Result<Option<String>, AppError> {
    Ok(match unit.household_id {
        Some(id) => Some(household::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?.code),
        None => None,
    })
}

/// The sheet to fill: the register's facts (a household's), the questions, the form as it starts.
async fn start(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    access: &UnitAccess,
) -> Result<SheetStart, AppError> {
    let (township, village) = places(db, &access.unit).await?;
    let household = match household_code(db, &access.unit).await? {
        Some(code) => Some(register_facts(db, now, ctx, &code).await?),
        None => None,
    };
    let rules = rules_of(&access.check);
    let asked = questions(&rules.indicators, household.is_none()).into_iter().map(|(_, i)| i.clone()).collect();
    let form = SheetForm {
        unit_id: access.unit.id.to_string(),
        visited_on: beijing_date(now).to_string(),
        acknowledgement: Acknowledgement::Confirmed.as_str().into(),
        ..SheetForm::default()
    };
    Ok(SheetStart {
        check_id: access.check.id,
        check_title: access.check.title.clone(),
        township,
        village,
        household,
        questions: asked,
        form,
        first_day: beijing_date(access.check.window_start),
        last_day: beijing_date(access.check.window_end),
    })
}

/// Save a drawn unit's sheet, once, with its answers and the problems it found; returns its id. Only a member of
/// the team that checks the township, while the window is open.
pub async fn save(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &SheetForm,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?;
    let unit_id: i64 = form
        .unit_id
        .trim()
        .parse()
        .map_err(|_| AppError::validation("unit_id", "请从抽查名单中选择要核查的户或村。"))?;
    let access = unit_access(db, now, caller, unit_id).await?;
    if !access.fills {
        return Err(AppError::Forbidden);
    }
    let rules = rules_of(&access.check);
    let window = (beijing_date(access.check.window_start), beijing_date(access.check.window_end));
    let checked = form.check(&rules.indicators, access.unit.household_id.is_some(), window, beijing_date(now))?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    if sheet_of(&tx, unit_id).await?.is_some() {
        return Err(AppError::Conflict("该户（村）的核查表已保存，不能再改，只能追加补充说明。".into()));
    }
    let sheet = insert_sheet(&tx, now, caller.user_id, &access, &checked).await?;
    let code = household_code(&tx, &access.unit).await?;
    let changes = json!({ "after": {
        "check_id": access.check.id, "unit_id": unit_id, "household": code, "visited_on": checked.visited_on,
        "answers": checked.answers.iter().map(|a| json!({ "indicator": a.indicator, "answer": a.answer.label(), "note": a.note })).collect::<Vec<_>>(),
        "inclusion": checked.inclusion.map(Inclusion::label),
        "mismatches": checked.mismatches.iter().map(|(f, a)| json!({ "fact": f.label(), "actual": a })).collect::<Vec<_>>(),
        "acknowledgement": checked.acknowledgement.label(), "acknowledged_by": checked.acknowledged_by,
        "findings": checked.findings().len() } });
    sheet_audit(&tx, &actor, now, &sheet, "crosscheck.sheet_saved", changes).await?;
    tx.commit().await?;
    Ok(sheet.id)
}

/// The sheet's rows: the sheet, its answers and the problems it found.
async fn insert_sheet<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    checker: i64,
    access: &UnitAccess,
    checked: &CheckedSheet,
) -> Result<cross_check_sheet::Model, AppError> {
    let unit = &access.unit;
    let sheet = cross_check_sheet::ActiveModel {
        check_id: Set(access.check.id),
        unit_id: Set(unit.id),
        township_code: Set(unit.township_code.clone()),
        village_code: Set(unit.village_code.clone()),
        household_id: Set(unit.household_id),
        visited_on: Set(checked.visited_on),
        inclusion: Set(checked.inclusion.map(|i| i.as_str().to_string())),
        inclusion_note: Set(checked.inclusion_note.clone()),
        acknowledgement: Set(checked.acknowledgement.as_str().into()),
        acknowledged_by: Set(checked.acknowledged_by.clone()),
        note: Set(checked.note.clone()),
        checker_id: Set(checker),
        saved_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    for a in &checked.answers {
        cross_check_answer::ActiveModel {
            sheet_id: Set(sheet.id),
            check_id: Set(sheet.check_id),
            township_code: Set(sheet.township_code.clone()),
            position: Set(a.position as i32),
            indicator: Set(a.indicator.chars().take(64).collect()),
            result: Set(a.answer.as_str().into()),
            note: Set(a.note.clone()),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    for (kind, title, note) in checked.findings() {
        cross_check_finding::ActiveModel {
            check_id: Set(sheet.check_id),
            sheet_id: Set(sheet.id),
            township_code: Set(sheet.township_code.clone()),
            village_code: Set(sheet.village_code.clone()),
            household_id: Set(sheet.household_id),
            kind: Set(kind.as_str().into()),
            title: Set(title.chars().take(128).collect()),
            note: Set(note),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    Ok(sheet)
}

/// A sheet's change as its audit record, in the caller's transaction.
async fn sheet_audit<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    sheet: &cross_check_sheet::Model,
    action: &'static str,
    changes: serde_json::Value,
) -> Result<(), AppError> {
    let entry = Entry {
        action,
        entity_type: "cross_check_sheet",
        entity_id: sheet.id.to_string(),
        org_code: Some(sheet.village_code.clone()),
        changes,
    };
    audit::append(tx, actor, now, entry).await?;
    Ok(())
}

/// Add a note to a saved sheet (the team, in the window); the sheet itself never changes.
pub async fn amend(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    sheet_id: i64,
    text: &str,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let (sheet, access) = sheet_access(db, now, caller, sheet_id).await?;
    if !access.fills {
        return Err(AppError::Forbidden);
    }
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 500 {
        return Err(AppError::validation("text", "请填写补充说明（500 字以内）。"));
    }
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let row = cross_check_addendum::ActiveModel {
        sheet_id: Set(sheet.id),
        text: Set(text.to_string()),
        added_by: Set(caller.user_id),
        added_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let changes = json!({ "after": { "addendum_id": row.id, "text": text } });
    sheet_audit(&tx, &actor, now, &sheet, "crosscheck.sheet_amended", changes).await?;
    tx.commit().await?;
    Ok(())
}

/// A saved sheet as recorded, with its problems, photos and addenda.
pub(crate) async fn view(
    db: &DatabaseConnection,
    caller: &Caller,
    access: &UnitAccess,
    sheet: &cross_check_sheet::Model,
) -> Result<SheetView, AppError> {
    let (township, village) = places(db, &access.unit).await?;
    let household = match sheet.household_id {
        Some(id) => household::Entity::find_by_id(id).one(db).await?.map(|h| (h.code, h.head_name)),
        None => None,
    };
    let answers = cross_check_answer::Entity::find()
        .filter(cross_check_answer::Column::SheetId.eq(sheet.id))
        .order_by_asc(cross_check_answer::Column::Position)
        .all(db)
        .await?;
    let findings = cross_check_finding::Entity::find()
        .filter(cross_check_finding::Column::SheetId.eq(sheet.id))
        .order_by_asc(cross_check_finding::Column::Id)
        .all(db)
        .await?;
    let mismatches = findings
        .iter()
        .filter(|f| f.kind == "mismatch")
        .map(|f| (f.title.trim_start_matches("信息与登记不一致：").to_string(), f.note.clone()))
        .collect();
    let addenda = cross_check_addendum::Entity::find()
        .filter(cross_check_addendum::Column::SheetId.eq(sheet.id))
        .order_by_asc(cross_check_addendum::Column::Id)
        .all(db)
        .await?;
    let people =
        crate::users::service::display_names(db, addenda.iter().map(|a| a.added_by).chain([sheet.checker_id])).await?;
    let name = |id: i64| people.get(&id).cloned().unwrap_or_default();
    Ok(SheetView {
        id: sheet.id,
        unit_id: sheet.unit_id,
        check_id: access.check.id,
        check_title: access.check.title.clone(),
        township,
        village,
        household,
        visited_on: sheet.visited_on,
        checker: name(sheet.checker_id),
        saved_at: sheet.saved_at,
        answers: answers
            .into_iter()
            .map(|a| AnswerView {
                indicator: a.indicator,
                answer: Answer::parse(&a.result).unwrap_or(Answer::NotApplicable),
                note: a.note,
            })
            .collect(),
        inclusion: sheet.inclusion.as_deref().and_then(Inclusion::parse),
        inclusion_note: sheet.inclusion_note.clone(),
        mismatches,
        acknowledgement: Acknowledgement::parse(&sheet.acknowledgement).unwrap_or(Acknowledgement::Confirmed),
        acknowledged_by: sheet.acknowledged_by.clone(),
        note: sheet.note.clone(),
        findings: super::findings::views(db, findings).await?,
        photos: crate::evidence::listing::of_check_sheet(db, caller, sheet.id).await?,
        addenda: addenda
            .into_iter()
            .map(|a| crate::visits::AddendumView {
                at: crate::time::beijing_time(a.added_at),
                by: name(a.added_by),
                text: a.text,
            })
            .collect(),
        may_amend: access.fills,
    })
}
