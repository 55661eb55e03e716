use sea_orm::entity::prelude::*;

/// One step in a case's life, kept for good.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// `create`, `start_verification`, `include`, `dismiss`, ...
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: String,
    /// The deadline set by this step, if it set one.
    pub deadline: Option<Date>,
    pub actor_user_id: i64,
    pub actor_name: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
