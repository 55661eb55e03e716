//! The forms of 专项督查 as they are sent, read into checked fields with a Chinese message per field.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Half, Method, Severity};
use crate::error::{AppError, Problems};

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
    /// Set when the finding comes of 举一反三: the closed finding of the round whose item it repeats elsewhere.
    pub prompted_by_finding_id: String,
    /// Set when the finding comes of a follow-up check (回头看): the earlier round's drawn finding that is back.
    pub followup_of_finding_id: String,
}

/// Where a finding comes from: the round's own checking, the same item looked for in other units after one
/// was found (举一反三), or a follow-up check of an earlier round's closed finding (回头看).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Checking,
    Similar(i64),
    FollowUp(i64),
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
    pub origin: Origin,
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
        let origin = match (self.prompted_by_finding_id.trim(), self.followup_of_finding_id.trim()) {
            ("", "") => Origin::Checking,
            (id, "") => id.parse().map(Origin::Similar).unwrap_or_else(|_| {
                problems.add("prompted_by_finding_id", "举一反三所依据的问题编号有误。");
                Origin::Checking
            }),
            ("", id) => id.parse().map(Origin::FollowUp).unwrap_or_else(|_| {
                problems.add("followup_of_finding_id", "回头看所查问题的编号有误。");
                Origin::Checking
            }),
            _ => {
                problems.add("prompted_by_finding_id", "一个问题只能来自举一反三或回头看之一。");
                Origin::Checking
            }
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
            origin,
        })
    }
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

/// A follow-up draw (回头看) as its form sends it: the seed read out at the draw, and how many to draw.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct FollowUpDrawForm {
    pub seed: String,
    pub size: String,
}

impl FollowUpDrawForm {
    /// The seed and the sample size, checked.
    pub fn parse(&self) -> Result<(String, usize), AppError> {
        let mut problems = Problems::default();
        let seed = self.seed.trim().to_string();
        if seed.is_empty() || seed.chars().count() > 32 {
            problems.add("seed", "请填写抽取时现场确定的随机种子（例如当场掷骰或抽号得到的数字，32 字以内）。");
        }
        let size = self.size.trim().parse::<usize>().ok().filter(|n| (1..=200).contains(n));
        if size.is_none() {
            problems.add("size", "抽取数量应为 1 至 200 之间的整数。");
        }
        problems.finish()?;
        Ok((seed, size.unwrap_or(1)))
    }
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
