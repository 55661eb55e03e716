use sea_orm::entity::prelude::*;

/// The policy of an org unit for a year (inherited by the units below unless they have their own).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_set")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_unit_id: i64,
    pub org_code: String,
    pub year: i32,
    /// The preset it started from, if any.
    pub preset: Option<String>,
    /// The policy as JSON (`app::policy::Policy`).
    pub body: String,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
