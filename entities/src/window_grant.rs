use sea_orm::entity::prelude::*;

/// One action on an explicit set of records (`window_grant_record`) for one user, from `starts_at` to
/// `ends_at` inclusive: a cross-check team's sample, a supervision round's units.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "window_grant")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// An action code (`household.read`, ...).
    pub action: String,
    /// What the grant is for, in Chinese ("2026年交叉检查：第一检查组").
    pub purpose: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
