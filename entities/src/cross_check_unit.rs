use sea_orm::entity::prelude::*;

/// A village (no household) or a household of a draw, drawn or in reserve, in PRN order (`rank`) within its
/// township's villages or its village's stratum; a drawn unit replaced from the reserve keeps its row with the
/// replacement, the coded reason, who and when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cross_check_unit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub draw_id: i64,
    pub township_code: String,
    pub village_code: String,
    pub household_id: Option<i64>,
    pub stratum: Option<String>,
    pub rank: i32,
    /// `drawn`, `reserve`, `replaced` (drawn, then replaced) or `replacement` (taken from the reserve).
    pub role: String,
    pub replaced_by_unit_id: Option<i64>,
    pub replace_reason: Option<String>,
    pub replace_note: Option<String>,
    pub replaced_by: Option<i64>,
    pub replaced_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
