use sea_orm::entity::prelude::*;

/// A problem a cross-check sheet found (a failed indicator, 应纳未纳, 应退未退, or a fact that differs from the
/// register), until the checked township hands it to an owner as a case (`case_id`, who and when).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cross_check_finding")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub check_id: i64,
    pub sheet_id: i64,
    pub township_code: String,
    pub village_code: String,
    pub household_id: Option<i64>,
    /// `indicator`, `should_include`, `should_exit` or `mismatch`.
    pub kind: String,
    pub title: String,
    pub note: String,
    pub case_id: Option<i64>,
    pub handed_by: Option<i64>,
    pub handed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
