//! A checked township's score: for each indicator, the share of its sheets' answers that passed (不适用 not
//! counted), weighted by the rules; an indicator nobody could answer drops out and the others' weights carry
//! the score. Where the rules give the township's self-assessment a share, the score combines both, and a
//! township that has not assessed itself has no score yet. Scores are kept in tenths of a point.

use serde::{Deserialize, Serialize};

use super::Unit;
use crate::policy::crosscheck::Indicator;

/// One indicator's part of a township's score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Component {
    pub indicator: String,
    pub weight: u32,
    pub village: bool,
    pub passed: u64,
    pub failed: u64,
    /// The points earned, in tenths (weight × pass rate); none when no sheet could answer it.
    pub points_tenths: Option<u32>,
}

/// A checked township's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TownshipScore {
    pub township: Unit,
    /// Household sheets and village sheets saved, of the households and villages drawn.
    pub household_sheets: u64,
    pub village_sheets: u64,
    pub drawn_households: u64,
    pub drawn_villages: u64,
    /// Problems found, and how many the township has handed to an owner.
    pub findings: u64,
    pub handed_over: u64,
    pub components: Vec<Component>,
    /// The check's own score out of 100, in tenths (none before any answer).
    pub check_tenths: Option<u32>,
    pub self_tenths: Option<u32>,
    /// The score that ranks: the check's, combined with the self-assessment by the rules' share.
    pub score_tenths: Option<u32>,
    /// 1 for the best; equal scores share a place.
    pub rank: Option<u32>,
}

/// "87.5" from 875 tenths.
pub fn points(tenths: u32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A score as shown: "87.5", or "—" without one.
pub fn shown(tenths: Option<u32>) -> String {
    tenths.map(points).unwrap_or_else(|| "—".into())
}

/// Read "87.5" (0–100, at most one decimal) into tenths.
pub fn parse_points(text: &str) -> Option<u32> {
    let text = text.trim();
    let (whole, tenth) = match text.split_once('.') {
        Some((w, t)) if t.len() == 1 => (w, t),
        Some(_) => return None,
        None => (text, "0"),
    };
    let whole: u32 = whole.parse().ok()?;
    let tenth: u32 = tenth.parse().ok().filter(|t: &u32| *t < 10)?;
    let tenths = whole.checked_mul(10)?.checked_add(tenth)?;
    (tenths <= 1000).then_some(tenths)
}

/// The components of a township's score from its (passed, failed) count per indicator, in the rules' order.
pub fn components(indicators: &[Indicator], counts: &[(u64, u64)]) -> Vec<Component> {
    indicators
        .iter()
        .zip(counts.iter().copied().chain(std::iter::repeat((0, 0))))
        .map(|(i, (passed, failed))| Component {
            indicator: i.name.clone(),
            weight: i.weight,
            village: i.village,
            passed,
            failed,
            points_tenths: (passed + failed > 0)
                .then(|| ((i.weight as u64 * passed * 10 + (passed + failed) / 2) / (passed + failed)) as u32),
        })
        .collect()
}

/// The check's score out of 100 in tenths: the points earned over the weights of the answered indicators.
pub fn check_score(components: &[Component]) -> Option<u32> {
    let answered: u64 = components.iter().filter(|c| c.points_tenths.is_some()).map(|c| c.weight as u64).sum();
    if answered == 0 {
        return None;
    }
    let earned: u64 = components.iter().filter_map(|c| c.points_tenths).map(u64::from).sum();
    Some(((earned * 100 + answered / 2) / answered) as u32)
}

/// The score that ranks: the check's alone, or combined with the self-assessment at `self_percent`.
pub fn combined(check: Option<u32>, own: Option<u32>, self_percent: u32) -> Option<u32> {
    match (check, own) {
        (Some(check), _) if self_percent == 0 => Some(check),
        (Some(check), Some(own)) => Some((check * (100 - self_percent) + own * self_percent + 50) / 100),
        _ => None,
    }
}

/// Rank the townships by score, best first (equal scores share a place; those without a score come last,
/// unranked), keeping the given order among equals.
pub fn rank(scores: &mut [TownshipScore]) {
    scores.sort_by_key(|s| std::cmp::Reverse(s.score_tenths));
    let mut place = 0;
    let mut previous = None;
    for (i, s) in scores.iter_mut().enumerate() {
        if s.score_tenths != previous {
            place = i as u32 + 1;
            previous = s.score_tenths;
        }
        s.rank = s.score_tenths.map(|_| place);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(name: &str, weight: u32) -> Indicator {
        Indicator { name: name.into(), weight, village: false }
    }

    #[test]
    fn an_unanswered_indicator_drops_out_and_the_others_carry_the_score() {
        let rules = [indicator("两不愁三保障", 60), indicator("走访", 30), indicator("台账", 10)];
        let parts = components(&rules, &[(3, 1), (2, 0)]);
        assert_eq!(parts[0].points_tenths, Some(450));
        assert_eq!(parts[1].points_tenths, Some(300));
        assert_eq!(parts[2].points_tenths, None);
        // (45 + 30) / 90 × 100 = 83.3
        assert_eq!(check_score(&parts), Some(833));
        assert_eq!(check_score(&components(&rules, &[])), None);
    }

    #[test]
    fn a_self_assessment_share_needs_the_self_assessment() {
        assert_eq!(combined(Some(800), None, 0), Some(800));
        assert_eq!(combined(Some(800), None, 50), None);
        assert_eq!(combined(Some(800), Some(900), 50), Some(850));
        assert_eq!(combined(None, Some(900), 50), None);
    }

    #[test]
    fn equal_scores_share_a_place_and_the_unscored_are_unranked() {
        let score = |code: &str, tenths: Option<u32>| TownshipScore {
            township: Unit { code: code.into(), name: code.into() },
            household_sheets: 0,
            village_sheets: 0,
            drawn_households: 0,
            drawn_villages: 0,
            findings: 0,
            handed_over: 0,
            components: Vec::new(),
            check_tenths: tenths,
            self_tenths: None,
            score_tenths: tenths,
            rank: None,
        };
        let mut all = [score("a", Some(800)), score("b", None), score("c", Some(900)), score("d", Some(800))];
        rank(&mut all);
        let places: Vec<(&str, Option<u32>)> = all.iter().map(|s| (s.township.code.as_str(), s.rank)).collect();
        assert_eq!(places, [("c", Some(1)), ("a", Some(2)), ("d", Some(2)), ("b", None)]);
    }

    #[test]
    fn points_read_and_write_in_tenths() {
        assert_eq!(parse_points("87.5"), Some(875));
        assert_eq!(parse_points("100"), Some(1000));
        assert_eq!(parse_points("100.1"), None);
        assert_eq!(parse_points("8.75"), None);
        assert_eq!(parse_points("-1"), None);
        assert_eq!(points(875), "87.5");
    }
}
