use sea_orm::entity::prelude::*;

/// A person who signs in. Roles are in `user_role`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Set for generated one-time passwords: the user must choose a new one after signing in.
    pub must_change_password: bool,
    pub active: bool,
    /// 职级: `staff`, `deputy_section`, `section`, `deputy_division`; none where not recorded [F] 11.
    pub cadre_rank: Option<String>,
    /// Marked by the unit as an experienced cadre, for households the policy gives one [F] 11.
    pub experienced: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
