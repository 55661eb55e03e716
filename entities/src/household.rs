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
    /// The verdict makes it a candidate for identification (below the lines, or rigid expenditure, an
    /// income drop, or a 两不愁三保障 risk it cannot solve itself) [T][Y].
    pub risk_candidate: bool,
    /// The special groups the verdict found among its members, as `,serious_illness,left_behind_child,` [F].
    pub special_groups: String,
    /// The warning-household sub-types the village recorded, from the policy's list, as `,kind,kind,` [Y].
    pub warning_kinds: String,
    /// When the stored outcome was last computed.
    pub evaluated_at: Option<DateTimeUtc>,
    /// 监测联系人 / 帮扶责任人 (a user).
    pub contact_user_id: Option<i64>,
    /// 挂钩干部 (a user), where assigned [F].
    pub liaison_user_id: Option<i64>,
    /// 砖混, 砖木, 木结构, 土坯房, ... (typical feature 6 when the only house is 土坯房).
    pub house_type: String,
    /// Typical feature 7: how industry failed through force majeure, if it did.
    pub industry_failure: Option<String>,
    /// Typical feature 8: the disaster, accident or epidemic and its consequence, if any.
    pub disaster_loss: Option<String>,
    /// Typical feature 10: other special hardship, set by hand with its reason.
    pub other_hardship: Option<String>,
    /// `none`, `receiving` (享受低保) or `tapering` (渐退期).
    pub dibao_status: String,
    /// The last day of the 低保 taper.
    pub dibao_taper_until: Option<Date>,
    /// `none`, `identifying`, `monitored`, `eliminating` or `eliminated`.
    pub monitoring_status: String,
    /// The day the household entered its monitoring class (none: since it was registered).
    pub class_since: Option<Date>,
    /// The day its 挂钩干部 was assigned (none: since it was registered).
    pub liaison_since: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
