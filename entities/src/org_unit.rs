use sea_orm::entity::prelude::*;

/// A unit of the county's tree: county, township (镇/街道), village (村/社区) or villager group (村民小组).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org_unit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// 12-digit statistical area code (county/township/village); villager groups append 3 digits.
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// `county`, `township`, `village` or `group`.
    pub level: String,
    pub parent_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
