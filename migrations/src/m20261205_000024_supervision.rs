//! Semiannual special supervision (专项督查) [Y]: rounds run by a discipline team, their members, and the
//! findings, each handed over as a rectification case and closed by a re-check.

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
                .table("supervision_round")
                .col(big_pk_auto("id"))
                .col(string_len("org_code", 15))
                .col(string_len("title", 128))
                .col(integer("year"))
                .col(string_len("half", 4))
                .col(text("units"))
                .col(text("topics"))
                .col(text("checklist"))
                .col(big_integer("lead_user_id"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(string_len("status", 16))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("supervision_round", "lead_user_id", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("supervision_round", "idx_supervision_round_unit", &["org_code", "year"])).await?;
        m.create_table(
            Table::create()
                .table("supervision_member")
                .col(big_pk_auto("id"))
                .col(big_integer("round_id"))
                .col(big_integer("user_id"))
                .foreign_key(&mut fk("supervision_member", "round_id", "supervision_round"))
                .foreign_key(&mut fk("supervision_member", "user_id", "app_user"))
                .to_owned(),
        )
        .await?;
        let mut once = index("supervision_member", "uq_supervision_member", &["round_id", "user_id"]);
        once.unique();
        m.create_index(once).await?;
        m.create_table(
            Table::create()
                .table("supervision_finding")
                .col(big_pk_auto("id"))
                .col(big_integer("round_id"))
                .col(string_len("org_code", 15))
                .col(big_integer_null("household_id"))
                .col(big_integer_null("person_user_id"))
                .col(string_len("item", 128))
                .col(text("basis"))
                .col(string_len("method", 24))
                .col(string_len("severity", 16))
                .col(text("description"))
                .col(date("found_on"))
                .col(text_null("on_spot_action"))
                .col(big_integer_null("self_found_case_id"))
                .col(string_len("status", 24))
                .col(big_integer_null("case_id"))
                .col(text_null("carried_over_reason"))
                .col(big_integer("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .foreign_key(&mut fk("supervision_finding", "round_id", "supervision_round"))
                .foreign_key(&mut fk("supervision_finding", "household_id", "household"))
                .foreign_key(&mut fk("supervision_finding", "person_user_id", "app_user"))
                .foreign_key(&mut fk("supervision_finding", "self_found_case_id", "risk_case"))
                .foreign_key(&mut fk("supervision_finding", "case_id", "risk_case"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("supervision_finding", "idx_supervision_finding_round", &["round_id", "org_code"]))
            .await?;
        m.create_index(index("supervision_finding", "idx_supervision_finding_unit", &["org_code", "status"])).await?;
        m.create_index(index("supervision_finding", "idx_supervision_finding_case", &["case_id"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["supervision_finding", "supervision_member", "supervision_round"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
