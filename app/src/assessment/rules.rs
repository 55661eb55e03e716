//! The rules of the annual assessment and the one-vote veto that need no database: the five components and how
//! each turns what the record shows into points, the ranking (equal scores share a place; a vetoed unit has none),
//! and the veto's steps (proposed with its basis by the discipline team over the unit, decided by the county's
//! discipline team, approved by the county, revocable only by a recorded step).

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the assessment weighs, in the policy's order of weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = AssessmentComponent))]
pub enum Component {
    /// Months with signed minutes of the judgment meeting, of the months due.
    Meetings,
    /// Monitored household-months with a visit, of all monitored household-months due.
    Visits,
    /// Cases due in the year resolved by their deadline, of all cases due.
    Cases,
    /// Points off for each counted problem found by supervision or cross-check (points of the weight).
    Inspections,
    /// Points off for each decided accountability record.
    Accountability,
}

impl Component {
    pub const ALL: [Component; 5] =
        [Component::Meetings, Component::Visits, Component::Cases, Component::Inspections, Component::Accountability];

    pub fn as_str(self) -> &'static str {
        match self {
            Component::Meetings => "meetings",
            Component::Visits => "visits",
            Component::Cases => "cases",
            Component::Inspections => "inspections",
            Component::Accountability => "accountability",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Component::Meetings => "研判会议",
            Component::Visits => "走访覆盖",
            Component::Cases => "案件办理时效",
            Component::Inspections => "督查和交叉检查",
            Component::Accountability => "问责记录",
        }
    }

    /// Whether the component is a share of good of all (else points off per counted item).
    pub fn is_share(self) -> bool {
        matches!(self, Component::Meetings | Component::Visits | Component::Cases)
    }
}

/// A share's points in tenths: `weight × good / total`, rounded to the nearest tenth; nothing due is full marks.
pub fn share_points(weight: u32, good: u64, total: u64) -> u32 {
    if total == 0 {
        return weight * 10;
    }
    let tenths = (u64::from(weight) * 10 * good.min(total) * 2 + total) / (total * 2);
    u32::try_from(tenths).unwrap_or(weight * 10)
}

/// Points in tenths: the weight less `per_item` points for each of `count` items, never below nothing.
pub fn deduction_points(weight: u32, count: u64, per_item: u32) -> u32 {
    let off = count.saturating_mul(u64::from(per_item)).saturating_mul(10);
    u32::try_from((u64::from(weight) * 10).saturating_sub(off)).unwrap_or(0)
}

/// Ranks of scores (tenths), highest first; equal scores share a place; a vetoed unit (`None`) has none.
pub fn ranks(scores: &[Option<i32>]) -> Vec<Option<u32>> {
    scores
        .iter()
        .map(|s| s.map(|mine| 1 + scores.iter().flatten().filter(|other| **other > mine).count() as u32))
        .collect()
}

/// Where a one-vote veto stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum VetoStatus {
    /// Proposed by the discipline team over the unit: the county's discipline team decides.
    Proposed,
    /// Upheld by the county's discipline team: the county approves.
    AwaitingApproval,
    /// Approved: the unit's assessment is void for the year, the persons named are barred.
    InEffect,
    /// Not upheld by the team, or not approved by the county.
    NotUpheld,
    Revoked,
}

impl VetoStatus {
    pub const ALL: [VetoStatus; 5] = [
        VetoStatus::Proposed,
        VetoStatus::AwaitingApproval,
        VetoStatus::InEffect,
        VetoStatus::NotUpheld,
        VetoStatus::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VetoStatus::Proposed => "proposed",
            VetoStatus::AwaitingApproval => "awaiting_approval",
            VetoStatus::InEffect => "in_effect",
            VetoStatus::NotUpheld => "not_upheld",
            VetoStatus::Revoked => "revoked",
        }
    }

    pub fn parse(text: &str) -> Option<VetoStatus> {
        VetoStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            VetoStatus::Proposed => "待认定",
            VetoStatus::AwaitingApproval => "待县级审批",
            VetoStatus::InEffect => "已生效",
            VetoStatus::NotUpheld => "未予认定",
            VetoStatus::Revoked => "已撤销",
        }
    }

    /// Whether the veto still stands or may come to (one such veto per unit and year).
    pub fn is_open(self) -> bool {
        matches!(self, VetoStatus::Proposed | VetoStatus::AwaitingApproval | VetoStatus::InEffect)
    }
}

/// A step on a veto.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VetoStep {
    /// The county's discipline team upholds the proposal.
    Uphold,
    /// The county's discipline team does not uphold it.
    Dismiss,
    Approve,
    /// The county does not approve.
    Reject,
    /// A veto in effect revoked, with the reason.
    Revoke,
}

impl VetoStep {
    pub const ALL: [VetoStep; 5] =
        [VetoStep::Uphold, VetoStep::Dismiss, VetoStep::Approve, VetoStep::Reject, VetoStep::Revoke];

    pub fn as_str(self) -> &'static str {
        match self {
            VetoStep::Uphold => "uphold",
            VetoStep::Dismiss => "dismiss",
            VetoStep::Approve => "approve",
            VetoStep::Reject => "reject",
            VetoStep::Revoke => "revoke",
        }
    }

    pub fn parse(text: &str) -> Option<VetoStep> {
        VetoStep::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            VetoStep::Uphold => "认定一票否决",
            VetoStep::Dismiss => "不予认定",
            VetoStep::Approve => "县级审批同意",
            VetoStep::Reject => "县级审批不同意",
            VetoStep::Revoke => "撤销一票否决",
        }
    }
}

/// Take a step on a veto: the new status, or a refusal in Chinese. Who may take it is the permissions model's.
pub fn veto_transition(current: VetoStatus, step: VetoStep, note: &str) -> Result<VetoStatus, AppError> {
    use VetoStatus::*;
    let next = match (current, step) {
        (Proposed, VetoStep::Uphold) => AwaitingApproval,
        (Proposed, VetoStep::Dismiss) => NotUpheld,
        (AwaitingApproval, VetoStep::Approve) => InEffect,
        (AwaitingApproval, VetoStep::Reject) => NotUpheld,
        (InEffect, VetoStep::Revoke) => Revoked,
        _ => {
            return Err(AppError::Conflict(format!("一票否决当前为“{}”，不能“{}”。", current.label(), step.label())));
        }
    };
    if note.trim().is_empty() && step != VetoStep::Approve {
        return Err(AppError::validation("note", "请写明意见和理由。"));
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_the_share_of_the_weight_and_nothing_due_is_full_marks() {
        assert_eq!(share_points(20, 11, 12), 183, "20 × 11/12 = 18.33");
        assert_eq!(share_points(25, 0, 40), 0);
        assert_eq!(share_points(25, 0, 0), 250);
        assert_eq!(share_points(25, 5, 4), 250, "never above the weight");
        assert_eq!(deduction_points(20, 0, 2), 200);
        assert_eq!(deduction_points(20, 3, 2), 140, "three problems: 6 points off");
        assert_eq!(deduction_points(10, 3, 5), 0, "never below nothing");
    }

    #[test]
    fn equal_scores_share_a_place_and_a_vetoed_unit_has_none() {
        assert_eq!(
            ranks(&[Some(900), Some(950), None, Some(900), Some(800)]),
            vec![Some(2), Some(1), None, Some(2), Some(4)]
        );
    }

    #[test]
    fn a_veto_is_upheld_then_approved_and_changes_only_by_its_steps() {
        use VetoStatus::*;
        assert_eq!(veto_transition(Proposed, VetoStep::Uphold, "属实").unwrap(), AwaitingApproval);
        assert!(veto_transition(Proposed, VetoStep::Uphold, " ").is_err(), "a reason is needed");
        assert!(veto_transition(Proposed, VetoStep::Approve, "").is_err(), "the team decides first");
        assert_eq!(veto_transition(AwaitingApproval, VetoStep::Approve, "").unwrap(), InEffect);
        assert_eq!(veto_transition(AwaitingApproval, VetoStep::Reject, "依据不足").unwrap(), NotUpheld);
        assert_eq!(veto_transition(InEffect, VetoStep::Revoke, "复查改判").unwrap(), Revoked);
        assert!(veto_transition(Revoked, VetoStep::Approve, "").is_err());
        assert!(veto_transition(NotUpheld, VetoStep::Uphold, "再议").is_err());
    }
}
