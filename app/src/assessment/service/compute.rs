//! Computing a county's annual assessment from the record: for every township and village, each component's
//! good and due (or counted problems) with the facts behind it, and the score by the policy's weights. A
//! township's components cover its whole area (its own meetings and its villages'). The result is stored, so the
//! table reads in milliseconds; it is recomputed on request until the county publishes it, and fixed after.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use entities::{accountability_record, assessment, assessment_unit, household, org_unit, risk_case};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr,
};
use serde_json::json;

use crate::accountability::service::candidates::{
    Found, Month, by_village, maybe_late, missed_meetings, months, outside_findings, unit_of,
};
use crate::accountability::{Fact, Measure, RecordStatus};
use crate::assessment::ComponentResult;
use crate::assessment::rules::{Component, deduction_points, share_points};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action, code_prefix};
use crate::db::begin_write;
use crate::error::AppError;
use crate::org::{OrgCode, OrgLevel, prefix_at};
use crate::policy::accountability::AccountabilityRules;
use crate::request::RequestContext;
use crate::time::{beijing_date, beijing_day_start, beijing_year_start};

/// How many facts a component keeps (its counts cover them all).
pub const FACTS: usize = 100;

/// What a component found in one unit's own record: the good, all due, and the facts.
#[derive(Default)]
struct Tally {
    good: u64,
    total: u64,
    facts: Vec<Fact>,
}

/// Each component's tallies by the unit whose own record they are.
type Tallies = HashMap<Component, BTreeMap<String, Tally>>;

/// The county `county` names, or the caller's own (their first grant for `action`), checked against `action`.
pub(crate) fn county_for(ctx: &RequestContext, action: Action, county: &str) -> Result<OrgCode, AppError> {
    let caller = ctx.caller()?;
    let code = match county.trim() {
        "" => {
            let grant = caller.roles.iter().find(|g| action.roles().contains(&g.role)).ok_or(AppError::Forbidden)?;
            OrgCode::parse(&grant.org_code)?.at_level(OrgLevel::County)
        }
        text => OrgCode::parse(text)?.at_level(OrgLevel::County),
    };
    let code = OrgCode::parse(&code)?;
    if action == Action::ReadAccountability {
        // Township and village readers see their own rows of the county's table.
        if authz::scope_prefixes(caller, action).iter().any(|p| p.starts_with(code.scope_prefix())) {
            return Ok(code);
        }
        return Err(AppError::Forbidden);
    }
    authz::authorize(caller, action, code.as_str())?;
    Ok(code)
}

/// The year asked for, if it is one the record can judge (up to this year); empty: `default`.
pub(crate) fn year_of(text: &str, today: NaiveDate, default: i32) -> Result<i32, AppError> {
    match text.trim() {
        "" => Ok(default),
        t => t
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=today.year()).contains(y))
            .ok_or_else(|| AppError::validation("year", "考核年度应为 2000 年至今年之间的年份。")),
    }
}

/// The year a county's pages open on: the latest it has computed, else the last full year.
pub(crate) async fn latest_year<C: ConnectionTrait>(
    db: &C,
    county: &OrgCode,
    today: NaiveDate,
) -> Result<i32, AppError> {
    let latest: Option<i32> = assessment::Entity::find()
        .select_only()
        .column(assessment::Column::Year)
        .filter(assessment::Column::CountyCode.eq(county.as_str()))
        .order_by_desc(assessment::Column::Year)
        .into_tuple()
        .one(db)
        .await?;
    Ok(latest.unwrap_or(today.year() - 1))
}

/// Compute (or recompute, until published) the county's assessment for `year`; returns its id. Audited.
pub async fn compute(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    county: &str,
    year: &str,
) -> Result<i64, AppError> {
    let county = county_for(ctx, Action::ManageAssessment, county)?;
    let today = beijing_date(now);
    let year = year_of(year, today, latest_year(db, &county, today).await?)?;
    if stored_row(db, &county, year).await?.is_some_and(|a| a.published_at.is_some()) {
        return Err(AppError::Conflict(format!("{year} 年度考核结果已发布，不能重新计算。")));
    }
    let rules = crate::policy::service::effective(db, county.as_str(), year).await?.policy.accountability;
    let last_month = if year == today.year() { today.month() } else { 12 };
    let months = months(&format!("{year}-01"), &format!("{year}-{last_month:02}"), today)?;
    let units: Vec<(String, String)> = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::Code)
        .column(org_unit::Column::Level)
        .filter(code_prefix(org_unit::Column::Code, county.scope_prefix()))
        .filter(org_unit::Column::Level.is_in([OrgLevel::Village.as_str(), OrgLevel::Township.as_str()]))
        .into_tuple()
        .all(db)
        .await?;
    let tallies = tallies(db, county.scope_prefix(), &units, &months, today, year).await?;
    let results: Vec<(String, String, Vec<ComponentResult>)> = units
        .iter()
        .map(|(code, level)| (code.clone(), level.clone(), results_of(&tallies, code, level, &rules)))
        .collect();
    let caller = ctx.caller()?;
    let tx = begin_write(db).await?;
    // Read again under a lock: a publication meanwhile fixes the result, and two computations take turns.
    let existing = stored_row(&tx, &county, year).await?;
    if existing.as_ref().is_some_and(|a| a.published_at.is_some()) {
        return Err(AppError::Conflict(format!("{year} 年度考核结果已发布，不能重新计算。")));
    }
    let row = match existing {
        Some(a) => {
            assessment_unit::Entity::delete_many()
                .filter(assessment_unit::Column::AssessmentId.eq(a.id))
                .exec(&tx)
                .await?;
            let mut active = a.into_active_model();
            active.rules = Set(serde_json::to_string(&rules).map_err(AppError::internal)?);
            active.computed_by = Set(caller.user_id);
            active.computed_at = Set(now);
            active.update(&tx).await?
        }
        None => {
            assessment::ActiveModel {
                county_code: Set(county.as_str().to_string()),
                year: Set(year),
                rules: Set(serde_json::to_string(&rules).map_err(AppError::internal)?),
                computed_by: Set(caller.user_id),
                computed_at: Set(now),
                published_by: Set(None),
                published_at: Set(None),
                ..Default::default()
            }
            .insert(&tx)
            .await
            .map_err(|e| match e.sql_err() {
                // Another computation of the same year got there first (PostgreSQL lets both this far).
                Some(SqlErr::UniqueConstraintViolation(_)) => {
                    AppError::Conflict(format!("{year} 年度考核结果正由他人计算，请稍后刷新。"))
                }
                _ => e.into(),
            })?
        }
    };
    let mut rows = Vec::with_capacity(results.len());
    for (code, level, components) in &results {
        let score: u32 = components.iter().map(|c| c.points_tenths).sum();
        rows.push(assessment_unit::ActiveModel {
            assessment_id: Set(row.id),
            org_code: Set(code.clone()),
            level: Set(level.clone()),
            score_tenths: Set(i32::try_from(score).unwrap_or(i32::MAX)),
            components: Set(serde_json::to_string(components).map_err(AppError::internal)?),
            ..Default::default()
        });
    }
    for chunk in rows.chunks(200) {
        assessment_unit::Entity::insert_many(chunk.to_vec()).exec(&tx).await?;
    }
    let entry = Entry {
        action: "assessment.computed",
        entity_type: "assessment",
        entity_id: row.id.to_string(),
        org_code: Some(county.as_str().to_string()),
        changes: json!({ "after": { "year": year, "units": results.len(), "weights": rules.assessment_weights } }),
    };
    audit::append(&tx, &Actor::user(caller, &ctx.meta), now, entry).await?;
    tx.commit().await?;
    Ok(row.id)
}

/// Publish the county's computed assessment for `year`: it is fixed from now on. Audited.
pub async fn publish(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    county: &str,
    year: &str,
) -> Result<(), AppError> {
    let county = county_for(ctx, Action::ManageAssessment, county)?;
    let today = beijing_date(now);
    let year = year_of(year, today, latest_year(db, &county, today).await?)?;
    if year >= today.year() {
        return Err(AppError::Conflict(format!("{year} 年尚未结束，年度结束后才能发布考核结果。")));
    }
    let caller = ctx.caller()?;
    let tx = begin_write(db).await?;
    let row = stored_row(&tx, &county, year)
        .await?
        .ok_or_else(|| AppError::Conflict(format!("{year} 年度考核结果尚未计算，请先计算。")))?;
    if row.published_at.is_some() {
        return Err(AppError::Conflict(format!("{year} 年度考核结果已发布。")));
    }
    let mut active = row.clone().into_active_model();
    active.published_by = Set(Some(caller.user_id));
    active.published_at = Set(Some(now));
    active.update(&tx).await?;
    let entry = Entry {
        action: "assessment.published",
        entity_type: "assessment",
        entity_id: row.id.to_string(),
        org_code: Some(county.as_str().to_string()),
        changes: json!({ "after": { "year": year } }),
    };
    audit::append(&tx, &Actor::user(caller, &ctx.meta), now, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// The county's stored assessment of the year, locked for the transaction (PostgreSQL; SQLite's write
/// transaction runs alone).
async fn stored_row<C: ConnectionTrait>(
    db: &C,
    county: &OrgCode,
    year: i32,
) -> Result<Option<assessment::Model>, AppError> {
    Ok(assessment::Entity::find()
        .filter(assessment::Column::CountyCode.eq(county.as_str()))
        .filter(assessment::Column::Year.eq(year))
        .lock_exclusive()
        .one(db)
        .await?)
}

/// A unit's components from the tallies of its own record (a village) or its whole area (a township).
fn results_of(tallies: &Tallies, code: &str, level: &str, rules: &AccountabilityRules) -> Vec<ComponentResult> {
    let prefix = if level == OrgLevel::Township.as_str() { prefix_at(code, OrgLevel::Township) } else { code };
    Component::ALL
        .into_iter()
        .zip(rules.assessment_weights)
        .map(|(component, weight)| {
            let (mut good, mut total, mut facts) = (0, 0, Vec::new());
            if let Some(by_unit) = tallies.get(&component) {
                for (_, t) in by_unit.range(prefix.to_string()..).take_while(|(unit, _)| unit.starts_with(prefix)) {
                    good += t.good;
                    total += t.total;
                    facts.extend(t.facts.iter().cloned());
                }
            }
            let more = facts.len().saturating_sub(FACTS) as u64;
            facts.truncate(FACTS);
            let (points_tenths, summary) = match component {
                Component::Meetings => (share_points(weight, good, total), format!("{good} / {total} 个月")),
                Component::Visits => (share_points(weight, good, total), format!("{good} / {total} 户月")),
                Component::Cases => (share_points(weight, good, total), format!("{good} / {total} 件按期")),
                Component::Inspections => {
                    (deduction_points(weight, good, rules.finding_deduction), format!("计入问题 {good} 个"))
                }
                Component::Accountability => {
                    (deduction_points(weight, good, rules.record_deduction), format!("问责决定 {good} 条"))
                }
            };
            ComponentResult {
                component,
                label: component.label().into(),
                weight,
                good,
                total: if component.is_share() { total } else { 0 },
                points_tenths,
                summary,
                facts,
                more,
            }
        })
        .collect()
}

/// Every component's tallies by unit for the county's year.
async fn tallies(
    db: &DatabaseConnection,
    prefix: &str,
    units: &[(String, String)],
    months: &[Month],
    today: NaiveDate,
    year: i32,
) -> Result<Tallies, AppError> {
    let mut out = Tallies::new();
    let due = months.iter().filter(|m| m.2 < today).count() as u64;
    let mut meetings: BTreeMap<String, Tally> =
        units.iter().map(|(code, _)| (code.clone(), Tally { good: due, total: due, facts: Vec::new() })).collect();
    for f in missed_meetings(db, prefix, months, today).await? {
        let t = meetings.entry(f.unit.clone()).or_default();
        t.good = t.good.saturating_sub(1);
        t.facts.push(f.fact);
    }
    out.insert(Component::Meetings, meetings);
    out.insert(Component::Visits, visits(db, prefix, months, today).await?);
    out.insert(Component::Cases, cases(db, prefix, year, today).await?);
    let mut problems: BTreeMap<String, Tally> = BTreeMap::new();
    for Found { unit, fact, counted } in outside_findings(db, prefix, months, today).await? {
        if counted {
            let t = problems.entry(unit).or_default();
            t.good += 1;
            t.facts.push(fact);
        }
    }
    out.insert(Component::Inspections, problems);
    out.insert(Component::Accountability, records(db, prefix, year).await?);
    Ok(out)
}

/// Each village's monitored household-months of the year's ended months (a household counts from the month it
/// entered monitoring: its class date, else its registration), and those without a visit.
async fn visits(
    db: &DatabaseConnection,
    prefix: &str,
    months: &[Month],
    today: NaiveDate,
) -> Result<BTreeMap<String, Tally>, AppError> {
    use crate::supervision::service::workpaper::{count_by_unit, unvisited_query};
    let within = |last: NaiveDate| {
        let since = sea_orm::Condition::any().add(household::Column::ClassSince.lte(last)).add(
            sea_orm::Condition::all()
                .add(household::Column::ClassSince.is_null())
                .add(household::Column::CreatedAt.lt(beijing_day_start(last + Duration::days(1)))),
        );
        code_prefix(household::Column::OrgCode, prefix).add(since)
    };
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for (month, first, last) in months.iter().filter(|m| m.2 < today) {
        let monitored_query = household::Entity::find()
            .filter(within(*last))
            .filter(household::Column::MonitoringStatus.eq(crate::households::MonitoringStatus::Monitored.as_str()));
        let monitored = by_village(count_by_unit(db, monitored_query, household::Column::OrgCode).await?);
        let unvisited = by_village(
            count_by_unit(db, unvisited_query(within(*last), *first, *last), household::Column::OrgCode).await?,
        );
        for (village, total) in &monitored {
            let missed = unvisited.get(village).copied().unwrap_or(0).min(*total);
            let t = out.entry(village.clone()).or_default();
            t.total += total;
            t.good += total - missed;
            if missed > 0 {
                t.facts.push(Fact {
                    text: format!("{month}：{missed} 户监测户无走访记录（共 {total} 户）"),
                    link: format!("/visits/coverage?unit={village}&month={month}"),
                    verdict: None,
                });
            }
        }
    }
    Ok(out)
}

/// Cases due in the year (up to yesterday) by village: resolved by their deadline, and the late ones as facts.
async fn cases(
    db: &DatabaseConnection,
    prefix: &str,
    year: i32,
    today: NaiveDate,
) -> Result<BTreeMap<String, Tally>, AppError> {
    let (Some(first), Some(last)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else {
        return Ok(BTreeMap::new());
    };
    let due = || {
        risk_case::Entity::find()
            .filter(code_prefix(risk_case::Column::OrgCode, prefix))
            .filter(risk_case::Column::Deadline.between(first, last.min(today - Duration::days(1))))
            .filter(risk_case::Column::Status.ne(crate::cases::Status::Dismissed.as_str()))
    };
    use crate::supervision::service::workpaper::count_by_unit;
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for (village, total) in by_village(count_by_unit(db, due(), risk_case::Column::OrgCode).await?) {
        out.insert(village, Tally { good: total, total, facts: Vec::new() });
    }
    // Only the cases that may be late are read; the rest were resolved in time.
    let rows: Vec<(i64, String, NaiveDate, Option<DateTime<Utc>>)> = due()
        .filter(maybe_late(today))
        .select_only()
        .column(risk_case::Column::Id)
        .column(risk_case::Column::OrgCode)
        .column(risk_case::Column::Deadline)
        .column(risk_case::Column::ClosedAt)
        .into_tuple()
        .all(db)
        .await?;
    for (id, org_code, deadline, closed_at) in rows {
        let text = match closed_at.map(beijing_date) {
            Some(day) if day <= deadline => continue,
            Some(day) => format!("案件 {id}：期限 {deadline}，{day} 办结，逾期 {} 天", (day - deadline).num_days()),
            None => format!("案件 {id}：期限 {deadline}，至今未办结"),
        };
        let t = out.entry(unit_of(&org_code)).or_default();
        t.good = t.good.saturating_sub(1);
        t.facts.push(Fact { text, link: format!("/cases/{id}"), verdict: None });
    }
    Ok(out)
}

/// Records with a decision in force: decided, or decided and waiting for the county to approve a correction.
pub(crate) fn in_force() -> sea_orm::Condition {
    use accountability_record::Column;
    sea_orm::Condition::any().add(Column::Status.eq(RecordStatus::Decided.as_str())).add(
        sea_orm::Condition::all()
            .add(Column::Status.eq(RecordStatus::AwaitingApproval.as_str()))
            .add(Column::MeasureInForce.is_not_null()),
    )
}

/// Accountability records opened in the year with a decision in force, by the unit they concern.
async fn records(db: &DatabaseConnection, prefix: &str, year: i32) -> Result<BTreeMap<String, Tally>, AppError> {
    let rows: Vec<(i64, String, String, Option<String>)> = accountability_record::Entity::find()
        .select_only()
        .column(accountability_record::Column::Id)
        .column(accountability_record::Column::OrgCode)
        .column(accountability_record::Column::Title)
        .column(accountability_record::Column::MeasureInForce)
        .filter(code_prefix(accountability_record::Column::OrgCode, prefix))
        .filter(in_force())
        .filter(accountability_record::Column::CreatedAt.gte(beijing_year_start(year)))
        .filter(accountability_record::Column::CreatedAt.lt(beijing_year_start(year + 1)))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for (id, org_code, title, measure) in rows {
        let t = out.entry(unit_of(&org_code)).or_default();
        t.good += 1;
        let measure = measure.as_deref().and_then(Measure::parse).map(|m| m.label()).unwrap_or_default();
        t.facts.push(Fact {
            text: format!("问责记录 {id}：{title}（{measure}）"),
            link: format!("/accountability/records/{id}"),
            verdict: None,
        });
    }
    Ok(out)
}

/// The rule in words, for the table and its prints.
pub fn rule_text(rules: &AccountabilityRules) -> String {
    let weights: Vec<String> =
        Component::ALL.iter().zip(rules.assessment_weights).map(|(c, w)| format!("{}{w}分", c.label())).collect();
    format!(
        "满分 100 分：{}。研判会议、走访覆盖、案件办理时效按完成比例计分（当年无应办事项的得满分）；督查和交叉检查每个计入的问题扣 {} 分（本单位自查发现并按期解决的不计入），问责记录每条生效的问责决定扣 {} 分，均扣完该项分值为止。镇街的各项含其所辖各村。被一票否决的单位考核结果无效，不参加排名。",
        weights.join("、"),
        rules.finding_deduction,
        rules.record_deduction,
    )
}
