//! 一户一档: the household's whole file as its page shows it — the register and the verdict (from
//! `households`), the identification and elimination procedures (`workflow`), the open risk cases and the
//! assistance plan (`cases`) and the visits (`visits`). It composes those areas; none of them knows it.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

use crate::cases::CaseSummary;
use crate::cases::measures::MeasureView;
use crate::households::HouseholdDetail;
use crate::workflow::procedure::ProcedureView;

/// A household with its procedures, open cases and plan (the JSON keeps the household's fields at the top).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HouseholdFile {
    #[serde(flatten)]
    pub household: HouseholdDetail,
    /// The latest identification (识别纳入) with its history.
    pub identification: Option<ProcedureView>,
    /// The latest risk elimination (风险消除) with its history.
    pub elimination: Option<ProcedureView>,
    /// The latest appraisal of the household's measures (落实帮扶措施) with its history [F] 8.
    #[serde(default)]
    pub measures_appraisal: Option<ProcedureView>,

    /// The household's open risk cases, nearest deadline first.
    pub open_cases: Vec<CaseSummary>,
    /// 一户一方案: the assistance measures of all the household's cases.
    pub plan: Vec<MeasureView>,
    /// Why the household should have a plan and has none yet (a monitoring household, or a warning
    /// household [Y] "预警户…也要制定帮扶计划"), in Chinese.
    #[serde(default)]
    pub plan_due: Option<String>,
}
