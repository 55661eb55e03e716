//! The audit log: every change and every security event, append-only and hash-chained.

pub mod api;
#[cfg(feature = "ssr")]
pub mod checkpoint;
#[cfg(feature = "ssr")]
pub mod denials;
pub mod labels;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// Where a request came from, for the audit log.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// One audit record as the browser sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditRecordView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub ip: Option<String>,
    pub action: String,
    pub action_label: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The changed fields as "字段：旧 → 新" lines (see [`labels::describe_changes`]).
    pub changes: String,
}

/// The result of walking the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    pub checked: u64,
    pub first_broken: Option<BrokenLink>,
    /// The latest checkpoint the chain was compared with ("2026-03-02 09:00 的检查点（第 12 条）").
    pub checkpoint: Option<String>,
}

/// The sentence for a whole chain, naming the checkpoint it was compared with.
pub fn whole_chain(report: &ChainReport) -> String {
    match &report.checkpoint {
        Some(checkpoint) => format!("审计链完整：共校验 {} 条记录，与{checkpoint}相符。", report.checked),
        None => format!("审计链完整：共校验 {} 条记录（还没有检查点，无法发现末尾被删除的记录）。", report.checked),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenLink {
    /// The sequence number where the chain first fails (the expected number when a record is missing).
    pub seq: i64,
    pub reason: String,
}
