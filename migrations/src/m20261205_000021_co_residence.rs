//! The rules' second reading (issue 17): whether a registered member lives with the household ([T]
//! "以实际共同生活为准": one who does not, 户在人不在, is left out of the per-capita income), the legal
//! guardian or supporter the register names for a member (typical feature 9 [G]), and whether the
//! household is a candidate for identification (the verdict's `candidate`, kept like `risk_monitored`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column at a time.
        let member = |column: ColumnDef| Table::alter().table("household_member").add_column(column).to_owned();
        m.alter_table(member(boolean("co_resident").default(true).to_owned())).await?;
        m.alter_table(member(string_null("guardian").to_owned())).await?;
        m.alter_table(
            Table::alter()
                .table("household")
                .add_column(boolean("risk_candidate").default(false).to_owned())
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("household").drop_column("risk_candidate").to_owned()).await?;
        for column in ["guardian", "co_resident"] {
            m.alter_table(Table::alter().table("household_member").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
