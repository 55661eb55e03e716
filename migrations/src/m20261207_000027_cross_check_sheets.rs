//! 交叉检查, continued: the check sheets (a drawn household's 入户核查表 or a drawn village's sheet) with their
//! answers to the indicators, the problems they found (handed to the checked township as cases), their addenda,
//! the townships' self-assessments, and photos of a sheet as evidence.

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
                .table("cross_check_sheet")
                .col(big_pk_auto("id"))
                .col(big_integer("check_id"))
                .col(big_integer("unit_id"))
                .col(string_len("township_code", 15))
                .col(string_len("village_code", 15))
                .col(big_integer_null("household_id"))
                .col(date("visited_on"))
                .col(string_len_null("inclusion", 16))
                .col(text("inclusion_note"))
                .col(string_len("acknowledgement", 16))
                .col(string_len("acknowledged_by", 32))
                .col(text("note"))
                .col(big_integer("checker_id"))
                .col(timestamp_with_time_zone("saved_at"))
                .foreign_key(&mut fk("cross_check_sheet", "check_id", "cross_check"))
                .foreign_key(&mut fk("cross_check_sheet", "unit_id", "cross_check_unit"))
                .foreign_key(&mut fk("cross_check_sheet", "household_id", "household"))
                .foreign_key(&mut fk("cross_check_sheet", "checker_id", "app_user"))
                .to_owned(),
        )
        .await?;
        let mut once = index("cross_check_sheet", "uq_cross_check_sheet_unit", &["unit_id"]);
        once.unique();
        m.create_index(once).await?;
        m.create_index(index("cross_check_sheet", "idx_cross_check_sheet_township", &["check_id", "township_code"]))
            .await?;
        m.create_table(
            Table::create()
                .table("cross_check_answer")
                .col(big_pk_auto("id"))
                .col(big_integer("sheet_id"))
                .col(big_integer("check_id"))
                .col(string_len("township_code", 15))
                .col(integer("position"))
                .col(string_len("indicator", 64))
                .col(string_len("result", 16))
                .col(text("note"))
                .foreign_key(&mut fk("cross_check_answer", "sheet_id", "cross_check_sheet"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("cross_check_answer", "idx_cross_check_answer_sheet", &["sheet_id"])).await?;
        m.create_index(index(
            "cross_check_answer",
            "idx_cross_check_answer_township",
            &["check_id", "township_code", "indicator"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("cross_check_finding")
                .col(big_pk_auto("id"))
                .col(big_integer("check_id"))
                .col(big_integer("sheet_id"))
                .col(string_len("township_code", 15))
                .col(string_len("village_code", 15))
                .col(big_integer_null("household_id"))
                .col(string_len("kind", 16))
                .col(string_len("title", 128))
                .col(text("note"))
                .col(big_integer_null("case_id"))
                .col(big_integer_null("handed_by"))
                .col(timestamp_with_time_zone_null("handed_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("cross_check_finding", "check_id", "cross_check"))
                .foreign_key(&mut fk("cross_check_finding", "sheet_id", "cross_check_sheet"))
                .foreign_key(&mut fk("cross_check_finding", "case_id", "risk_case"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "cross_check_finding",
            "idx_cross_check_finding_township",
            &["check_id", "township_code"],
        ))
        .await?;
        m.create_index(index("cross_check_finding", "idx_cross_check_finding_sheet", &["sheet_id"])).await?;
        m.create_index(index("cross_check_finding", "idx_cross_check_finding_case", &["case_id"])).await?;
        m.create_table(
            Table::create()
                .table("cross_check_addendum")
                .col(big_pk_auto("id"))
                .col(big_integer("sheet_id"))
                .col(text("text"))
                .col(big_integer("added_by"))
                .col(timestamp_with_time_zone("added_at"))
                .foreign_key(&mut fk("cross_check_addendum", "sheet_id", "cross_check_sheet"))
                .foreign_key(&mut fk("cross_check_addendum", "added_by", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("cross_check_addendum", "idx_cross_check_addendum_sheet", &["sheet_id"])).await?;
        m.create_table(
            Table::create()
                .table("cross_check_self_score")
                .col(big_pk_auto("id"))
                .col(big_integer("check_id"))
                .col(string_len("township_code", 15))
                .col(integer("score_tenths"))
                .col(text("note"))
                .col(big_integer("entered_by"))
                .col(timestamp_with_time_zone("entered_at"))
                .foreign_key(&mut fk("cross_check_self_score", "check_id", "cross_check"))
                .foreign_key(&mut fk("cross_check_self_score", "entered_by", "app_user"))
                .to_owned(),
        )
        .await?;
        let mut once = index("cross_check_self_score", "uq_cross_check_self_score", &["check_id", "township_code"]);
        once.unique();
        m.create_index(once).await?;
        m.alter_table(Table::alter().table("evidence").add_column(big_integer_null("check_sheet_id")).to_owned())
            .await?;
        m.create_index(index("evidence", "idx_evidence_check_sheet", &["check_sheet_id"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_evidence_check_sheet").table("evidence").to_owned()).await?;
        m.alter_table(Table::alter().table("evidence").drop_column("check_sheet_id").to_owned()).await?;
        for table in [
            "cross_check_self_score",
            "cross_check_addendum",
            "cross_check_finding",
            "cross_check_answer",
            "cross_check_sheet",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
