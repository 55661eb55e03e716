//! Policy sets per org unit and year.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{fk, index};

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
                .foreign_key(&mut fk("policy_set", "org_unit_id", "org_unit"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("policy_set", "uq_policy_set_unit_year", &["org_unit_id", "year"]).unique().to_owned())
            .await?;
        m.create_index(index("policy_set", "idx_policy_set_year", &["year", "org_code"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("policy_set").to_owned()).await
    }
}
