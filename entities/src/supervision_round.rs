use sea_orm::entity::prelude::*;

/// A round of semiannual special supervision (专项督查) run by a discipline team of a county or township.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_round")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The team's unit (county or township): scope of who runs and reads the round.
    pub org_code: String,
    pub title: String,
    pub year: i32,
    /// `h1` or `h2`.
    pub half: String,
    /// The covered units (township or village codes), JSON array.
    pub units: String,
    pub topics: String,
    /// The checklist the round works from, copied from the policy when it was planned: JSON
    /// `[{ "item", "basis" }]`.
    pub checklist: String,
    pub lead_user_id: i64,
    pub starts_on: Date,
    pub ends_on: Date,
    /// `planned`, `active`, `rectifying` or `completed`.
    pub status: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
