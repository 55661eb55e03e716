//! Imports of spreadsheets: one row per uploaded file with its hash (so the same file twice changes
//! nothing), its outcome and its row-by-row report.

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
                .table("import_batch")
                .col(big_pk_auto("id"))
                .col(string_len("kind", 32))
                .col(string("file_name"))
                .col(string_len("file_hash", 64))
                .col(string_len("outcome", 16))
                .col(text("report"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("import_batch", "idx_import_batch_hash", &["kind", "file_hash", "outcome"])).await?;
        m.create_index(index("import_batch", "idx_import_batch_user", &["created_by", "created_at"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("import_batch").to_owned()).await
    }
}
