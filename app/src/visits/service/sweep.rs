//! The annual sweep (集中排查): its progress per village and its ledgers as a workbook.

use super::Loaded;
use super::coverage::unit_in_scope;
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self};
use crate::cases::measures::MeasureStatus;
use crate::error::AppError;
use crate::excel::workbook::{ExportFile, workbook_bytes};
use crate::request::RequestContext;
use crate::time::beijing_date;
use crate::visits::schedule::{self};
use crate::visits::{Ledger, LedgerEntry, SweepView};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, visit};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use std::collections::HashMap;

/// The year's sweep in a unit: the ledgers its visits built (one per policy category), the households
/// swept with no ledger, and those not swept yet.
pub async fn sweep(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit_code: &str,
    year: &str,
) -> Result<SweepView, AppError> {
    let (unit, unit_name) = unit_in_scope(db, now, ctx, unit_code).await?;
    let today = beijing_date(now);
    let year = crate::calendar::year(year, today)?;
    if !(2000..=today.year()).contains(&year) {
        return Err(AppError::validation("year", "年度应为今年或以前的年份。"));
    }
    let as_of = if year == today.year() { today } else { NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today) };
    let within = authz::code_prefix(household::Column::OrgCode, unit.scope_prefix());
    let loaded = Loaded::read(db, Condition::all().add(within), as_of).await?;
    let policy = crate::policy::service::effective(db, unit.as_str(), year).await?.policy;
    let deadline = schedule::sweep_season(year, &policy).end;
    let units =
        crate::org::service::display_names(db, loaded.households.iter().map(|h| h.org_code.clone()).collect()).await?;
    let visitors = crate::users::service::display_names(db, loaded.sweeps.values().map(|v| v.visitor_user_id)).await?;
    let mut ledgers: Vec<Ledger> = policy
        .categories
        .iter()
        .map(|c| Ledger { class: c.name.clone(), monitored: c.monitored, entries: Vec::new() })
        .collect();
    let mut view = SweepView {
        unit_code: unit.as_str().to_string(),
        unit_name,
        year,
        deadline,
        households: 0,
        swept: 0,
        late: 0,
        ledgers: Vec::new(),
        ordinary: 0,
        not_swept: Vec::new(),
    };
    for h in &loaded.households {
        if beijing_date(h.created_at) > deadline {
            continue;
        }
        view.households += 1;
        let entry = |v: Option<&visit::Model>| LedgerEntry {
            household_code: h.code.clone(),
            head_name: h.head_name.clone(),
            address: h.address.clone(),
            unit_name: units.get(&h.org_code).cloned().unwrap_or_default(),
            visited_on: v.map_or(deadline, |v| v.visited_on),
            visitor: v.and_then(|v| visitors.get(&v.visitor_user_id).cloned()).unwrap_or_default(),
            visit_id: v.map_or(0, |v| v.id),
            red_alert: h.red_alert,
            warning_kinds: crate::households::forms::stored_warning_kinds(&h.warning_kinds),
            measures: 0,
        };
        let Some(v) = loaded.sweeps.get(&h.id) else {
            view.not_swept.push(entry(None));
            continue;
        };
        view.swept += 1;
        if v.visited_on > deadline {
            view.late += 1;
        }
        match v.ledger_class.as_deref().and_then(|c| ledgers.iter_mut().find(|l| l.class == c)) {
            Some(ledger) => ledger.entries.push(entry(Some(v))),
            None => view.ordinary += 1,
        }
    }
    let on_ledgers: Vec<String> =
        ledgers.iter().flat_map(|l| l.entries.iter().map(|e| e.household_code.clone())).collect();
    let plans = plan_sizes(db, &loaded.households, &on_ledgers).await?;
    for entry in ledgers.iter_mut().flat_map(|l| l.entries.iter_mut()) {
        entry.measures = plans.get(&entry.household_code).copied().unwrap_or(0);
    }
    view.ledgers = ledgers;
    Ok(view)
}

/// How many measures not stopped the plans (一户一方案) of these households hold, by household code.
async fn plan_sizes(
    db: &DatabaseConnection,
    households: &[household::Model],
    codes: &[String],
) -> Result<HashMap<String, u64>, AppError> {
    use entities::assistance_measure as measure;
    let ids: HashMap<i64, &str> =
        households.iter().filter(|h| codes.contains(&h.code)).map(|h| (h.id, h.code.as_str())).collect();
    let mut sizes = HashMap::new();
    for chunk in ids.keys().copied().collect::<Vec<i64>>().chunks(500) {
        let rows: Vec<(Option<i64>, i64)> = measure::Entity::find()
            .select_only()
            .column(measure::Column::HouseholdId)
            .column_as(measure::Column::Id.count(), "measures")
            .filter(measure::Column::HouseholdId.is_in(chunk.to_vec()))
            .filter(measure::Column::Status.ne(MeasureStatus::Stopped.as_str()))
            .group_by(measure::Column::HouseholdId)
            .into_tuple()
            .all(db)
            .await?;
        for (id, count) in rows {
            if let Some(code) = id.and_then(|id| ids.get(&id)) {
                sizes.insert(code.to_string(), count.max(0) as u64);
            }
        }
    }
    Ok(sizes)
}

/// The year's sweep ledgers of a unit as one .xlsx, one row per household swept, ledger by ledger, for
/// filing and reporting up. The download is audited.
pub async fn sweep_ledgers_file(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit_code: &str,
    year: &str,
) -> Result<ExportFile, AppError> {
    let view = sweep(db, now, ctx, unit_code, year).await?;
    let columns = [
        ("序号", 6.0),
        ("台账类别", 16.0),
        ("村（社区）/村民小组", 18.0),
        ("户编号", 20.0),
        ("户主姓名", 10.0),
        ("家庭住址", 28.0),
        ("排查日期", 12.0),
        ("排查人", 12.0),
        ("红色预警", 9.0),
        ("预警户类型", 24.0),
        ("帮扶措施（项）", 10.0),
    ];
    let table: Vec<Vec<String>> = view
        .ledgers
        .iter()
        .flat_map(|l| {
            l.entries.iter().map(|e| {
                vec![
                    l.class.clone(),
                    e.unit_name.clone(),
                    e.household_code.clone(),
                    e.head_name.clone(),
                    e.address.clone(),
                    e.visited_on.to_string(),
                    e.visitor.clone(),
                    if e.red_alert { "是" } else { "否" }.into(),
                    e.warning_kinds.join("、"),
                    e.measures.to_string(),
                ]
            })
        })
        .collect();
    let title = format!("{}{}年度集中排查台账", view.unit_name, view.year);
    let heading = format!("{title}（截至 {}）", beijing_date(now));
    let bytes = workbook_bytes("排查台账", &heading, &columns, &table, "（本年度尚无排查后列入台账的农户）")?;
    audit::record_event(
        db,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "export.downloaded",
            entity_type: "roster",
            entity_id: "sweep-ledgers".into(),
            org_code: Some(view.unit_code.clone()),
            changes: json!({ "name": title, "year": view.year, "rows": table.len() }),
        },
    )
    .await?;
    Ok(ExportFile { file_name: format!("{title}.xlsx"), bytes, rows: table.len() })
}
