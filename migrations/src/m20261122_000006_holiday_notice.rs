//! Holiday notices loaded after release (a new year's State Council notice), by the operator.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("holiday_notice")
                .col(integer("year").primary_key())
                .col(text("body"))
                .col(timestamp_with_time_zone("loaded_at"))
                .col(string("loaded_by"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("holiday_notice").to_owned()).await
    }
}
