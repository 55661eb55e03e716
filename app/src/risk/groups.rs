//! The special groups [F] asks to watch closely: "重点关注有大病重病和负担较重的慢性病患者、重度残疾人、失能老年人、
//! 孤儿、留守儿童等特殊群体的家庭". Read from the register (health, labour, age, a child's care), never typed.

use serde::{Deserialize, Serialize};

use super::{ChildStatus, Health, HouseholdFacts, Labour};
use crate::policy::Policy;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum SpecialGroup {
    SeriousIllness,
    ChronicIllness,
    SevereDisability,
    DisabledElder,
    Orphan,
    LeftBehindChild,
}

impl SpecialGroup {
    pub const ALL: [SpecialGroup; 6] = [
        SpecialGroup::SeriousIllness,
        SpecialGroup::ChronicIllness,
        SpecialGroup::SevereDisability,
        SpecialGroup::DisabledElder,
        SpecialGroup::Orphan,
        SpecialGroup::LeftBehindChild,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SpecialGroup::SeriousIllness => "serious_illness",
            SpecialGroup::ChronicIllness => "chronic_illness",
            SpecialGroup::SevereDisability => "severe_disability",
            SpecialGroup::DisabledElder => "disabled_elder",
            SpecialGroup::Orphan => "orphan",
            SpecialGroup::LeftBehindChild => "left_behind_child",
        }
    }

    pub fn parse(text: &str) -> Option<SpecialGroup> {
        SpecialGroup::ALL.into_iter().find(|g| g.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            SpecialGroup::SeriousIllness => "大病重病患者",
            SpecialGroup::ChronicIllness => "慢性病患者",
            SpecialGroup::SevereDisability => "重度残疾人",
            SpecialGroup::DisabledElder => "失能老年人",
            SpecialGroup::Orphan => "孤儿（含事实无人抚养儿童）",
            SpecialGroup::LeftBehindChild => "留守儿童",
        }
    }
}

/// One special group in a household, with its members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SpecialGroupMembers {
    pub group: SpecialGroup,
    pub members: Vec<String>,
}

/// The special groups among the members living with the household, in [F]'s order. A disabled elder is a
/// member of the policy's elder age (60) or older who has lost their labour.
pub fn special_groups(facts: &HouseholdFacts, policy: &Policy) -> Vec<SpecialGroupMembers> {
    let elder_age = policy.care_ages.1;
    SpecialGroup::ALL
        .into_iter()
        .filter_map(|group| {
            let members: Vec<String> = facts
                .members
                .iter()
                .filter(|m| match group {
                    SpecialGroup::SeriousIllness => m.health == Health::Serious,
                    SpecialGroup::ChronicIllness => m.health == Health::Chronic,
                    SpecialGroup::SevereDisability => m.health == Health::SevereDisability,
                    SpecialGroup::DisabledElder => m.age >= elder_age && m.labour == Labour::Lost,
                    SpecialGroup::Orphan => matches!(m.child, ChildStatus::Orphan | ChildStatus::Unsupported),
                    SpecialGroup::LeftBehindChild => m.child == ChildStatus::LeftBehind,
                })
                .map(|m| m.name.clone())
                .collect();
            (!members.is_empty()).then_some(SpecialGroupMembers { group, members })
        })
        .collect()
}
