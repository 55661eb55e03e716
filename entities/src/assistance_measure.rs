use sea_orm::entity::prelude::*;

/// One assistance measure (帮扶措施) taken in a case.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assistance_measure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// The case's household, for the household's plan (一户一方案).
    pub household_id: Option<i64>,
    pub org_code: String,
    /// `industry`, `employment`, `social_security`, ...
    pub category: String,
    pub description: String,
    pub responsible_person: String,
    pub start_on: Date,
    pub end_on: Option<Date>,
    /// `planned`, `in_progress`, `done` or `stopped`.
    pub status: String,
    /// For 防贫保险: `illness`, `schooling`, `disaster`, `liability` or `means_of_production` [G].
    pub insurance_cause: Option<String>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
