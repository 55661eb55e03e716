use sea_orm::entity::prelude::*;

/// A conflict of interest a checker declared with a unit (kin, a former post): their team does not check it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cross_check_conflict")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub check_id: i64,
    pub user_id: i64,
    /// The township or village the conflict is with.
    pub org_code: String,
    pub reason: String,
    pub declared_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
