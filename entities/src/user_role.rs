use sea_orm::entity::prelude::*;

/// One role of a user, bound to an org unit (the role's scope is that unit's subtree).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_role")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub role: String,
    pub org_unit_id: i64,
    /// For department users: which department (e.g. `education`, `health`).
    pub department: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
