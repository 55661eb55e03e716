//! Dated assessments of 两不愁三保障 and drinking water, one row per assessment (history kept).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("security_assessment")
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(string_len("item", 16))
                .col(string_len("status", 16))
                .col(text("note"))
                .col(date("assessed_on"))
                .col(big_integer("assessed_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("security_assessment", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("security_assessment", "assessed_by")
                        .to("app_user", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_assessment_household")
                .table("security_assessment")
                .col("household_id")
                .col("item")
                .col("assessed_on")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("security_assessment").to_owned()).await
    }
}
