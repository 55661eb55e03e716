use sea_orm::entity::prelude::*;

/// One agenda item of a meeting and the decision taken on it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    pub position: i32,
    /// `follow_up`, `new_risk`, `overdue_case`, `open_case`, `visit_finding`, `escalated`, `handed_down` or `manual`.
    pub kind: String,
    pub case_id: Option<i64>,
    pub household_id: Option<i64>,
    /// The item of another meeting this one carries on: a village item escalated to the township, or a
    /// township decision handed down to a village.
    pub source_item_id: Option<i64>,
    pub title: String,
    /// What the system knew when the agenda was built.
    pub facts: String,
    pub dropped: bool,
    pub drop_reason: String,
    pub analysis: String,
    pub decision: String,
    /// `none`, `open_case`, `update_case` or `escalate`; empty until decided.
    pub action: String,
    /// 整改部门、责任人、期限.
    pub department: String,
    pub responsible_person: String,
    pub deadline: Option<Date>,
    /// The case owner the decision set, if it set one.
    pub owner_user_id: Option<i64>,
    /// The case the decision opened.
    pub result_case_id: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
