use sea_orm::entity::prelude::*;

/// An accountability record (问责): its subject (the unit `org_code`, and a person when `subject_user_id` is set),
/// the failure and its basis (JSON: the facts with their links), the candidate it came from, where it stands and
/// the measure decided. Changed only by its steps (`accountability_event`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accountability_record")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_code: String,
    pub subject_user_id: Option<i64>,
    pub kind: String,
    pub candidate_key: Option<String>,
    pub title: String,
    pub basis: String,
    pub status: String,
    pub measure: Option<String>,
    pub statement_due: Date,
    pub statement: Option<String>,
    /// The talk (约谈) as held: its day, who took part, what was said, what follows.
    pub talk_on: Option<Date>,
    pub talk_participants: Option<String>,
    pub talk_content: Option<String>,
    pub talk_follow_up: Option<String>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The measure decided (and approved where needed) that stands while a correction waits for the county.
    pub measure_in_force: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
