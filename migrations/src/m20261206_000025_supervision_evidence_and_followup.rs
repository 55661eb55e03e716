//! 专项督查, continued: evidence of a finding and the date a piece of evidence shows (separate from its upload);
//! the findings prompted by another (举一反三) or by a follow-up check (回头看); and the follow-up draws of
//! closed findings of earlier rounds, with the frame, seed and algorithm that reproduce them; and an index for
//! the work paper's confirmed eliminations of a unit and its households that look 应纳未纳.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("evidence").add_column(big_integer_null("finding_id")).to_owned()).await?;
        m.alter_table(Table::alter().table("evidence").add_column(date_null("shown_on")).to_owned()).await?;
        m.create_index(index("evidence", "idx_evidence_finding", &["finding_id"])).await?;
        m.create_index(index("identification", "idx_identification_kind_stage_unit", &["kind", "stage", "org_code"]))
            .await?;
        m.create_index(index(
            "household",
            "idx_household_not_included",
            &["risk_monitored", "monitoring_status", "org_code"],
        ))
        .await?;
        for column in ["prompted_by_finding_id", "followup_of_finding_id"] {
            m.alter_table(Table::alter().table("supervision_finding").add_column(big_integer_null(column)).to_owned())
                .await?;
        }
        m.create_table(
            Table::create()
                .table("supervision_followup")
                .col(big_pk_auto("id"))
                .col(big_integer("round_id"))
                .col(string_len("seed", 64))
                .col(string_len("algorithm", 32))
                .col(text("frame"))
                .col(string_len("frame_sha256", 64))
                .col(integer("sample_size"))
                .col(text("drawn"))
                .col(big_integer("drawn_by"))
                .col(timestamp_with_time_zone("drawn_at"))
                .foreign_key(&mut fk("supervision_followup", "round_id", "supervision_round"))
                .foreign_key(&mut fk("supervision_followup", "drawn_by", "app_user"))
                .to_owned(),
        )
        .await?;
        let mut once = index("supervision_followup", "uq_supervision_followup_round", &["round_id"]);
        once.unique();
        m.create_index(once).await?;
        m.create_table(
            Table::create()
                .table("supervision_followup_check")
                .col(big_pk_auto("id"))
                .col(big_integer("followup_id"))
                .col(big_integer("finding_id"))
                .col(string_len("result", 16))
                .col(text("note"))
                .col(big_integer_null("new_finding_id"))
                .col(big_integer("checked_by"))
                .col(timestamp_with_time_zone("checked_at"))
                .foreign_key(&mut fk("supervision_followup_check", "followup_id", "supervision_followup"))
                .foreign_key(&mut fk("supervision_followup_check", "finding_id", "supervision_finding"))
                .foreign_key(&mut fk("supervision_followup_check", "new_finding_id", "supervision_finding"))
                .foreign_key(&mut fk("supervision_followup_check", "checked_by", "app_user"))
                .to_owned(),
        )
        .await?;
        let mut once =
            index("supervision_followup_check", "uq_supervision_followup_check", &["followup_id", "finding_id"]);
        once.unique();
        m.create_index(once).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["supervision_followup_check", "supervision_followup"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in ["followup_of_finding_id", "prompted_by_finding_id"] {
            m.alter_table(Table::alter().table("supervision_finding").drop_column(column).to_owned()).await?;
        }
        m.drop_index(Index::drop().name("idx_household_not_included").table("household").to_owned()).await?;
        m.drop_index(Index::drop().name("idx_identification_kind_stage_unit").table("identification").to_owned())
            .await?;
        m.drop_index(Index::drop().name("idx_evidence_finding").table("evidence").to_owned()).await?;
        m.alter_table(Table::alter().table("evidence").drop_column("shown_on").to_owned()).await?;
        m.alter_table(Table::alter().table("evidence").drop_column("finding_id").to_owned()).await
    }
}
