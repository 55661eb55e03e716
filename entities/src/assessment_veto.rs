use sea_orm::entity::prelude::*;

/// A one-vote veto (一票否决) of a unit's annual assessment: the policy's ground, its basis (accountability record
/// ids, JSON), the persons it bars from promotion and awards for the year (user ids, JSON), the facts and reasons,
/// and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_veto")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub county_code: String,
    pub year: i32,
    pub org_code: String,
    pub ground: String,
    pub basis: String,
    pub persons: String,
    pub note: String,
    pub status: String,
    pub proposed_by: i64,
    pub proposed_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
