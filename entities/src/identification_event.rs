use sea_orm::entity::prelude::*;

/// One step taken in an identification: who, when, from which stage to which, with what note.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identification_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub identification_id: i64,
    pub step: String,
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub note: String,
    pub actor_user_id: i64,
    pub actor_name: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
