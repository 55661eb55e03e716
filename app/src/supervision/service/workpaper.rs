//! The work paper (督查底稿) of one covered unit: from the record the system already holds, the months without
//! a signed judgment meeting, monitored households not visited in the last month, overdue cases, department
//! warnings nobody verified, households that look 应纳未纳, and eliminations without the stable months — each
//! with its link. Counted with grouped queries; at most `LISTED` of each are listed.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, identification, meeting, org_unit, risk_case, screening_row, visit};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};

use super::{Sight, covers, round_in_sight};
use crate::authz::code_prefix;
use crate::error::AppError;
use crate::org::{OrgCode, OrgLevel};
use crate::request::RequestContext;
use crate::supervision::{Fact, FactGroup, Workpaper};
use crate::time::beijing_date;

/// The checklist items (of the default checklist, `policy::supervision`) the work paper's facts inform.
const MEETINGS: &str = "研判会议召开并专人专本记录";
const VISITS: &str = "走访记录按频次完整";
const CASES: &str = "风险案件按期核实办结";
const ACCURACY: &str = "信息采集准确";
const INCLUSION: &str = "应纳尽纳、规范退出";

/// How many facts of each kind the work paper lists (the counts cover them all).
const LISTED: u64 = 50;

/// The months a round looks back on: from January of its year to the month before it starts (to the
/// current month when it starts later), as `YYYY-MM`.
fn months_looked_at(year: i32, starts_on: NaiveDate, today: NaiveDate) -> Vec<String> {
    let last = starts_on.min(today);
    let last_month = if last.year() > year {
        12
    } else if last.year() < year {
        0
    } else {
        last.month0().max(1)
    };
    (1..=last_month).map(|m| format!("{year}-{m:02}")).collect()
}

/// The first and last day of the month before `day`.
fn month_before(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_of_this = day.with_day(1).unwrap_or(day);
    let last = first_of_this.pred_opt().unwrap_or(day);
    (last.with_day(1).unwrap_or(last), last)
}

/// The work paper of the covered unit `unit_code` (or a unit inside one) of a round the caller sees whole.
pub async fn workpaper(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    round_id: i64,
    unit_code: &str,
) -> Result<Workpaper, AppError> {
    let caller = ctx.caller()?;
    let (round, _, sight) = round_in_sight(db, caller, round_id).await?;
    let unit = OrgCode::parse(unit_code).map_err(|_| AppError::NotFound)?;
    if !covers(&round, &unit) || !matches!(sight, Sight::Whole { .. }) {
        return Err(AppError::NotFound);
    }
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, unit.as_str(), round.year).await?.policy;
    let prefix = unit.scope_prefix();
    let months = months_looked_at(round.year, round.starts_on, today);
    let mut groups = vec![missing_meetings(db, &unit, &months).await?];
    let (from, to) = month_before(round.starts_on.min(today));
    groups.push(unvisited(db, code_prefix(household::Column::OrgCode, prefix), from, to).await?);
    groups.push(overdue_cases(db, code_prefix(risk_case::Column::OrgCode, prefix), today).await?);
    groups.push(unverified_warnings(db, code_prefix(screening_row::Column::OrgCode, prefix)).await?);
    groups.push(not_included(db, code_prefix(household::Column::OrgCode, prefix)).await?);
    groups.push(
        early_eliminations(db, code_prefix(identification::Column::OrgCode, prefix), policy.elimination_stable_months)
            .await?,
    );
    let names = crate::org::service::display_names(db, vec![unit.as_str().to_string()]).await?;
    Ok(Workpaper {
        round_id: round.id,
        round_title: round.title.clone(),
        org_code: unit.as_str().to_string(),
        unit_name: names.get(unit.as_str()).cloned().unwrap_or_default(),
        from_month: months.first().cloned().unwrap_or_default(),
        to_month: months.last().cloned().unwrap_or_default(),
        as_of: today,
        groups,
    })
}

/// The villages (and the township itself) that hold monthly meetings in `unit`, and the months each has no
/// signed minutes for.
async fn missing_meetings(db: &DatabaseConnection, unit: &OrgCode, months: &[String]) -> Result<FactGroup, AppError> {
    let holders: Vec<org_unit::Model> = org_unit::Entity::find()
        .filter(code_prefix(org_unit::Column::Code, unit.scope_prefix()))
        .filter(org_unit::Column::Level.is_in([OrgLevel::Village.as_str(), OrgLevel::Township.as_str()]))
        .order_by_asc(org_unit::Column::Code)
        .all(db)
        .await?;
    let signed: HashSet<(String, String)> = meeting::Entity::find()
        .select_only()
        .column(meeting::Column::OrgCode)
        .column(meeting::Column::Month)
        .filter(code_prefix(meeting::Column::OrgCode, unit.scope_prefix()))
        .filter(meeting::Column::Status.eq(crate::meetings::MeetingStatus::Signed.as_str()))
        .filter(meeting::Column::Month.is_in(months.to_vec()))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut facts = Vec::new();
    let mut total = 0;
    for holder in &holders {
        for month in months.iter().filter(|m| !signed.contains(&(holder.code.clone(), (*m).clone()))) {
            total += 1;
            if (facts.len() as u64) < LISTED {
                facts.push(Fact {
                    text: format!("{}：{month} 无已签发的研判会议记录", holder.name),
                    link: format!("/meetings?month={month}"),
                });
            }
        }
    }
    Ok(FactGroup { title: "未按月召开或未签发研判会议".into(), item: MEETINGS.into(), total, facts })
}

/// Monitored households with no visit at all in `from..=to` (the month before the round).
pub(crate) fn unvisited_query(within: Condition, from: NaiveDate, to: NaiveDate) -> Select<household::Entity> {
    use sea_orm::sea_query::ExprTrait;
    // Correlated, so each monitored household probes the visits' (household, date) index.
    let visited = Query::select()
        .expr(Expr::val(1))
        .from(visit::Entity)
        .and_where(
            Expr::col((visit::Entity, visit::Column::HouseholdId)).equals((household::Entity, household::Column::Id)),
        )
        .and_where(Expr::col((visit::Entity, visit::Column::VisitedOn)).between(from, to))
        .to_owned();
    household::Entity::find()
        .filter(within)
        .filter(household::Column::MonitoringStatus.eq(crate::households::MonitoringStatus::Monitored.as_str()))
        .filter(Expr::exists(visited).not())
}

async fn unvisited(
    db: &DatabaseConnection,
    within: Condition,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<FactGroup, AppError> {
    let query = unvisited_query(within, from, to);
    let total = query.clone().count(db).await?;
    let rows = query.order_by_asc(household::Column::Code).limit(LISTED).all(db).await?;
    Ok(FactGroup {
        title: format!("监测户 {} 月无走访记录", from.month()),
        item: VISITS.into(),
        total,
        facts: rows.iter().map(household_fact).collect(),
    })
}

/// A household as a fact: "张建国户（500152101201000001）", linked to its page.
fn household_fact(h: &household::Model) -> Fact {
    Fact { text: format!("{}户（{}）", h.head_name, h.code), link: format!("/households/{}", h.code) }
}

/// Open cases past their deadline.
fn overdue_query(within: Condition, today: NaiveDate) -> Select<risk_case::Entity> {
    risk_case::Entity::find()
        .filter(within)
        .filter(risk_case::Column::Status.is_in(crate::cases::Status::open_codes()))
        .filter(risk_case::Column::Deadline.lt(today))
}

async fn overdue_cases(db: &DatabaseConnection, within: Condition, today: NaiveDate) -> Result<FactGroup, AppError> {
    let query = overdue_query(within, today);
    let total = query.clone().count(db).await?;
    let rows = query.order_by_asc(risk_case::Column::Deadline).limit(LISTED).all(db).await?;
    Ok(FactGroup {
        title: "风险案件逾期未办结".into(),
        item: CASES.into(),
        total,
        facts: rows
            .into_iter()
            .map(|c| Fact {
                text: format!(
                    "案件 #{}：期限 {}，{}",
                    c.id,
                    c.deadline,
                    c.description.chars().take(40).collect::<String>()
                ),
                link: format!("/cases/{}", c.id),
            })
            .collect(),
    })
}

/// Department warnings that matched no household and nobody has verified.
fn unverified_query(within: Condition) -> Select<screening_row::Entity> {
    screening_row::Entity::find()
        .filter(within)
        .filter(screening_row::Column::Outcome.eq("unmatched"))
        .filter(screening_row::Column::ResolvedAt.is_null())
}

async fn unverified_warnings(db: &DatabaseConnection, within: Condition) -> Result<FactGroup, AppError> {
    let query = unverified_query(within);
    let total = query.clone().count(db).await?;
    let rows = query.order_by_asc(screening_row::Column::Id).limit(LISTED).all(db).await?;
    Ok(FactGroup {
        title: "部门预警未核实".into(),
        item: ACCURACY.into(),
        total,
        facts: rows
            .into_iter()
            .map(|r| Fact {
                text: format!("{}推送：{}，{}", r.department, r.name, r.description),
                link: "/screening".into(),
            })
            .collect(),
    })
}

/// Households the rules find a monitoring object that are neither monitored nor in a procedure (应纳未纳).
fn not_included_query(within: Condition) -> Select<household::Entity> {
    household::Entity::find()
        .filter(within)
        .filter(household::Column::RiskMonitored.eq(true))
        .filter(household::Column::MonitoringStatus.eq(crate::households::MonitoringStatus::None.as_str()))
}

async fn not_included(db: &DatabaseConnection, within: Condition) -> Result<FactGroup, AppError> {
    let query = not_included_query(within);
    let total = query.clone().count(db).await?;
    let rows = query.order_by_asc(household::Column::Code).limit(LISTED).all(db).await?;
    Ok(FactGroup {
        title: "疑似应纳未纳（风险研判为监测对象，未识别纳入）".into(),
        item: INCLUSION.into(),
        total,
        facts: rows.iter().map(household_fact).collect(),
    })
}

/// Eliminations confirmed with less than the policy's months of stable income before the confirmation.
async fn early_eliminations(db: &DatabaseConnection, within: Condition, months: u32) -> Result<FactGroup, AppError> {
    // Only the three columns the rule reads, in id order, on the (kind, stage, org_code) index.
    let approved: Vec<(i64, NaiveDate, DateTime<Utc>)> = identification::Entity::find()
        .select_only()
        .column(identification::Column::HouseholdId)
        .column(identification::Column::CommitmentSignedOn)
        .column(identification::Column::UpdatedAt)
        .filter(identification::Column::Kind.eq(crate::workflow::procedure::Procedure::Elimination.as_str()))
        .filter(identification::Column::Stage.eq(crate::workflow::procedure::Stage::Approved.as_str()))
        .filter(within)
        .order_by_asc(identification::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let early: Vec<(i64, NaiveDate, NaiveDate)> = approved
        .into_iter()
        .map(|(household, stable_since, confirmed_at)| (household, stable_since, beijing_date(confirmed_at)))
        .filter(|(_, stable_since, confirmed)| {
            stable_since.checked_add_months(chrono::Months::new(months)).is_none_or(|d| d > *confirmed)
        })
        .collect();
    let listed: Vec<i64> = early.iter().take(LISTED as usize).map(|(h, _, _)| *h).collect();
    let households = household::Entity::find().filter(household::Column::Id.is_in(listed)).all(db).await?;
    let facts: Vec<Fact> = early
        .iter()
        .take(LISTED as usize)
        .filter_map(|(household, stable_since, confirmed)| {
            let h = households.iter().find(|h| h.id == *household)?;
            Some(Fact {
                text: format!(
                    "{}户（{}）：收入自 {stable_since} 起稳定，{confirmed} 确认风险消除，不足 {months} 个月",
                    h.head_name, h.code
                ),
                link: format!("/households/{}", h.code),
            })
        })
        .collect();
    Ok(FactGroup {
        title: "风险消除时收入稳定不足规定月数".into(),
        item: INCLUSION.into(),
        total: early.len() as u64,
        facts,
    })
}

/// How many rows of `query` each unit holds, by the unit column `unit`.
pub(crate) async fn count_by_unit<E: EntityTrait>(
    db: &DatabaseConnection,
    query: Select<E>,
    unit: E::Column,
) -> Result<HashMap<String, u64>, AppError> {
    let rows: Vec<(String, i64)> = query
        .select_only()
        .column(unit)
        .column_as(Expr::from(sea_orm::sea_query::Func::count(Expr::col(unit))), "n")
        .group_by(unit)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(code, n)| (code, n as u64)).collect())
}

/// For 举一反三: the facts on record behind the checklist item `item` in every unit of the area `area`, counted by
/// unit in one grouped query (the work paper's own queries), with the facts' heading; `None` when the record
/// holds no facts for the item.
pub(crate) async fn facts_by_unit(
    db: &DatabaseConnection,
    round: &entities::supervision_round::Model,
    area: &OrgCode,
    item: &str,
    today: NaiveDate,
) -> Result<Option<(String, HashMap<String, u64>)>, AppError> {
    let prefix = area.scope_prefix();
    let counted = match item {
        MEETINGS => {
            let months = months_looked_at(round.year, round.starts_on, today);
            let signed = meeting::Entity::find()
                .filter(code_prefix(meeting::Column::OrgCode, prefix))
                .filter(meeting::Column::Status.eq(crate::meetings::MeetingStatus::Signed.as_str()))
                .filter(meeting::Column::Month.is_in(months.clone()));
            let signed = count_by_unit(db, signed, meeting::Column::OrgCode).await?;
            let units = org_unit::Entity::find()
                .filter(code_prefix(org_unit::Column::Code, prefix))
                .filter(org_unit::Column::Level.is_in([OrgLevel::Village.as_str(), OrgLevel::Township.as_str()]))
                .all(db)
                .await?;
            let missing = units
                .into_iter()
                .map(|u| {
                    let held = signed.get(&u.code).copied().unwrap_or(0);
                    (u.code, (months.len() as u64).saturating_sub(held))
                })
                .collect();
            ("无已签发研判会议记录的月数", missing)
        }
        VISITS => {
            let (from, to) = month_before(round.starts_on.min(today));
            let query = unvisited_query(code_prefix(household::Column::OrgCode, prefix), from, to);
            ("上月无走访记录的监测户", count_by_unit(db, query, household::Column::OrgCode).await?)
        }
        CASES => {
            let query = overdue_query(code_prefix(risk_case::Column::OrgCode, prefix), today);
            ("逾期未办结的风险案件", count_by_unit(db, query, risk_case::Column::OrgCode).await?)
        }
        ACCURACY => {
            let query = unverified_query(code_prefix(screening_row::Column::OrgCode, prefix));
            ("未核实的部门预警", count_by_unit(db, query, screening_row::Column::OrgCode).await?)
        }
        INCLUSION => {
            let query = not_included_query(code_prefix(household::Column::OrgCode, prefix));
            ("疑似应纳未纳的农户", count_by_unit(db, query, household::Column::OrgCode).await?)
        }
        _ => return Ok(None),
    };
    Ok(Some((counted.0.to_string(), counted.1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_first_half_round_in_june_looks_at_january_to_may() {
        let months = months_looked_at(2026, day("2026-06-10"), day("2026-12-05"));
        assert_eq!(months, ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]);
        assert_eq!(month_before(day("2026-06-10")), (day("2026-05-01"), day("2026-05-31")));
        assert_eq!(months_looked_at(2026, day("2026-01-10"), day("2026-12-05")), ["2026-01"], "at least January");
    }
}
