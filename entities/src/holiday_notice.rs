use sea_orm::entity::prelude::*;

/// A year's holiday notice loaded by the operator (the same text format as the built-in files).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "holiday_notice")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub body: String,
    pub loaded_at: DateTimeUtc,
    pub loaded_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
