use sea_orm::entity::prelude::*;

/// A risk as a case: who owns it, by when, where it stands.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The household at risk; none for a problem of a unit (found by supervision).
    pub household_id: Option<i64>,
    /// The household's unit, or the unit the problem belongs to.
    pub org_code: String,
    /// How the risk was found (`self_report`, `visit`, `group_leader`, `department`, ...).
    pub source: String,
    /// `income`, `illness`, `housing`, ...
    pub risk_type: String,
    pub red_alert: bool,
    pub description: String,
    pub owner_user_id: i64,
    /// 整改责任部门 and 责任人 (free text: departments and people outside the system).
    pub department: String,
    pub responsible_person: String,
    pub deadline: Date,
    /// `pending_verification`, `verifying`, `assisting`, `dismissed`, `rectifying`, `awaiting_acceptance`, `closed`.
    pub status: String,
    /// Found by the unit's own sweep or the household's report (not counted against the unit).
    pub found_by_unit: bool,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
