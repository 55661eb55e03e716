use sea_orm::entity::prelude::*;

/// One pairing the avoidance rules excluded, with the rule and the member it concerns, recorded when the
/// pairing was proposed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cross_check_exclusion")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub check_id: i64,
    pub team_id: i64,
    pub township_code: String,
    /// `served`, `declared` or `last_year`.
    pub rule: String,
    pub detail: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
