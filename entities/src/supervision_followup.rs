use sea_orm::entity::prelude::*;

/// A follow-up draw (回头看) of a round: closed findings of earlier rounds sampled for a second look, with
/// everything that reproduces the draw (the frame of finding ids, its SHA-256, the seed, the algorithm).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_followup")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    pub seed: String,
    /// `crate::sampling::ALGORITHM` of the draw.
    pub algorithm: String,
    /// The finding ids that could be drawn, as a JSON array in frame order.
    pub frame: String,
    pub frame_sha256: String,
    pub sample_size: i32,
    /// The drawn finding ids, as a JSON array in draw order.
    pub drawn: String,
    pub drawn_by: i64,
    pub drawn_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
