use sea_orm::entity::prelude::*;

/// A candidate for accountability the discipline team dismissed, with the reason (the candidate is named by its
/// key: kind, unit and period).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accountability_dismissal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub candidate_key: String,
    pub org_code: String,
    pub reason: String,
    pub dismissed_by: i64,
    pub dismissed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
