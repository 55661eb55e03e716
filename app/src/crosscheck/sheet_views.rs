//! What the pages and the API show of the check sheets, the problems they found and the townships' scores, and
//! the forms the townships send.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Unit;
use super::score::TownshipScore;
use super::sheet::{Acknowledgement, Inclusion, SheetForm};
use crate::evidence::EvidenceView;
use crate::households::CadreOption;
use crate::policy::crosscheck::Indicator;

/// The register's facts about a drawn household, printed on its sheet for the checker to compare.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegisterFacts {
    pub code: String,
    pub head_name: String,
    pub address: String,
    pub phone: String,
    /// 户类别 and where the household stands in monitoring.
    pub class: String,
    pub income: String,
    pub contact: String,
    /// "王秀英 配偶 52 岁 有劳动能力".
    pub members: Vec<String>,
    /// The latest visits: "2026-11-03 入户 李明".
    pub visits: Vec<String>,
    /// Open cases: "医疗 整改中 期限 2026-12-20".
    pub cases: Vec<String>,
    /// Assistance measures: "产业帮扶：养殖补贴（进行中）".
    pub measures: Vec<String>,
}

/// A drawn unit's sheet before it is saved: what the checker compares and the questions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SheetStart {
    pub check_id: i64,
    pub check_title: String,
    pub township: Unit,
    pub village: Unit,
    /// The household's register; none on a village's sheet.
    pub household: Option<RegisterFacts>,
    /// The sheet's questions in order.
    pub questions: Vec<Indicator>,
    /// The form as it starts (the unit, today).
    pub form: SheetForm,
    /// The window's first and last day (Beijing time).
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

/// A saved answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnswerView {
    pub indicator: String,
    pub answer: super::sheet::Answer,
    pub note: String,
}

/// A problem a sheet found, and whether the township has handed it to an owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = CrossCheckFinding))]
pub struct FindingView {
    pub id: i64,
    /// The drawn unit, whose page shows the sheet.
    pub unit_id: i64,
    pub village_code: String,
    pub village: String,
    /// "张建国户"; none for a village's sheet.
    pub household: Option<String>,
    pub title: String,
    pub note: String,
    pub found_on: NaiveDate,
    pub case_id: Option<i64>,
    /// "2026-12-02 王芳交办".
    pub handed: Option<String>,
}

/// A saved sheet as recorded, with its problems, photos and addenda.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SheetView {
    pub id: i64,
    pub unit_id: i64,
    pub check_id: i64,
    pub check_title: String,
    pub township: Unit,
    pub village: Unit,
    /// (code, head's name); none for a village's sheet.
    pub household: Option<(String, String)>,
    pub visited_on: NaiveDate,
    pub checker: String,
    pub saved_at: DateTime<Utc>,
    pub answers: Vec<AnswerView>,
    pub inclusion: Option<Inclusion>,
    pub inclusion_note: String,
    /// (fact, what the checker found).
    pub mismatches: Vec<(String, String)>,
    pub acknowledgement: Acknowledgement,
    pub acknowledged_by: String,
    pub note: String,
    pub findings: Vec<FindingView>,
    pub photos: Vec<EvidenceView>,
    pub addenda: Vec<crate::visits::AddendumView>,
    /// The caller checks the township and the window is open: they add notes and photos.
    pub may_amend: bool,
}

/// A drawn unit's page: its form until a sheet is saved, the sheet after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum SheetPage {
    Start(Box<SheetStart>),
    Saved(Box<SheetView>),
}

/// A checked township's problems, for the township to hand each to an owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TownshipFindings {
    pub township: Unit,
    pub findings: Vec<FindingView>,
    /// Who may own a case, by village code.
    pub owners: Vec<(String, Vec<CadreOption>)>,
    /// The caller answers for the township (hands over, assesses itself).
    pub may_answer: bool,
    /// The township's own assessment, if entered ("92.0"), and its share of the score (0: not asked for).
    pub self_score: Option<String>,
    pub self_assessment_percent: u32,
}

/// Handing a problem to an owner as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = CrossCheckHandOverForm))]
#[serde(default)]
pub struct HandOverForm {
    pub finding_id: String,
    pub owner_user_id: String,
    /// YYYY-MM-DD; empty: the policy's working days for rectification.
    pub deadline: String,
}

/// A township's self-assessment as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SelfScoreForm {
    pub township: String,
    /// 0–100, one decimal at most.
    pub score: String,
    pub note: String,
}

/// The check's results: each township's score with its components, ranked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScoresView {
    pub check_id: i64,
    pub title: String,
    pub self_assessment_percent: u32,
    pub townships: Vec<TownshipScore>,
}
