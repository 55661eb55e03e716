//! Identification (识别纳入) of a household and every step taken in it.

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
                .table("identification")
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(string_len("org_code", 15))
                .col(string_len("stage", 24))
                .col(boolean("green_channel"))
                .col(date("commitment_signed_on"))
                .col(date_null("notice_start"))
                .col(date_null("notice_end"))
                .col(text_null("rejection"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("identification", "household_id", "household"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("identification", "idx_identification_household", &["household_id"])).await?;
        m.create_table(
            Table::create()
                .table("identification_event")
                .col(big_pk_auto("id"))
                .col(big_integer("identification_id"))
                .col(string_len("step", 24))
                .col(string_len_null("from_stage", 24))
                .col(string_len("to_stage", 24))
                .col(text("note"))
                .col(big_integer("actor_user_id"))
                .col(string("actor_name"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("identification_event", "identification_id", "identification"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("identification_event", "idx_identification_event", &["identification_id"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("identification_event").to_owned()).await?;
        m.drop_table(Table::drop().table("identification").to_owned()).await
    }
}
