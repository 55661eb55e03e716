//! The annual cross-township spot check [Y] 三（五）"区级每年组织一次乡镇（街道）间交叉检查，每乡镇（街道）抽查不少于
//! 2个村，每村原则入户不少于40户农户": how many villages and households a check draws, how the households are
//! spread over the strata, which pairings of checkers and townships are avoided, and what the score is made of.

use serde::{Deserialize, Serialize};

/// One indicator of a township's score and its weight (the weights add up to 100): a question of every
/// household's check sheet, or, for a village-level item (ledgers, the meeting book, the archive), of the
/// drawn village's sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Indicator {
    pub name: String,
    pub weight: u32,
    /// Answered on the village's sheet, not the households'.
    #[serde(default)]
    pub village: bool,
}

/// What a cross-check draws and scores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CrossCheckRules {
    /// Villages drawn per checked township (the documents: at least 2).
    pub villages_per_township: u32,
    /// Households drawn per drawn village (the documents: in principle at least 40).
    pub households_per_village: u32,
    /// The shares, in percent, of monitoring objects, warning households and other rural households among a
    /// village's drawn households (other households are where 应纳未纳 is found).
    pub strata_percent: [u32; 3],
    /// Households drawn in last year's check are passed over this year.
    pub skip_last_year: bool,
    /// A checker never checks a township they held a role in during the last so many years.
    pub avoidance_years: u32,
    /// The share, in percent, of the township's own self-assessment in its score (0: the check alone).
    pub self_assessment_percent: u32,
    pub indicators: Vec<Indicator>,
}

impl Default for CrossCheckRules {
    fn default() -> Self {
        CrossCheckRules {
            villages_per_township: 2,
            households_per_village: 40,
            strata_percent: [40, 20, 40],
            skip_last_year: true,
            avoidance_years: 3,
            self_assessment_percent: 0,
            indicators: default_indicators(),
        }
    }
}

/// The default indicators, from the duties the documents check ("两不愁三保障" and water, 应纳尽纳 and proper
/// exits, information accuracy, visits, assistance, the households' awareness and satisfaction, ledgers).
pub fn default_indicators() -> Vec<Indicator> {
    [
        ("“两不愁三保障”及饮水安全", 20, false),
        ("应纳未纳、应退未退", 20, false),
        ("信息与登记一致", 15, false),
        ("走访按频次", 15, false),
        ("帮扶措施落实", 15, false),
        ("群众知晓度和满意度", 10, false),
        ("台账、研判会议记录本和档案", 5, true),
    ]
    .into_iter()
    .map(|(name, weight, village)| Indicator { name: name.into(), weight, village })
    .collect()
}

/// The mark of a village-level indicator on the policy form's line.
const VILLAGE_MARK: &str = "村级";

/// The indicators as the policy form writes them: one a line, `指标｜权重`, and `｜村级` for one answered on the
/// village's sheet.
pub fn indicators_text(items: &[Indicator]) -> String {
    items
        .iter()
        .map(|i| {
            if i.village {
                format!("{}｜{}｜{VILLAGE_MARK}", i.name, i.weight)
            } else {
                format!("{}｜{}", i.name, i.weight)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Read the form's lines; none for a line without a name and a whole weight, or with a third part other than
/// `村级`.
pub fn parse_indicators(text: &str) -> Option<Vec<Indicator>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut parts = line.split(['｜', '|']).map(str::trim);
            let name = parts.next().filter(|n| !n.is_empty())?;
            let weight = parts.next()?.trim_end_matches(['%', '％']).parse().ok()?;
            let village = match parts.next() {
                None => false,
                Some(VILLAGE_MARK) => true,
                Some(_) => return None,
            };
            parts.next().is_none().then(|| Indicator { name: name.into(), weight, village })
        })
        .collect()
}

impl CrossCheckRules {
    /// Whether the rules hold together; the problem in words otherwise.
    pub fn problem(&self) -> Option<String> {
        if self.villages_per_township < 2 {
            return Some("每个镇街抽查的村不应少于 2 个。".into());
        }
        if !(1..=200).contains(&self.households_per_village) {
            return Some("每村入户数应在 1 至 200 户之间（原则上不少于 40 户）。".into());
        }
        if self.strata_percent.iter().sum::<u32>() != 100 {
            return Some("监测对象、预警户、其他农户的抽样比例之和应为 100%。".into());
        }
        if self.self_assessment_percent > 100 {
            return Some("自评所占比例不能超过 100%。".into());
        }
        if self.indicators.is_empty() || self.indicators.iter().map(|i| i.weight).sum::<u32>() != 100 {
            return Some("检查指标的权重之和应为 100。".into());
        }
        if !self.indicators.iter().any(|i| !i.village) {
            return Some("检查指标中至少应有一项入户核查的指标。".into());
        }
        let names: std::collections::BTreeSet<&str> = self.indicators.iter().map(|i| i.name.as_str()).collect();
        if self.indicators.iter().any(|i| i.name.chars().count() > 64) {
            return Some("检查指标的名称不超过 64 字。".into());
        }
        if names.len() != self.indicators.len() {
            return Some("检查指标的名称不能重复。".into());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_draws_two_villages_of_forty_households_and_weighs_to_a_hundred_y() {
        let rules = CrossCheckRules::default();
        assert_eq!((rules.villages_per_township, rules.households_per_village), (2, 40));
        assert_eq!(rules.problem(), None);
        assert_eq!(parse_indicators(&indicators_text(&rules.indicators)), Some(rules.indicators.clone()));
        assert_eq!(parse_indicators("入户核查 | 60%\n台账｜40").unwrap()[0].weight, 60);
        assert_eq!(parse_indicators("没有权重"), None);
        let village = parse_indicators("入户核查｜90\n台账｜10｜村级").unwrap();
        assert!(!village[0].village && village[1].village);
        assert_eq!(parse_indicators("台账｜10｜乡级"), None);
        let one_village = CrossCheckRules { villages_per_township: 1, ..CrossCheckRules::default() };
        assert!(one_village.problem().unwrap().contains("不应少于 2 个"));
        let skewed = CrossCheckRules { strata_percent: [50, 20, 40], ..CrossCheckRules::default() };
        assert!(skewed.problem().unwrap().contains("100%"));
    }
}
