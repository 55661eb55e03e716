use sea_orm::entity::prelude::*;

/// A household's income and expenditure for one year, in fen (1/100 yuan).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "household_income")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub household_id: i64,
    pub year: i32,
    pub wage_fen: i64,
    pub business_fen: i64,
    pub property_fen: i64,
    pub transfer_fen: i64,
    /// Rigid expenditure by item; the policy says which items count as compliant large expenditure.
    pub medical_fen: i64,
    pub schooling_fen: i64,
    /// Disasters and accidents.
    pub disaster_fen: i64,
    pub other_rigid_fen: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
