//! The stored outcome of a household's latest risk evaluation, so lists can filter on it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column at a time.
        for column in [
            boolean("red_alert").default(false).to_owned(),
            boolean("risk_monitored").default(false).to_owned(),
            timestamp_with_time_zone_null("evaluated_at").to_owned(),
        ] {
            m.alter_table(Table::alter().table("household").add_column(column).to_owned()).await?;
        }
        m.create_index(index("household", "idx_household_red_alert", &["red_alert", "org_code"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_household_red_alert").table("household").to_owned()).await?;
        for column in ["red_alert", "risk_monitored", "evaluated_at"] {
            m.alter_table(Table::alter().table("household").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
