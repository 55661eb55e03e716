use sea_orm::entity::prelude::*;

/// One run of a household procedure: identification (识别纳入) or risk elimination (风险消除). The record is
/// kept whatever its outcome.
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
    /// `identification` or `elimination`.
    pub kind: String,
    /// The monitoring class applied for (identification only).
    pub class: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
