//! Assistance measures (帮扶措施) of a case; a household's plan (一户一方案) is the sum of its cases' measures.

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
                .table("assistance_measure")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(big_integer_null("household_id"))
                .col(string_len("org_code", 15))
                .col(string_len("category", 24))
                .col(text("description"))
                .col(string_len("responsible_person", 64))
                .col(date("start_on"))
                .col(date_null("end_on"))
                .col(string_len("status", 16))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("assistance_measure", "case_id", "risk_case"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("assistance_measure", "idx_measure_case", &["case_id"])).await?;
        m.create_index(index("assistance_measure", "idx_measure_household", &["household_id"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("assistance_measure").to_owned()).await
    }
}
