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
    /// Handed-over problems closed by their deadline, as a share ("75%", "—").
    pub on_time_rate: String,
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
    /// The closed finding whose 举一反三 prompted this one, and the earlier finding whose follow-up (回头看) found
    /// the problem back.
    pub prompted_by_finding_id: Option<i64>,
    pub followup_of_finding_id: Option<i64>,
    /// Photos and documents of the finding, each with the date it shows.
    pub evidence: Vec<crate::evidence::EvidenceView>,
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
    /// The follow-up (回头看) of earlier rounds' closed findings, for those who see the whole round.
    pub followup: Option<FollowUpView>,
}

/// A round's follow-up draw (回头看) and what it found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FollowUpView {
    /// Closed findings of earlier rounds the draw takes (or would take) from.
    pub frame_size: u64,
    /// Whether the round has drawn; the fields below describe the draw.
    pub drawn: bool,
    pub seed: String,
    pub algorithm: String,
    pub frame_sha256: String,
    pub sample_size: u64,
    pub drawn_by: String,
    pub drawn_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What differs when the stored frame and seed no longer give the stored sample; `None`: verified.
    pub mismatch: Option<String>,
    pub items: Vec<FollowUpItem>,
}

/// One drawn finding of an earlier round and what the follow-up found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FollowUpItem {
    pub finding_id: i64,
    pub round_id: i64,
    pub round_title: String,
    pub org_code: String,
    pub unit_name: String,
    pub item: String,
    pub description: String,
    pub closed_on: Option<NaiveDate>,
    pub result: Option<super::FollowUpResult>,
    pub note: Option<String>,
    /// The round's finding that records the problem back.
    pub new_finding_id: Option<i64>,
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

/// 举一反三 of one finding: its item in the other units of the team's area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SimilarProblems {
    pub finding_id: i64,
    pub round_id: i64,
    pub round_title: String,
    pub unit_name: String,
    pub item: String,
    pub description: String,
    pub status_label: String,
    /// What the record counts for the item in each unit ("逾期未办结的风险案件"); `None`: it counts nothing.
    pub facts_title: Option<String>,
    /// The units with the most facts first (at most 200 of `total_units`).
    pub units: Vec<SimilarUnit>,
    pub total_units: u64,
    /// "村" or "镇街": the level of the units listed.
    pub level_label: String,
    /// The caller may record the same problem in a listed unit now.
    pub may_record: bool,
}

/// One unit in a 举一反三 list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SimilarUnit {
    pub code: String,
    pub name: String,
    /// The record's facts for the item in the unit (when it counts any).
    pub facts: Option<u64>,
    /// Findings of the same item in the unit in other rounds.
    pub earlier: u64,
    /// This round's finding of the same item in the unit, if recorded already.
    pub recorded: Option<i64>,
}
