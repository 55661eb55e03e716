use sea_orm::entity::prelude::*;

/// A county's annual assessment of its townships and villages, as computed from the record with the policy's
/// weights (`rules`, JSON); fixed once published.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub county_code: String,
    pub year: i32,
    pub rules: String,
    pub computed_by: i64,
    pub computed_at: DateTimeUtc,
    pub published_by: Option<i64>,
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
