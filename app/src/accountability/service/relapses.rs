//! The candidates of 返贫致贫: a monitored household that raised a red alert with no visit in the policy's days
//! before it — the duty to visit was missed. Households visited in time are listed as not counted.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entities::risk_case;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use super::candidates::{Found, Month, counted, unit_of};
use crate::accountability::Verdict;
use crate::authz::code_prefix;
use crate::error::AppError;
use crate::policy::accountability::AccountabilityRules;
use crate::time::beijing_date;

/// Red alerts (返贫致贫 risks) raised in the period for households that are monitoring objects, and whether the
/// household had a visit within the policy's days before: without one, the duty to visit was missed and it counts.
pub(crate) async fn relapses(
    db: &DatabaseConnection,
    prefix: &str,
    months: &[Month],
    rules: &AccountabilityRules,
) -> Result<Vec<Found>, AppError> {
    use entities::{household, visit};
    let (Some(first), Some(last)) = (months.first(), months.last()) else { return Ok(Vec::new()) };
    let (start, end) =
        (crate::time::beijing_day_start(first.1), crate::time::beijing_day_start(last.2 + Duration::days(1)));
    let alerted = risk_case::Entity::find()
        .filter(code_prefix(risk_case::Column::OrgCode, prefix))
        .filter(risk_case::Column::RedAlert.eq(true))
        .filter(risk_case::Column::CreatedAt.gte(start))
        .filter(risk_case::Column::CreatedAt.lt(end))
        .filter(risk_case::Column::Status.ne(crate::cases::Status::Dismissed.as_str()));
    let alerts: Vec<(i64, Option<i64>, String, DateTime<Utc>)> = alerted
        .clone()
        .select_only()
        .column(risk_case::Column::Id)
        .column(risk_case::Column::HouseholdId)
        .column(risk_case::Column::OrgCode)
        .column(risk_case::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await?;
    // The alerted households, as a subquery (there may be thousands).
    let households = || alerted.clone().select_only().column(risk_case::Column::HouseholdId).into_query();
    use crate::households::MonitoringStatus;
    let monitored: HashMap<i64, String> = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .column(household::Column::HeadName)
        .filter(household::Column::Id.in_subquery(households()))
        .filter(
            household::Column::MonitoringStatus
                .is_in([MonitoringStatus::Monitored.as_str(), MonitoringStatus::Eliminating.as_str()]),
        )
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut visits: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    let window = first.1 - Duration::days(i64::from(rules.relapse_visit_days));
    let rows: Vec<(i64, NaiveDate)> = visit::Entity::find()
        .select_only()
        .column(visit::Column::HouseholdId)
        .column(visit::Column::VisitedOn)
        .filter(visit::Column::HouseholdId.in_subquery(households()))
        .filter(visit::Column::VisitedOn.between(window, last.2))
        .into_tuple()
        .all(db)
        .await?;
    for (household, day) in rows {
        visits.entry(household).or_default().push(day);
    }
    let days = i64::from(rules.relapse_visit_days);
    Ok(alerts
        .into_iter()
        .filter_map(|(id, household, org_code, created_at)| {
            let head = monitored.get(&household?)?;
            let on = beijing_date(created_at);
            let last_visit = visits.get(&household?).and_then(|days| days.iter().filter(|d| **d <= on).max().copied());
            let verdict = match last_visit {
                Some(day) if (on - day).num_days() <= days => Verdict {
                    counted: false,
                    reason: format!("{day} 已走访（预警前 {} 天内），不计入。", days),
                },
                Some(day) => Verdict {
                    counted: true,
                    reason: format!(
                        "上次走访为 {day}，预警前已 {} 天未走访（要求 {days} 天内）。",
                        (on - day).num_days()
                    ),
                },
                None => {
                    Verdict { counted: true, reason: format!("预警前 {days} 天内及此前均无走访记录。") }
                }
            };
            let text = format!("监测户 {head}：{on} 出现红色预警（案件 {id}）");
            Some(counted(unit_of(&org_code), text, format!("/cases/{id}"), Some(verdict)))
        })
        .collect())
}
