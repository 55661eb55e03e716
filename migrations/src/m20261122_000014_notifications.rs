//! Notifications: the in-app list, the e-mail outbox (written in the same transaction as the change
//! that causes a message, sent later by the relay), people's e-mail opt-outs, and the claims that let
//! only one server instance run each scheduled job.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn unique(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = index(table, name, cols);
    stmt.unique();
    stmt
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("notification")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len("category", 24))
                .col(string_len("title", 200))
                .col(text("body"))
                .col(string_len("link", 200))
                .col(string_len_null("dedupe_key", 120))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(&mut fk("notification", "user_id", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("notification", "idx_notification_user", &["user_id", "created_at"])).await?;
        m.create_index(unique("notification", "uq_notification_dedupe", &["dedupe_key"])).await?;

        m.create_table(
            Table::create()
                .table("mail_outbox")
                .col(big_pk_auto("id"))
                .col(string_len("message_id", 120))
                .col(big_integer("notification_id"))
                .col(string_len("to_address", 254))
                .col(string_len("subject", 200))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone_null("claimed_until"))
                .col(string_len_null("claimed_by", 64))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(text_null("last_error"))
                .foreign_key(&mut fk("mail_outbox", "notification_id", "notification"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("mail_outbox", "uq_mail_message_id", &["message_id"])).await?;
        m.create_index(index("mail_outbox", "idx_mail_due", &["sent_at", "next_attempt_at"])).await?;

        m.create_table(
            Table::create()
                .table("mail_optout")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len("category", 24))
                .foreign_key(&mut fk("mail_optout", "user_id", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("mail_optout", "uq_mail_optout", &["user_id", "category"])).await?;

        m.create_table(
            Table::create()
                .table("job_run")
                .col(big_pk_auto("id"))
                .col(string_len("job", 40))
                .col(string_len("slot", 40))
                .col(string_len("instance", 64))
                .col(timestamp_with_time_zone("started_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .col(text_null("outcome"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("job_run", "uq_job_run", &["job", "slot"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["job_run", "mail_optout", "mail_outbox", "notification"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
