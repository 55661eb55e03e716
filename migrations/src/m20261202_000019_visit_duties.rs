//! Who owes visits and who made them: the day a household entered its monitoring class and the day its
//! 挂钩干部 was assigned (a visit schedule owes a period only from these days on; empty means "since the
//! household was registered"), and who typed in a visit made by someone else (a paper sheet entered by
//! the information officer; empty means the visitor entered it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 2] = ["class_since", "liaison_since"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column at a time.
        for column in COLUMNS {
            m.alter_table(Table::alter().table("household").add_column(date_null(column).to_owned()).to_owned())
                .await?;
        }
        m.alter_table(Table::alter().table("visit").add_column(big_integer_null("recorded_by").to_owned()).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("visit").drop_column("recorded_by").to_owned()).await?;
        for column in COLUMNS {
            m.alter_table(Table::alter().table("household").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
