use sea_orm::entity::prelude::*;

/// The outcome of a follow-up check of one drawn finding: the rectification holds, or the problem is back (and
/// then a new finding of the round records it).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_followup_check")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub followup_id: i64,
    pub finding_id: i64,
    /// `holds` or `relapsed`.
    pub result: String,
    pub note: String,
    pub new_finding_id: Option<i64>,
    pub checked_by: i64,
    pub checked_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
