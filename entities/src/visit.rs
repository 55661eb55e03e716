use sea_orm::entity::prelude::*;

/// A recorded visit of a household (入户走访, or a call by phone, WeChat or video). Never edited:
/// corrections are addenda.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub household_id: i64,
    /// The household's unit when visited.
    pub org_code: String,
    pub visited_on: Date,
    /// `in_person`, `phone`, `wechat` or `video`.
    pub mode: String,
    /// Part of the annual full sweep (年度集中排查).
    pub sweep: bool,
    pub visitor_user_id: i64,
    /// Who else came along (free text).
    pub companions: String,
    /// JSON: `[{ "item", "status", "note" }]`, one per 两不愁三保障 item and drinking water.
    pub checklist: String,
    /// What changed in income and expenditure, in words.
    pub finance_note: String,
    /// The year of the income record this visit updated, if it did.
    pub income_year: Option<i32>,
    /// JSON: `[{ "description", "risk_type", "case_id" }]`; `case_id` where the problem opened a case.
    pub problems: String,
    pub assistance: String,
    /// A sweep visit's placement of the household in the year's ledgers (a policy category), if any.
    pub ledger_class: Option<String>,
    /// `signed`, `in_person`, `remote` or `refused`.
    pub acknowledgement: String,
    /// Who in the household confirmed the record.
    pub acknowledged_by: String,
    /// Who typed the record in, where not the visitor (a paper sheet entered by the information officer).
    pub recorded_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
