//! 交叉检查 [Y] 三（五）: the annual spot check of townships by teams from other townships. The rules are here —
//! the strata a village's households are drawn from and how many of each, and which team may check which
//! township (avoidance) —; the draw itself (`crate::sampling`), persistence, scope and audit in `service`.

pub mod api;
pub mod pages;
mod result_pages;
pub mod score;
#[cfg(feature = "ssr")]
pub mod service;
pub mod sheet;
mod sheet_pages;
pub use result_pages::{ScoresPage, TownshipFindingsPage};
pub use sheet_pages::CheckSheetPage;
mod sheet_views;
mod views;

pub use sheet_views::{
    AnswerView, FindingView, HandOverForm, RegisterFacts, ScoresView, SelfScoreForm, SheetPage, SheetStart, SheetView,
    TownshipFindings,
};
pub use views::{
    CheckSummary, CheckView, ConflictForm, ConflictView, DrawView, DrawnHousehold, DrawnTownship, DrawnVillage,
    ExclusionView, Pairing, PlanForm, ReplaceForm, TeamForm, TeamView, Unit, Verification,
};

use serde::{Deserialize, Serialize};

/// Where a year's check stands: teams being formed (计划中), teams paired with townships (已配对), the sample
/// drawn (已抽样).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum CheckStatus {
    Planned,
    Paired,
    Drawn,
}

impl CheckStatus {
    pub const ALL: [CheckStatus; 3] = [CheckStatus::Planned, CheckStatus::Paired, CheckStatus::Drawn];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Planned => "planned",
            CheckStatus::Paired => "paired",
            CheckStatus::Drawn => "drawn",
        }
    }

    pub fn parse(text: &str) -> Option<CheckStatus> {
        CheckStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Planned => "计划中（组建检查组）",
            CheckStatus::Paired => "已配对",
            CheckStatus::Drawn => "已抽样",
        }
    }
}

/// The strata a village's households are drawn from: monitoring objects, warning households, and the other
/// rural households (where 应纳未纳 is found).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Stratum {
    Monitored,
    Warning,
    Other,
}

impl Stratum {
    pub const ALL: [Stratum; 3] = [Stratum::Monitored, Stratum::Warning, Stratum::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Stratum::Monitored => "monitored",
            Stratum::Warning => "warning",
            Stratum::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Stratum> {
        Stratum::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stratum::Monitored => "监测对象",
            Stratum::Warning => "预警户",
            Stratum::Other => "其他农户",
        }
    }

    /// A household's stratum: a monitoring object while it is being identified, monitored or eliminated; a
    /// warning household when the register records a warning kind; else another rural household.
    pub fn of(monitoring_status: &str, warning_kinds: &str) -> Stratum {
        match monitoring_status {
            "identifying" | "monitored" | "eliminating" => Stratum::Monitored,
            _ if !warning_kinds.trim_matches(',').is_empty() => Stratum::Warning,
            _ => Stratum::Other,
        }
    }

    fn index(self) -> usize {
        match self {
            Stratum::Monitored => 0,
            Stratum::Warning => 1,
            Stratum::Other => 2,
        }
    }
}

/// How many of a village's households to draw from each stratum: `total` split by `percent` with the largest
/// remainders rounding up, then what a stratum cannot give (fewer households than its share) given to the
/// others that have some left, by the same rule, so the village gives `total` whenever it has that many. Returns
/// the counts by stratum and the shortfall (how many fewer than `total` the village can give).
pub fn allocate(total: usize, percent: [u32; 3], available: [usize; 3]) -> ([usize; 3], usize) {
    let mut counts = split(total, percent.map(|p| p as usize));
    loop {
        let mut excess = 0;
        for (count, have) in counts.iter_mut().zip(available) {
            if *count > have {
                excess += *count - have;
                *count = have;
            }
        }
        let mut room = available;
        for (r, count) in room.iter_mut().zip(counts) {
            *r -= count;
        }
        if excess == 0 || room.iter().sum::<usize>() == 0 {
            let given = counts.iter().sum::<usize>();
            return (counts, total.saturating_sub(given));
        }
        // Spread the excess over the strata with room, by their shares (or evenly when those are all 0).
        let mut weights = percent.map(|p| (p as usize).max(1));
        for (w, r) in weights.iter_mut().zip(room) {
            if r == 0 {
                *w = 0;
            }
        }
        for (count, extra) in counts.iter_mut().zip(split(excess, weights)) {
            *count += extra;
        }
    }
}

/// `total` split in proportion to `weights` by the largest remainder method (ties to the earlier part).
fn split(total: usize, weights: [usize; 3]) -> [usize; 3] {
    let sum: usize = weights.iter().sum();
    if sum == 0 {
        return [0; 3];
    }
    let mut counts = weights.map(|w| total * w / sum);
    let mut parts: Vec<(usize, usize)> = weights.iter().map(|w| (total * w) % sum).enumerate().collect();
    parts.sort_by_key(|&(i, remainder)| (std::cmp::Reverse(remainder), i));
    let mut left = total - counts.iter().sum::<usize>();
    for (i, _) in parts {
        if left > 0
            && weights.get(i).is_some_and(|w| *w > 0)
            && let Some(count) = counts.get_mut(i)
        {
            *count += 1;
            left -= 1;
        }
    }
    counts
}

/// The count of a stratum in an allocation.
pub fn count_of(counts: &[usize; 3], stratum: Stratum) -> usize {
    counts.get(stratum.index()).copied().unwrap_or(0)
}

/// Why a drawn household is replaced by the next one of its reserve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ReplaceReason {
    NotHome,
    Moved,
    Refused,
    Cancelled,
    Other,
}

impl ReplaceReason {
    pub const ALL: [ReplaceReason; 5] = [
        ReplaceReason::NotHome,
        ReplaceReason::Moved,
        ReplaceReason::Refused,
        ReplaceReason::Cancelled,
        ReplaceReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReplaceReason::NotHome => "not_home",
            ReplaceReason::Moved => "moved",
            ReplaceReason::Refused => "refused",
            ReplaceReason::Cancelled => "cancelled",
            ReplaceReason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<ReplaceReason> {
        ReplaceReason::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReplaceReason::NotHome => "多次上门无人在家",
            ReplaceReason::Moved => "已搬迁",
            ReplaceReason::Refused => "拒绝接受检查",
            ReplaceReason::Cancelled => "户已注销",
            ReplaceReason::Other => "其他",
        }
    }
}

/// Why a team may not check a township.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Avoidance {
    /// A member belongs to the township, or held a role there within the policy's years.
    Served { member: String },
    /// A member declared a conflict (kin, former post) with the township or a unit in it.
    Declared { member: String, reason: String },
}

impl Avoidance {
    pub fn describe(&self) -> String {
        match self {
            Avoidance::Served { member } => format!("{member}在该镇街任职或近年在该镇街任过职"),
            Avoidance::Declared { member, reason } => format!("{member}申报回避：{reason}"),
        }
    }
}

/// A pairing of every team with one township to check, each township checked by exactly one team: it never puts a
/// team on a township `barred` bars it from, and, among those, it keeps as few of last year's pairings (`last`) as
/// can be. `barred[t][w]` is whether team `t` may not check township `w`; `last[t][w]` whether they were paired last
/// year. Teams and townships are as many. Returns the township of each team, or `None` when no pairing satisfies the
/// bars. A minimum-cost assignment (the Hungarian method, O(n³)): a repeat costs 1, a bar more than all repeats.
#[expect(clippy::indexing_slicing, reason = "every index runs over 0..n or 0..=n of the square tables built here")]
pub fn pair(barred: &[Vec<bool>], last: &[Vec<bool>]) -> Option<Vec<usize>> {
    let n = barred.len();
    if barred.iter().any(|row| row.len() != n) {
        return None;
    }
    let bar = (n as i64 + 1) * 2;
    let cost = |t: usize, w: usize| {
        if barred[t][w] { bar } else { i64::from(last.get(t).and_then(|r| r.get(w)).copied().unwrap_or(false)) }
    };
    // Potentials u (teams) and v (townships), 1-based with 0 as the sentinel; way[j] the previous township.
    let (mut u, mut v) = (vec![0i64; n + 1], vec![0i64; n + 1]);
    let (mut team_of, mut way) = (vec![0usize; n + 1], vec![0usize; n + 1]);
    for t in 1..=n {
        team_of[0] = t;
        let mut j0 = 0;
        let mut min = vec![i64::MAX; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let (i0, mut delta, mut j1) = (team_of[j0], i64::MAX, 0);
            for j in 1..=n {
                if !used[j] {
                    let reduced = cost(i0 - 1, j - 1) - u[i0] - v[j];
                    if reduced < min[j] {
                        min[j] = reduced;
                        way[j] = j0;
                    }
                    if min[j] < delta {
                        delta = min[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[team_of[j]] += delta;
                    v[j] -= delta;
                } else {
                    min[j] -= delta;
                }
            }
            j0 = j1;
            if team_of[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            team_of[j0] = team_of[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut township_of = vec![0usize; n];
    for w in 1..=n {
        township_of[team_of[w] - 1] = w - 1;
    }
    township_of.iter().enumerate().all(|(t, &w)| !barred[t][w]).then_some(township_of)
}

#[cfg(test)]
mod tests;
