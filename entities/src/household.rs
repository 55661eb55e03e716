use sea_orm::entity::prelude::*;

/// A rural household (the unit of monitoring).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "household")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Household code: the village's 12-digit code plus a 4-digit number.
    #[sea_orm(unique)]
    pub code: String,
    /// The villager group's (or village's) org unit.
    pub org_unit_id: i64,
    pub org_code: String,
    pub head_name: String,
    pub address: String,
    pub phone: Option<String>,
    /// Monitoring class from the policy's category list, if the household is monitored.
    pub monitoring_class: Option<String>,
    /// The latest risk evaluation raised a red alert.
    pub red_alert: bool,
    /// The latest risk evaluation found a monitoring object.
    pub risk_monitored: bool,
    /// When the stored outcome was last computed.
    pub evaluated_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
