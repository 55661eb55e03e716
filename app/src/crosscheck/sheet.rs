//! The check sheets of 交叉检查: a drawn household's 入户核查表 and a drawn village's sheet. The indicators of the
//! check's rules are the questions (the household-level ones on a household's sheet, the village-level ones on
//! a village's); a failed answer needs a note; 应纳未纳 / 应退未退 and facts that differ from the register are
//! answers of their own; the household acknowledges the sheet or its refusal is noted. Checked here for both
//! builds, so the phone shows the same refusal the server gives.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problems};
use crate::policy::crosscheck::Indicator;

/// An answer to one indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Answer {
    Pass,
    Fail,
    NotApplicable,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Pass, Answer::Fail, Answer::NotApplicable];

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Pass => "pass",
            Answer::Fail => "fail",
            Answer::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(text: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Answer::Pass => "符合",
            Answer::Fail => "不符合",
            Answer::NotApplicable => "不适用",
        }
    }
}

/// Whether the household's place in monitoring is right: 应纳未纳 (should be monitored and is not), 应退未退
/// (should have left monitoring and has not), or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Inclusion {
    Proper,
    ShouldInclude,
    ShouldExit,
}

impl Inclusion {
    pub const ALL: [Inclusion; 3] = [Inclusion::Proper, Inclusion::ShouldInclude, Inclusion::ShouldExit];

    pub fn as_str(self) -> &'static str {
        match self {
            Inclusion::Proper => "proper",
            Inclusion::ShouldInclude => "should_include",
            Inclusion::ShouldExit => "should_exit",
        }
    }

    pub fn parse(text: &str) -> Option<Inclusion> {
        Inclusion::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Inclusion::Proper => "纳入、退出恰当",
            Inclusion::ShouldInclude => "应纳未纳",
            Inclusion::ShouldExit => "应退未退",
        }
    }
}

/// A fact of the register the checker compares with what they find.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RegisterFact {
    Members,
    Income,
    Contact,
    Class,
    Assistance,
    Other,
}

impl RegisterFact {
    pub const ALL: [RegisterFact; 6] = [
        RegisterFact::Members,
        RegisterFact::Income,
        RegisterFact::Contact,
        RegisterFact::Class,
        RegisterFact::Assistance,
        RegisterFact::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RegisterFact::Members => "家庭成员",
            RegisterFact::Income => "收入",
            RegisterFact::Contact => "联系方式、住址",
            RegisterFact::Class => "户类别、监测状态",
            RegisterFact::Assistance => "帮扶措施",
            RegisterFact::Other => "其他信息",
        }
    }
}

/// How the sheet was acknowledged: confirmed by the household (or, on a village's sheet, its cadre), or refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = SheetAcknowledgement))]
pub enum Acknowledgement {
    Confirmed,
    Refused,
}

impl Acknowledgement {
    pub const ALL: [Acknowledgement; 2] = [Acknowledgement::Confirmed, Acknowledgement::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            Acknowledgement::Confirmed => "confirmed",
            Acknowledgement::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<Acknowledgement> {
        Acknowledgement::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Acknowledgement::Confirmed => "已确认签字",
            Acknowledgement::Refused => "拒绝签字",
        }
    }
}

/// One indicator's answer as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AnswerForm {
    /// `pass`, `fail` or `not_applicable`.
    pub result: String,
    pub note: String,
}

/// A check sheet as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SheetForm {
    /// The drawn household's or village's place in the draw.
    pub unit_id: String,
    /// YYYY-MM-DD
    pub visited_on: String,
    /// The answers to the sheet's indicators, in the rules' order.
    pub answers: Vec<AnswerForm>,
    /// A household's: `proper`, `should_include` or `should_exit`.
    pub inclusion: String,
    pub inclusion_note: String,
    /// What differs from the register, by `RegisterFact::ALL` (empty: as registered).
    pub mismatches: Vec<String>,
    /// `confirmed` or `refused`.
    pub acknowledgement: String,
    /// Who confirmed (the household member's or the village cadre's name).
    pub acknowledged_by: String,
    /// Anything else; the reason when the household refused to sign.
    pub note: String,
}

/// A checked answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedAnswer {
    /// The indicator's place in the rules (all levels counted).
    pub position: usize,
    pub indicator: String,
    pub answer: Answer,
    pub note: String,
}

/// A sheet that passed its checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedSheet {
    pub visited_on: NaiveDate,
    pub answers: Vec<CheckedAnswer>,
    pub inclusion: Option<Inclusion>,
    pub inclusion_note: String,
    pub mismatches: Vec<(RegisterFact, String)>,
    pub acknowledgement: Acknowledgement,
    pub acknowledged_by: String,
    pub note: String,
}

/// The indicators a sheet asks, with their place in the rules: a household's or a village's.
pub fn questions(indicators: &[Indicator], village: bool) -> Vec<(usize, &Indicator)> {
    indicators.iter().enumerate().filter(|(_, i)| i.village == village).collect()
}

/// The longest note, in characters.
const NOTE_CHARS: usize = 500;

impl SheetForm {
    /// Check the form against the sheet's questions; `household` for a household's sheet. The visit is within
    /// `window` (the check's first and last day, Beijing time) and not after `today`. Every problem is named.
    pub fn check(
        &self,
        indicators: &[Indicator],
        household: bool,
        window: (NaiveDate, NaiveDate),
        today: NaiveDate,
    ) -> Result<CheckedSheet, AppError> {
        let mut problems = Problems::default();
        let visited_on = problems.take(
            NaiveDate::parse_from_str(self.visited_on.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| *d >= window.0 && *d <= window.1.min(today))
                .ok_or_else(|| {
                    AppError::validation(
                        "visited_on",
                        format!("核查日期应在检查时间内（{} 至 {}），且不晚于今天。", window.0, window.1),
                    )
                }),
        );
        let too_long = |text: &str| text.trim().chars().count() > NOTE_CHARS;
        let mut answers = Vec::new();
        for (i, (position, indicator)) in questions(indicators, !household).into_iter().enumerate() {
            let typed = self.answers.get(i).cloned().unwrap_or_default();
            let note = typed.note.trim().to_string();
            match Answer::parse(typed.result.trim()) {
                None => problems.add(&format!("answers.{i}.result"), format!("请选择“{}”的核查结果。", indicator.name)),
                Some(Answer::Fail) if note.is_empty() => problems
                    .add(&format!("answers.{i}.note"), format!("“{}”不符合的，请写明发现的问题。", indicator.name)),
                Some(answer) => answers.push(CheckedAnswer {
                    position,
                    indicator: indicator.name.clone(),
                    answer,
                    note: note.clone(),
                }),
            }
            if too_long(&note) {
                problems.add(&format!("answers.{i}.note"), format!("说明不超过 {NOTE_CHARS} 字。"));
            }
        }
        let inclusion_note = self.inclusion_note.trim().to_string();
        let inclusion = if household {
            match Inclusion::parse(self.inclusion.trim()) {
                None => {
                    problems.add("inclusion", "请选择该户是否应纳未纳、应退未退。");
                    None
                }
                Some(Inclusion::Proper) => Some(Inclusion::Proper),
                Some(wrong) if inclusion_note.is_empty() => {
                    problems.add("inclusion_note", format!("认定为{}的，请写明依据。", wrong.label()));
                    None
                }
                Some(wrong) => Some(wrong),
            }
        } else {
            None
        };
        if too_long(&inclusion_note) {
            problems.add("inclusion_note", format!("说明不超过 {NOTE_CHARS} 字。"));
        }
        let mut mismatches = Vec::new();
        if household {
            for (i, fact) in RegisterFact::ALL.into_iter().enumerate() {
                let actual = self.mismatches.get(i).map(|t| t.trim()).unwrap_or_default();
                if too_long(actual) {
                    problems.add(&format!("mismatches.{i}"), format!("说明不超过 {NOTE_CHARS} 字。"));
                } else if !actual.is_empty() {
                    mismatches.push((fact, actual.to_string()));
                }
            }
        }
        let note = self.note.trim().to_string();
        let acknowledged_by = self.acknowledged_by.trim().to_string();
        let acknowledgement = match Acknowledgement::parse(self.acknowledgement.trim()) {
            None => {
                problems.add("acknowledgement", "请选择确认情况。");
                Acknowledgement::Confirmed
            }
            Some(Acknowledgement::Confirmed) if acknowledged_by.is_empty() => {
                let who = if household {
                    "请填写确认签字的家庭成员姓名。"
                } else {
                    "请填写确认签字的村干部姓名。"
                };
                problems.add("acknowledged_by", who);
                Acknowledgement::Confirmed
            }
            Some(Acknowledgement::Refused) if note.is_empty() => {
                problems.add("note", "拒绝签字的，请在“其他情况”中写明原因。");
                Acknowledgement::Refused
            }
            Some(ack) => ack,
        };
        if acknowledged_by.chars().count() > 32 {
            problems.add("acknowledged_by", "确认人姓名不超过 32 字。");
        }
        if too_long(&note) {
            problems.add("note", format!("其他情况不超过 {NOTE_CHARS} 字。"));
        }
        problems.finish()?;
        Ok(CheckedSheet {
            visited_on,
            answers,
            inclusion,
            inclusion_note,
            mismatches,
            acknowledgement,
            acknowledged_by,
            note,
        })
    }
}

/// A problem a saved sheet found, as it becomes a finding for the checked township.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum FindingKind {
    /// A failed indicator.
    Indicator,
    ShouldInclude,
    ShouldExit,
    /// A fact that differs from the register.
    Mismatch,
}

impl FindingKind {
    pub const ALL: [FindingKind; 4] =
        [FindingKind::Indicator, FindingKind::ShouldInclude, FindingKind::ShouldExit, FindingKind::Mismatch];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Indicator => "indicator",
            FindingKind::ShouldInclude => "should_include",
            FindingKind::ShouldExit => "should_exit",
            FindingKind::Mismatch => "mismatch",
        }
    }

    pub fn parse(text: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

impl CheckedSheet {
    /// The problems the sheet found, each as (kind, title, note): every failed indicator, 应纳未纳 or 应退未退,
    /// and each fact that differs from the register.
    pub fn findings(&self) -> Vec<(FindingKind, String, String)> {
        let mut out: Vec<(FindingKind, String, String)> = self
            .answers
            .iter()
            .filter(|a| a.answer == Answer::Fail)
            .map(|a| (FindingKind::Indicator, a.indicator.clone(), a.note.clone()))
            .collect();
        match self.inclusion {
            Some(Inclusion::ShouldInclude) => out.push((
                FindingKind::ShouldInclude,
                Inclusion::ShouldInclude.label().into(),
                self.inclusion_note.clone(),
            )),
            Some(Inclusion::ShouldExit) => {
                out.push((FindingKind::ShouldExit, Inclusion::ShouldExit.label().into(), self.inclusion_note.clone()))
            }
            _ => {}
        }
        out.extend(self.mismatches.iter().map(|(fact, actual)| {
            (FindingKind::Mismatch, format!("信息与登记不一致：{}", fact.label()), actual.clone())
        }));
        out
    }
}
