use sea_orm::entity::prelude::*;

/// A problem a supervision round found in a covered unit, optionally about one household and one person;
/// handed over, it is rectified as a case (`case_id`) and closed by a re-check.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_finding")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    /// The unit the finding is about (a village or township).
    pub org_code: String,
    pub household_id: Option<i64>,
    /// The account responsible, where the finding names one.
    pub person_user_id: Option<i64>,
    /// The checklist item.
    pub item: String,
    pub basis: String,
    /// `ledger_check`, `home_check`, `dark_visit`, `post_evaluation` or `superior`.
    pub method: String,
    /// `minor`, `serious` or `grave`.
    pub severity: String,
    pub description: String,
    pub found_on: Date,
    /// What was done on the spot (立行立改), if it was corrected there.
    pub on_spot_action: Option<String>,
    /// The unit's own earlier case about the same problem, if it found it first.
    pub self_found_case_id: Option<i64>,
    /// `recorded`, `corrected_on_spot`, `handed_over`, `awaiting_recheck`, `closed` or `carried_over`.
    pub status: String,
    /// The rectification case opened by the hand-over.
    pub case_id: Option<i64>,
    pub carried_over_reason: Option<String>,
    /// The closed finding whose 举一反三 (the same item in other units) prompted this one.
    pub prompted_by_finding_id: Option<i64>,
    /// The earlier round's closed finding whose follow-up check (回头看) found the problem back.
    pub followup_of_finding_id: Option<i64>,
    pub recorded_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
