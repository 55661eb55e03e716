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
    pub rigid_expenditure_fen: i64,
    /// The part of the rigid expenditure the policy lets you deduct (合规大额支出).
    pub deductible_fen: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
