//! Time-window grants: one action on an explicit set of records (units or households, by code) for one
//! user from a start to an end date-time, such as a cross-check team's sample or a supervision round's
//! units. Revoking keeps the row (the audit log and the grant list show who could read what, when).

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
                .table("window_grant")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len("action", 64))
                .col(string("purpose"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(big_integer_null("revoked_by"))
                .foreign_key(&mut fk("window_grant", "user_id", "app_user"))
                .foreign_key(&mut fk("window_grant", "created_by", "app_user"))
                .foreign_key(&mut fk("window_grant", "revoked_by", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("window_grant", "idx_window_grant_user", &["user_id", "ends_at"])).await?;
        m.create_table(
            Table::create()
                .table("window_grant_record")
                .col(big_integer("grant_id"))
                .col(string_len("code", 32))
                .primary_key(Index::create().col("grant_id").col("code"))
                .foreign_key(&mut fk("window_grant_record", "grant_id", "window_grant"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("window_grant_record").to_owned()).await?;
        m.drop_table(Table::drop().table("window_grant").to_owned()).await?;
        Ok(())
    }
}
