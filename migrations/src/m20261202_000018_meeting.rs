//! Monthly judgment meetings (村级研判会, 镇街联席研判会): one per unit and month, their agenda items with
//! the decision on each, and the dated addenda that are the only change once the chair has signed.

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
                .table("meeting")
                .col(big_pk_auto("id"))
                .col(string_len("org_code", 15))
                .col(string_len("month", 7))
                .col(string_len("status", 16))
                .col(date_null("held_on"))
                .col(string_len("place", 128))
                .col(big_integer_null("chair_user_id"))
                .col(big_integer_null("recorder_user_id"))
                .col(text("attendance"))
                .col(text("guests"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("finalised_at"))
                .col(timestamp_with_time_zone_null("signed_at"))
                .col(text("sent_back_reason").default(""))
                .to_owned(),
        )
        .await?;
        let mut once = index("meeting", "uq_meeting_unit_month", &["org_code", "month"]);
        once.unique();
        m.create_index(once).await?;
        m.create_table(
            Table::create()
                .table("meeting_item")
                .col(big_pk_auto("id"))
                .col(big_integer("meeting_id"))
                .col(integer("position"))
                .col(string_len("kind", 24))
                .col(big_integer_null("case_id"))
                .col(big_integer_null("household_id"))
                .col(big_integer_null("source_item_id"))
                .col(string_len("title", 256))
                .col(text("facts"))
                .col(boolean("dropped"))
                .col(text("drop_reason"))
                .col(text("analysis"))
                .col(text("decision"))
                .col(string_len("action", 16))
                .col(string_len("department", 64))
                .col(string_len("responsible_person", 64))
                .col(date_null("deadline"))
                .col(big_integer_null("owner_user_id"))
                .col(big_integer_null("result_case_id"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .foreign_key(&mut fk("meeting_item", "meeting_id", "meeting"))
                .foreign_key(&mut fk("meeting_item", "case_id", "risk_case"))
                .foreign_key(&mut fk("meeting_item", "household_id", "household"))
                .foreign_key(&mut fk("meeting_item", "source_item_id", "meeting_item"))
                .foreign_key(&mut fk("meeting_item", "result_case_id", "risk_case"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("meeting_item", "idx_meeting_item_meeting", &["meeting_id", "position"])).await?;
        m.create_index(index("meeting_item", "idx_meeting_item_case", &["case_id"])).await?;
        m.create_index(index("meeting_item", "idx_meeting_item_source", &["source_item_id"])).await?;
        m.create_table(
            Table::create()
                .table("meeting_addendum")
                .col(big_pk_auto("id"))
                .col(big_integer("meeting_id"))
                .col(text("text"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("meeting_addendum", "meeting_id", "meeting"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("meeting_addendum", "idx_meeting_addendum_meeting", &["meeting_id"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("meeting_addendum").to_owned()).await?;
        m.drop_table(Table::drop().table("meeting_item").to_owned()).await?;
        m.drop_table(Table::drop().table("meeting").to_owned()).await
    }
}
