//! Policy sets per org unit and year.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("policy_set")
                .col(big_pk_auto("id"))
                .col(big_integer("org_unit_id"))
                .col(string_len("org_code", 15))
                .col(integer("year"))
                .col(string_len_null("preset", 32))
                .col(text("body"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(big_integer_null("updated_by"))
                .foreign_key(
                    ForeignKey::create()
                        .from("policy_set", "org_unit_id")
                        .to("org_unit", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_policy_set_unit_year")
                .table("policy_set")
                .col("org_unit_id")
                .col("year")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_policy_set_year").table("policy_set").col("year").col("org_code").to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("policy_set").to_owned()).await
    }
}
