//! Rigid expenditure by item (medical, schooling, disaster, other) instead of a total and a typed
//! deductible part: the policy says which items count as compliant large expenditure, so the deduction
//! is derived, never typed. Existing rows keep their numbers: the deductible part becomes medical (the
//! large bills recorded so far were medical), the rest "other".

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["medical_fen", "schooling_fen", "disaster_fen", "other_rigid_fen"] {
            m.alter_table(
                Table::alter().table("household_income").add_column(big_integer(column).default(0)).to_owned(),
            )
            .await?;
        }
        m.get_connection()
            .execute_unprepared(
                "UPDATE household_income SET medical_fen = deductible_fen, \
                 other_rigid_fen = rigid_expenditure_fen - deductible_fen",
            )
            .await?;
        for column in ["rigid_expenditure_fen", "deductible_fen"] {
            m.alter_table(Table::alter().table("household_income").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["rigid_expenditure_fen", "deductible_fen"] {
            m.alter_table(
                Table::alter().table("household_income").add_column(big_integer(column).default(0)).to_owned(),
            )
            .await?;
        }
        m.get_connection()
            .execute_unprepared(
                "UPDATE household_income SET deductible_fen = medical_fen, \
                 rigid_expenditure_fen = medical_fen + schooling_fen + disaster_fen + other_rigid_fen",
            )
            .await?;
        for column in ["medical_fen", "schooling_fen", "disaster_fen", "other_rigid_fen"] {
            m.alter_table(Table::alter().table("household_income").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
