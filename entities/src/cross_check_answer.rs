use sea_orm::entity::prelude::*;

/// A sheet's answer to one indicator (its name as the check's rules had it, and its place among them):
/// `pass`, `fail` (with a note) or `not_applicable`. The township is repeated for the scores' grouped query.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cross_check_answer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub sheet_id: i64,
    pub check_id: i64,
    pub township_code: String,
    pub position: i32,
    pub indicator: String,
    pub result: String,
    pub note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
