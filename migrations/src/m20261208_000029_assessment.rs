//! 年度考核与一票否决: the county's annual assessment of its townships and villages as computed from the record
//! (each unit's score and components with their facts), the one-vote vetoes with their basis and the persons they
//! bar, and every step taken on a veto. An accountability record also keeps the measure in force, so that a
//! correction the county sends back leaves the earlier decision standing.

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
                .table("assessment")
                .col(big_pk_auto("id"))
                .col(string_len("county_code", 15))
                .col(integer("year"))
                .col(text("rules"))
                .col(big_integer("computed_by"))
                .col(timestamp_with_time_zone("computed_at"))
                .col(big_integer_null("published_by"))
                .col(timestamp_with_time_zone_null("published_at"))
                .foreign_key(&mut fk("assessment", "computed_by", "app_user"))
                .foreign_key(&mut fk("assessment", "published_by", "app_user"))
                .to_owned(),
        )
        .await?;
        let mut once = index("assessment", "uq_assessment_county_year", &["county_code", "year"]);
        once.unique();
        m.create_index(once).await?;
        m.create_table(
            Table::create()
                .table("assessment_unit")
                .col(big_pk_auto("id"))
                .col(big_integer("assessment_id"))
                .col(string_len("org_code", 15))
                .col(string_len("level", 16))
                .col(integer("score_tenths"))
                .col(text("components"))
                .foreign_key(&mut fk("assessment_unit", "assessment_id", "assessment"))
                .to_owned(),
        )
        .await?;
        let mut once = index("assessment_unit", "uq_assessment_unit", &["assessment_id", "org_code"]);
        once.unique();
        m.create_index(once).await?;
        m.create_table(
            Table::create()
                .table("assessment_veto")
                .col(big_pk_auto("id"))
                .col(string_len("county_code", 15))
                .col(integer("year"))
                .col(string_len("org_code", 15))
                .col(text("ground"))
                .col(text("basis"))
                .col(text("persons"))
                .col(text("note"))
                .col(string_len("status", 24))
                .col(big_integer("proposed_by"))
                .col(timestamp_with_time_zone("proposed_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("assessment_veto", "proposed_by", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("assessment_veto", "idx_assessment_veto_year", &["county_code", "year"])).await?;
        m.create_index(index("assessment_veto", "idx_assessment_veto_unit", &["org_code", "year"])).await?;
        m.create_table(
            Table::create()
                .table("assessment_veto_event")
                .col(big_pk_auto("id"))
                .col(big_integer("veto_id"))
                .col(string_len("step", 16))
                .col(string_len("status", 24))
                .col(text("note"))
                .col(big_integer("actor_id"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("assessment_veto_event", "veto_id", "assessment_veto"))
                .foreign_key(&mut fk("assessment_veto_event", "actor_id", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("assessment_veto_event", "idx_assessment_veto_event", &["veto_id"])).await?;
        m.alter_table(
            Table::alter()
                .table("accountability_record")
                .add_column(string_len_null("measure_in_force", 24))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("accountability_record").drop_column("measure_in_force").to_owned()).await?;
        for table in ["assessment_veto_event", "assessment_veto", "assessment_unit", "assessment"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
