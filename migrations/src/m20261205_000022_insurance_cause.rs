//! What a 防贫保险 measure pays out for [G] (因病, 因学, 因灾（含意外事故）, 因赔偿责任, 因生产资料损失), a child's
//! care as the register records it (留守儿童, 孤儿, 事实无人抚养儿童), and the special groups a household's
//! verdict found, as `,key,key,` for the household list's filter [F].

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table("assistance_measure").add_column(string_null("insurance_cause").to_owned()).to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter().table("household_member").add_column(string_null("child_status").to_owned()).to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter().table("household").add_column(string("special_groups").default("").to_owned()).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("household").drop_column("special_groups").to_owned()).await?;
        m.alter_table(Table::alter().table("household_member").drop_column("child_status").to_owned()).await?;
        m.alter_table(Table::alter().table("assistance_measure").drop_column("insurance_cause").to_owned()).await
    }
}
