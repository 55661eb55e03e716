//! Dated assessments of 两不愁三保障 and drinking water, one row per assessment (history kept).

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
                .table("security_assessment")
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(string_len("item", 16))
                .col(string_len("status", 16))
                .col(text("note"))
                .col(date("assessed_on"))
                .col(big_integer("assessed_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("security_assessment", "household_id", "household"))
                .foreign_key(&mut fk("security_assessment", "assessed_by", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "security_assessment",
            "idx_assessment_household",
            &["household_id", "item", "assessed_on"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("security_assessment").to_owned()).await
    }
}
