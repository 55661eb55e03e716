use sea_orm::entity::prelude::*;

/// A step taken on an accountability record: opening, the statement, review, decision, approval, correction or
/// revocation, with the status and measure it left, the note, who and when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accountability_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub record_id: i64,
    pub step: String,
    pub status: String,
    pub measure: Option<String>,
    pub note: String,
    pub actor_id: i64,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
