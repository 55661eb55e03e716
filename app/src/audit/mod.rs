//! The audit log: every change and every security event, append-only and hash-chained.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// One audit record as the browser sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecordView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub ip: Option<String>,
    pub action: String,
    pub action_label: String,
    pub entity_type: String,
    pub entity_id: String,
    pub changes: String,
}

/// The result of walking the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    pub checked: u64,
    pub first_broken: Option<BrokenLink>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenLink {
    /// The sequence number where the chain first fails (the expected number when a record is missing).
    pub seq: i64,
    pub reason: String,
}

/// Chinese names of the audited actions.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "auth.login" => "登录",
        "auth.login_failed" => "登录失败",
        "auth.logout" => "退出登录",
        "auth.password_changed" => "修改密码",
        "access.denied" => "访问被拒绝",
        "org.created" => "新建组织单位",
        "org.renamed" => "修改组织单位名称",
        "user.created" => "新建用户",
        "user.updated" => "修改用户信息",
        "user.password_reset" => "重置密码",
        "user.deactivated" => "停用用户",
        "user.reactivated" => "启用用户",
        "user.role_added" => "授予角色",
        "user.role_removed" => "撤销角色",
        "token.created" => "创建 API 令牌",
        "token.revoked" => "吊销 API 令牌",
        "demo.loaded" => "载入演示数据",
        _ => "其他操作",
    }
}
