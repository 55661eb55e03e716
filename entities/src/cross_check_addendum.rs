use sea_orm::entity::prelude::*;

/// A note added to a saved cross-check sheet (the sheet itself never changes).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cross_check_addendum")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub sheet_id: i64,
    pub text: String,
    pub added_by: i64,
    pub added_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
