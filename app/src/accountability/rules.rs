//! The rules of 问责 that need no database: which failures the record shows (`CandidateKind`), the exemption
//! [Y] 四（四）"对村（社区）自查发现并及时解决的问题，不予追责" as a computed verdict, the measures and the record's
//! state machine (statement, review, decision, the county's approval where the measure needs it, and correction or
//! revocation, each a recorded step).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What a candidate for accountability is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum CandidateKind {
    /// A month without signed minutes of the unit's judgment meeting.
    MissedMeeting,
    /// Monitored households without a visit in a month, beyond the policy's share.
    MissedVisits,
    /// A risk case resolved late or still open past its deadline, beyond the policy's days.
    OverdueCase,
    /// A problem found from outside: a supervision round or a cross-check.
    OutsideFinding,
    /// A monitored household raised a red alert (a 返贫致贫 risk) with no visit in the policy's days before.
    Relapse,
}

impl CandidateKind {
    pub const ALL: [CandidateKind; 5] = [
        CandidateKind::MissedMeeting,
        CandidateKind::MissedVisits,
        CandidateKind::OverdueCase,
        CandidateKind::OutsideFinding,
        CandidateKind::Relapse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CandidateKind::MissedMeeting => "missed_meeting",
            CandidateKind::MissedVisits => "missed_visits",
            CandidateKind::OverdueCase => "overdue_case",
            CandidateKind::OutsideFinding => "outside_finding",
            CandidateKind::Relapse => "relapse",
        }
    }

    pub fn parse(text: &str) -> Option<CandidateKind> {
        CandidateKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            CandidateKind::MissedMeeting => "未按月召开研判会议或记录未签发",
            CandidateKind::MissedVisits => "走访不到位",
            CandidateKind::OverdueCase => "风险案件逾期未办结",
            CandidateKind::OutsideFinding => "督查、交叉检查发现的问题",
            CandidateKind::Relapse => "监测户出现返贫致贫风险，此前未按要求走访",
        }
    }
}

/// Whether a failure counts against the unit, and why, in words with the dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Verdict {
    pub counted: bool,
    pub reason: String,
}

/// What the exemption rule needs to know of a problem (a risk case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemDates {
    /// Found by the unit itself: its own sweep, a visit, a group leader, its meeting, or a villager's self-report.
    pub found_by_unit: bool,
    pub recorded_on: NaiveDate,
    /// The first outside finding of the same household (supervision, cross-check), with where it came from.
    pub outside_first: Option<(NaiveDate, String)>,
    pub deadline: NaiveDate,
    /// When it was resolved (closed or dismissed after verification); none while still open.
    pub resolved_on: Option<NaiveDate>,
}

/// [Y] 四（四）: a problem the unit found itself is not counted when it was recorded before any outside finding of it
/// (or the same day) and resolved by its deadline; found after an outside finding, or resolved late, it counts, with the dates.
/// A problem found from outside always counts. `today` judges one still open.
pub fn exemption(p: &ProblemDates, today: NaiveDate) -> Verdict {
    let counted = |reason: String| Verdict { counted: true, reason };
    if !p.found_by_unit {
        return counted(format!("外部发现（{} 登记）。", p.recorded_on));
    }
    // Recorded the same day as the outside finding: the unit's own (the finding has no hour to compare).
    if let Some((found, by)) = p.outside_first.as_ref().filter(|(found, _)| *found < p.recorded_on) {
        return counted(format!("{found} 已由{by}发现，本单位 {} 才登记，不属于自查发现。", p.recorded_on));
    }
    match p.resolved_on {
        Some(day) if day <= p.deadline => Verdict {
            counted: false,
            reason: format!(
                "本单位自查发现（{} 登记），{day} 按期解决（期限 {}），不予追责。",
                p.recorded_on, p.deadline
            ),
        },
        Some(day) => counted(format!(
            "本单位自查发现（{} 登记），但 {day} 才解决，超过期限 {} 共 {} 天。",
            p.recorded_on,
            p.deadline,
            (day - p.deadline).num_days()
        )),
        None if today > p.deadline => counted(format!(
            "本单位自查发现（{} 登记），期限 {} 已过 {} 天仍未解决。",
            p.recorded_on,
            p.deadline,
            (today - p.deadline).num_days()
        )),
        None => Verdict {
            counted: false,
            reason: format!("本单位自查发现（{} 登记），尚在期限 {} 内。", p.recorded_on, p.deadline),
        },
    }
}

/// The measures of 问责 [Y][H], lightest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Measure {
    Talk,
    Education,
    Notice,
    Admonition,
    Organisational,
    Referral,
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::Talk,
        Measure::Education,
        Measure::Notice,
        Measure::Admonition,
        Measure::Organisational,
        Measure::Referral,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Talk => "talk",
            Measure::Education => "education",
            Measure::Notice => "notice",
            Measure::Admonition => "admonition",
            Measure::Organisational => "organisational",
            Measure::Referral => "referral",
        }
    }

    pub fn parse(text: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Measure::Talk => "约谈",
            Measure::Education => "批评教育",
            Measure::Notice => "通报批评",
            Measure::Admonition => "诫勉谈话",
            Measure::Organisational => "组织处理",
            Measure::Referral => "移送党纪政务处分",
        }
    }

    /// The heavier measures take effect only once the county approves them.
    pub fn needs_approval(self) -> bool {
        matches!(self, Measure::Organisational | Measure::Referral)
    }
}

/// Where an accountability record stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RecordStatus {
    /// Opened; the subject may state their case until the deadline.
    AwaitingStatement,
    /// The statement is in (or its time ran out): the team reviews.
    UnderReview,
    /// Reviewed: the discipline team's lead decides.
    AwaitingDecision,
    /// Decided on a measure that the county must approve.
    AwaitingApproval,
    /// Decided (and approved where needed); changes only by a recorded correction or revocation.
    Decided,
    Revoked,
}

impl RecordStatus {
    pub const ALL: [RecordStatus; 6] = [
        RecordStatus::AwaitingStatement,
        RecordStatus::UnderReview,
        RecordStatus::AwaitingDecision,
        RecordStatus::AwaitingApproval,
        RecordStatus::Decided,
        RecordStatus::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::AwaitingStatement => "awaiting_statement",
            RecordStatus::UnderReview => "under_review",
            RecordStatus::AwaitingDecision => "awaiting_decision",
            RecordStatus::AwaitingApproval => "awaiting_approval",
            RecordStatus::Decided => "decided",
            RecordStatus::Revoked => "revoked",
        }
    }

    pub fn parse(text: &str) -> Option<RecordStatus> {
        RecordStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordStatus::AwaitingStatement => "待申辩",
            RecordStatus::UnderReview => "审查中",
            RecordStatus::AwaitingDecision => "待决定",
            RecordStatus::AwaitingApproval => "待县级审批",
            RecordStatus::Decided => "已决定",
            RecordStatus::Revoked => "已撤销",
        }
    }
}

/// A step of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordStep {
    /// The subject states their case (申辩), before the deadline.
    State {
        text: String,
    },
    /// The team reviews, with the statement or after its deadline passed without one.
    Review {
        note: String,
    },
    Decide {
        measure: Measure,
        note: String,
    },
    Approve {
        note: String,
    },
    /// The county sends a decision back to the team.
    Reject {
        note: String,
    },
    /// A decided record's measure corrected, with the reason.
    Correct {
        measure: Measure,
        reason: String,
    },
    Revoke {
        reason: String,
    },
    /// The talk decided on, as held: the day, who took part, what was said and what follows.
    Talk {
        on: NaiveDate,
        participants: String,
        content: String,
        follow_up: String,
    },
}

impl RecordStep {
    pub fn code(&self) -> &'static str {
        match self {
            RecordStep::State { .. } => "state",
            RecordStep::Review { .. } => "review",
            RecordStep::Decide { .. } => "decide",
            RecordStep::Approve { .. } => "approve",
            RecordStep::Reject { .. } => "reject",
            RecordStep::Correct { .. } => "correct",
            RecordStep::Revoke { .. } => "revoke",
            RecordStep::Talk { .. } => "talk",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            RecordStep::State { .. } => "提交申辩",
            RecordStep::Review { .. } => "审查",
            RecordStep::Decide { .. } => "作出决定",
            RecordStep::Approve { .. } => "县级审批同意",
            RecordStep::Reject { .. } => "县级审批退回",
            RecordStep::Correct { .. } => "更正决定",
            RecordStep::Revoke { .. } => "撤销决定",
            RecordStep::Talk { .. } => "记录约谈",
        }
    }
}

/// The record's state as the rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordState {
    pub status: RecordStatus,
    pub measure: Option<Measure>,
    /// The measure decided (and approved where needed) that stands while a correction waits for the county.
    pub in_force: Option<Measure>,
    pub statement_due: NaiveDate,
}

/// Take a step: the new state, or a refusal in Chinese. Who may take it is the permissions model's; this checks
/// the order of steps, the deadline and the texts.
pub fn transition(current: &RecordState, step: &RecordStep, today: NaiveDate) -> Result<RecordState, AppError> {
    let required = |text: &str, field: &str, what: &str| {
        if text.trim().is_empty() { Err(AppError::validation(field, format!("请填写{what}。"))) } else { Ok(()) }
    };
    let wrong = || AppError::Conflict(format!("问责记录当前为“{}”，不能“{}”。", current.status.label(), step.label()));
    let next = |status: RecordStatus, measure: Option<Measure>| {
        let in_force = if status == RecordStatus::Decided { measure } else { current.in_force };
        Ok(RecordState { status, measure, in_force, ..current.clone() })
    };
    use RecordStatus::*;
    match (current.status, step) {
        (AwaitingStatement, RecordStep::State { text }) => {
            required(text, "text", "申辩意见")?;
            if today > current.statement_due {
                return Err(AppError::Conflict(format!("申辩期限（{}）已过。", current.statement_due)));
            }
            next(UnderReview, None)
        }
        (AwaitingStatement, RecordStep::Review { note }) => {
            if today <= current.statement_due {
                return Err(AppError::Conflict(format!(
                    "申辩期限 {} 未到且尚未收到申辩，不能开始审查。",
                    current.statement_due
                )));
            }
            required(note, "note", "审查意见")?;
            next(AwaitingDecision, None)
        }
        (UnderReview, RecordStep::Review { note }) => {
            required(note, "note", "审查意见")?;
            next(AwaitingDecision, None)
        }
        (AwaitingDecision, RecordStep::Decide { measure, note }) => {
            required(note, "note", "决定的事实和理由")?;
            next(if measure.needs_approval() { AwaitingApproval } else { Decided }, Some(*measure))
        }
        (AwaitingApproval, RecordStep::Approve { .. }) => next(Decided, current.measure),
        (AwaitingApproval, RecordStep::Reject { note }) => {
            required(note, "note", "退回的理由")?;
            // A correction sent back leaves the decision in force; a first decision goes back to the team.
            match current.in_force {
                Some(measure) => next(Decided, Some(measure)),
                None => next(AwaitingDecision, None),
            }
        }
        (Decided, RecordStep::Correct { measure, reason }) => {
            required(reason, "reason", "更正的理由")?;
            if Some(*measure) == current.measure {
                return Err(AppError::validation("measure", "更正后的问责方式与原决定相同。"));
            }
            next(if measure.needs_approval() { AwaitingApproval } else { Decided }, Some(*measure))
        }
        (Decided, RecordStep::Talk { on, participants, content, .. }) => {
            if current.measure != Some(Measure::Talk) {
                return Err(AppError::Conflict("只有决定约谈的，才记录约谈情况。".into()));
            }
            if *on > today {
                return Err(AppError::validation("talk_on", "约谈日期不能晚于今天。"));
            }
            required(participants, "talk_participants", "参加约谈的人员")?;
            required(content, "text", "约谈内容")?;
            next(Decided, current.measure)
        }
        (Decided | AwaitingApproval, RecordStep::Revoke { reason }) => {
            required(reason, "reason", "撤销的理由")?;
            next(Revoked, current.measure)
        }
        _ => Err(wrong()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn self_found(resolved: Option<&str>) -> ProblemDates {
        ProblemDates {
            found_by_unit: true,
            recorded_on: day("2026-05-06"),
            outside_first: None,
            deadline: day("2026-05-20"),
            resolved_on: resolved.map(day),
        }
    }

    /// [Y] 四（四）: self-found and solved on time is not counted; a day late is; found after an outside finding is.
    #[test]
    fn a_problem_the_unit_found_and_solved_in_time_is_not_counted_y() {
        let on_time = exemption(&self_found(Some("2026-05-20")), day("2026-06-01"));
        assert!(!on_time.counted, "{}", on_time.reason);
        assert!(on_time.reason.contains("按期解决"));
        let late = exemption(&self_found(Some("2026-05-21")), day("2026-06-01"));
        assert!(late.counted);
        assert!(late.reason.contains("超过期限 2026-05-20 共 1 天"), "{}", late.reason);
        let open = exemption(&self_found(None), day("2026-06-01"));
        assert!(open.counted && open.reason.contains("已过 12 天"), "{}", open.reason);
        assert!(!exemption(&self_found(None), day("2026-05-20")).counted, "still within its deadline");
        let after = ProblemDates {
            outside_first: Some((day("2026-05-04"), "专项督查".into())),
            ..self_found(Some("2026-05-10"))
        };
        let verdict = exemption(&after, day("2026-06-01"));
        assert!(verdict.counted && verdict.reason.contains("2026-05-04 已由专项督查发现"), "{}", verdict.reason);
        let outside_later = ProblemDates {
            outside_first: Some((day("2026-05-08"), "交叉检查".into())),
            ..self_found(Some("2026-05-10"))
        };
        assert!(!exemption(&outside_later, day("2026-06-01")).counted, "found by the unit first");
        let outside = ProblemDates { found_by_unit: false, ..self_found(Some("2026-05-10")) };
        assert!(exemption(&outside, day("2026-06-01")).counted);
    }

    #[test]
    fn a_record_goes_from_statement_to_decision_and_is_changed_only_by_its_own_steps() {
        let opened = RecordState {
            status: RecordStatus::AwaitingStatement,
            measure: None,
            in_force: None,
            statement_due: day("2026-06-05"),
        };
        let text = |t: &str| t.to_string();
        assert!(transition(&opened, &RecordStep::Review { note: text("审查") }, day("2026-06-01")).is_err());
        let stated = transition(&opened, &RecordStep::State { text: text("已整改") }, day("2026-06-05")).unwrap();
        assert!(transition(&opened, &RecordStep::State { text: text("迟到") }, day("2026-06-06")).is_err());
        let reviewed = transition(&stated, &RecordStep::Review { note: text("属实") }, day("2026-06-07")).unwrap();
        let referral = RecordStep::Decide { measure: Measure::Referral, note: text("情节严重") };
        let pending = transition(&reviewed, &referral, day("2026-06-08")).unwrap();
        assert_eq!(pending.status, RecordStatus::AwaitingApproval);
        let decided = transition(&pending, &RecordStep::Approve { note: String::new() }, day("2026-06-09")).unwrap();
        assert_eq!((decided.status, decided.measure), (RecordStatus::Decided, Some(Measure::Referral)));
        assert!(
            transition(&decided, &RecordStep::Decide { measure: Measure::Talk, note: text("改") }, day("2026-06-10"))
                .is_err()
        );
        let corrected = transition(
            &decided,
            &RecordStep::Correct { measure: Measure::Talk, reason: text("事实有误") },
            day("2026-06-10"),
        )
        .unwrap();
        assert_eq!((corrected.status, corrected.measure), (RecordStatus::Decided, Some(Measure::Talk)));
        // A correction to a measure the county must approve, sent back: the talk decided stands.
        let heavier = RecordStep::Correct { measure: Measure::Organisational, reason: text("情节较重") };
        let waiting = transition(&corrected, &heavier, day("2026-06-10")).unwrap();
        assert_eq!((waiting.status, waiting.in_force), (RecordStatus::AwaitingApproval, Some(Measure::Talk)));
        let sent_back =
            transition(&waiting, &RecordStep::Reject { note: text("依据不足") }, day("2026-06-11")).unwrap();
        assert_eq!((sent_back.status, sent_back.measure), (RecordStatus::Decided, Some(Measure::Talk)));
        let first = transition(&pending, &RecordStep::Reject { note: text("依据不足") }, day("2026-06-09")).unwrap();
        assert_eq!((first.status, first.measure), (RecordStatus::AwaitingDecision, None));
        let revoked = transition(&corrected, &RecordStep::Revoke { reason: text("撤销") }, day("2026-06-11")).unwrap();
        assert_eq!(revoked.status, RecordStatus::Revoked);
        assert!(transition(&revoked, &RecordStep::Revoke { reason: text("再撤销") }, day("2026-06-12")).is_err());
    }
}
