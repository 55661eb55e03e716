//! Reading a household's whole file: the household's own facts, then what the other areas hold on it.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::HouseholdFile;
use crate::cases::measures::{MeasureStatus, MeasureView};
use crate::error::AppError;
use crate::households::{HouseholdDetail, MonitoringStatus};
use crate::permissions::Action;
use crate::request::RequestContext;
use crate::time::beijing_date;
use crate::workflow::procedure::Procedure;

/// One household's file by code, if the caller may read the household.
pub async fn get(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<HouseholdFile, AppError> {
    let row = crate::households::service::in_scope(db, now, ctx, code, Action::ReadHousehold).await?;
    let id = row.id;
    let household = crate::households::service::reading::detail(db, now, row).await?;
    let plan_of_household = Condition::all().add(entities::assistance_measure::Column::HouseholdId.eq(id));
    let plan = crate::cases::service::plan::measures_where(db, plan_of_household).await?;
    let plan_due = plan_due(db, id, &household, &plan).await?;
    Ok(HouseholdFile {
        identification: crate::workflow::service::latest(db, id, Procedure::Identification).await?,
        elimination: crate::workflow::service::latest(db, id, Procedure::Elimination).await?,
        measures_appraisal: crate::workflow::service::latest(db, id, Procedure::Measures).await?,
        open_cases: crate::cases::service::reading::open_of_household(db, id, beijing_date(now)).await?,
        household,
        plan,
        plan_due,
    })
}

/// Why the household should have a plan (一户一方案) and has no measure under way: it is monitored, or a
/// warning household — sub-types recorded, or on a ledger of a class that is not monitored since its
/// latest sweep [Y].
async fn plan_due(
    db: &DatabaseConnection,
    household_id: i64,
    household: &HouseholdDetail,
    plan: &[MeasureView],
) -> Result<Option<String>, AppError> {
    if plan.iter().any(|m| m.status != MeasureStatus::Stopped) {
        return Ok(None);
    }
    if household.summary.status == MonitoringStatus::Monitored {
        return Ok(Some("监测户应制定帮扶方案（一户一方案），目前尚无帮扶措施：请登记风险案件并添加措施。".into()));
    }
    let ledger = entities::visit::Entity::find()
        .filter(entities::visit::Column::HouseholdId.eq(household_id))
        .filter(entities::visit::Column::Sweep.eq(true))
        .filter(entities::visit::Column::LedgerClass.is_not_null())
        .order_by_desc(entities::visit::Column::VisitedOn)
        .one(db)
        .await?
        .and_then(|v| v.ledger_class);
    let warned = match (&ledger, household.warning_kinds.is_empty()) {
        (_, false) => Some(household.warning_kinds.join("、")),
        (Some(class), true) if household.summary.monitoring_class.is_none() => Some(class.clone()),
        _ => None,
    };
    Ok(warned.map(|why| {
        format!("防贫预警户（{why}）也应制定帮扶方案，及早干预，目前尚无帮扶措施：请登记风险案件并添加措施。")
    }))
}
