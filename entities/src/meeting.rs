use sea_orm::entity::prelude::*;

/// A monthly judgment meeting of a village (村级研判会) or a township (镇街联席研判会). Locked once signed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The village or township holding it.
    pub org_code: String,
    /// `YYYY-MM`
    pub month: String,
    /// `preparing`, `finalised` (by the recorder) or `signed` (by the chair: locked).
    pub status: String,
    pub held_on: Option<Date>,
    pub place: String,
    pub chair_user_id: Option<i64>,
    pub recorder_user_id: Option<i64>,
    /// JSON: `[{ "user_id", "name", "role", "present", "reason" }]` from the unit's roster.
    pub attendance: String,
    /// Invited guests, one per line.
    pub guests: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub finalised_at: Option<DateTimeUtc>,
    pub signed_at: Option<DateTimeUtc>,
    /// Why the chair last sent the finalised minutes back to the recorder (empty once finalised again).
    pub sent_back_reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
