//! Counting for the reports, within the caller's scope.

use chrono::{DateTime, Datelike, Utc};
use entities::{household, household_member, org_unit};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};

use super::{ScaleRow, scale_verdict};
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::households::MonitoringStatus;
use crate::org::{OrgLevel, prefix_at, unit_at};
use crate::request::RequestContext;
use crate::time::beijing_date;

const IDENTIFIED: [MonitoringStatus; 3] =
    [MonitoringStatus::Identifying, MonitoringStatus::Monitored, MonitoringStatus::Eliminating];

/// One row per county the caller can see.
pub async fn scale(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
) -> Result<Vec<ScaleRow>, AppError> {
    let caller = ctx.caller()?;
    let year = beijing_date(now).year();
    let prefixes = authz::scope_prefixes(caller, Action::ReadHousehold);
    if prefixes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut counties: Vec<String> = prefixes.iter().map(|p| unit_at(p, OrgLevel::County)).collect();
    counties.sort();
    counties.dedup();
    let mut rows = Vec::new();
    for county in counties {
        rows.push(county_row(db, &prefixes, county, year).await?);
    }
    Ok(rows)
}

/// One county's row: its monitored households and people (within the caller's units there) against the
/// registered people and the scale control of the county's policy.
async fn county_row(
    db: &DatabaseConnection,
    prefixes: &[String],
    county: String,
    year: i32,
) -> Result<ScaleRow, AppError> {
    let mine: Vec<&String> = prefixes.iter().filter(|p| p.starts_with(prefix_at(&county, OrgLevel::County))).collect();
    let partial = !mine.iter().any(|p| p.len() <= 6);
    let mut in_scope = sea_orm::Condition::any();
    for p in &mine {
        in_scope = in_scope.add(authz::code_prefix(household::Column::OrgCode, p));
    }
    let statuses: Vec<&str> = IDENTIFIED.iter().map(|s| s.as_str()).collect();
    let monitored_ids: Vec<i64> = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .filter(in_scope.clone())
        .filter(household::Column::MonitoringStatus.is_in(statuses))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let monitored_people = members_of(db, &monitored_ids).await?;
    let all_ids = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .filter(in_scope)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let registered_people = members_of(db, &all_ids).await?;
    let policy = match crate::policy::service::effective(db, &county, year).await {
        Ok(view) => Some(view.policy),
        Err(AppError::Conflict(_)) => None,
        Err(e) => return Err(e),
    };
    let permille = policy.as_ref().map(|p| p.scale_control_permille);
    let base = policy.as_ref().and_then(|p| p.scale_base_population);
    let (target_people, verdict) = scale_verdict(monitored_people, permille, base);
    let county_name = org_unit::Entity::find()
        .filter(org_unit::Column::Code.eq(&county))
        .one(db)
        .await?
        .map(|u| u.name)
        .unwrap_or_else(|| county.clone());
    Ok(ScaleRow {
        county_code: county,
        county_name,
        year,
        partial,
        monitored_households: monitored_ids.len() as u64,
        monitored_people,
        registered_people,
        scale_control_permille: permille,
        base_population: base,
        target_people,
        verdict,
    })
}

/// How many members the households have, counted a chunk of households at a time.
async fn members_of(db: &DatabaseConnection, ids: &[i64]) -> Result<u64, AppError> {
    let mut people = 0;
    for chunk in ids.chunks(5000) {
        people += household_member::Entity::find()
            .filter(household_member::Column::HouseholdId.is_in(chunk.to_vec()))
            .count(db)
            .await?;
    }
    Ok(people)
}
