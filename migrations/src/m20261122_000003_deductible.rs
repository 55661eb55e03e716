//! The part of a year's rigid expenditure that the policy lets you deduct (合规大额支出) [Y].

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table("household_income").add_column(big_integer("deductible_fen").default(0)).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("household_income").drop_column("deductible_fen").to_owned()).await
    }
}
