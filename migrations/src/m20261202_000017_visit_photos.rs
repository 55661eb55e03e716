//! Visit photos are evidence too: an evidence row now belongs to a case or to a visit. The table is
//! rebuilt (SQLite cannot relax a NOT NULL column in place), the same way on both databases, keeping
//! every row and its id, in one transaction.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: &str = "id, case_id, case_event_id, measure_id, org_code, sha256, size_bytes, mime, file_name, \
                       has_thumbnail, uploaded_by, uploaded_at, withdrawn_at, withdrawn_by, withdraw_reason";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        rebuild(m, true).await
    }

    /// Back to case evidence only: the photos of visits go with the visit table (dropped by the previous
    /// migration's `down`).
    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        rebuild(m, false).await
    }
}

/// Rebuild the evidence table with or without visit photos, keeping every row (every case row, going back).
async fn rebuild(m: &SchemaManager<'_>, with_visits: bool) -> Result<(), DbErr> {
    let mut table = Table::create();
    table.table("evidence_new").col(big_pk_auto("id"));
    if with_visits {
        table.col(big_integer_null("case_id")).col(big_integer_null("visit_id"));
    } else {
        table.col(big_integer("case_id"));
    }
    table
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
        .foreign_key(&mut fk("evidence_new", "case_id", "risk_case"));
    if with_visits {
        table.foreign_key(&mut fk("evidence_new", "visit_id", "visit"));
    }
    m.create_table(table.to_owned()).await?;
    let db = m.get_connection();
    let only_cases = if with_visits { "" } else { " WHERE case_id IS NOT NULL" };
    db.execute_unprepared(&format!("INSERT INTO evidence_new ({COLUMNS}) SELECT {COLUMNS} FROM evidence{only_cases}"))
        .await?;
    m.drop_table(Table::drop().table("evidence").to_owned()).await?;
    m.rename_table(Table::rename().table("evidence_new", "evidence").to_owned()).await?;
    if m.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('evidence', 'id'), (SELECT COALESCE(MAX(id), 1) FROM evidence))",
        )
        .await?;
    }
    m.create_index(index("evidence", "idx_evidence_case", &["case_id"])).await?;
    if with_visits {
        m.create_index(index("evidence", "idx_evidence_visit", &["visit_id"])).await?;
    }
    m.create_index(index("evidence", "idx_evidence_sha256", &["sha256"])).await
}
