//! Reading a county's assessment: the table (townships ranked; the villages of one township ranked among all the
//! county's villages; a vetoed unit without a place), one unit's components with their facts and vetoes, and the
//! table as .xlsx and as the print engine's data. Readers see the rows of the units they read accountability over.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{assessment, assessment_unit, assessment_veto};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};

use super::compute::{county_for, latest_year, rule_text, year_of};
use crate::accountability::service::records::people_of;
use crate::assessment::rules::{Component, ranks};
use crate::assessment::{
    AssessmentRow, AssessmentTable, ComponentCell, ComponentResult, UnitAssessmentView, VetoMark, VetoStatus,
    WeightView, shown,
};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::crosscheck::Unit;
use crate::error::AppError;
use crate::org::{OrgCode, OrgLevel, prefix_at};
use crate::policy::accountability::AccountabilityRules;
use crate::request::RequestContext;
use crate::time::{beijing_date, beijing_time};

/// A county's stored assessment of a year, with its rules.
async fn stored(
    db: &DatabaseConnection,
    county: &OrgCode,
    year: i32,
) -> Result<Option<(assessment::Model, AccountabilityRules)>, AppError> {
    let Some(row) = assessment::Entity::find()
        .filter(assessment::Column::CountyCode.eq(county.as_str()))
        .filter(assessment::Column::Year.eq(year))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let rules = serde_json::from_str(&row.rules).map_err(AppError::internal)?;
    Ok(Some((row, rules)))
}

/// The open vetoes of the county's year, by unit.
async fn vetoes_by_unit(
    db: &DatabaseConnection,
    county: &OrgCode,
    year: i32,
) -> Result<HashMap<String, VetoMark>, AppError> {
    let rows = assessment_veto::Entity::find()
        .filter(assessment_veto::Column::CountyCode.eq(county.as_str()))
        .filter(assessment_veto::Column::Year.eq(year))
        .order_by_asc(assessment_veto::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|v| {
            let status = VetoStatus::parse(&v.status).filter(|s| s.is_open())?;
            Some((v.org_code, VetoMark { id: v.id, status, status_label: status.label().into() }))
        })
        .collect())
}

/// Every unit's score and rank (within its level), the vetoed in effect without one.
struct Ranked {
    level: String,
    score: i32,
    rank: Option<u32>,
}

async fn ranked(
    db: &DatabaseConnection,
    assessment_id: i64,
    vetoes: &HashMap<String, VetoMark>,
) -> Result<HashMap<String, Ranked>, AppError> {
    let rows: Vec<(String, String, i32)> = assessment_unit::Entity::find()
        .select_only()
        .column(assessment_unit::Column::OrgCode)
        .column(assessment_unit::Column::Level)
        .column(assessment_unit::Column::ScoreTenths)
        .filter(assessment_unit::Column::AssessmentId.eq(assessment_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut out = HashMap::new();
    for level in [OrgLevel::Township.as_str(), OrgLevel::Village.as_str()] {
        let of_level: Vec<&(String, String, i32)> = rows.iter().filter(|r| r.1 == level).collect();
        let scores: Vec<Option<i32>> = of_level
            .iter()
            .map(|r| {
                let vetoed = vetoes.get(&r.0).is_some_and(|v| v.status == VetoStatus::InEffect);
                (!vetoed).then_some(r.2)
            })
            .collect();
        for (r, rank) in of_level.into_iter().zip(ranks(&scores)) {
            out.insert(r.0.clone(), Ranked { level: r.1.clone(), score: r.2, rank });
        }
    }
    Ok(out)
}

fn level_label(level: &str) -> &'static str {
    if level == OrgLevel::Township.as_str() { "镇街" } else { "村（社区）" }
}

fn weights(rules: &AccountabilityRules) -> Vec<WeightView> {
    Component::ALL
        .into_iter()
        .zip(rules.assessment_weights)
        .map(|(component, weight)| WeightView { component, label: component.label().into(), weight })
        .collect()
}

/// "2027-01-05 09:00 王某".
async fn stamp(
    db: &DatabaseConnection,
    at: Option<DateTime<Utc>>,
    by: Option<i64>,
) -> Result<Option<String>, AppError> {
    let names = crate::users::service::display_names(db, by).await?;
    Ok(at.map(|at| format!("{} {}", beijing_time(at), by.and_then(|id| names.get(&id).cloned()).unwrap_or_default())))
}

/// The rows of `codes` in rank order (the vetoed last).
async fn rows_of(
    db: &DatabaseConnection,
    assessment_id: i64,
    codes: Vec<String>,
    ranked: &HashMap<String, Ranked>,
    vetoes: &HashMap<String, VetoMark>,
) -> Result<Vec<AssessmentRow>, AppError> {
    let stored: Vec<(String, String)> = assessment_unit::Entity::find()
        .select_only()
        .column(assessment_unit::Column::OrgCode)
        .column(assessment_unit::Column::Components)
        .filter(assessment_unit::Column::AssessmentId.eq(assessment_id))
        .filter(assessment_unit::Column::OrgCode.is_in(codes.clone()))
        .into_tuple()
        .all(db)
        .await?;
    let names = crate::org::service::display_names(db, codes).await?;
    let mut rows = Vec::new();
    for (code, components) in stored {
        let Some(r) = ranked.get(&code) else { continue };
        let components: Vec<ComponentResult> = serde_json::from_str(&components).map_err(AppError::internal)?;
        rows.push(AssessmentRow {
            unit: Unit { name: names.get(&code).cloned().unwrap_or_default(), code: code.clone() },
            level_label: level_label(&r.level).into(),
            score_tenths: r.score,
            rank: r.rank,
            components: components
                .into_iter()
                .map(|c| ComponentCell { component: c.component, points_tenths: c.points_tenths, summary: c.summary })
                .collect(),
            veto: vetoes.get(&code).cloned(),
        });
    }
    rows.sort_by_key(|r| (r.rank.is_none(), r.rank, r.unit.code.clone()));
    Ok(rows)
}

/// The county's assessment of `year` (empty: the last full year; in December, this one): the townships, and the
/// villages of `township` (empty: the caller's own township when they read only one).
pub async fn table(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    county: &str,
    year: &str,
    township: &str,
) -> Result<AssessmentTable, AppError> {
    let caller = ctx.caller()?;
    let county = county_for(ctx, Action::ReadAccountability, county)?;
    let today = beijing_date(now);
    let year = year_of(year, today, latest_year(db, &county, today).await?)?;
    let prefixes = authz::scope_prefixes(caller, Action::ReadAccountability);
    let sees = |code: &str| prefixes.iter().any(|p| code.starts_with(p.as_str()));
    let county_name = crate::org::service::display_names(db, vec![county.as_str().to_string()]).await?;
    let may_compute = authz::authorize(caller, Action::ManageAssessment, county.as_str()).is_ok();
    let mut view = AssessmentTable {
        year,
        county: Unit {
            code: county.as_str().to_string(),
            name: county_name.get(county.as_str()).cloned().unwrap_or_default(),
        },
        computed: None,
        published: None,
        weights: Vec::new(),
        rule: String::new(),
        townships: Vec::new(),
        township: None,
        villages: Vec::new(),
        may_compute,
    };
    let Some((row, rules)) = stored(db, &county, year).await? else {
        let rules = crate::policy::service::effective(db, county.as_str(), year).await?.policy.accountability;
        view.weights = weights(&rules);
        view.rule = rule_text(&rules);
        return Ok(view);
    };
    view.weights = weights(&rules);
    view.rule = rule_text(&rules);
    view.computed = stamp(db, Some(row.computed_at), Some(row.computed_by)).await?;
    view.published = stamp(db, row.published_at, row.published_by).await?;
    let vetoes = vetoes_by_unit(db, &county, year).await?;
    let ranked = ranked(db, row.id, &vetoes).await?;
    let townships: Vec<String> = ranked
        .iter()
        .filter(|(code, r)| r.level == OrgLevel::Township.as_str() && sees(code))
        .map(|(code, _)| code.clone())
        .collect();
    view.townships = rows_of(db, row.id, townships.clone(), &ranked, &vetoes).await?;
    let chosen = match township.trim() {
        "" => townships.first().filter(|_| townships.len() == 1).cloned().or_else(|| {
            // A village's reader: their own township's villages they see.
            prefixes.first().filter(|p| p.len() > 9).map(|p| format!("{}000", prefix_at(p, OrgLevel::Township)))
        }),
        code => Some(
            OrgCode::parse(code)
                .map_err(|_| AppError::validation("township", "请选择镇街。"))?
                .at_level(OrgLevel::Township),
        ),
    };
    if let Some(code) = chosen {
        let prefix = prefix_at(&code, OrgLevel::Township).to_string();
        let villages: Vec<String> = ranked
            .iter()
            .filter(|(c, r)| r.level == OrgLevel::Village.as_str() && c.starts_with(&prefix) && sees(c))
            .map(|(c, _)| c.clone())
            .collect();
        view.villages = rows_of(db, row.id, villages, &ranked, &vetoes).await?;
        let names = crate::org::service::display_names(db, vec![code.clone()]).await?;
        view.township = Some(Unit { name: names.get(&code).cloned().unwrap_or_default(), code });
    }
    Ok(view)
}

/// One unit's assessment of `year` with each component's facts and its vetoes; for the discipline team over it, what
/// a veto needs (the policy's grounds, the unit's decided records, its people).
pub async fn unit(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    year: &str,
) -> Result<UnitAssessmentView, AppError> {
    let caller = ctx.caller()?;
    let code = OrgCode::parse(code).map_err(|_| AppError::NotFound)?;
    if !matches!(code.level(), OrgLevel::Township | OrgLevel::Village) {
        return Err(AppError::NotFound);
    }
    authz::authorize(caller, Action::ReadAccountability, code.as_str())?;
    let county = OrgCode::parse(&code.at_level(OrgLevel::County))?;
    let today = beijing_date(now);
    let year = year_of(year, today, latest_year(db, &county, today).await?)?;
    let names = crate::org::service::display_names(db, vec![code.as_str().to_string()]).await?;
    let mut view = UnitAssessmentView {
        year,
        unit: Unit { code: code.as_str().to_string(), name: names.get(code.as_str()).cloned().unwrap_or_default() },
        level_label: level_label(code.level().as_str()).into(),
        score_tenths: None,
        rank: None,
        computed: None,
        components: Vec::new(),
        vetoes: super::vetoes::of_unit(db, code.as_str(), year).await?,
        veto_grounds: Vec::new(),
        records: Vec::new(),
        people: Vec::new(),
    };
    if let Some((row, _)) = stored(db, &county, year).await? {
        let vetoes = vetoes_by_unit(db, &county, year).await?;
        let ranked = ranked(db, row.id, &vetoes).await?;
        let components: Option<String> = assessment_unit::Entity::find()
            .select_only()
            .column(assessment_unit::Column::Components)
            .filter(assessment_unit::Column::AssessmentId.eq(row.id))
            .filter(assessment_unit::Column::OrgCode.eq(code.as_str()))
            .into_tuple()
            .one(db)
            .await?;
        if let Some(components) = components {
            view.components = serde_json::from_str(&components).map_err(AppError::internal)?;
            view.score_tenths = ranked.get(code.as_str()).map(|r| r.score);
            view.rank = ranked.get(code.as_str()).and_then(|r| r.rank);
        }
        view.computed = stamp(db, Some(row.computed_at), Some(row.computed_by)).await?;
    }
    if super::vetoes::may_propose(caller, &code) {
        view.veto_grounds =
            crate::policy::service::effective(db, code.as_str(), year).await?.policy.accountability.veto_grounds;
        view.records = super::vetoes::decided_records(db, code.as_str(), year, None).await?;
        view.people = people_of(db, code.as_str()).await?;
    }
    Ok(view)
}

/// The table's lines for the exports: every township, then every village, each with its components.
async fn export_rows(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    county: &str,
    year: &str,
) -> Result<(AssessmentTable, Vec<AssessmentRow>), AppError> {
    let view = table(db, now, ctx, county, year, "").await?;
    let county = OrgCode::parse(&view.county.code)?;
    let Some((row, _)) = stored(db, &county, view.year).await? else {
        return Err(AppError::Conflict(format!("{} 年度考核结果尚未计算。", view.year)));
    };
    let prefixes = authz::scope_prefixes(ctx.caller()?, Action::ReadAccountability);
    let vetoes = vetoes_by_unit(db, &county, view.year).await?;
    let ranked = ranked(db, row.id, &vetoes).await?;
    let villages: Vec<String> = ranked
        .iter()
        .filter(|(c, r)| r.level == OrgLevel::Village.as_str() && prefixes.iter().any(|p| c.starts_with(p.as_str())))
        .map(|(c, _)| c.clone())
        .collect();
    let mut villages = rows_of(db, row.id, villages, &ranked, &vetoes).await?;
    // Each township's villages together, in rank order.
    villages.sort_by_key(|r| (prefix_at(&r.unit.code, OrgLevel::Township).to_string(), r.rank.is_none(), r.rank));
    let mut rows = view.townships.clone();
    rows.extend(villages);
    Ok((view, rows))
}

/// A row as the exports write it.
struct Line {
    rank: String,
    unit: String,
    level: String,
    score: String,
    /// Each component's points and summary, in the policy's order.
    components: Vec<String>,
    veto: String,
}

impl Line {
    fn of(view: &AssessmentTable, r: &AssessmentRow) -> Line {
        Line {
            rank: r.rank.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
            unit: r.unit.name.clone(),
            level: r.level_label.clone(),
            score: shown(i64::from(r.score_tenths)),
            components: view
                .weights
                .iter()
                .map(|w| {
                    r.components
                        .iter()
                        .find(|c| c.component == w.component)
                        .map(|c| format!("{}（{}）", shown(i64::from(c.points_tenths)), c.summary))
                        .unwrap_or_default()
                })
                .collect(),
            veto: r.veto.as_ref().map(|v| format!("一票否决（{}）", v.status_label)).unwrap_or_default(),
        }
    }

    fn cells(self) -> Vec<String> {
        let mut out = vec![self.rank, self.unit, self.level, self.score];
        out.extend(self.components);
        out.push(self.veto);
        out
    }
}

async fn export_audit(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    view: &AssessmentTable,
    action: &'static str,
    rows: usize,
) -> Result<(), AppError> {
    let entry = Entry {
        action,
        entity_type: "assessment",
        entity_id: format!("{}:{}", view.county.code, view.year),
        org_code: Some(view.county.code.clone()),
        changes: json!({ "year": view.year, "rows": rows }),
    };
    audit::record_event(db, &Actor::user(ctx.caller()?, &ctx.meta), now, entry).await?;
    Ok(())
}

/// The table as a workbook (audited).
pub async fn table_file(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    county: &str,
    year: &str,
) -> Result<crate::excel::workbook::ExportFile, AppError> {
    let (view, rows) = export_rows(db, now, ctx, county, year).await?;
    let mut columns: Vec<(String, f64)> =
        vec![("排名".into(), 6.0), ("单位".into(), 16.0), ("层级".into(), 9.0), ("得分".into(), 8.0)];
    columns.extend(view.weights.iter().map(|w| (format!("{}（{}）", w.label, w.weight), 20.0)));
    columns.push(("一票否决".into(), 16.0));
    let columns: Vec<(&str, f64)> = columns.iter().map(|(h, w)| (h.as_str(), *w)).collect();
    let table: Vec<Vec<String>> = rows.iter().map(|r| Line::of(&view, r).cells()).collect();
    let title = format!("{}{}年度防返贫监测帮扶工作考核", view.county.name, view.year);
    let bytes = crate::excel::workbook::workbook_bytes("考核", &title, &columns, &table, "（没有单位）")?;
    export_audit(db, now, ctx, &view, "export.downloaded", table.len()).await?;
    Ok(crate::excel::workbook::ExportFile { file_name: format!("{title}.xlsx"), bytes, rows: table.len() })
}

/// The table as the print engine's data (`assessment-table`); returns the title too (audited).
pub async fn table_sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    county: &str,
    year: &str,
) -> Result<(String, Value), AppError> {
    let (view, rows) = export_rows(db, now, ctx, county, year).await?;
    let title = format!("{}{}年度防返贫监测帮扶工作考核结果", view.county.name, view.year);
    let lines: Vec<Value> = rows
        .iter()
        .map(|r| {
            let l = Line::of(&view, r);
            let components: Vec<String> =
                view.weights.iter().zip(&l.components).map(|(w, c)| format!("{} {c}", w.label)).collect();
            json!({ "rank": l.rank, "unit": l.unit, "level": l.level, "score": l.score,
                "components": components.join("；"), "veto": l.veto })
        })
        .collect();
    let data = json!({
        "title": title, "year": view.year, "rule": view.rule, "rows": lines,
        "computed": view.computed.clone().unwrap_or_default(),
        "published": view.published.clone().unwrap_or_else(|| "尚未发布".into()),
        "weights": view.weights.iter().map(|w| format!("{}{}", w.label, w.weight)).collect::<Vec<_>>().join(" / "),
        "printed_on": beijing_date(now).to_string(),
    });
    export_audit(db, now, ctx, &view, "print.assessment_table", lines.len()).await?;
    Ok((title, data))
}
