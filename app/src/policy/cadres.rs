//! Who may be paired with a household, where the policy says [F] 11: "安排有经验、有能力、有责任心的副科级以上
//! 干部进行挂钩帮扶…对突发严重困难户，安排经验丰富、责任心强的干部监测帮扶".

use serde::{Deserialize, Serialize};

/// A cadre's rank (职级), as their account records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum CadreRank {
    /// 一般干部（科员及以下）
    Staff,
    /// 副科级
    DeputySection,
    /// 正科级
    Section,
    /// 副处级及以上
    DeputyDivision,
}

impl CadreRank {
    pub const ALL: [CadreRank; 4] =
        [CadreRank::Staff, CadreRank::DeputySection, CadreRank::Section, CadreRank::DeputyDivision];

    pub fn as_str(self) -> &'static str {
        match self {
            CadreRank::Staff => "staff",
            CadreRank::DeputySection => "deputy_section",
            CadreRank::Section => "section",
            CadreRank::DeputyDivision => "deputy_division",
        }
    }

    pub fn parse(text: &str) -> Option<CadreRank> {
        CadreRank::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            CadreRank::Staff => "一般干部",
            CadreRank::DeputySection => "副科级",
            CadreRank::Section => "正科级",
            CadreRank::DeputyDivision => "副处级及以上",
        }
    }
}

/// The policy's requirements on the cadres paired with households; none by default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CadreRules {
    /// The 挂钩干部 of a household in `ranked_classes` holds at least this rank.
    pub liaison_min_rank: Option<CadreRank>,
    pub ranked_classes: Vec<String>,
    /// The monitoring contact (帮扶责任人) of a household in these classes is an experienced cadre.
    pub experienced_classes: Vec<String>,
}

/// What the rules know of a cadre.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CadreFacts<'a> {
    pub name: &'a str,
    pub rank: Option<CadreRank>,
    pub experienced: bool,
}

impl CadreRules {
    /// Why `cadre` may not be the 挂钩干部 of a household of `class`, in Chinese; none if they may.
    pub fn liaison_refusal(&self, class: &str, cadre: &CadreFacts) -> Option<String> {
        let min = self.liaison_min_rank?;
        if !self.ranked_classes.iter().any(|c| c == class) || cadre.rank.is_some_and(|r| r >= min) {
            return None;
        }
        Some(format!(
            "“{class}”应由{}以上干部挂钩帮扶，{}的职级为“{}”。",
            min.label(),
            cadre.name,
            cadre.rank.map_or("未登记", CadreRank::label)
        ))
    }

    /// Why `cadre` may not be the monitoring contact of a household of `class`, in Chinese; none if they may.
    pub fn contact_refusal(&self, class: &str, cadre: &CadreFacts) -> Option<String> {
        (self.experienced_classes.iter().any(|c| c == class) && !cadre.experienced).then(|| {
            format!("“{class}”应安排经验丰富、责任心强的干部监测帮扶，{}的账号未标记为“经验丰富”。", cadre.name)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::presets::{Preset, preset};

    /// [F] 11: a 脱贫不稳定户's 挂钩干部 is 副科级 or above (a 一般干部 or an unrecorded rank is refused, 副科级 and
    /// 正科级 pass); a 突发严重困难户's contact is an experienced cadre; Yihe's policy asks neither.
    #[test]
    fn liaisons_hold_the_rank_and_severe_cases_get_experience_f() {
        let fujian = preset(Preset::Fujian2021).cadres;
        let cadre = |rank, experienced| CadreFacts { name: "李明", rank, experienced };
        let refused = fujian.liaison_refusal("脱贫不稳定户", &cadre(Some(CadreRank::Staff), true)).unwrap();
        assert_eq!(refused, "“脱贫不稳定户”应由副科级以上干部挂钩帮扶，李明的职级为“一般干部”。");
        assert!(fujian.liaison_refusal("边缘易致贫户", &cadre(None, true)).unwrap().contains("未登记"));
        assert_eq!(fujian.liaison_refusal("脱贫不稳定户", &cadre(Some(CadreRank::DeputySection), false)), None);
        assert_eq!(fujian.liaison_refusal("边缘易致贫户", &cadre(Some(CadreRank::Section), false)), None);
        assert_eq!(fujian.liaison_refusal("突发严重困难户", &cadre(Some(CadreRank::Staff), false)), None);
        assert!(fujian.contact_refusal("突发严重困难户", &cadre(None, false)).unwrap().contains("经验丰富"));
        assert_eq!(fujian.contact_refusal("突发严重困难户", &cadre(None, true)), None);
        assert_eq!(fujian.contact_refusal("脱贫不稳定户", &cadre(None, false)), None);
        let yihe = preset(Preset::Yihe2022).cadres;
        assert_eq!(yihe.liaison_refusal("防贫监测户", &cadre(None, false)), None);
        assert_eq!(yihe.contact_refusal("防贫监测户", &cadre(None, false)), None);
    }
}
