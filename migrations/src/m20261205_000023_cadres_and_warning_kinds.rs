//! A cadre's rank (职级) and whether they count as experienced, for the policy's pairing rules [F] 11; and
//! the sub-types of warning household the register records, as `,kind,kind,` [Y].

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("app_user").add_column(string_null("cadre_rank").to_owned()).to_owned())
            .await?;
        m.alter_table(
            Table::alter().table("app_user").add_column(boolean("experienced").default(false).to_owned()).to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter().table("household").add_column(string("warning_kinds").default("").to_owned()).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("household").drop_column("warning_kinds").to_owned()).await?;
        m.alter_table(Table::alter().table("app_user").drop_column("experienced").to_owned()).await?;
        m.alter_table(Table::alter().table("app_user").drop_column("cadre_rank").to_owned()).await
    }
}
