//! 专项督查 [Y] 三（四）"每半年实施一次专项工作督查…街道纪（工）委牵头，经发办会同相关部门…进行问题交办": rounds
//! of semiannual supervision by a discipline team, their findings with the facts behind them, the hand-over of
//! each finding as a rectification case (问题交办 → 整改), and its closing by an independent re-check (复核 →
//! 销号). The rules are here; persistence, scope and audit in `service`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problems};

/// Which half of a year a round covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Half {
    First,
    Second,
}

impl Half {
    pub fn as_str(self) -> &'static str {
        match self {
            Half::First => "h1",
            Half::Second => "h2",
        }
    }

    pub fn parse(text: &str) -> Option<Half> {
        [Half::First, Half::Second].into_iter().find(|h| h.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Half::First => "上半年",
            Half::Second => "下半年",
        }
    }
}

/// Where a round stands: 计划中 → 实施中 → 整改中 → 已完成.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RoundStatus {
    Planned,
    Active,
    Rectifying,
    Completed,
}

impl RoundStatus {
    pub const ALL: [RoundStatus; 4] =
        [RoundStatus::Planned, RoundStatus::Active, RoundStatus::Rectifying, RoundStatus::Completed];

    pub fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Planned => "planned",
            RoundStatus::Active => "active",
            RoundStatus::Rectifying => "rectifying",
            RoundStatus::Completed => "completed",
        }
    }

    pub fn parse(text: &str) -> Option<RoundStatus> {
        RoundStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            RoundStatus::Planned => "计划中",
            RoundStatus::Active => "实施中",
            RoundStatus::Rectifying => "整改中",
            RoundStatus::Completed => "已完成",
        }
    }

    /// The step that moves a round on from here, as its form code and label.
    pub fn next_step(self) -> Option<(&'static str, &'static str)> {
        match self {
            RoundStatus::Planned => Some(("start", "开始实施")),
            RoundStatus::Active => Some(("rectify", "结束检查，进入整改")),
            RoundStatus::Rectifying => Some(("complete", "完成本轮督查")),
            RoundStatus::Completed => None,
        }
    }
}

/// Move a round on by the step `code`; completing needs every finding closed or carried over
/// (`open_findings` is how many are not).
pub fn round_step(current: RoundStatus, code: &str, open_findings: u64) -> Result<RoundStatus, AppError> {
    let Some((expected, label)) = current.next_step() else {
        return Err(AppError::Conflict("本轮督查已完成。".into()));
    };
    if code != expected {
        return Err(AppError::Conflict(format!("本轮督查当前为“{}”，下一步是“{label}”。", current.label())));
    }
    Ok(match current {
        RoundStatus::Planned => RoundStatus::Active,
        RoundStatus::Active => RoundStatus::Rectifying,
        _ if open_findings > 0 => {
            return Err(AppError::Conflict(format!(
                "还有 {open_findings} 个问题未销号，也未结转：全部销号或写明理由结转后，才能完成本轮督查。"
            )));
        }
        _ => RoundStatus::Completed,
    })
}

/// How a finding was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Method {
    LedgerCheck,
    HomeCheck,
    DarkVisit,
    PostEvaluation,
    Superior,
}

impl Method {
    pub const ALL: [Method; 5] =
        [Method::LedgerCheck, Method::HomeCheck, Method::DarkVisit, Method::PostEvaluation, Method::Superior];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::LedgerCheck => "ledger_check",
            Method::HomeCheck => "home_check",
            Method::DarkVisit => "dark_visit",
            Method::PostEvaluation => "post_evaluation",
            Method::Superior => "superior",
        }
    }

    pub fn parse(text: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::LedgerCheck => "台账检查",
            Method::HomeCheck => "入户核查",
            Method::DarkVisit => "暗访",
            Method::PostEvaluation => "后评估",
            Method::Superior => "上级督查",
        }
    }
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Severity {
    Minor,
    Serious,
    Grave,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Minor, Severity::Serious, Severity::Grave];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Serious => "serious",
            Severity::Grave => "grave",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Minor => "一般",
            Severity::Serious => "较重",
            Severity::Grave => "严重",
        }
    }
}

/// Where a finding stands: recorded (待交办), corrected on the spot (立行立改), handed over and being
/// rectified (整改中), submitted for re-check (待复核), closed after the re-check (已销号), or carried over
/// to a later round with a reason (已结转).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum FindingStatus {
    Recorded,
    CorrectedOnSpot,
    HandedOver,
    AwaitingRecheck,
    Closed,
    CarriedOver,
}

impl FindingStatus {
    pub const ALL: [FindingStatus; 6] = [
        FindingStatus::Recorded,
        FindingStatus::CorrectedOnSpot,
        FindingStatus::HandedOver,
        FindingStatus::AwaitingRecheck,
        FindingStatus::Closed,
        FindingStatus::CarriedOver,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Recorded => "recorded",
            FindingStatus::CorrectedOnSpot => "corrected_on_spot",
            FindingStatus::HandedOver => "handed_over",
            FindingStatus::AwaitingRecheck => "awaiting_recheck",
            FindingStatus::Closed => "closed",
            FindingStatus::CarriedOver => "carried_over",
        }
    }

    pub fn parse(text: &str) -> Option<FindingStatus> {
        FindingStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            FindingStatus::Recorded => "待交办",
            FindingStatus::CorrectedOnSpot => "立行立改",
            FindingStatus::HandedOver => "整改中",
            FindingStatus::AwaitingRecheck => "待复核",
            FindingStatus::Closed => "已销号",
            FindingStatus::CarriedOver => "已结转",
        }
    }

    /// Still keeps its round from completing.
    pub fn is_open(self) -> bool {
        matches!(self, FindingStatus::Recorded | FindingStatus::HandedOver | FindingStatus::AwaitingRecheck)
    }

    /// The stored codes of the open statuses (for queries).
    pub fn open_codes() -> Vec<&'static str> {
        FindingStatus::ALL.into_iter().filter(|s| s.is_open()).map(FindingStatus::as_str).collect()
    }
}

/// A new round as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RoundForm {
    /// The team's unit (county or township) that runs the round.
    pub org_code: String,
    pub title: String,
    /// e.g. 2026
    pub year: String,
    /// `h1` or `h2`
    pub half: String,
    /// The units covered: township or village codes.
    pub units: Vec<String>,
    pub topics: String,
    /// The members' user ids (the lead is a member whether listed or not).
    pub members: Vec<String>,
    pub lead_user_id: String,
    /// YYYY-MM-DD
    pub starts_on: String,
    pub ends_on: String,
}

/// A round's fields, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundFields {
    pub title: String,
    pub year: i32,
    pub half: Half,
    pub units: Vec<String>,
    pub topics: String,
    pub members: Vec<i64>,
    pub lead: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

fn date(problems: &mut Problems, field: &str, text: &str) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
    if parsed.is_none() {
        problems.add(field, "日期应写作 2026-03-02 的形式。");
    }
    parsed
}

impl RoundForm {
    /// Read and check every field; every problem is reported with its field.
    pub fn parse(&self) -> Result<RoundFields, AppError> {
        let mut problems = Problems::default();
        let title = self.title.trim().to_string();
        if title.is_empty() || title.chars().count() > 100 {
            problems.add("title", "请填写督查名称（100 字以内），例如“2026 年上半年防返贫监测帮扶专项督查”。");
        }
        let year = self.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
        if year.is_none() {
            problems.add("year", "请填写年度，例如 2026。");
        }
        let half = Half::parse(self.half.trim());
        if half.is_none() {
            problems.add("half", "请选择上半年或下半年。");
        }
        let mut units: Vec<String> =
            self.units.iter().map(|u| u.trim()).filter(|u| !u.is_empty()).map(String::from).collect();
        units.dedup();
        if units.is_empty() {
            problems.add("units", "请选择督查的镇街或村。");
        }
        let members: Vec<i64> = self.members.iter().filter_map(|m| m.trim().parse().ok()).collect();
        let lead = self.lead_user_id.trim().parse::<i64>().ok();
        if lead.is_none() {
            problems.add("lead_user_id", "请选择督查组组长。");
        }
        let starts_on = date(&mut problems, "starts_on", &self.starts_on);
        let ends_on = date(&mut problems, "ends_on", &self.ends_on);
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            problems.add("ends_on", "结束日期不能早于开始日期。");
        }
        let topics = self.topics.trim().to_string();
        if topics.chars().count() > 500 {
            problems.add("topics", "督查重点不超过 500 字。");
        }
        problems.finish()?;
        let (Some(year), Some(half), Some(lead), Some(starts_on), Some(ends_on)) =
            (year, half, lead, starts_on, ends_on)
        else {
            return Err(AppError::Internal);
        };
        let mut members = members;
        if !members.contains(&lead) {
            members.insert(0, lead);
        }
        Ok(RoundFields { title, year, half, units, topics, members, lead, starts_on, ends_on })
    }
}

/// A finding as its form sends it (phone-first: few fields, most of them choices).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct FindingForm {
    /// A covered unit (village or township code).
    pub org_code: String,
    /// A household code, if the finding is about one household.
    pub household: String,
    /// The account responsible, if the finding names one.
    pub person_user_id: String,
    /// One of the round's checklist items.
    pub item: String,
    pub method: String,
    pub severity: String,
    pub description: String,
    /// YYYY-MM-DD: the day it was found (empty: today).
    pub found_on: String,
    /// Present when corrected on the spot (立行立改), with `on_spot_action`.
    pub on_spot: Option<String>,
    pub on_spot_action: String,
    /// The unit's own earlier case about the same problem, if it found it first.
    pub self_found_case_id: String,
}

/// A finding's fields, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingFields {
    pub org_code: String,
    pub household: Option<String>,
    pub person: Option<i64>,
    pub item: String,
    pub method: Method,
    pub severity: Severity,
    pub description: String,
    pub found_on: NaiveDate,
    pub on_spot_action: Option<String>,
    pub self_found_case: Option<i64>,
}

impl FindingForm {
    /// Read and check every field against the round's checklist; every problem is reported with its field.
    pub fn parse(&self, checklist: &[String], today: NaiveDate) -> Result<FindingFields, AppError> {
        let mut problems = Problems::default();
        let org_code = self.org_code.trim().to_string();
        if org_code.is_empty() {
            problems.add("org_code", "请选择问题所在的村或镇街。");
        }
        let item = self.item.trim().to_string();
        if !checklist.contains(&item) {
            problems.add("item", "请选择督查事项。");
        }
        let method = Method::parse(&self.method);
        if method.is_none() {
            problems.add("method", "请选择发现方式。");
        }
        let severity = Severity::parse(&self.severity);
        if severity.is_none() {
            problems.add("severity", "请选择问题性质（一般、较重或严重）。");
        }
        let description = self.description.trim().to_string();
        if description.is_empty() || description.chars().count() > 1000 {
            problems.add("description", "请描述发现的问题（1000 字以内）。");
        }
        let found_on = match self.found_on.trim() {
            "" => Some(today),
            text => date(&mut problems, "found_on", text),
        };
        if found_on.is_some_and(|d| d > today) {
            problems.add("found_on", "发现日期不能晚于今天。");
        }
        let on_spot_action = match (self.on_spot.is_some(), self.on_spot_action.trim()) {
            (false, _) => None,
            (true, "") => {
                problems.add("on_spot_action", "立行立改的，请写明当场如何整改。");
                None
            }
            (true, action) => Some(action.to_string()),
        };
        let person = match self.person_user_id.trim() {
            "" => None,
            text => text.parse().ok().or_else(|| {
                problems.add("person_user_id", "请从列表中选择责任人。");
                None
            }),
        };
        let self_found_case = match self.self_found_case_id.trim().trim_start_matches('#') {
            "" => None,
            text => text.parse().ok().or_else(|| {
                problems.add("self_found_case_id", "请填写单位自查登记的案件编号（数字）。");
                None
            }),
        };
        problems.finish()?;
        let (Some(method), Some(severity), Some(found_on)) = (method, severity, found_on) else {
            return Err(AppError::Internal);
        };
        let household = Some(self.household.trim().to_string()).filter(|h| !h.is_empty());
        Ok(FindingFields {
            org_code,
            household,
            person,
            item,
            method,
            severity,
            description,
            found_on,
            on_spot_action,
            self_found_case,
        })
    }
}

/// Who the re-check (复核) may not be done by: anyone outside the round, the person who rectified (the case
/// owner, or whoever submitted it), or anyone holding a role in the rectified unit.
pub fn recheck_refusal(is_member: bool, rectified_it: bool, from_the_unit: bool) -> Option<&'static str> {
    if !is_member {
        Some("复核应由本轮督查组成员办理。")
    } else if rectified_it {
        Some("整改责任人或提交整改的人不能复核自己的整改。")
    } else if from_the_unit {
        Some("被督查单位的人员不能复核本单位的整改，请由督查组其他成员复核。")
    } else {
        None
    }
}

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
    pub teams: Vec<UnitOption>,
    pub townships: Vec<UnitOption>,
    pub villages: Vec<UnitOption>,
    pub members: Vec<crate::households::CadreOption>,
}

/// A hand-over as its form sends it: the unit's responsible person, and a deadline (empty: the policy's
/// working days).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct HandOverForm {
    pub owner_user_id: String,
    /// YYYY-MM-DD, or empty.
    pub deadline: String,
}

/// A re-check as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RecheckForm {
    /// `pass` (合格，销号) or `fail` (不合格，退回整改).
    pub result: String,
    pub note: String,
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

#[cfg(test)]
mod tests;
