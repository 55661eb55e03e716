//! 问责: the candidates the discipline team dismissed (with the reason), the accountability records with their basis,
//! subject, measure, status and, for a talk (约谈), its record; and every step taken on a record.

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
                .table("accountability_dismissal")
                .col(big_pk_auto("id"))
                .col(string_len("candidate_key", 96))
                .col(string_len("org_code", 15))
                .col(text("reason"))
                .col(big_integer("dismissed_by"))
                .col(timestamp_with_time_zone("dismissed_at"))
                .foreign_key(&mut fk("accountability_dismissal", "dismissed_by", "app_user"))
                .to_owned(),
        )
        .await?;
        let mut once = index("accountability_dismissal", "uq_accountability_dismissal", &["candidate_key"]);
        once.unique();
        m.create_index(once).await?;
        m.create_table(
            Table::create()
                .table("accountability_record")
                .col(big_pk_auto("id"))
                .col(string_len("org_code", 15))
                .col(big_integer_null("subject_user_id"))
                .col(string_len("kind", 32))
                .col(string_len_null("candidate_key", 96))
                .col(string_len("title", 200))
                .col(text("basis"))
                .col(string_len("status", 24))
                .col(string_len_null("measure", 24))
                .col(date("statement_due"))
                .col(text_null("statement"))
                .col(date_null("talk_on"))
                .col(text_null("talk_participants"))
                .col(text_null("talk_content"))
                .col(text_null("talk_follow_up"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("accountability_record", "subject_user_id", "app_user"))
                .foreign_key(&mut fk("accountability_record", "created_by", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("accountability_record", "idx_accountability_record_unit", &["org_code", "id"])).await?;
        let mut once = index("accountability_record", "uq_accountability_record_candidate", &["candidate_key"]);
        once.unique();
        m.create_index(once).await?;
        m.create_table(
            Table::create()
                .table("accountability_event")
                .col(big_pk_auto("id"))
                .col(big_integer("record_id"))
                .col(string_len("step", 16))
                .col(string_len("status", 24))
                .col(string_len_null("measure", 24))
                .col(text("note"))
                .col(big_integer("actor_id"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("accountability_event", "record_id", "accountability_record"))
                .foreign_key(&mut fk("accountability_event", "actor_id", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("accountability_event", "idx_accountability_event_record", &["record_id"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["accountability_event", "accountability_record", "accountability_dismissal"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
