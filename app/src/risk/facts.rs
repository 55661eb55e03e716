//! What the rules know of a household: its members (labour, health, schooling, co-residence, guardian),
//! its income and expenditure, its assessments and the circumstances recorded by hand.

use serde::{Deserialize, Serialize};

use super::{AssessmentStatus, SecurityItem};
use crate::policy::{ExpenseItem, Policy};

/// Labour capacity as recorded for a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Labour {
    /// 普通劳动力
    Full,
    /// 弱劳动力 / 半劳动力
    Weak,
    /// 丧失劳动力
    Lost,
    /// 无劳动力 (children, the very old)
    None,
}

impl Labour {
    pub fn from_label(label: &str) -> Labour {
        match label {
            "普通劳动力" | "技能劳动力" => Labour::Full,
            "弱劳动力" | "半劳动力" => Labour::Weak,
            "丧失劳动力" => Labour::Lost,
            _ => Labour::None,
        }
    }

    /// Labour units in hundredths: a full labourer 100, a weak or half labourer the policy's weight (50 in
    /// [G]: "只有一个弱劳力、半劳力" is a coefficient of 0.5).
    pub(super) fn units_pct(self, policy: &Policy) -> u32 {
        match self {
            Labour::Full => 100,
            Labour::Weak => policy.weak_labour_units_pct,
            Labour::Lost | Labour::None => 0,
        }
    }
}

/// Health as the register records it (the member form's 健康状况).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Health {
    Healthy,
    /// 长期慢性病
    Chronic,
    /// 大病 (重病)
    Serious,
    /// 残疾
    Disabled,
    /// 重度残疾
    SevereDisability,
}

impl Health {
    pub fn from_label(label: &str) -> Health {
        match label {
            "长期慢性病" => Health::Chronic,
            "大病" => Health::Serious,
            "残疾" => Health::Disabled,
            "重度残疾" => Health::SevereDisability,
            _ => Health::Healthy,
        }
    }
}

/// A child's care as the register records it, for the special groups [F].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChildStatus {
    None,
    /// 留守儿童: parents away from home.
    LeftBehind,
    /// 孤儿
    Orphan,
    /// 事实无人抚养儿童
    Unsupported,
}

impl ChildStatus {
    /// The register's words, in the member form's order (the first: none recorded).
    pub const LABELS: [&'static str; 4] = ["—", "留守儿童", "孤儿", "事实无人抚养儿童"];

    pub fn from_label(label: &str) -> ChildStatus {
        match label {
            "留守儿童" => ChildStatus::LeftBehind,
            "孤儿" => ChildStatus::Orphan,
            "事实无人抚养儿童" => ChildStatus::Unsupported,
            _ => ChildStatus::None,
        }
    }
}

/// Schooling as the register records it (the member form's 在校情况).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Schooling {
    Preschool,
    Primary,
    JuniorMiddle,
    SeniorHigh,
    Vocational,
    College,
    NotInSchool,
    DroppedOut,
}

impl Schooling {
    pub const ALL: [Schooling; 8] = [
        Schooling::Preschool,
        Schooling::Primary,
        Schooling::JuniorMiddle,
        Schooling::SeniorHigh,
        Schooling::Vocational,
        Schooling::College,
        Schooling::NotInSchool,
        Schooling::DroppedOut,
    ];
    /// The register's words, in the member form's order.
    pub const LABELS: [&'static str; 8] = ["学龄前", "小学", "初中", "高中", "中职", "大专及以上", "非在校", "辍学"];

    pub fn label(self) -> &'static str {
        match self {
            Schooling::Preschool => "学龄前",
            Schooling::Primary => "小学",
            Schooling::JuniorMiddle => "初中",
            Schooling::SeniorHigh => "高中",
            Schooling::Vocational => "中职",
            Schooling::College => "大专及以上",
            Schooling::NotInSchool => "非在校",
            Schooling::DroppedOut => "辍学",
        }
    }

    /// An unrecorded or unknown value reads as not in school.
    pub fn from_label(label: &str) -> Schooling {
        Schooling::ALL.into_iter().find(|s| s.label() == label).unwrap_or(Schooling::NotInSchool)
    }

    /// Schooling beyond the compulsory years (高中, 中职, 大专及以上): typical feature 5 [G].
    pub fn beyond_compulsory(self) -> bool {
        matches!(self, Schooling::SeniorHigh | Schooling::Vocational | Schooling::College)
    }
}

/// The type of the household's only house as the register records it (住房类型).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HouseType {
    BrickConcrete,
    BrickTimber,
    ReinforcedConcrete,
    Timber,
    /// 土坯房: typical feature 6 [G] when it is the only house.
    Adobe,
    #[default]
    Other,
}

impl HouseType {
    pub const ALL: [HouseType; 6] = [
        HouseType::BrickConcrete,
        HouseType::BrickTimber,
        HouseType::ReinforcedConcrete,
        HouseType::Timber,
        HouseType::Adobe,
        HouseType::Other,
    ];
    /// The register's words, in the household form's order.
    pub const LABELS: [&'static str; 6] = ["砖混", "砖木", "钢混", "木结构", "土坯房", "其他"];

    pub fn label(self) -> &'static str {
        match self {
            HouseType::BrickConcrete => "砖混",
            HouseType::BrickTimber => "砖木",
            HouseType::ReinforcedConcrete => "钢混",
            HouseType::Timber => "木结构",
            HouseType::Adobe => "土坯房",
            HouseType::Other => "其他",
        }
    }

    /// An unrecorded or unknown value reads as 其他.
    pub fn from_label(label: &str) -> HouseType {
        HouseType::ALL.into_iter().find(|h| h.label() == label).unwrap_or(HouseType::Other)
    }
}

/// What the rules need to know about one member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberFacts {
    pub name: String,
    pub age: i32,
    pub labour: Labour,
    pub health: Health,
    pub schooling: Schooling,
    /// Lives with the household. A registered member who does not (户在人不在) is left out of the
    /// per-capita income and every other rule [T] "以实际共同生活为准".
    pub co_resident: bool,
    /// The legal guardian (of a minor) or supporter (of an elder) the register names, inside or outside
    /// the household.
    pub guardian: Option<String>,
    pub child: ChildStatus,
}

impl MemberFacts {
    /// A member living with the household, with nothing else recorded.
    pub fn new(name: &str, age: i32, labour: Labour) -> MemberFacts {
        MemberFacts {
            name: name.into(),
            age,
            labour,
            health: Health::Healthy,
            schooling: Schooling::NotInSchool,
            co_resident: true,
            guardian: None,
            child: ChildStatus::None,
        }
    }
}

/// One year's income and expenditure, in fen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeFacts {
    pub wage_fen: i64,
    pub business_fen: i64,
    pub property_fen: i64,
    pub transfer_fen: i64,
    /// Rigid expenditure by item.
    pub medical_fen: i64,
    pub schooling_fen: i64,
    pub disaster_fen: i64,
    pub other_rigid_fen: i64,
}

impl IncomeFacts {
    pub fn total_fen(&self) -> i64 {
        self.wage_fen + self.business_fen + self.property_fen + self.transfer_fen
    }

    pub fn item_fen(&self, item: ExpenseItem) -> i64 {
        match item {
            ExpenseItem::Medical => self.medical_fen,
            ExpenseItem::Schooling => self.schooling_fen,
            ExpenseItem::Disaster => self.disaster_fen,
            ExpenseItem::Other => self.other_rigid_fen,
        }
    }

    /// All rigid expenditure.
    pub fn rigid_fen(&self) -> i64 {
        ExpenseItem::ALL.iter().map(|i| self.item_fen(*i)).sum()
    }

    /// What the policy deducts before comparing with the lines: the items it counts as compliant large
    /// expenditure [Y], nothing where it deducts none.
    pub fn deduction_fen(&self, policy: &Policy) -> i64 {
        if !policy.deduct_large_expenditure {
            return 0;
        }
        policy.deductible_items.iter().map(|i| self.item_fen(*i)).sum()
    }
}

/// Everything the rules look at.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HouseholdFacts {
    pub members: Vec<MemberFacts>,
    pub income: Option<IncomeFacts>,
    pub last_year_income: Option<IncomeFacts>,
    pub assessments: Vec<(SecurityItem, AssessmentStatus)>,
    /// The only house: typical feature 6 when it is an adobe house (土坯房).
    pub house: HouseType,
    /// Typical feature 7: how industry failed through force majeure, as recorded.
    pub industry_failure: Option<String>,
    /// Typical feature 8: the disaster, accident or epidemic that took the main labourer or caused major
    /// cost or loss, as recorded.
    pub disaster_loss: Option<String>,
    /// Typical feature 10: other special hardship, set by hand with its reason.
    pub other_hardship: Option<String>,
}
