//! What the pages and the API show of 交叉检查, and the forms they send.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CheckStatus, Stratum};
use crate::policy::crosscheck::CrossCheckRules;

/// A unit to choose or show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Unit {
    pub code: String,
    pub name: String,
}

/// A year's check as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckSummary {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub status: CheckStatus,
    pub status_label: String,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub townships: Vec<Unit>,
    pub teams: u64,
}

/// A checking team with its members and, once paired, the township it checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamView {
    pub id: i64,
    pub name: String,
    /// "张三（组长）", "李四".
    pub members: Vec<String>,
    pub township: Option<Unit>,
}

/// A conflict a member declared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConflictView {
    pub member: String,
    pub unit: Unit,
    pub reason: String,
}

/// A pairing the avoidance rules excluded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExclusionView {
    pub team: String,
    pub township: String,
    pub reason: String,
}

/// The pairing the rules propose (or, once confirmed, the one in force) with every exclusion; or why none
/// satisfies them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Pairing {
    /// (team, township) names.
    pub pairs: Vec<(String, String)>,
    /// Pairs kept from last year because no other pairing exists.
    pub repeats: Vec<(String, String)>,
    pub exclusions: Vec<ExclusionView>,
    /// Why no pairing can be proposed, in words.
    pub impossible: Option<String>,
}

/// A drawn household.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DrawnHousehold {
    /// Its place in the draw: its sheet's page is `/cross-checks/units/{unit_id}`.
    pub unit_id: i64,
    /// Its sheet is saved.
    pub checked: bool,
    pub code: String,
    pub head_name: String,
    pub stratum: Stratum,
    pub stratum_label: String,
    /// Taken from the reserve in place of the household it names, with the reason.
    pub replaces: Option<String>,
}

/// A drawn village with its households in visiting order and the reserve's size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DrawnVillage {
    /// Its place in the draw: the village's own sheet is `/cross-checks/units/{unit_id}`.
    pub unit_id: i64,
    /// Its own sheet is saved; and how many of its listed households' are.
    pub checked: bool,
    pub unit: Unit,
    pub households: Vec<DrawnHousehold>,
    pub reserve: u64,
    /// How many fewer households than asked the village could give.
    pub shortfall: u64,
}

/// A checked township's drawn villages and the team that checks it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DrawnTownship {
    pub unit: Unit,
    pub team: String,
    pub villages: Vec<DrawnVillage>,
    /// The caller leads the team and the window is open: they may replace a drawn household from the reserve.
    pub may_replace: bool,
    /// The caller is on the team and the window is open: they fill the sheets and print them.
    pub may_fill: bool,
    /// The caller sees the township's problems (the county office, the team in the window, the township).
    pub sees_findings: bool,
}

/// A replacement as its form sends it: the drawn household, the coded reason (`ReplaceReason`) and, for 其他, what.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReplaceForm {
    pub household: String,
    pub reason: String,
    pub note: String,
}

/// The draw with what verifies it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DrawView {
    pub id: i64,
    pub seed: String,
    pub algorithm: String,
    pub frame_sha256: String,
    pub drawn_by: String,
    pub drawn_at: DateTime<Utc>,
    /// Households passed over as drawn last year.
    pub skipped: u64,
    pub townships: Vec<DrawnTownship>,
}

/// The outcome of re-computing a draw from its stored frame and seed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Verification {
    pub identical: bool,
    /// What differs, in words (empty when identical).
    pub differences: Vec<String>,
}

/// One year's check with everything its page shows the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckView {
    pub summary: CheckSummary,
    pub rules: CrossCheckRules,
    pub teams: Vec<TeamView>,
    pub conflicts: Vec<ConflictView>,
    /// The proposal before the pairing is confirmed; the pairing in force after.
    pub pairing: Pairing,
    pub draw: Option<DrawView>,
    /// The caller organises the check (county office).
    pub may_manage: bool,
    /// Accounts the county may put in teams (cross-checkers and township staff of the county).
    pub candidates: Vec<crate::households::CadreOption>,
    /// The county's townships and villages, for declaring a conflict (the county office only).
    pub units: Vec<Unit>,
}

/// A new check as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PlanForm {
    /// The county.
    pub org_code: String,
    pub year: String,
    pub title: String,
    /// The window in Beijing time, `YYYY-MM-DDTHH:MM` (as a datetime-local field sends it).
    pub window_start: String,
    pub window_end: String,
    /// The checked townships' codes (empty: every township of the county).
    pub townships: Vec<String>,
}

/// A team as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TeamForm {
    pub name: String,
    pub members: Vec<String>,
    pub leader_user_id: String,
}

/// A declared conflict as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ConflictForm {
    pub user_id: String,
    /// A township or village of the county.
    pub org_code: String,
    pub reason: String,
}
