//! A unit's visit coverage: the duties owed, kept and missed, with the gaps listed.

use super::Loaded;
use super::record::policy_for;
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::org::{OrgCode, OrgLevel};
use crate::request::RequestContext;
use crate::time::beijing_date;
use crate::visits::schedule::{self, Coverage, Duty};
use crate::visits::{CoverageCounts, CoverageGap, CoverageRow, CoverageView};
use chrono::{DateTime, Datelike, Utc};
use entities::household;
use sea_orm::{Condition, DatabaseConnection};
use std::collections::HashMap;

/// The unit a caller asks about, checked against their scope; none asked: the first unit in their scope.
pub(super) async fn unit_in_scope(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<(OrgCode, String), AppError> {
    let code = match code.trim() {
        "" => crate::org::service::list(db, ctx.caller()?)
            .await?
            .into_iter()
            .find(|u| u.level != OrgLevel::Group)
            .map(|u| u.code)
            .ok_or(AppError::NotFound)?,
        code => code.to_string(),
    };
    let unit = OrgCode::parse(&code).map_err(|_| AppError::validation("unit", "请选择单位。"))?;
    authz::check(db, now, ctx, Action::ReadHousehold, unit.as_str()).await?;
    let names = crate::org::service::display_names(db, vec![unit.as_str().to_string()]).await?;
    let name = names.get(unit.as_str()).cloned().ok_or(AppError::NotFound)?;
    Ok((unit, name))
}

/// How many missed or late households the coverage view lists (the counts cover them all).
const GAPS_LISTED: usize = 500;

/// Visit coverage in a unit for the periods containing `month` (for a weekly duty, every week ending in
/// it, a household counted by its worst week): per sub-unit and duty, households visited on time, made up
/// late, never, and still pending; and the households missed or late.
pub async fn coverage(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit_code: &str,
    month: &str,
) -> Result<CoverageView, AppError> {
    let (unit, unit_name) = unit_in_scope(db, now, ctx, unit_code).await?;
    let today = beijing_date(now);
    let (first, _) = crate::calendar::month(month, today)?;
    if first > today {
        return Err(AppError::validation("month", "不能查看未来月份的走访情况。"));
    }
    let within = authz::code_prefix(household::Column::OrgCode, unit.scope_prefix());
    // The visits from the year before the month on: enough to tell on time, late and never.
    let loaded = Loaded::read(db, Condition::all().add(within), first).await?;
    let child_level = unit.level().child().unwrap_or(OrgLevel::Group);
    let sub_unit = |code: &str| OrgCode::parse(code).map(|c| c.at_level(child_level)).unwrap_or_else(|_| code.into());
    let mut codes: Vec<String> = loaded.households.iter().map(|h| sub_unit(&h.org_code)).collect();
    codes.extend(loaded.households.iter().map(|h| h.org_code.clone()));
    codes.sort();
    codes.dedup();
    let names = crate::org::service::display_names(db, codes).await?;
    let mut rows: Vec<CoverageRow> = Vec::new();
    let mut gaps = Vec::new();
    let mut gaps_total = 0u32;
    let mut policies = HashMap::new();
    for h in &loaded.households {
        let Some(policy) = policy_for(db, &mut policies, &h.org_code, first.year()).await? else { continue };
        let subject = loaded.subject(h, &policy);
        let seen = loaded.seen_of(h.id);
        let code = sub_unit(&h.org_code);
        for rule in schedule::rules(&subject, &policy) {
            let Some(covered) = schedule::month_coverage(&rule, &subject, first, &policy, seen, today) else {
                continue;
            };
            let row = match rows.iter_mut().find(|r| r.unit_code == code && r.duty == rule.label) {
                Some(row) => row,
                None => {
                    rows.push(CoverageRow {
                        unit_code: code.clone(),
                        unit_name: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
                        duty: rule.label.clone(),
                        sweep: rule.duty == Duty::Sweep,
                        counts: CoverageCounts::default(),
                    });
                    rows.last_mut().ok_or_else(|| AppError::internal("empty coverage rows"))?
                }
            };
            row.counts.add(covered);
            if !matches!(covered, Coverage::Never | Coverage::Late(_)) {
                continue;
            }
            gaps_total += 1;
            if gaps.len() < GAPS_LISTED {
                gaps.push(CoverageGap {
                    household_code: h.code.clone(),
                    head_name: h.head_name.clone(),
                    unit_name: names.get(&h.org_code).cloned().unwrap_or_default(),
                    duty: rule.label.clone(),
                    sweep: rule.duty == Duty::Sweep,
                    coverage: covered,
                });
            }
        }
    }
    rows.sort_by(|a, b| (&a.unit_code, duty_order(&a.duty)).cmp(&(&b.unit_code, duty_order(&b.duty))));
    Ok(CoverageView {
        unit_code: unit.as_str().to_string(),
        unit_name,
        month: first.format("%Y-%m").to_string(),
        today,
        rows,
        gaps,
        gaps_total,
    })
}

/// Sweep rows last, liaison rows after the cadences.
fn duty_order(label: &str) -> (u8, String) {
    let rank = if label.starts_with("年度集中排查") {
        2
    } else if label.starts_with("挂钩干部") {
        1
    } else {
        0
    };
    (rank, label.to_string())
}
