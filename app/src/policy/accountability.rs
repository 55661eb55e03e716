//! 问责 [Y] 四（四）, [H] 三（二）, [F] 17: when the record makes a unit a candidate for accountability, and how long a
//! subject has to state their case. Thresholds differ by place and year: data, with defaults from the documents.

use serde::{Deserialize, Serialize};

/// When the record proposes accountability.
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
}

impl Default for AccountabilityRules {
    fn default() -> Self {
        AccountabilityRules { overdue_days: 0, unvisited_percent: 10, statement_days: 5 }
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
        None
    }
}
