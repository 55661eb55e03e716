use sea_orm::entity::prelude::*;

/// A checked township's own assessment for the check (0–100, in tenths), entered by the township; its share
/// of the score is the check's rules'.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cross_check_self_score")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub check_id: i64,
    pub township_code: String,
    pub score_tenths: i32,
    pub note: String,
    pub entered_by: i64,
    pub entered_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
