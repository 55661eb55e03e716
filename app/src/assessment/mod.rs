//! 年度考核与一票否决 [Y] 四（四）, [H] 三（二）: the county's annual assessment of its townships and villages,
//! computed from the record with the policy's weights (meetings, visits, cases, inspections, accountability), each
//! number with the facts behind it; and the one-vote veto, proposed on the basis of decided accountability records,
//! decided by the discipline team, approved by the county, voiding the unit's assessment and barring the persons
//! it names from promotion and awards for the year. The pure rules are in `rules`; the database in `service`.

pub mod api;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
pub mod veto_pages;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use rules::{Component, VetoStatus, VetoStep};

use crate::accountability::Fact;
use crate::crosscheck::Unit;

/// A component's result for a unit, with the facts behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComponentResult {
    pub component: Component,
    pub label: String,
    pub weight: u32,
    /// For a share: the good and all due (months, household-months, cases); for a deduction: the counted items
    /// (`good`) and no `total`.
    pub good: u64,
    pub total: u64,
    pub points_tenths: u32,
    /// "11 / 12 个月" and the like.
    pub summary: String,
    /// The facts: for a share those that fell short, for a deduction those counted (at most `FACTS`).
    pub facts: Vec<Fact>,
    /// Facts left off the list.
    pub more: u64,
}

/// A unit's line in the assessment table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssessmentRow {
    pub unit: Unit,
    pub level_label: String,
    pub score_tenths: i32,
    /// None when the unit's assessment is vetoed.
    pub rank: Option<u32>,
    /// Each component's points and summary (in the policy's order).
    pub components: Vec<ComponentCell>,
    /// The unit's veto for the year, if one is open.
    pub veto: Option<VetoMark>,
}

/// One component of a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComponentCell {
    pub component: Component,
    pub points_tenths: u32,
    pub summary: String,
}

/// A veto as a row shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VetoMark {
    pub id: i64,
    pub status: VetoStatus,
    pub status_label: String,
}

/// A component's name and weight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WeightView {
    pub component: Component,
    pub label: String,
    pub weight: u32,
}

/// The county's assessment for a year: the townships ranked, and the villages of one township (or of all).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssessmentTable {
    pub year: i32,
    pub county: Unit,
    /// "2027-01-05 09:00 王某", none until computed.
    pub computed: Option<String>,
    pub published: Option<String>,
    pub weights: Vec<WeightView>,
    /// How the score is made, in words.
    pub rule: String,
    pub townships: Vec<AssessmentRow>,
    /// The township whose villages are listed.
    pub township: Option<Unit>,
    /// The villages (of `township`), ranked among all the county's villages.
    pub villages: Vec<AssessmentRow>,
    /// Whether the caller may compute (or recompute, until published) and publish.
    pub may_compute: bool,
}

/// One unit's assessment with every component's facts, its vetoes, and what the discipline team needs to propose one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnitAssessmentView {
    pub year: i32,
    pub unit: Unit,
    pub level_label: String,
    /// None until the year is computed.
    pub score_tenths: Option<i32>,
    pub rank: Option<u32>,
    pub computed: Option<String>,
    pub components: Vec<ComponentResult>,
    pub vetoes: Vec<VetoSummary>,
    /// For the discipline team: the grounds the policy lists, the unit's decided records to base a veto on and
    /// its people who may be named; empty for others.
    pub veto_grounds: Vec<String>,
    pub records: Vec<crate::accountability::RecordSummary>,
    pub people: Vec<crate::households::CadreOption>,
}

/// A veto as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VetoSummary {
    pub id: i64,
    pub year: i32,
    pub unit: Unit,
    pub ground: String,
    pub status: VetoStatus,
    pub status_label: String,
    /// The persons barred from promotion and awards for the year.
    pub persons: Vec<String>,
    pub proposed_on: NaiveDate,
}

/// A step taken on a veto.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = VetoEvent))]
pub struct VetoEventView {
    pub step_label: String,
    pub status_label: String,
    pub note: String,
    pub actor: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A veto with its basis, effect and steps, and the steps the caller may take now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VetoView {
    pub summary: VetoSummary,
    pub note: String,
    /// The decided accountability records it rests on.
    pub basis: Vec<crate::accountability::RecordSummary>,
    /// What it does, in words, once in effect.
    pub effect: Vec<String>,
    pub events: Vec<VetoEventView>,
    /// Codes of the steps the caller may take now (`uphold`, `dismiss`, `approve`, `reject`, `revoke`).
    pub steps: Vec<String>,
}

/// The vetoes of a year the caller sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VetoesView {
    pub year: i32,
    pub vetoes: Vec<VetoSummary>,
}

/// Proposing a veto, as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct VetoForm {
    pub year: String,
    pub unit: String,
    /// One of the policy's grounds, as listed.
    pub ground: String,
    /// The decided accountability records it rests on (at least one).
    pub record_ids: Vec<String>,
    /// The persons of the unit it bars from promotion and awards (may be none: the unit only).
    pub person_ids: Vec<String>,
    /// The facts and reasons.
    pub note: String,
}

/// A step on a veto, as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct VetoStepForm {
    /// `uphold`, `dismiss`, `approve`, `reject` or `revoke`.
    pub step: String,
    pub note: String,
}

/// Score in tenths as shown: "87.5".
pub fn shown(tenths: i64) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}
