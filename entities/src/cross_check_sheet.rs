use sea_orm::entity::prelude::*;

/// A check sheet of a cross-check: a drawn household's 入户核查表 (`household_id` set) or a drawn village's
/// sheet, one per drawn unit, saved once by a team member (later changes are addenda). Its answers to the
/// indicators are `cross_check_answer` rows, the problems it found `cross_check_finding` rows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cross_check_sheet")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub check_id: i64,
    pub unit_id: i64,
    pub township_code: String,
    pub village_code: String,
    pub household_id: Option<i64>,
    pub visited_on: Date,
    /// A household's: `proper`, `should_include` (应纳未纳) or `should_exit` (应退未退); none on a village's.
    pub inclusion: Option<String>,
    pub inclusion_note: String,
    /// `confirmed`, `refused` or `absent` (a household's); `confirmed` for a village's (by its cadre).
    pub acknowledgement: String,
    pub acknowledged_by: String,
    pub note: String,
    pub checker_id: i64,
    pub saved_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
