//! Visits (入户走访): one row per recorded visit of a household, with its checklist, findings and the
//! household's acknowledgement; a saved visit is amended only by dated addenda, never edited.

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
                .table("visit")
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(string_len("org_code", 15))
                .col(date("visited_on"))
                .col(string_len("mode", 16))
                .col(boolean("sweep"))
                .col(big_integer("visitor_user_id"))
                .col(string_len("companions", 128))
                .col(text("checklist"))
                .col(text("finance_note"))
                .col(integer_null("income_year"))
                .col(text("problems"))
                .col(text("assistance"))
                .col(string_len_null("ledger_class", 32))
                .col(string_len("acknowledgement", 16))
                .col(string_len("acknowledged_by", 64))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("visit", "household_id", "household"))
                .foreign_key(&mut fk("visit", "visitor_user_id", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("visit", "idx_visit_household", &["household_id", "visited_on"])).await?;
        m.create_index(index("visit", "idx_visit_org", &["org_code", "visited_on"])).await?;
        m.create_table(
            Table::create()
                .table("visit_addendum")
                .col(big_pk_auto("id"))
                .col(big_integer("visit_id"))
                .col(text("text"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("visit_addendum", "visit_id", "visit"))
                .foreign_key(&mut fk("visit_addendum", "created_by", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("visit_addendum", "idx_visit_addendum_visit", &["visit_id"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("visit_addendum").to_owned()).await?;
        m.drop_table(Table::drop().table("visit").to_owned()).await
    }
}
