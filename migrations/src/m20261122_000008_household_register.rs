//! The register grows: who looks after a household (monitoring contact, 挂钩干部), the facts behind the
//! hand-recorded typical features, 低保 and its taper, the household's monitoring status, pinyin initials
//! for search, and a kind on the workflow table so risk elimination (风险消除) runs the same procedure.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column at a time.
        for column in [
            big_integer_null("contact_user_id").to_owned(),
            big_integer_null("liaison_user_id").to_owned(),
            string_len("house_type", 16).default("").to_owned(),
            text_null("industry_failure").to_owned(),
            text_null("disaster_loss").to_owned(),
            text_null("other_hardship").to_owned(),
            string_len("dibao_status", 16).default("none").to_owned(),
            date_null("dibao_taper_until").to_owned(),
            string_len("monitoring_status", 16).default("none").to_owned(),
        ] {
            m.alter_table(Table::alter().table("household").add_column(column).to_owned()).await?;
        }
        m.create_index(index("household", "idx_household_status", &["monitoring_status", "org_code"])).await?;
        m.create_index(index("household", "idx_household_contact", &["contact_user_id"])).await?;
        m.alter_table(
            Table::alter()
                .table("household_member")
                .add_column(string_len("name_initials", 32).default("").to_owned())
                .to_owned(),
        )
        .await?;
        m.create_index(index("household_member", "idx_member_initials", &["name_initials"])).await?;
        m.create_index(index("household_member", "idx_member_name", &["name"])).await?;
        for column in
            [string_len("kind", 16).default("identification").to_owned(), string_len_null("class", 32).to_owned()]
        {
            m.alter_table(Table::alter().table("identification").add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["kind", "class"] {
            m.alter_table(Table::alter().table("identification").drop_column(column).to_owned()).await?;
        }
        for name in ["idx_member_initials", "idx_member_name"] {
            m.drop_index(Index::drop().name(name).table("household_member").to_owned()).await?;
        }
        m.alter_table(Table::alter().table("household_member").drop_column("name_initials").to_owned()).await?;
        for name in ["idx_household_status", "idx_household_contact"] {
            m.drop_index(Index::drop().name(name).table("household").to_owned()).await?;
        }
        for column in [
            "contact_user_id",
            "liaison_user_id",
            "house_type",
            "industry_failure",
            "disaster_loss",
            "other_hardship",
            "dibao_status",
            "dibao_taper_until",
            "monitoring_status",
        ] {
            m.alter_table(Table::alter().table("household").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
