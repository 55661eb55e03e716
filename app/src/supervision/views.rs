//! What the pages and the API show of 专项督查: rounds, their members, units, findings, the planning form's
//! choices and a unit's work paper.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{FindingStatus, Half, Method, RoundStatus, Severity};

/// A round as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoundSummary {
    pub id: i64,
    pub title: String,
    pub year: i32,
    pub half: Half,
    /// "2026 年上半年"
    pub period: String,
    pub status: RoundStatus,
    pub status_label: String,
    /// The team's unit.
    pub org_name: String,
    pub unit_names: Vec<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Findings the caller may see: all, still open, past their rectification deadline.
    pub findings: u64,
    pub open: u64,
    pub overdue: u64,
}

/// A member of a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoundMember {
    pub user_id: i64,
    pub name: String,
    pub lead: bool,
}

/// A covered unit and how its findings stand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnitTally {
    pub org_code: String,
    pub unit_name: String,
    pub found: u64,
    pub on_spot: u64,
    pub handed_over: u64,
    pub closed: u64,
    pub closed_on_time: u64,
    pub overdue: u64,
    pub carried_over: u64,
}

/// A finding as the round's page and the API show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FindingView {
    pub id: i64,
    pub round_id: i64,
    pub org_code: String,
    pub unit_name: String,
    pub household_code: Option<String>,
    pub household_head: Option<String>,
    pub person_name: Option<String>,
    pub item: String,
    pub basis: String,
    pub method: Method,
    pub method_label: String,
    pub severity: Severity,
    pub severity_label: String,
    pub description: String,
    pub found_on: NaiveDate,
    pub on_spot_action: Option<String>,
    pub self_found_case_id: Option<i64>,
    pub status: FindingStatus,
    pub status_label: String,
    /// The rectification case, its owner and deadline, once handed over.
    pub case_id: Option<i64>,
    pub owner_name: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub overdue: bool,
    pub carried_over_reason: Option<String>,
    /// Who the caller may hand it over to (filled while it waits for the hand-over and the caller may).
    #[serde(default)]
    pub owner_options: Vec<crate::households::CadreOption>,
}

/// One round with everything its page shows the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoundView {
    pub summary: RoundSummary,
    pub topics: String,
    pub members: Vec<RoundMember>,
    pub checklist: Vec<crate::policy::supervision::ChecklistItem>,
    pub units: Vec<UnitTally>,
    pub findings: Vec<FindingView>,
    /// The caller sees the whole round (the team, its members); else only their own units' findings.
    pub whole: bool,
    /// The caller may move the round on and carry findings over (the team's managers, the lead).
    pub may_manage: bool,
    /// The caller is a member: records findings, hands them over, re-checks.
    pub is_member: bool,
    /// The units a finding may be recorded in: the covered units and the villages inside them.
    pub unit_options: Vec<UnitOption>,
}

/// A unit to choose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnitOption {
    pub code: String,
    pub name: String,
}

/// What the planning form offers the caller: the teams' units they run supervision in, the townships and
/// villages inside them, and the accounts that can be members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanningOptions {
    /// Today in Beijing, for the form's defaults.
    pub today: NaiveDate,
    /// The caller, the lead the form proposes.
    pub me: i64,
    pub teams: Vec<UnitOption>,
    pub townships: Vec<UnitOption>,
    pub villages: Vec<UnitOption>,
    pub members: Vec<crate::households::CadreOption>,
}

/// One fact of a unit's work paper (督查底稿): what, where, and the link to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Fact {
    pub text: String,
    pub link: String,
}

/// A part of the work paper: a heading, how many facts there are in all, and those listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FactGroup {
    pub title: String,
    /// The checklist item it informs.
    pub item: String,
    pub total: u64,
    pub facts: Vec<Fact>,
}

/// The work paper (督查底稿) of one covered unit: the facts the record already holds, for the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Workpaper {
    pub round_id: i64,
    pub round_title: String,
    pub org_code: String,
    pub unit_name: String,
    /// The months looked at, "2026-01" to "2026-05".
    pub from_month: String,
    pub to_month: String,
    pub as_of: NaiveDate,
    pub groups: Vec<FactGroup>,
}
