//! Visits (入户走访) on the policy's cadences: the schedule of due contacts (`schedule.rs`), the
//! visit record with its checklist, finance changes, problems that open cases and the household's
//! acknowledgement, addenda to saved visits, "my visits" for a contact, unit coverage, and the
//! annual sweep's ledgers.

pub mod api;
pub mod pages;
pub mod record_pages;
pub mod schedule;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::cases::RiskType;
use crate::error::{AppError, Problems};
use crate::households::IncomeForm;
use crate::risk::{AssessmentStatus, SecurityItem};

/// How the household was contacted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Mode {
    InPerson,
    Phone,
    WeChat,
    Video,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::InPerson, Mode::Phone, Mode::WeChat, Mode::Video];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::InPerson => "in_person",
            Mode::Phone => "phone",
            Mode::WeChat => "wechat",
            Mode::Video => "video",
        }
    }

    pub fn parse(text: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::InPerson => "入户",
            Mode::Phone => "电话",
            Mode::WeChat => "微信",
            Mode::Video => "视频",
        }
    }
}

/// How the household confirmed the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Acknowledgement {
    /// Signed (or thumb-printed) the paper sheet.
    Signed,
    /// Confirmed in person, sheet to be signed later.
    InPerson,
    /// Confirmed on the phone, WeChat or video.
    Remote,
    /// Refused or could not confirm (the reason goes in the record).
    Refused,
}

impl Acknowledgement {
    pub const ALL: [Acknowledgement; 4] =
        [Acknowledgement::Signed, Acknowledgement::InPerson, Acknowledgement::Remote, Acknowledgement::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            Acknowledgement::Signed => "signed",
            Acknowledgement::InPerson => "in_person",
            Acknowledgement::Remote => "remote",
            Acknowledgement::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<Acknowledgement> {
        Acknowledgement::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Acknowledgement::Signed => "已在走访记录表上签字（按手印）确认",
            Acknowledgement::InPerson => "当面口头确认",
            Acknowledgement::Remote => "电话、微信或视频中确认",
            Acknowledgement::Refused => "拒绝确认或无法确认",
        }
    }
}

/// How many problems one visit form takes (more go in a case opened from the case page).
pub const PROBLEM_ROWS: usize = 3;

/// The visit form as sent: every field as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct VisitForm {
    /// The household code.
    pub household: String,
    /// Who made the visit (user id): the caller unless they enter someone else's paper sheet.
    pub visitor: String,
    /// YYYY-MM-DD
    pub visited_on: String,
    pub mode: String,
    /// A checkbox: part of the annual sweep.
    pub sweep: Option<String>,
    pub companions: String,
    /// Per 两不愁三保障 item: `ok`, `at_risk` or `failed`, and a note (required for a problem).
    pub food: String,
    pub food_note: String,
    pub clothing: String,
    pub clothing_note: String,
    pub education: String,
    pub education_note: String,
    pub medical: String,
    pub medical_note: String,
    pub housing: String,
    pub housing_note: String,
    pub water: String,
    pub water_note: String,
    pub finance_note: String,
    /// The household's income record for a year, pre-filled with the latest one: figures that differ from
    /// the record replace it; all figures blank leave it alone.
    pub income: IncomeForm,
    /// Up to `PROBLEM_ROWS` problems: description, risk type, and a checkbox to open a case.
    pub problem1: String,
    pub problem1_type: String,
    pub problem1_case: Option<String>,
    pub problem2: String,
    pub problem2_type: String,
    pub problem2_case: Option<String>,
    pub problem3: String,
    pub problem3_type: String,
    pub problem3_case: Option<String>,
    pub assistance: String,
    /// A sweep visit's placement in the ledgers: a policy category, or empty for none.
    pub ledger_class: String,
    pub acknowledgement: String,
    pub acknowledged_by: String,
}

/// One problem found on a visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Problem {
    pub description: String,
    pub risk_type: RiskType,
    /// The case it opened, if it did.
    pub case_id: Option<i64>,
}

/// A parsed visit form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewVisit {
    pub visited_on: NaiveDate,
    pub mode: Mode,
    pub sweep: bool,
    pub companions: String,
    pub checklist: Vec<(SecurityItem, AssessmentStatus, String)>,
    pub finance_note: String,
    pub income: Option<crate::households::IncomeRecord>,
    /// The problems, and whether each opens a case.
    pub problems: Vec<(Problem, bool)>,
    pub assistance: String,
    pub ledger_class: Option<String>,
    pub acknowledgement: Acknowledgement,
    pub acknowledged_by: String,
}

fn limited(field: &str, label: &str, text: &str, max: usize) -> Result<String, AppError> {
    let text = text.trim().to_string();
    if text.chars().count() > max {
        return Err(AppError::validation(field, format!("{label}不超过 {max} 字。")));
    }
    Ok(text)
}

impl VisitForm {
    /// The six checklist answers in the order of `SecurityItem::ALL`: (item, status field, note field, field name).
    fn checklist(&self) -> [(SecurityItem, &str, &str); 6] {
        [
            (SecurityItem::Food, &self.food, &self.food_note),
            (SecurityItem::Clothing, &self.clothing, &self.clothing_note),
            (SecurityItem::Education, &self.education, &self.education_note),
            (SecurityItem::Medical, &self.medical, &self.medical_note),
            (SecurityItem::Housing, &self.housing, &self.housing_note),
            (SecurityItem::Water, &self.water, &self.water_note),
        ]
    }

    fn problems(&self) -> [(&str, &str, bool); PROBLEM_ROWS] {
        [
            (&self.problem1, &self.problem1_type, self.problem1_case.is_some()),
            (&self.problem2, &self.problem2_type, self.problem2_case.is_some()),
            (&self.problem3, &self.problem3_type, self.problem3_case.is_some()),
        ]
    }

    /// Parse and check; `ledger_classes` are the policy's category names a sweep may place a household in.
    /// Every problem of the form is named at once, in the order of the form.
    pub fn parse(&self, today: NaiveDate, ledger_classes: &[String]) -> Result<NewVisit, AppError> {
        let mut p = Problems::default();
        let visited_on = p.take(visit_date(&self.visited_on, today).map(Some));
        let mode = Mode::parse(&self.mode);
        if mode.is_none() {
            p.add("mode", "请选择走访方式。");
        }
        let sweep = self.sweep.is_some();
        if sweep && mode.is_some_and(|m| m != Mode::InPerson) {
            p.add("sweep", "年度集中排查须入户，电话、微信或视频联系不能计为排查。");
        }
        let companions = p.take(limited("companions", "同行人员", &self.companions, 60));
        let checklist = self.parse_checklist(&mut p);
        let finance_note = p.take(limited("finance_note", "收支变化", &self.finance_note, 1000));
        let income = match self.income.is_blank() {
            true => None,
            false => p.take(self.income.parse().map(Some).map_err(|e| e.within("income"))),
        };
        let problems = self.parse_problems(&mut p);
        let assistance = p.take(limited("assistance", "落实的帮扶", &self.assistance, 1000));
        let ledger_class = self.parse_ledger_class(&mut p, sweep, ledger_classes);
        let (acknowledgement, acknowledged_by) = self.parse_acknowledgement(&mut p, mode);
        p.finish()?;
        let (Some(visited_on), Some(mode), Some(acknowledgement)) = (visited_on, mode, acknowledgement) else {
            return Err(AppError::Internal);
        };
        Ok(NewVisit {
            visited_on,
            mode,
            sweep,
            companions,
            checklist,
            finance_note,
            income,
            problems,
            assistance,
            ledger_class,
            acknowledgement,
            acknowledged_by,
        })
    }

    /// The six checklist answers, each with a note where it is at risk or failed.
    fn parse_checklist(&self, p: &mut Problems) -> Vec<(SecurityItem, AssessmentStatus, String)> {
        let mut checklist = Vec::new();
        for (item, status, note) in self.checklist() {
            let note = p.take(limited(&format!("{}_note", item.as_str()), "情况说明", note, 500));
            match AssessmentStatus::parse(status) {
                None => p.add(item.as_str(), format!("请选择“{}”的情况。", item.label())),
                Some(status) if status != AssessmentStatus::Ok && note.is_empty() => p.add(
                    &format!("{}_note", item.as_str()),
                    format!("“{}”有风险或未达标，请说明具体情况。", item.label()),
                ),
                Some(status) => checklist.push((item, status, note)),
            }
        }
        checklist
    }

    /// The problems found, each with its risk type and whether it opens a case; empty rows are skipped.
    fn parse_problems(&self, p: &mut Problems) -> Vec<(Problem, bool)> {
        let mut problems = Vec::new();
        for (i, (description, risk_type, open_case)) in self.problems().into_iter().enumerate() {
            let field = format!("problem{}", i + 1);
            let description = p.take(limited(&field, "问题描述", description, 1000));
            if description.is_empty() {
                if open_case {
                    p.add(&field, "勾选了“立案”，请描述发现的问题。");
                }
                continue;
            }
            match RiskType::parse(risk_type) {
                Some(risk_type) => problems.push((Problem { description, risk_type, case_id: None }, open_case)),
                None => p.add(&format!("{field}_type"), "请选择问题的风险类型。"),
            }
        }
        problems
    }

    /// The ledger a sweep places the household in: only on a sweep, and one of the policy's categories.
    fn parse_ledger_class(&self, p: &mut Problems, sweep: bool, ledger_classes: &[String]) -> Option<String> {
        match self.ledger_class.trim() {
            "" => None,
            _ if !sweep => {
                p.add("ledger_class", "只有年度集中排查才确定台账类别。");
                None
            }
            name if ledger_classes.iter().any(|c| c == name) => Some(name.to_string()),
            _ => {
                p.add("ledger_class", "请从列表中选择台账类别。");
                None
            }
        }
    }

    /// How the household acknowledged the visit (signed only in person) and who did, unless it refused.
    fn parse_acknowledgement(&self, p: &mut Problems, mode: Option<Mode>) -> (Option<Acknowledgement>, String) {
        let acknowledgement = Acknowledgement::parse(&self.acknowledgement);
        match acknowledgement {
            None => p.add("acknowledgement", "请选择农户的确认方式。"),
            Some(Acknowledgement::Signed) if mode.is_some_and(|m| m != Mode::InPerson) => {
                p.add("acknowledgement", "非入户走访无法当场签字，请选择“电话、微信或视频中确认”。")
            }
            Some(_) => {}
        }
        let acknowledged_by = p.take(limited("acknowledged_by", "确认人", &self.acknowledged_by, 32));
        if acknowledged_by.is_empty() && acknowledgement != Some(Acknowledgement::Refused) {
            p.add("acknowledged_by", "请填写确认人（户主或家庭成员姓名）。");
        }
        (acknowledgement, acknowledged_by)
    }
}

/// The day of a visit: not in the future, and at most two months back.
fn visit_date(text: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let visited_on = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::validation("visited_on", "请填写走访日期，例如 2026-03-02。"))?;
    if visited_on > today {
        return Err(AppError::validation("visited_on", "走访日期不能晚于今天。"));
    }
    if (today - visited_on).num_days() > 62 {
        return Err(AppError::validation("visited_on", "只能补录两个月内的走访；更早的情况请在走访记录中说明。"));
    }
    Ok(visited_on)
}

/// One checklist answer of a saved visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChecklistAnswer {
    pub item: SecurityItem,
    pub status: AssessmentStatus,
    pub note: String,
}

/// An addendum to a saved visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AddendumView {
    /// Beijing time, `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub by: String,
    pub text: String,
}

/// A saved visit as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VisitView {
    pub id: i64,
    pub household_code: String,
    pub head_name: String,
    pub address: String,
    pub org_name: String,
    pub visited_on: NaiveDate,
    pub mode: Mode,
    pub sweep: bool,
    pub visitor: String,
    /// Who typed the record in, where not the visitor.
    pub recorded_by: Option<String>,
    pub companions: String,
    pub checklist: Vec<ChecklistAnswer>,
    pub finance_note: String,
    pub income_year: Option<i32>,
    pub problems: Vec<Problem>,
    pub assistance: String,
    pub ledger_class: Option<String>,
    pub acknowledgement: Acknowledgement,
    pub acknowledged_by: String,
    /// Beijing time of saving.
    pub recorded_at: String,
    pub addenda: Vec<AddendumView>,
    pub photos: Vec<crate::evidence::EvidenceView>,
    /// Whether the caller may add an addendum or a photo.
    pub may_amend: bool,
}

/// A visit in a household's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VisitSummary {
    pub id: i64,
    pub visited_on: NaiveDate,
    pub mode: Mode,
    pub sweep: bool,
    pub visitor: String,
    /// Problems found, and how many opened cases.
    pub problems: usize,
    pub cases: usize,
}

/// What the visit form needs to start with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VisitStart {
    pub household_code: String,
    pub head_name: String,
    pub address: String,
    pub org_name: String,
    /// The form, pre-filled: today, in person, the latest income record. The checklist stays unanswered: the
    /// visitor answers every item on the day.
    pub form: VisitForm,
    /// The household's latest recorded answer per checklist item, offered beside the item as 上次.
    pub last_answers: Vec<crate::households::AssessmentView>,
    /// The policy's categories a sweep may place the household in.
    pub ledger_classes: Vec<String>,
    /// What the household owes now (labels), so the visitor sees which duty this visit meets.
    pub duties: Vec<String>,
    /// Whether today is in the sweep season.
    pub sweep_season: bool,
    /// Who may be named as the visitor (the caller first among them).
    pub visitors: Vec<crate::households::CadreOption>,
}

/// One household on a "my visits" list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DueVisit {
    pub household_code: String,
    pub head_name: String,
    pub address: String,
    /// The villager group (or village) name.
    pub group_name: String,
    pub phone: Option<String>,
    /// The duty's label.
    pub duty: String,
    pub standing: schedule::Standing,
    /// The last day of the current period.
    pub due_by: NaiveDate,
    pub last_visit: Option<NaiveDate>,
}

/// "My visits": the caller's duties today, in route order within each part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyVisits {
    pub today: NaiveDate,
    pub overdue: Vec<DueVisit>,
    pub due: Vec<DueVisit>,
    pub done: Vec<DueVisit>,
}

/// Coverage counts of one duty in one unit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CoverageCounts {
    pub on_time: u32,
    pub late: u32,
    pub never: u32,
    pub pending: u32,
}

impl CoverageCounts {
    pub fn total(&self) -> u32 {
        self.on_time + self.late + self.never + self.pending
    }

    pub fn add(&mut self, c: schedule::Coverage) {
        match c {
            schedule::Coverage::OnTime(_) => self.on_time += 1,
            schedule::Coverage::Late(_) => self.late += 1,
            schedule::Coverage::Never => self.never += 1,
            schedule::Coverage::Pending => self.pending += 1,
        }
    }
}

/// One row of a coverage table: a sub-unit and one duty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CoverageRow {
    pub unit_code: String,
    pub unit_name: String,
    pub duty: String,
    /// The annual sweep's row (its period is the sweep season, not the month).
    pub sweep: bool,
    pub counts: CoverageCounts,
}

/// A household whose period was missed or made up late.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CoverageGap {
    pub household_code: String,
    pub head_name: String,
    pub unit_name: String,
    pub duty: String,
    /// Missed in the annual sweep rather than in a monthly or quarterly period.
    pub sweep: bool,
    pub coverage: schedule::Coverage,
}

/// Visit coverage of a unit for the periods containing one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CoverageView {
    pub unit_code: String,
    pub unit_name: String,
    /// `YYYY-MM`
    pub month: String,
    pub today: NaiveDate,
    pub rows: Vec<CoverageRow>,
    /// Households missed (未访) or made up late (补访), at most 500.
    pub gaps: Vec<CoverageGap>,
    /// How many there are in all.
    pub gaps_total: u32,
}

/// One household in a sweep ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub household_code: String,
    pub head_name: String,
    pub address: String,
    pub unit_name: String,
    pub visited_on: NaiveDate,
    pub visitor: String,
    pub visit_id: i64,
    /// Per-capita income and red alert as the evaluation stands now.
    pub red_alert: bool,
    /// The warning-household sub-types recorded on the register [Y].
    #[serde(default)]
    pub warning_kinds: Vec<String>,
    /// Its plan (一户一方案): the measures of its cases not stopped; none means no plan yet [Y].
    #[serde(default)]
    pub measures: u64,
}

/// One ledger of the year's sweep: a category and its households.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Ledger {
    pub class: String,
    pub monitored: bool,
    pub entries: Vec<LedgerEntry>,
}

/// The year's sweep in a unit: the ledgers it built and the households not yet swept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SweepView {
    pub unit_code: String,
    pub unit_name: String,
    pub year: i32,
    pub deadline: NaiveDate,
    pub households: u64,
    pub swept: u64,
    /// Swept after the deadline.
    pub late: u64,
    pub ledgers: Vec<Ledger>,
    /// Households swept but placed in no ledger.
    pub ordinary: u64,
    pub not_swept: Vec<LedgerEntry>,
}

#[cfg(test)]
mod tests;
