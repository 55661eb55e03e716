//! Reading a household's whole file: the household's own facts, then what the other areas hold on it.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection};

use super::HouseholdFile;
use crate::error::AppError;
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
    Ok(HouseholdFile {
        household,
        identification: crate::workflow::service::latest(db, id, Procedure::Identification).await?,
        elimination: crate::workflow::service::latest(db, id, Procedure::Elimination).await?,
        open_cases: crate::cases::service::reading::open_of_household(db, id, beijing_date(now)).await?,
        plan: crate::cases::service::plan::measures_where(db, plan_of_household).await?,
    })
}
