//! Organisation, people, sessions, tokens, the audit chain and the household register.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("org_unit")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("code", 15))
                .col(string("name"))
                .col(string_len("level", 16))
                .col(big_integer_null("parent_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("org_unit", "parent_id", "org_unit"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("org_unit", "idx_org_unit_parent", &["parent_id"])).await?;

        m.create_table(
            Table::create()
                .table("app_user")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("username", 64))
                .col(string("display_name"))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(string("password_hash"))
                .col(boolean("must_change_password"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("user_role")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len("role", 32))
                .col(big_integer("org_unit_id"))
                .col(string_null("department"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("user_role", "user_id", "app_user"))
                .foreign_key(&mut fk("user_role", "org_unit_id", "org_unit"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("user_role", "uq_user_role", &["user_id", "role", "org_unit_id"]).unique().to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table("session")
                .col(string_len("token_hash", 64).primary_key())
                .col(big_integer("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(string_null("ip"))
                .col(string_null("user_agent"))
                .foreign_key(&mut fk("session", "user_id", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("session", "idx_session_user", &["user_id"])).await?;

        m.create_table(
            Table::create()
                .table("api_token")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string("name"))
                .col(string_len_uniq("token_hash", 64))
                .col(string_len("prefix", 16))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .foreign_key(&mut fk("api_token", "user_id", "app_user"))
                .foreign_key(&mut fk("api_token", "created_by", "app_user"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("login_failure")
                .col(big_pk_auto("id"))
                .col(string_len("username", 64))
                .col(string_len("ip", 64))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("login_failure", "idx_login_failure_user", &["username", "at"])).await?;
        m.create_index(index("login_failure", "idx_login_failure_ip", &["ip", "at"])).await?;

        m.create_table(
            Table::create()
                .table("app_secret")
                .col(string_len("name", 64).primary_key())
                .col(text("value"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_integer("seq").primary_key())
                .col(string_len("at", 40))
                .col(big_integer_null("actor_user_id"))
                .col(string("actor"))
                .col(string_null("ip"))
                .col(string_len("action", 64))
                .col(string_len("entity_type", 64))
                .col(string("entity_id"))
                .col(string_len_null("org_code", 15))
                .col(text("changes"))
                .col(string_len("prev_hash", 64))
                .col(string_len("hash", 64))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", "idx_audit_entity", &["entity_type", "entity_id"])).await?;
        m.create_index(index("audit_log", "idx_audit_org", &["org_code"])).await?;
        append_only_audit_log(m).await?;

        m.create_table(
            Table::create()
                .table("household")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("code", 20))
                .col(big_integer("org_unit_id"))
                .col(string_len("org_code", 15))
                .col(string("head_name"))
                .col(string("address"))
                .col(string_null("phone"))
                .col(string_len_null("monitoring_class", 32))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("household", "org_unit_id", "org_unit"))
                .to_owned(),
        )
        .await?;
        // Scope filters are ranges on org_code and lists are ordered by (org_code, code): one index serves both.
        m.create_index(index("household", "idx_household_org", &["org_code", "code"])).await?;

        m.create_table(
            Table::create()
                .table("household_member")
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(string("name"))
                .col(string_len("resident_id", 18))
                .col(string_len("relation", 16))
                .col(string_len("sex", 1))
                .col(date("birth_date"))
                .col(string_len("labour_capacity", 16))
                .col(string_len("health", 16))
                .col(string_len("schooling", 16))
                .col(string_null("co_residence_note"))
                .foreign_key(&mut fk("household_member", "household_id", "household"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("household_member", "idx_member_household", &["household_id"])).await?;
        m.create_index(index("household_member", "idx_member_resident_id", &["resident_id"])).await?;

        m.create_table(
            Table::create()
                .table("household_income")
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(integer("year"))
                .col(big_integer("wage_fen"))
                .col(big_integer("business_fen"))
                .col(big_integer("property_fen"))
                .col(big_integer("transfer_fen"))
                .col(big_integer("rigid_expenditure_fen"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("household_income", "household_id", "household"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("household_income", "uq_household_income_year", &["household_id", "year"]).unique().to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the foundation migration cannot be rolled back: the audit log is kept".into()))
    }
}

/// The audit log refuses UPDATE and DELETE at the database, on both backends.
async fn append_only_audit_log(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    match m.get_database_backend() {
        DatabaseBackend::Sqlite => {
            db.execute_unprepared(
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log \
                 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log \
                 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
            )
            .await?;
        }
        DatabaseBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$;",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log \
                 FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log \
                 FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();",
            )
            .await?;
        }
        other => return Err(DbErr::Migration(format!("unsupported database backend {other:?}"))),
    }
    Ok(())
}
