//! Department screening (部门筛查预警): every warning row a department pushed, keyed so the same
//! warning is taken once, with what became of it: a case opened or updated, or a row nobody matched
//! (for the township to verify: possible 应纳未纳).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("screening_row")
                .col(big_pk_auto("id"))
                .col(big_integer("batch_id"))
                .col(string_len("department", 24))
                .col(string_len("row_key", 64))
                .col(integer("row_number"))
                .col(string_len("resident_id", 18))
                .col(string_len("name", 64))
                .col(string_len("risk_type", 24))
                .col(boolean("red_alert"))
                .col(text("description"))
                .col(string_len("org_code", 15))
                .col(big_integer_null("household_id"))
                .col(big_integer_null("case_id"))
                .col(string_len("outcome", 16))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("resolved_at"))
                .col(big_integer_null("resolved_by"))
                .col(text_null("resolution"))
                .to_owned(),
        )
        .await?;
        let mut key = index("screening_row", "uq_screening_row_key", &["department", "row_key"]);
        key.unique();
        m.create_index(key).await?;
        m.create_index(index("screening_row", "idx_screening_org", &["org_code", "created_at"])).await?;
        m.create_index(index("screening_row", "idx_screening_batch", &["batch_id"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("screening_row").to_owned()).await
    }
}
