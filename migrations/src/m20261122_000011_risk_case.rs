//! Every risk is a case: owner, deadline, status and the history of every transition.

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
                .table("risk_case")
                .col(big_pk_auto("id"))
                .col(big_integer_null("household_id"))
                .col(string_len("org_code", 15))
                .col(string_len("source", 24))
                .col(string_len("risk_type", 24))
                .col(boolean("red_alert"))
                .col(text("description"))
                .col(big_integer("owner_user_id"))
                .col(string_len("department", 64))
                .col(string_len("responsible_person", 64))
                .col(date("deadline"))
                .col(string_len("status", 24))
                .col(boolean("found_by_unit"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .foreign_key(&mut fk("risk_case", "household_id", "household"))
                .foreign_key(&mut fk("risk_case", "owner_user_id", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("risk_case", "idx_case_org", &["org_code", "status"])).await?;
        m.create_index(index("risk_case", "idx_case_owner", &["owner_user_id", "status"])).await?;
        m.create_index(index("risk_case", "idx_case_deadline", &["status", "deadline"])).await?;
        m.create_index(index("risk_case", "idx_case_household", &["household_id"])).await?;
        m.create_table(
            Table::create()
                .table("case_event")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(string_len("action", 24))
                .col(string_len_null("from_status", 24))
                .col(string_len("to_status", 24))
                .col(text("note"))
                .col(date_null("deadline"))
                .col(big_integer("actor_user_id"))
                .col(string("actor_name"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("case_event", "case_id", "risk_case"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("case_event", "idx_case_event_case", &["case_id"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("case_event").to_owned()).await?;
        m.drop_table(Table::drop().table("risk_case").to_owned()).await
    }
}
