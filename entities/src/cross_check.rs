use sea_orm::entity::prelude::*;

/// A county's annual cross-township spot check (交叉检查): the townships checked, the window in which the
/// checkers may see their sample, and the rules (sample sizes, strata, indicators) copied from the policy.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cross_check")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The county that runs it.
    pub org_code: String,
    pub year: i32,
    pub title: String,
    pub window_start: DateTimeUtc,
    pub window_end: DateTimeUtc,
    /// The checked townships' codes, as a JSON array.
    pub townships: String,
    /// The policy's `CrossCheckRules` when the check was planned, as JSON.
    pub rules: String,
    /// `planned`, `paired` or `drawn`.
    pub status: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
