//! 问责与考核 [Y] 四（四）, [H] 三（二）, [F] 17: when the record makes a unit a candidate for accountability, how long a
//! subject has to state their case, how the annual assessment weighs what the record shows, and what grounds a
//! one-vote veto. Thresholds, weights and grounds differ by place and year: data, with defaults from the documents.

use serde::{Deserialize, Serialize};

/// When the record proposes accountability, and how the annual assessment is scored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AccountabilityRules {
    /// A case counts once it is resolved (or still open) more than this many days past its deadline.
    pub overdue_days: u32,
    /// A village counts for a month in which more than this share (percent) of its monitored households had no visit.
    pub unvisited_percent: u32,
    /// Days the subject has to state their case (申辩) after a record is opened.
    pub statement_days: u32,
    /// A red alert (返贫致贫 risk) of a monitored household counts when it had no visit in this many days before.
    pub relapse_visit_days: u32,
    /// The annual assessment's weights, adding to 100: meetings, visits, cases, inspections, accountability.
    pub assessment_weights: [u32; 5],
    /// Points (of the component's weight) off the inspections component for each counted outside finding.
    pub finding_deduction: u32,
    /// Points (of the component's weight) off the accountability component for each decision in force.
    pub record_deduction: u32,
    /// The grounds of a one-vote veto (一票否决) the policy lists.
    pub veto_grounds: Vec<String>,
}

/// [Y] 四（四）: serious gaps or principle problems in 两不愁三保障 leading to 返贫致贫, and fraud.
pub fn default_veto_grounds() -> Vec<String> {
    ["两不愁三保障出现严重漏洞，导致返贫致贫", "防止返贫监测帮扶工作存在原则性问题", "弄虚作假、优亲厚友，情节严重"]
        .map(String::from)
        .to_vec()
}

impl Default for AccountabilityRules {
    fn default() -> Self {
        AccountabilityRules {
            overdue_days: 0,
            unvisited_percent: 10,
            statement_days: 5,
            relapse_visit_days: 31,
            assessment_weights: [20, 25, 25, 20, 10],
            finding_deduction: 2,
            record_deduction: 5,
            veto_grounds: default_veto_grounds(),
        }
    }
}

impl AccountabilityRules {
    /// Whether the rules hold together; the problem in words otherwise.
    pub fn problem(&self) -> Option<String> {
        if self.overdue_days > 365 {
            return Some("案件逾期天数应在 0 至 365 天之间。".into());
        }
        if self.unvisited_percent > 100 {
            return Some("未走访监测户的比例不能超过 100%。".into());
        }
        if !(1..=30).contains(&self.statement_days) {
            return Some("申辩期限应在 1 至 30 天之间。".into());
        }
        if !(1..=366).contains(&self.relapse_visit_days) {
            return Some("返贫致贫前应走访的天数应在 1 至 366 天之间。".into());
        }
        if self.assessment_weights.iter().sum::<u32>() != 100 {
            return Some("年度考核五项权重之和应为 100。".into());
        }
        if self.finding_deduction > 100 || self.record_deduction > 100 {
            return Some("每项扣分应在 0 至 100 分之间。".into());
        }
        if self.veto_grounds.is_empty()
            || self.veto_grounds.iter().any(|g| g.trim().is_empty() || g.chars().count() > 100)
        {
            return Some("一票否决情形至少一项，每项不超过 100 字。".into());
        }
        None
    }
}
