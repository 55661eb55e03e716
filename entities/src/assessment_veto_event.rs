use sea_orm::entity::prelude::*;

/// A step taken on a one-vote veto: proposal, decision, the county's approval or refusal, revocation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_veto_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub veto_id: i64,
    pub step: String,
    pub status: String,
    pub note: String,
    pub actor_id: i64,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
