use sea_orm::entity::prelude::*;

/// One identification (识别纳入) of a household; the record is kept whatever its outcome.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub household_id: i64,
    pub org_code: String,
    /// `applied`, `village_verified`, `notice_posted`, `township_reviewed`, `approved`, `rejected`.
    pub stage: String,
    pub green_channel: bool,
    pub commitment_signed_on: Date,
    pub notice_start: Option<Date>,
    pub notice_end: Option<Date>,
    pub rejection: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
