use sea_orm::entity::prelude::*;

/// One dated assessment of a 两不愁三保障 item (or drinking water) for a household. Never edited: a
/// later assessment supersedes it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_assessment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub household_id: i64,
    /// `food`, `clothing`, `education`, `medical`, `housing`, `water`.
    pub item: String,
    /// `ok`, `at_risk`, `failed`.
    pub status: String,
    pub note: String,
    pub assessed_on: Date,
    pub assessed_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
