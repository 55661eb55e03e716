use sea_orm::entity::prelude::*;

/// The draw of a cross-check: the frame it was drawn from (the eligible villages of each township and the
/// households of the drawn villages, with their strata) and its SHA-256, the seed read out at the draw and the
/// algorithm's version; what it passed over (drawn last year) and where a village had too few households.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cross_check_draw")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub check_id: i64,
    pub seed: String,
    pub algorithm: String,
    /// The frame as JSON (`crosscheck::service::draw::Frame`).
    pub frame: String,
    pub frame_sha256: String,
    /// Household codes passed over as drawn in last year's check, as a JSON array.
    pub skipped: String,
    /// `[{village, stratum, asked, taken}]` where a village could not give its share, as JSON.
    pub shortfalls: String,
    pub drawn_by: i64,
    pub drawn_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
