//! The annual cross-township spot check (交叉检查) [Y] 三（五）: the year's check of a county with its window and
//! rules, the teams and their members, the conflicts members declare, every exclusion the pairing of teams and
//! townships made, and the draw (frame, seed, algorithm, hash) with its drawn and reserve units.

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
                .table("cross_check")
                .col(big_pk_auto("id"))
                .col(string_len("org_code", 15))
                .col(integer("year"))
                .col(string_len("title", 128))
                .col(timestamp_with_time_zone("window_start"))
                .col(timestamp_with_time_zone("window_end"))
                .col(text("townships"))
                .col(text("rules"))
                .col(string_len("status", 16))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("cross_check", "created_by", "app_user"))
                .to_owned(),
        )
        .await?;
        let mut once = index("cross_check", "uq_cross_check_year", &["org_code", "year"]);
        once.unique();
        m.create_index(once).await?;
        m.create_table(
            Table::create()
                .table("cross_check_team")
                .col(big_pk_auto("id"))
                .col(big_integer("check_id"))
                .col(string_len("name", 64))
                .col(string_len_null("township_code", 15))
                .col(big_integer_null("confirmed_by"))
                .col(timestamp_with_time_zone_null("confirmed_at"))
                .foreign_key(&mut fk("cross_check_team", "check_id", "cross_check"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("cross_check_team", "idx_cross_check_team", &["check_id"])).await?;
        m.create_table(
            Table::create()
                .table("cross_check_member")
                .col(big_pk_auto("id"))
                .col(big_integer("team_id"))
                .col(big_integer("user_id"))
                .col(boolean("leader"))
                .foreign_key(&mut fk("cross_check_member", "team_id", "cross_check_team"))
                .foreign_key(&mut fk("cross_check_member", "user_id", "app_user"))
                .to_owned(),
        )
        .await?;
        let mut once = index("cross_check_member", "uq_cross_check_member", &["team_id", "user_id"]);
        once.unique();
        m.create_index(once).await?;
        m.create_table(
            Table::create()
                .table("cross_check_conflict")
                .col(big_pk_auto("id"))
                .col(big_integer("check_id"))
                .col(big_integer("user_id"))
                .col(string_len("org_code", 15))
                .col(text("reason"))
                .col(timestamp_with_time_zone("declared_at"))
                .foreign_key(&mut fk("cross_check_conflict", "check_id", "cross_check"))
                .foreign_key(&mut fk("cross_check_conflict", "user_id", "app_user"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("cross_check_conflict", "idx_cross_check_conflict", &["check_id", "user_id"])).await?;
        m.create_table(
            Table::create()
                .table("cross_check_exclusion")
                .col(big_pk_auto("id"))
                .col(big_integer("check_id"))
                .col(big_integer("team_id"))
                .col(string_len("township_code", 15))
                .col(string_len("rule", 16))
                .col(text("detail"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(&mut fk("cross_check_exclusion", "check_id", "cross_check"))
                .foreign_key(&mut fk("cross_check_exclusion", "team_id", "cross_check_team"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("cross_check_exclusion", "idx_cross_check_exclusion", &["check_id"])).await?;
        m.create_table(
            Table::create()
                .table("cross_check_draw")
                .col(big_pk_auto("id"))
                .col(big_integer("check_id"))
                .col(string_len("seed", 64))
                .col(string_len("algorithm", 32))
                .col(text("frame"))
                .col(string_len("frame_sha256", 64))
                .col(text("skipped"))
                .col(text("shortfalls"))
                .col(big_integer("drawn_by"))
                .col(timestamp_with_time_zone("drawn_at"))
                .foreign_key(&mut fk("cross_check_draw", "check_id", "cross_check"))
                .foreign_key(&mut fk("cross_check_draw", "drawn_by", "app_user"))
                .to_owned(),
        )
        .await?;
        let mut once = index("cross_check_draw", "uq_cross_check_draw", &["check_id"]);
        once.unique();
        m.create_index(once).await?;
        m.create_table(
            Table::create()
                .table("cross_check_unit")
                .col(big_pk_auto("id"))
                .col(big_integer("draw_id"))
                .col(string_len("township_code", 15))
                .col(string_len("village_code", 15))
                .col(big_integer_null("household_id"))
                .col(string_len_null("stratum", 16))
                .col(integer("rank"))
                .col(string_len("role", 16))
                .col(big_integer_null("replaced_by_unit_id"))
                .col(string_len_null("replace_reason", 32))
                .col(text_null("replace_note"))
                .col(big_integer_null("replaced_by"))
                .col(timestamp_with_time_zone_null("replaced_at"))
                .foreign_key(&mut fk("cross_check_unit", "draw_id", "cross_check_draw"))
                .foreign_key(&mut fk("cross_check_unit", "household_id", "household"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("cross_check_unit", "idx_cross_check_unit", &["draw_id", "village_code", "role"])).await?;
        m.create_index(index("cross_check_unit", "idx_cross_check_unit_household", &["household_id"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "cross_check_unit",
            "cross_check_draw",
            "cross_check_exclusion",
            "cross_check_conflict",
            "cross_check_member",
            "cross_check_team",
            "cross_check",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
