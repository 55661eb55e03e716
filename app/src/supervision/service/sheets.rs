//! What a round prints and exports, as data for the print engine: the 督查问题交办单 of one covered unit (the
//! problems handed over to it, each with its basis, deadline and responsible person, and after rectification
//! the outcome), the unit's 督查底稿, and the round's summary (as a PDF and an .xlsx). Every print is audited.

use chrono::{DateTime, Utc};
use entities::{case_event, risk_case, supervision_finding};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::rounds::finding_status;
use super::{covers, round_in_sight};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::error::AppError;
use crate::org::OrgCode;
use crate::request::RequestContext;
use crate::supervision::{FindingStatus, Half, Severity};
use crate::time::beijing_date;

/// The outcome column: where the rectification stands, with the re-check's note once it was re-checked.
fn outcome(
    status: FindingStatus,
    case: &risk_case::Model,
    last_note: Option<&str>,
    today: chrono::NaiveDate,
) -> String {
    let note = last_note.filter(|n| !n.is_empty()).map(|n| format!("：{n}")).unwrap_or_default();
    match status {
        FindingStatus::Closed => format!("已整改，复核合格销号{note}"),
        FindingStatus::AwaitingRecheck => format!("已提交整改，待督查组复核{note}"),
        FindingStatus::CarriedOver => "未完成整改，已结转下一轮".into(),
        _ if case.deadline < today => "逾期未完成整改".into(),
        _ => "整改中".into(),
    }
}

/// The hand-over sheet's title and data for the unit `unit_code` (a covered unit, or a unit inside one);
/// the print is audited.
pub async fn handover_sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    round_id: i64,
    unit_code: &str,
) -> Result<(String, Value), AppError> {
    let caller = ctx.caller()?;
    let (round, _, sight) = round_in_sight(db, caller, round_id).await?;
    let unit = OrgCode::parse(unit_code).map_err(|_| AppError::NotFound)?;
    if !covers(&round, &unit) || !sight.sees(unit.as_str()) {
        return Err(AppError::NotFound);
    }
    let today = beijing_date(now);
    let findings = supervision_finding::Entity::find()
        .filter(supervision_finding::Column::RoundId.eq(round.id))
        .filter(crate::authz::code_prefix(supervision_finding::Column::OrgCode, unit.scope_prefix()))
        .filter(supervision_finding::Column::CaseId.is_not_null())
        .order_by_asc(supervision_finding::Column::Id)
        .all(db)
        .await?;
    let cases = risk_case::Entity::find()
        .filter(risk_case::Column::Id.is_in(findings.iter().filter_map(|f| f.case_id)))
        .all(db)
        .await?;
    let events = case_event::Entity::find()
        .filter(case_event::Column::CaseId.is_in(findings.iter().filter_map(|f| f.case_id)))
        .filter(case_event::Column::Action.is_in(["submit", "accept", "return"]))
        .order_by_asc(case_event::Column::Id)
        .all(db)
        .await?;
    let owners = crate::users::service::display_names(db, cases.iter().map(|c| c.owner_user_id)).await?;
    let names = crate::org::service::display_names(db, vec![unit.as_str().to_string(), round.org_code.clone()]).await?;
    let mut rows = Vec::new();
    for (number, f) in findings.iter().enumerate() {
        let Some(case) = f.case_id.and_then(|id| cases.iter().find(|c| c.id == id)) else { continue };
        let status = finding_status(f, Some(case));
        let last_note = events.iter().rev().find(|e| e.case_id == case.id).map(|e| e.note.as_str());
        rows.push(json!({
            "number": number + 1,
            "item": f.item,
            "description": f.description,
            "basis": f.basis,
            "severity": Severity::parse(&f.severity).map_or("", Severity::label),
            "owner": owners.get(&case.owner_user_id).cloned().unwrap_or_default(),
            "deadline": case.deadline.to_string(),
            "outcome": outcome(status, case, last_note, today),
        }));
    }
    let unit_name = names.get(unit.as_str()).cloned().unwrap_or_default();
    let half = Half::parse(&round.half).unwrap_or(Half::First);
    let title = format!("{unit_name}督查问题交办单");
    let changes = json!({ "name": title, "rows": rows.len() });
    audit_print(db, now, ctx, "print.supervision_handover", round.id, Some(unit.as_str().to_string()), changes).await?;
    Ok((
        title,
        json!({
            "round_title": round.title,
            "period": format!("{} 年{}", round.year, half.label()),
            "team_name": names.get(&round.org_code).cloned().unwrap_or_default(),
            "unit_name": unit_name,
            "handed_over": rows.len(),
            "findings": rows,
            "printed_on": today.to_string(),
        }),
    ))
}

/// Record that the caller printed `title` of the round.
async fn audit_print(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    action: &'static str,
    round_id: i64,
    org_code: Option<String>,
    changes: Value,
) -> Result<(), AppError> {
    let entry = Entry { action, entity_type: "supervision_round", entity_id: round_id.to_string(), org_code, changes };
    audit::record_event(db, &Actor::user(ctx.caller()?, &ctx.meta), now, entry).await?;
    Ok(())
}

/// The work paper (督查底稿) of a covered unit as the print engine's data, every listed fact a numbered row with a
/// blank column for the checker's verification.
pub async fn workpaper_sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    round_id: i64,
    unit_code: &str,
) -> Result<(String, Value), AppError> {
    let paper = super::workpaper::workpaper(db, now, ctx, round_id, unit_code).await?;
    let round = entities::supervision_round::Entity::find_by_id(round_id).one(db).await?.ok_or(AppError::NotFound)?;
    let team = crate::org::service::display_names(db, vec![round.org_code.clone()]).await?;
    let half = Half::parse(&round.half).unwrap_or(Half::First);
    let facts: Vec<Value> = paper
        .groups
        .iter()
        .flat_map(|g| g.facts.iter().map(move |f| (g, f)))
        .enumerate()
        .map(|(i, (g, f))| json!({ "number": i + 1, "group": g.title, "text": f.text, "item": g.item }))
        .collect();
    let groups: Vec<Value> = paper
        .groups
        .iter()
        .map(|g| json!({ "title": g.title, "item": g.item, "total": g.total, "listed": g.facts.len() }))
        .collect();
    let title = format!("{}督查底稿", paper.unit_name);
    audit_print(
        db,
        now,
        ctx,
        "print.supervision_workpaper",
        round_id,
        Some(paper.org_code.clone()),
        json!({ "name": title, "rows": facts.len() }),
    )
    .await?;
    Ok((
        title,
        json!({
            "round_title": paper.round_title,
            "period": format!("{} 年{}", round.year, half.label()),
            "team_name": team.get(&round.org_code).cloned().unwrap_or_default(),
            "unit_name": paper.unit_name,
            "from_month": paper.from_month,
            "to_month": paper.to_month,
            "as_of": paper.as_of.to_string(),
            "groups": groups,
            "facts": facts,
            "printed_on": beijing_date(now).to_string(),
        }),
    ))
}

/// The round's summary as the print engine's data: per covered unit the caller sees, their totals with the
/// on-time rate, and every finding with where it stands.
pub async fn summary_sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    round_id: i64,
) -> Result<(String, Value), AppError> {
    let view = super::rounds::get(db, now, ctx, round_id).await?;
    let sum = |pick: fn(&crate::supervision::UnitTally) -> u64| view.units.iter().map(pick).sum::<u64>();
    let (handed_over, closed_on_time) = (sum(|u| u.handed_over), sum(|u| u.closed_on_time));
    let findings: Vec<Value> = view
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let status = if f.overdue { format!("{}（已逾期）", f.status_label) } else { f.status_label.clone() };
            json!({
                "number": i + 1,
                "unit": f.unit_name,
                "item": f.item,
                "description": f.description,
                "severity": f.severity_label,
                "status": status,
                "deadline": f.deadline.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            })
        })
        .collect();
    let title = format!("{}汇总", view.summary.title);
    audit_print(
        db,
        now,
        ctx,
        "print.supervision_summary",
        round_id,
        None,
        json!({ "name": title, "rows": findings.len() }),
    )
    .await?;
    Ok((
        title,
        json!({
            "round_title": view.summary.title,
            "period": view.summary.period,
            "team_name": view.summary.org_name,
            "status": view.summary.status_label,
            "members": view.members.iter().map(|m| if m.lead { format!("{}（组长）", m.name) } else { m.name.clone() }).collect::<Vec<_>>().join("、"),
            "as_of": beijing_date(now).to_string(),
            "units": view.units,
            "totals": {
                "found": sum(|u| u.found),
                "on_spot": sum(|u| u.on_spot),
                "handed_over": handed_over,
                "closed": sum(|u| u.closed),
                "closed_on_time": closed_on_time,
                "overdue": sum(|u| u.overdue),
                "carried_over": sum(|u| u.carried_over),
                "on_time_rate": crate::supervision::on_time_rate(closed_on_time, handed_over),
            },
            "findings": findings,
            "printed_on": beijing_date(now).to_string(),
        }),
    ))
}

/// The round's summary per covered unit the caller sees (found, corrected on the spot, handed over, closed and
/// closed on time, overdue, carried over) as one .xlsx; the download is audited.
pub async fn summary_file(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    round_id: i64,
) -> Result<crate::excel::workbook::ExportFile, AppError> {
    let view = super::rounds::get(db, now, ctx, round_id).await?;
    let columns = [
        ("序号", 6.0),
        ("被督查单位", 18.0),
        ("发现问题", 10.0),
        ("立行立改", 10.0),
        ("交办整改", 10.0),
        ("已销号", 10.0),
        ("按期销号", 10.0),
        ("逾期未销号", 11.0),
        ("结转", 8.0),
    ];
    let table: Vec<Vec<String>> = view
        .units
        .iter()
        .map(|u| {
            [
                &u.unit_name,
                &u.found.to_string(),
                &u.on_spot.to_string(),
                &u.handed_over.to_string(),
                &u.closed.to_string(),
                &u.closed_on_time.to_string(),
                &u.overdue.to_string(),
                &u.carried_over.to_string(),
            ]
            .map(|c| c.to_string())
            .to_vec()
        })
        .collect();
    let title = format!("{}汇总", view.summary.title);
    let heading = format!("{title}（{}，截至 {}）", view.summary.period, beijing_date(now));
    let bytes = crate::excel::workbook::workbook_bytes("督查汇总", &heading, &columns, &table, "（无督查对象）")?;
    audit_print(db, now, ctx, "export.downloaded", round_id, None, json!({ "name": title, "rows": table.len() }))
        .await?;
    Ok(crate::excel::workbook::ExportFile { file_name: format!("{title}.xlsx"), bytes, rows: table.len() })
}
