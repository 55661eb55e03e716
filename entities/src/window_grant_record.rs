use sea_orm::entity::prelude::*;

/// A record a window grant covers: a unit's code (the unit and everything under it) or a household's code.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "window_grant_record")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub grant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
