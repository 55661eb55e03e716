//! Printed visit sheets: one visit's sheet, and blank sheets for the visits due.

use super::Loaded;
use super::coverage::unit_in_scope;
use super::record::{get, policy_for};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self};
use crate::error::AppError;
use crate::org::OrgLevel;
use crate::request::RequestContext;
use crate::time::beijing_date;
use crate::visits::VisitView;
use crate::visits::schedule::{self, Standing};
use chrono::{DateTime, Datelike, Utc};
use entities::household;
use sea_orm::{Condition, DatabaseConnection};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The data of a recorded visit's sheet (the household as it stands, the visit as recorded).
pub async fn sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<Value, AppError> {
    let v = get(db, now, ctx, id).await?;
    let d = crate::households::service::reading::get(db, now, ctx, &v.household_code).await?;
    crate::prints::service::printed(db, now, ctx, "visit-sheet", &d, false).await?;
    Ok(crate::prints::service::visit_sheet_data(&d, beijing_date(now), Some(sheet_visit(&v))))
}

/// A recorded visit as the sheet's `visit` data.
fn sheet_visit(v: &VisitView) -> Value {
    let problems: Vec<String> = v
        .problems
        .iter()
        .map(|p| match p.case_id {
            Some(id) => format!("{}（{}，已立案 {id} 号）", p.description, p.risk_type.label()),
            None => format!("{}（{}）", p.description, p.risk_type.label()),
        })
        .collect();
    let finance = match v.income_year {
        Some(year) => format!("{}（已更新 {year} 年收支记录）", v.finance_note),
        None => v.finance_note.clone(),
    };
    let mut visitor = v.visitor.clone();
    if !v.companions.is_empty() {
        visitor.push_str(&format!("（同行：{}）", v.companions));
    }
    if let Some(typist) = &v.recorded_by {
        visitor.push_str(&format!("（{typist}代为录入）"));
    }
    let acknowledgement = if v.acknowledged_by.is_empty() {
        v.acknowledgement.label().to_string()
    } else {
        format!("{}：{}", v.acknowledged_by, v.acknowledgement.label())
    };
    json!({
        "date": v.visited_on.format("%Y年%m月%d日").to_string(),
        "mode": v.mode.label(),
        "visitor": visitor,
        "kind": match (&v.sweep, &v.ledger_class) {
            (true, Some(class)) => format!("年度集中排查（列入{class}台账）"),
            (true, None) => "年度集中排查".to_string(),
            (false, _) => "日常走访".to_string(),
        },
        "finance": finance,
        "problems": if problems.is_empty() { "未发现问题".to_string() } else { problems.join("；") },
        "assistance": v.assistance,
        "acknowledgement": acknowledgement,
        "checklist": v.checklist.iter().map(|c| json!({ "item": c.item.label(), "status": c.status.label(), "note": c.note })).collect::<Vec<_>>(),
        "addenda": v.addenda.iter().map(|a| json!({ "at": a.at, "by": a.by, "text": a.text })).collect::<Vec<_>>(),
    })
}

/// Blank sheets for every household of a village with a visit due (or overdue) in `month`, in route
/// order (villager group, then address): one sheet per household, however many duties it owes.
pub async fn due_sheets(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    village_code: &str,
    month: &str,
) -> Result<(String, Vec<(String, Value)>), AppError> {
    let (unit, unit_name) = unit_in_scope(db, now, ctx, village_code).await?;
    if unit.level() != OrgLevel::Village {
        return Err(AppError::validation("unit", "批量打印按村进行，请选择一个村（社区）。"));
    }
    let today = beijing_date(now);
    let (first, month_end) = crate::calendar::month(month, today)?;
    // Due "this month": judged on the later of today and the first of the month, within the month.
    let on = today.clamp(first, month_end);
    let within = authz::code_prefix(household::Column::OrgCode, unit.scope_prefix());
    let loaded = Loaded::read(db, Condition::all().add(within), on).await?;
    let mut policies = HashMap::new();
    let mut codes = Vec::new();
    for h in &loaded.households {
        let Some(policy) = policy_for(db, &mut policies, &h.org_code, on.year()).await? else { continue };
        let subject = loaded.subject(h, &policy);
        let owes = schedule::rules(&subject, &policy).iter().any(|rule| {
            let standing = schedule::standing(rule, &subject, &policy, loaded.seen_of(h.id), on);
            match standing {
                Some(Standing::Overdue { .. }) => true,
                Some(Standing::Due) => rule.period(on, &policy).start <= month_end,
                _ => false,
            }
        });
        if owes {
            codes.push(h.code.clone());
        }
    }
    let mut sheets = Vec::with_capacity(codes.len());
    for code in codes {
        let d = crate::households::service::reading::get(db, now, ctx, &code).await?;
        // Each household's print is on its own record, so "who printed this household" finds batches too.
        crate::prints::service::printed(db, now, ctx, "visit-sheets-due", &d, false).await?;
        let title = format!("{}户（{}）", d.summary.head_name, d.summary.code);
        sheets.push((title, crate::prints::service::visit_sheet_data(&d, today, None)));
    }
    audit::record_event(
        db,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "print.visit_sheets",
            entity_type: "org_unit",
            entity_id: unit.as_str().to_string(),
            org_code: Some(unit.as_str().to_string()),
            changes: json!({ "month": first.format("%Y-%m").to_string(), "sheets": sheets.len() }),
        },
    )
    .await?;
    Ok((unit_name, sheets))
}
