//! Evidence (佐证资料): photos and documents attached to a case, one of its steps, or one of its
//! measures. The bytes live in the evidence store by SHA-256; a row is never deleted, only withdrawn.

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
                .table("evidence")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(big_integer_null("case_event_id"))
                .col(big_integer_null("measure_id"))
                .col(string_len("org_code", 15))
                .col(string_len("sha256", 64))
                .col(big_integer("size_bytes"))
                .col(string_len("mime", 80))
                .col(string_len("file_name", 128))
                .col(boolean("has_thumbnail"))
                .col(big_integer("uploaded_by"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .col(timestamp_with_time_zone_null("withdrawn_at"))
                .col(big_integer_null("withdrawn_by"))
                .col(text_null("withdraw_reason"))
                .foreign_key(&mut fk("evidence", "case_id", "risk_case"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("evidence", "idx_evidence_case", &["case_id"])).await?;
        m.create_index(index("evidence", "idx_evidence_sha256", &["sha256"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("evidence").to_owned()).await
    }
}
