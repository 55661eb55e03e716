//! Identification (识别纳入) of a household and every step taken in it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

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
                .foreign_key(
                    ForeignKey::create()
                        .from("identification", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_identification_household").table("identification").col("household_id").to_owned(),
        )
        .await?;
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
                .foreign_key(
                    ForeignKey::create()
                        .from("identification_event", "identification_id")
                        .to("identification", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_identification_event")
                .table("identification_event")
                .col("identification_id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("identification_event").to_owned()).await?;
        m.drop_table(Table::drop().table("identification").to_owned()).await
    }
}
