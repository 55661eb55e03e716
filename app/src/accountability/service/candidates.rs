//! The candidates for accountability, computed from the record the system holds for an area and a period: months
//! without signed meeting minutes, months in which too many monitored households went unvisited, cases resolved
//! late or still open past their deadline, and problems found from outside (supervision rounds, cross-checks) —
//! each fact with its link, each problem with the exemption rule's verdict. One candidate per unit and kind; the
//! discipline team dismisses one with a reason or opens a record from it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use entities::{
    accountability_dismissal, accountability_record, cross_check_finding, cross_check_sheet, meeting, org_unit,
    risk_case, supervision_finding,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::accountability::rules::{ProblemDates, exemption};
use crate::accountability::{
    CandidateKind, CandidateView, CandidatesView, Fact, Verdict, candidate_key, parse_candidate_key,
};
use crate::authz::{self, Action, code_prefix};
use crate::crosscheck::Unit;
use crate::error::AppError;
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Caller;
use crate::policy::accountability::AccountabilityRules;
use crate::request::RequestContext;
use crate::time::beijing_date;

/// How many facts a candidate lists (its counts cover them all).
const LISTED: usize = 50;

/// A month of the period: `YYYY-MM`, its first and last day.
pub(crate) type Month = (String, NaiveDate, NaiveDate);

/// The months `from..=to` (`YYYY-MM`), at most twelve, none after this month.
pub(crate) fn months(from: &str, to: &str, today: NaiveDate) -> Result<Vec<Month>, AppError> {
    let first = |m: &str| NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d").ok();
    let (Some(start), Some(end)) = (first(from), first(to)) else {
        return Err(AppError::validation("from", "期间应写作 2026-07 的形式。"));
    };
    let this_month = today.with_day(1).unwrap_or(today);
    if start > end || end > this_month {
        return Err(AppError::validation("to", "期间的起止月份有误，且不能晚于本月。"));
    }
    let mut out = Vec::new();
    let mut month = start;
    while month <= end {
        let next = month.checked_add_months(chrono::Months::new(1)).unwrap_or(month);
        out.push((month.format("%Y-%m").to_string(), month, next.pred_opt().unwrap_or(month)));
        if out.len() > 12 {
            return Err(AppError::validation("to", "一次最多查看 12 个月。"));
        }
        month = next;
    }
    Ok(out)
}

/// The village a code belongs to (a villager group's village); a village or township is its own.
pub(crate) fn unit_of(code: &str) -> String {
    match OrgCode::parse(code) {
        Ok(c) if c.level() == OrgLevel::Group => code.get(..12).unwrap_or(code).to_string(),
        _ => code.to_string(),
    }
}

/// The areas the caller looks at: the units of their discipline-team grants.
pub(crate) fn areas(caller: &Caller) -> Vec<Unit> {
    caller
        .roles
        .iter()
        .filter(|g| Action::ManageAccountability.roles().contains(&g.role))
        .map(|g| Unit { code: g.org_code.clone(), name: g.org_name.clone() })
        .collect()
}

/// A fact of a candidate: the unit it belongs to, the fact, and whether it counts.
pub(crate) struct Found {
    pub unit: String,
    pub fact: Fact,
    pub counted: bool,
}

pub(crate) fn counted(unit: String, text: String, link: String, verdict: Option<Verdict>) -> Found {
    let counted = verdict.as_ref().is_none_or(|v| v.counted);
    Found { unit, fact: Fact { text, link, verdict }, counted }
}

/// The candidates of `area` (a county or township the caller's discipline team covers; empty: their first) for
/// the months `from..=to` (empty: this half-year), each listing at most `LISTED` facts.
pub async fn candidates(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    area: &str,
    from: &str,
    to: &str,
) -> Result<CandidatesView, AppError> {
    computed(db, now, ctx, area, from, to, LISTED).await
}

/// The candidates with at most `listed` facts each (a record's basis takes them all).
pub(crate) async fn computed(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    area: &str,
    from: &str,
    to: &str,
    listed: usize,
) -> Result<CandidatesView, AppError> {
    let caller = ctx.caller()?;
    let first_area = areas(caller).into_iter().next().map(|u| u.code).unwrap_or_default();
    let area = if area.trim().is_empty() { first_area.as_str() } else { area.trim() };
    let area = OrgCode::parse(area).map_err(|_| AppError::validation("area", "请选择单位。"))?;
    authz::authorize(caller, Action::ManageAccountability, area.as_str())?;
    let today = beijing_date(now);
    let half = format!("{}-{:02}", today.year(), if today.month() <= 6 { 1 } else { 7 });
    let this_month = format!("{}-{:02}", today.year(), today.month());
    let from = if from.trim().is_empty() { half.as_str() } else { from };
    let to = if to.trim().is_empty() { this_month.as_str() } else { to };
    let months = months(from, to, today)?;
    let year = months.first().map(|m| m.1.year()).unwrap_or(today.year());
    let rules = crate::policy::service::effective(db, area.as_str(), year).await?.policy.accountability;
    let prefix = area.scope_prefix();
    let mut found: Vec<(CandidateKind, Found)> = Vec::new();
    found.extend(
        missed_meetings(db, prefix, &months, today).await?.into_iter().map(|f| (CandidateKind::MissedMeeting, f)),
    );
    found.extend(
        missed_visits(db, prefix, &months, today, &rules).await?.into_iter().map(|f| (CandidateKind::MissedVisits, f)),
    );
    found.extend(
        overdue_cases(db, prefix, &months, today, &rules).await?.into_iter().map(|f| (CandidateKind::OverdueCase, f)),
    );
    found.extend(
        outside_findings(db, prefix, &months, today).await?.into_iter().map(|f| (CandidateKind::OutsideFinding, f)),
    );
    found.extend(
        super::relapses::relapses(db, prefix, &months, &rules).await?.into_iter().map(|f| (CandidateKind::Relapse, f)),
    );
    let (from, to) = (
        months.first().map(|m| m.0.clone()).unwrap_or_default(),
        months.last().map(|m| m.0.clone()).unwrap_or_default(),
    );
    let mut grouped: BTreeMap<(String, CandidateKind), Vec<Found>> = BTreeMap::new();
    for (kind, f) in found {
        grouped.entry((f.unit.clone(), kind)).or_default().push(f);
    }
    grouped.retain(|_, facts| facts.iter().any(|f| f.counted));
    let handled = handled(db, prefix).await?;
    let mut codes: Vec<String> = grouped.keys().map(|(unit, _)| unit.clone()).collect();
    codes.push(area.as_str().to_string());
    let names = crate::org::service::display_names(db, codes).await?;
    let unit = |code: &str| Unit { code: code.to_string(), name: names.get(code).cloned().unwrap_or_default() };
    let candidates = grouped
        .into_iter()
        .map(|((code, kind), mut facts)| {
            facts.sort_by_key(|f| !f.counted);
            let key = candidate_key(kind, &code, &from, &to);
            let earlier = overlapping(&handled, kind, &code, &from, &to);
            CandidateView {
                kind,
                kind_label: kind.label().into(),
                unit: unit(&code),
                counted: facts.iter().filter(|f| f.counted).count() as u64,
                exempt: facts.iter().filter(|f| !f.counted).count() as u64,
                facts: facts.into_iter().take(listed).map(|f| f.fact).collect(),
                dismissed: earlier.and_then(|h| h.dismissed.clone()),
                record_id: earlier.and_then(|h| h.record_id),
                key,
            }
        })
        .collect();
    Ok(CandidatesView { area: unit(area.as_str()), from, to, candidates, areas: areas(caller) })
}

/// A candidate already dealt with: dismissed (as "理由（王某，2026-07-02）") or made a record, for its kind, unit
/// and period.
pub(crate) struct Handled {
    kind: CandidateKind,
    unit: String,
    from: String,
    to: String,
    pub dismissed: Option<String>,
    pub record_id: Option<i64>,
}

/// The candidates of units within `prefix` dealt with so far.
pub(crate) async fn handled<C: ConnectionTrait>(db: &C, prefix: &str) -> Result<Vec<Handled>, AppError> {
    let dismissals = accountability_dismissal::Entity::find()
        .filter(code_prefix(accountability_dismissal::Column::OrgCode, prefix))
        .all(db)
        .await?;
    let records: Vec<(i64, Option<String>)> = accountability_record::Entity::find()
        .select_only()
        .column(accountability_record::Column::Id)
        .column(accountability_record::Column::CandidateKey)
        .filter(code_prefix(accountability_record::Column::OrgCode, prefix))
        .into_tuple()
        .all(db)
        .await?;
    let names = crate::users::service::display_names(db, dismissals.iter().map(|d| d.dismissed_by)).await?;
    let mut out = Vec::new();
    for d in dismissals {
        let who = names.get(&d.dismissed_by).cloned().unwrap_or_default();
        let text = format!("{}（{who}，{}）", d.reason, beijing_date(d.dismissed_at));
        if let Some((kind, unit, from, to)) = parse_candidate_key(&d.candidate_key) {
            out.push(Handled { kind, unit, from, to, dismissed: Some(text), record_id: None });
        }
    }
    for (id, key) in records {
        if let Some((kind, unit, from, to)) = key.as_deref().and_then(parse_candidate_key) {
            out.push(Handled { kind, unit, from, to, dismissed: None, record_id: Some(id) });
        }
    }
    Ok(out)
}

/// The candidate of the same kind and unit, of a period overlapping `from..=to`, dealt with already: the same
/// facts are not dismissed under one period and made a record under another.
pub(crate) fn overlapping<'a>(
    handled: &'a [Handled],
    kind: CandidateKind,
    unit: &str,
    from: &str,
    to: &str,
) -> Option<&'a Handled> {
    handled.iter().find(|h| h.kind == kind && h.unit == unit && h.from.as_str() <= to && from <= h.to.as_str())
}

/// Months of the period over by `today` without signed minutes of each village's and township's meeting.
pub(crate) async fn missed_meetings(
    db: &DatabaseConnection,
    prefix: &str,
    months: &[Month],
    today: NaiveDate,
) -> Result<Vec<Found>, AppError> {
    let ended: Vec<String> = months.iter().filter(|m| m.2 < today).map(|m| m.0.clone()).collect();
    let signed: std::collections::HashSet<(String, String)> = meeting::Entity::find()
        .select_only()
        .column(meeting::Column::OrgCode)
        .column(meeting::Column::Month)
        .filter(code_prefix(meeting::Column::OrgCode, prefix))
        .filter(meeting::Column::Status.eq(crate::meetings::MeetingStatus::Signed.as_str()))
        .filter(meeting::Column::Month.is_in(ended.clone()))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let units = org_unit::Entity::find()
        .filter(code_prefix(org_unit::Column::Code, prefix))
        .filter(org_unit::Column::Level.is_in([OrgLevel::Village.as_str(), OrgLevel::Township.as_str()]))
        .all(db)
        .await?;
    let mut out = Vec::new();
    for u in units {
        for month in &ended {
            if !signed.contains(&(u.code.clone(), month.clone())) {
                let text = format!("{month} 无已签发的研判会议记录");
                out.push(counted(u.code.clone(), text, format!("/meetings?unit={}", u.code), None));
            }
        }
    }
    Ok(out)
}

/// Months of the period over by `today` in which more than the policy's share of a village's monitored households
/// had no visit at all.
async fn missed_visits(
    db: &DatabaseConnection,
    prefix: &str,
    months: &[Month],
    today: NaiveDate,
    rules: &AccountabilityRules,
) -> Result<Vec<Found>, AppError> {
    use crate::supervision::service::workpaper::{count_by_unit, unvisited_query};
    let within = || code_prefix(entities::household::Column::OrgCode, prefix);
    let monitored_query = entities::household::Entity::find().filter(within()).filter(
        entities::household::Column::MonitoringStatus.eq(crate::households::MonitoringStatus::Monitored.as_str()),
    );
    let monitored = by_village(count_by_unit(db, monitored_query, entities::household::Column::OrgCode).await?);
    let mut out = Vec::new();
    for (month, first, last) in months.iter().filter(|m| m.2 < today) {
        let query = unvisited_query(within(), *first, *last);
        let unvisited = by_village(count_by_unit(db, query, entities::household::Column::OrgCode).await?);
        for (village, missed) in unvisited {
            let total = monitored.get(&village).copied().unwrap_or(missed).max(1);
            let percent = missed * 100 / total;
            if missed * 100 > total * u64::from(rules.unvisited_percent) {
                let text = format!(
                    "{month}：{missed} 户监测户无走访记录（共 {total} 户，{percent}%，超过 {}%）",
                    rules.unvisited_percent
                );
                out.push(counted(
                    village.clone(),
                    text,
                    format!("/visits/coverage?unit={village}&month={month}"),
                    None,
                ));
            }
        }
    }
    Ok(out)
}

/// Counts by unit rolled up to villages.
pub(crate) fn by_village(counts: HashMap<String, u64>) -> HashMap<String, u64> {
    let mut out = HashMap::new();
    for (code, n) in counts {
        *out.entry(unit_of(&code)).or_insert(0) += n;
    }
    out
}

/// What the candidates read of a case (not its description or people).
struct CaseRow {
    id: i64,
    household_id: Option<i64>,
    org_code: String,
    source: String,
    deadline: NaiveDate,
    found_by_unit: bool,
    created_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}

type CaseTuple = (i64, Option<i64>, String, String, NaiveDate, bool, DateTime<Utc>, Option<DateTime<Utc>>);

/// The cases `query` finds, as the candidates read them.
async fn case_rows(
    db: &DatabaseConnection,
    query: sea_orm::Select<risk_case::Entity>,
) -> Result<Vec<CaseRow>, AppError> {
    use risk_case::Column;
    let rows: Vec<CaseTuple> = query
        .select_only()
        .columns([Column::Id, Column::HouseholdId, Column::OrgCode, Column::Source, Column::Deadline])
        .columns([Column::FoundByUnit, Column::CreatedAt, Column::ClosedAt])
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, household_id, org_code, source, deadline, found_by_unit, created_at, closed_at)| CaseRow {
            id,
            household_id,
            org_code,
            source,
            deadline,
            found_by_unit,
            created_at,
            closed_at,
        })
        .collect())
}

/// A case's dates for the exemption rule.
fn dates_of(case: &CaseRow, outside_first: Option<(NaiveDate, String)>) -> ProblemDates {
    ProblemDates {
        found_by_unit: case.found_by_unit,
        recorded_on: beijing_date(case.created_at),
        outside_first,
        deadline: case.deadline,
        resolved_on: case.closed_at.map(beijing_date),
    }
}

/// Cases that may be late, as a superset the rules then judge by the day in Beijing: still open with a deadline
/// before `open_before`, or closed after their deadline's day began.
pub(crate) fn maybe_late(open_before: NaiveDate) -> sea_orm::Condition {
    use risk_case::Column;
    use sea_orm::sea_query::{Expr, ExprTrait};
    sea_orm::Condition::any()
        .add(sea_orm::Condition::all().add(Column::ClosedAt.is_null()).add(Column::Deadline.lt(open_before)))
        .add(Expr::col(Column::ClosedAt).gt(Expr::col(Column::Deadline)))
}

/// Cases due in the period that were resolved, or are still open, more than the policy's days past their deadline.
async fn overdue_cases(
    db: &DatabaseConnection,
    prefix: &str,
    months: &[Month],
    today: NaiveDate,
    rules: &AccountabilityRules,
) -> Result<Vec<Found>, AppError> {
    let (Some(first), Some(last)) = (months.first(), months.last()) else { return Ok(Vec::new()) };
    let grace = Duration::days(i64::from(rules.overdue_days));
    let query = risk_case::Entity::find()
        .filter(code_prefix(risk_case::Column::OrgCode, prefix))
        .filter(risk_case::Column::Deadline.between(first.1, last.2.min(today)))
        .filter(risk_case::Column::Status.ne(crate::cases::Status::Dismissed.as_str()))
        .filter(maybe_late(today - grace));
    let cases = case_rows(db, query).await?;
    Ok(cases
        .into_iter()
        .filter(|c| c.closed_at.map(beijing_date).unwrap_or(today) > c.deadline + grace)
        .map(|c| {
            let verdict = exemption(&dates_of(&c, None), today);
            let source = crate::cases::Source::parse(&c.source).map(|s| s.label()).unwrap_or_default();
            let text = format!("案件 {}（{source}）：期限 {}", c.id, c.deadline);
            counted(unit_of(&c.org_code), text, format!("/cases/{}", c.id), Some(verdict))
        })
        .collect())
}

/// Problems found from outside in the period: supervision findings and cross-check findings. A problem the unit
/// had itself registered first (the finding's own link, or the household's case of the unit recorded on or before
/// the finding's day: the same day counts as the unit's own) and solved by its deadline is not counted [Y]; one it
/// registered only after is, and says so.
pub(crate) async fn outside_findings(
    db: &DatabaseConnection,
    prefix: &str,
    months: &[Month],
    today: NaiveDate,
) -> Result<Vec<Found>, AppError> {
    let (Some(first), Some(last)) = (months.first(), months.last()) else { return Ok(Vec::new()) };
    let supervised = supervision_finding::Entity::find()
        .filter(code_prefix(supervision_finding::Column::OrgCode, prefix))
        .filter(supervision_finding::Column::FoundOn.between(first.1, last.2))
        .all(db)
        .await?;
    let sheets_of_period = sea_orm::sea_query::Query::select()
        .column(cross_check_sheet::Column::Id)
        .from(cross_check_sheet::Entity)
        .and_where(cross_check_sheet::Column::VisitedOn.between(first.1, last.2))
        .to_owned();
    let checked = cross_check_finding::Entity::find()
        .filter(code_prefix(cross_check_finding::Column::VillageCode, prefix))
        .filter(cross_check_finding::Column::SheetId.in_subquery(sheets_of_period))
        .all(db)
        .await?;
    let sheets: HashMap<i64, (i64, NaiveDate)> = cross_check_sheet::Entity::find()
        .filter(cross_check_sheet::Column::Id.is_in(checked.iter().map(|f| f.sheet_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, (s.unit_id, s.visited_on)))
        .collect();
    let mut problems: Vec<Outside> = supervised
        .into_iter()
        .map(|f| Outside {
            text: format!("专项督查（{}）：{}", f.item, f.description),
            link: format!("/supervision/{}#finding-{}", f.round_id, f.id),
            source: "专项督查",
            unit: f.org_code,
            household: f.household_id,
            found_on: f.found_on,
            linked: f.self_found_case_id,
        })
        .collect();
    for f in checked {
        let Some((unit_id, visited_on)) = sheets.get(&f.sheet_id).copied() else { continue };
        if visited_on < first.1 || visited_on > last.2 {
            continue;
        }
        problems.push(Outside {
            text: format!("交叉检查（{}）：{}", f.title, f.note),
            link: format!("/cross-checks/units/{unit_id}"),
            source: "交叉检查",
            unit: f.village_code,
            household: f.household_id,
            found_on: visited_on,
            linked: None,
        });
    }
    let own =
        own_cases(db, problems.iter().filter_map(|p| p.household), problems.iter().filter_map(|p| p.linked)).await?;
    Ok(problems
        .into_iter()
        .map(|Outside { unit, household, found_on, text, link, source, linked }| {
            let earlier = match linked {
                Some(id) => own.iter().find(|c| c.id == id),
                // The household's own case recorded last before the finding, else the first after it (so the verdict
                // names a late registration).
                None => {
                    let of_household =
                        || own.iter().filter(|c| household.is_some() && c.household_id == household && c.found_by_unit);
                    of_household()
                        .filter(|c| beijing_date(c.created_at) <= found_on)
                        .max_by_key(|c| c.created_at)
                        .or_else(|| of_household().min_by_key(|c| c.created_at))
                }
            };
            let verdict = match earlier {
                Some(case) => exemption(&dates_of(case, Some((found_on, source.to_string()))), today),
                None => Verdict {
                    counted: true, reason: format!("{found_on} 由{source}发现，本单位此前未自查登记。")
                },
            };
            counted(unit_of(&unit), text, link, Some(verdict))
        })
        .collect())
}

/// A problem found from outside: its unit and household, the day it was found, what, where to see it, by whom, and
/// the unit's own case the finding names.
struct Outside {
    unit: String,
    household: Option<i64>,
    found_on: NaiveDate,
    text: String,
    link: String,
    source: &'static str,
    linked: Option<i64>,
}

/// The unit's own cases of the households, and the cases the findings name.
async fn own_cases(
    db: &DatabaseConnection,
    households: impl Iterator<Item = i64>,
    ids: impl Iterator<Item = i64>,
) -> Result<Vec<CaseRow>, AppError> {
    let households: Vec<i64> = households.collect();
    let ids: Vec<i64> = ids.collect();
    let query = risk_case::Entity::find().filter(
        sea_orm::Condition::any()
            .add(risk_case::Column::HouseholdId.is_in(households))
            .add(risk_case::Column::Id.is_in(ids)),
    );
    case_rows(db, query).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_period_is_whole_months_up_to_this_one() {
        let m = months("2026-07", "2026-12", day("2026-12-05")).unwrap();
        assert_eq!(m.len(), 6);
        assert_eq!((m[0].1, m[0].2), (day("2026-07-01"), day("2026-07-31")));
        assert_eq!(m[5].2, day("2026-12-31"));
        assert!(months("2026-07", "2027-01", day("2026-12-05")).is_err(), "not after this month");
        assert!(months("2026-08", "2026-07", day("2026-12-05")).is_err());
        assert!(months("2025-01", "2026-12", day("2026-12-05")).is_err(), "at most twelve months");
        assert!(months("七月", "2026-12", day("2026-12-05")).is_err());
        assert_eq!(unit_of("500152001201003"), "500152001201");
        assert_eq!(unit_of("500152001201"), "500152001201");
    }
}
