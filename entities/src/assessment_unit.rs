use sea_orm::entity::prelude::*;

/// A unit's result in an annual assessment: its score (tenths of a point) and each component with the facts
/// behind it (`components`, JSON).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_unit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assessment_id: i64,
    pub org_code: String,
    pub level: String,
    pub score_tenths: i32,
    pub components: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
