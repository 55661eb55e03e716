//! 问责与考核 [Y] 四（四）, [H] 三（二）, [F] 17: the record this system keeps, turned into accountability that is fair.
//! The rules (`rules`: the failures the record shows, the exemption of problems a unit found and solved itself,
//! the measures, the record's steps) are pure; the candidates computed from the facts, the records and their
//! steps are in `service`; what the pages and the API show is here.

pub mod api;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use rules::{CandidateKind, Measure, RecordStatus, Verdict};

use crate::crosscheck::Unit;

/// One fact behind a candidate or a record, with where to see it and, for a problem, whether it counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = AccountabilityFact))]
pub struct Fact {
    pub text: String,
    /// The page of the fact (a meeting list, a case, a finding, a sheet).
    pub link: String,
    /// For a problem: whether the exemption rule counts it, and why.
    pub verdict: Option<Verdict>,
}

/// A unit the record proposes for accountability for one kind of failure in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CandidateView {
    /// `kind:unit:from:to`, naming the candidate for dismissal and for opening a record.
    pub key: String,
    pub kind: CandidateKind,
    pub kind_label: String,
    pub unit: Unit,
    /// How many facts count, and how many the exemption rule leaves out.
    pub counted: u64,
    pub exempt: u64,
    /// The facts, the counted first (at most `LISTED`).
    pub facts: Vec<Fact>,
    /// Dismissed by the discipline team: "理由（王某，2026-07-02）".
    pub dismissed: Option<String>,
    /// The record opened from it.
    pub record_id: Option<i64>,
}

/// The candidates of an area and period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CandidatesView {
    pub area: Unit,
    /// `YYYY-MM`.
    pub from: String,
    pub to: String,
    pub candidates: Vec<CandidateView>,
    /// The areas the caller may look at (their discipline team's units).
    pub areas: Vec<Unit>,
}

/// A record as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordSummary {
    pub id: i64,
    pub unit: String,
    pub subject: Option<String>,
    pub title: String,
    pub status: RecordStatus,
    pub status_label: String,
    pub measure_label: Option<String>,
    pub opened_on: NaiveDate,
}

/// A step taken on a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = AccountabilityEvent))]
pub struct EventView {
    pub step_label: String,
    pub status_label: String,
    pub measure_label: Option<String>,
    pub note: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// A record with its basis and steps, and the steps the caller may take now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordView {
    pub id: i64,
    pub unit: Unit,
    pub subject: Option<String>,
    pub kind_label: String,
    pub title: String,
    pub basis: Vec<Fact>,
    pub status: RecordStatus,
    pub status_label: String,
    pub measure: Option<Measure>,
    pub statement_due: NaiveDate,
    pub statement: Option<String>,
    /// The talk as held, once recorded.
    pub talk: Option<TalkView>,
    pub events: Vec<EventView>,
    /// Codes of the steps the caller may take now (`state`, `review`, `decide`, `approve`, `reject`, `correct`,
    /// `revoke`, `talk`).
    pub steps: Vec<String>,
}

/// A talk (约谈) as held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TalkView {
    pub on: NaiveDate,
    pub participants: String,
    pub content: String,
    pub follow_up: String,
}

/// Opening a record from a candidate, as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct OpenForm {
    pub candidate_key: String,
    /// A person of the unit answerable for it; empty: the unit.
    pub subject_user_id: String,
    /// Empty: the failure and the unit.
    pub title: String,
}

/// Dismissing a candidate, as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DismissForm {
    pub candidate_key: String,
    pub reason: String,
}

/// A step on a record, as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = AccountabilityStepForm))]
#[serde(default)]
pub struct StepForm {
    /// `state`, `review`, `decide`, `approve`, `reject`, `correct` or `revoke`.
    pub step: String,
    /// The statement, note or reason.
    pub text: String,
    /// For `decide` and `correct`: the measure's code.
    pub measure: String,
    /// For `talk`: the day it was held (YYYY-MM-DD), who took part, what follows (the content is `text`).
    pub talk_on: String,
    pub talk_participants: String,
    pub talk_follow_up: String,
}

impl StepForm {
    /// The step the form asks for, or what is missing.
    pub fn step(&self) -> Result<rules::RecordStep, crate::error::AppError> {
        use rules::RecordStep;
        let text = self.text.trim().to_string();
        let measure = || {
            Measure::parse(self.measure.trim())
                .ok_or_else(|| crate::error::AppError::validation("measure", "请选择问责方式。"))
        };
        Ok(match self.step.as_str() {
            "state" => RecordStep::State { text },
            "review" => RecordStep::Review { note: text },
            "decide" => RecordStep::Decide { measure: measure()?, note: text },
            "approve" => RecordStep::Approve { note: text },
            "reject" => RecordStep::Reject { note: text },
            "correct" => RecordStep::Correct { measure: measure()?, reason: text },
            "revoke" => RecordStep::Revoke { reason: text },
            "talk" => RecordStep::Talk {
                on: NaiveDate::parse_from_str(self.talk_on.trim(), "%Y-%m-%d")
                    .map_err(|_| crate::error::AppError::validation("talk_on", "约谈日期应写作 2026-12-08 的形式。"))?,
                participants: self.talk_participants.trim().to_string(),
                content: text,
                follow_up: self.talk_follow_up.trim().to_string(),
            },
            _ => return Err(crate::error::AppError::validation("step", "请选择要办理的步骤。")),
        })
    }
}

/// A candidate's key: its kind, unit and period.
pub fn candidate_key(kind: CandidateKind, unit: &str, from: &str, to: &str) -> String {
    format!("{}:{unit}:{from}:{to}", kind.as_str())
}

/// The parts of a candidate's key, if it is one.
pub fn parse_candidate_key(key: &str) -> Option<(CandidateKind, String, String, String)> {
    let mut parts = key.split(':');
    let kind = CandidateKind::parse(parts.next()?)?;
    let unit = crate::org::OrgCode::parse(parts.next()?).ok()?;
    let (from, to) = (parts.next()?, parts.next()?);
    let month = |m: &str| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok();
    (month(from)?.le(&month(to)?) && parts.next().is_none())
        .then(|| (kind, unit.as_str().to_string(), from.to_string(), to.to_string()))
}
