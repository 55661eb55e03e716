//! The audit log: every change and every security event, append-only and hash-chained.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

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
    /// The changed fields as "字段：旧 → 新" lines (see [`describe_changes`]).
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
        "policy.saved" => "保存政策参数",
        "household.income_saved" => "录入收支情况",
        "household.assessed" => "评估两不愁三保障",
        "identification.applied" => "发起识别申请",
        "identification.step" => "办理识别步骤",
        "calendar.loaded" => "载入节假日安排",
        "household.id_revealed" => "查看完整身份证号",
        "household.created" => "新增农户",
        "household.updated" => "修改农户信息",
        "household.member_added" => "新增家庭成员",
        "household.member_updated" => "修改家庭成员",
        "household.dibao_changed" => "变更低保状态",
        "household.imported" => "导入农户",
        "elimination.proposed" => "提出风险消除",
        "export.downloaded" => "导出台账",
        "case.created" => "登记风险案件",
        "case.step" => "办理风险案件",
        "case.reassigned" => "更换案件责任人",
        "case.measure_saved" => "填写帮扶措施",
        "import.applied" => "导入文件",
        "import.rejected" => "导入文件（有错误，未导入）",
        "elimination.step" => "办理风险消除步骤",
        _ => "其他操作",
    }
}

/// Chinese names of the fields that appear in audit records.
fn field_label(key: &str) -> &str {
    match key {
        "name" => "名称",
        "code" => "代码",
        "level" => "层级",
        "role" => "角色",
        "org_code" => "单位代码",
        "department" => "部门",
        "username" => "用户名",
        "display_name" => "姓名",
        "phone" => "手机",
        "email" => "邮箱",
        "active" => "启用",
        "reason" => "原因",
        "user_agent" => "浏览器",
        "sessions_ended" | "other_sessions_ended" => "结束的登录数",
        "requested" => "请求的操作",
        "user_id" => "用户编号",
        "prefix" => "令牌开头",
        "revoked_at" => "吊销时间",
        "households" => "农户数",
        "users" => "用户数",
        "seed" => "随机种子",
        "year" => "年度",
        "item" => "项目",
        "status" => "结论",
        "note" => "情况说明",
        "assessed_on" => "评估日期",
        "stage" => "状态",
        "step" => "步骤",
        "green_channel" => "绿色通道",
        "commitment_signed_on" => "承诺书签署日期",
        "source" => "依据",
        "days" => "天数",
        "replaced" => "替换原有",
        "household" => "户编号",
        "wage_fen" => "工资性收入（分）",
        "business_fen" => "生产经营性收入（分）",
        "property_fen" => "财产性收入（分）",
        "transfer_fen" => "转移性收入（分）",
        "medical_fen" => "医疗支出（分）",
        "schooling_fen" => "教育支出（分）",
        "disaster_fen" => "因灾因意外支出（分）",
        "other_rigid_fen" => "其他刚性支出（分）",
        "address" => "住址",
        "house_type" => "住房类型",
        "industry_failure" => "产业失败情况",
        "disaster_loss" => "因灾因意外情况",
        "other_hardship" => "其他特殊困难",
        "contact_user_id" => "监测联系人（用户编号）",
        "liaison_user_id" => "挂钩干部（用户编号）",
        "resident_id" => "身份证号",
        "relation" => "与户主关系",
        "labour_capacity" => "劳动能力",
        "health" => "健康状况",
        "schooling" => "在校情况",
        "co_residence_note" => "共同生活情况",
        "member_id" => "成员编号",
        "head" => "户主",
        "dibao_status" => "低保状态",
        "dibao_taper_until" => "低保渐退期至",
        "class" => "监测类别",
        "basis_date" => "依据日期",
        "file" => "文件",
        "rows" => "行数",
        "members" => "成员",
        "errors" => "错误行数",
        "skipped" => "跳过行数",
        "full_ids" => "含完整身份证号",
        "risk_type" => "风险类型",
        "owner_user_id" => "责任人（用户编号）",
        "deadline" => "期限",
        "red_alert" => "红色预警",
        other => other,
    }
}

/// A readable summary of an audit record's `changes` JSON: "name：玉泉村 → 玉泉社区" for before/after
/// pairs, "key：value" for event details, one per line. Text that is not JSON is returned as it is.
pub fn describe_changes(changes: &str) -> String {
    use serde_json::Value;
    fn show(key: &str, value: Option<&Value>) -> String {
        match (key, value) {
            (_, None | Some(Value::Null)) => "（空）".to_string(),
            ("role", Some(Value::String(code))) => {
                crate::auth::Role::parse(code).map(|r| r.label().to_string()).unwrap_or_else(|| code.clone())
            }
            ("reason", Some(Value::String(code))) => match code.as_str() {
                "bad_credentials" => "用户名或密码错误".to_string(),
                "throttled" => "失败次数过多，暂停登录".to_string(),
                "inactive" => "账号已停用".to_string(),
                other => other.to_string(),
            },
            (_, Some(Value::Bool(true))) => "是".to_string(),
            (_, Some(Value::Bool(false))) => "否".to_string(),
            (_, Some(Value::String(s))) => s.clone(),
            (_, Some(other)) => other.to_string(),
        }
    }
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(changes) else {
        return changes.to_string();
    };
    let before = map.get("before").and_then(Value::as_object);
    let after = map.get("after").and_then(Value::as_object);
    let mut lines = Vec::new();
    if before.is_some() || after.is_some() {
        let mut keys: Vec<&String> = before.into_iter().chain(after).flat_map(|m| m.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let old = before.and_then(|m| m.get(key));
            let new = after.and_then(|m| m.get(key));
            if before.is_some() && after.is_some() && old == new {
                continue;
            }
            lines.push(match (before.is_some(), after.is_some()) {
                (true, true) => format!("{}：{} → {}", field_label(key), show(key, old), show(key, new)),
                (true, false) => format!("{}：{}（已撤销）", field_label(key), show(key, old)),
                _ => format!("{}：{}", field_label(key), show(key, new)),
            });
        }
    }
    for (key, value) in map.iter().filter(|(k, _)| k.as_str() != "before" && k.as_str() != "after") {
        lines.push(format!("{}：{}", field_label(key), show(key, Some(value))));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn before_and_after_read_as_a_change() {
        let text = describe_changes(r#"{"before":{"name":"玉泉村"},"after":{"name":"玉泉社区"}}"#);
        assert_eq!(text, "名称：玉泉村 → 玉泉社区");
        let unchanged = describe_changes(r#"{"before":{"name":"甲","phone":"1"},"after":{"name":"乙","phone":"1"}}"#);
        assert_eq!(unchanged, "名称：甲 → 乙", "unchanged fields are left out");
    }

    #[test]
    fn details_and_removals_read_plainly() {
        assert_eq!(describe_changes(r#"{"reason":"bad_credentials"}"#), "原因：用户名或密码错误");
        assert_eq!(describe_changes(r#"{"before":{"role":"admin"}}"#), "角色：系统管理员（已撤销）");
        assert_eq!(describe_changes("not json"), "not json");
    }
}
