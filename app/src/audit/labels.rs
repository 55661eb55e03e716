//! The audit log in Chinese: the names of actions, records and fields, and each recorded change read as
//! "字段：旧 → 新". It knows every area's codes (statuses, risk items, roles), so it sits above the areas'
//! rules and below the services that show the log.

/// Chinese names of the audited actions.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "auth.login" => "登录",
        "auth.login_failed" => "登录失败",
        "auth.logout" => "退出登录",
        "auth.password_changed" => "修改密码",
        "access.denied" => "访问被拒绝",
        "access.denied_repeated" => "访问被拒绝（同一人同类请求合计）",
        "audit.keyed" => "审计链启用密钥",
        "org.created" => "新建组织单位",
        "org.renamed" => "修改组织单位名称",
        "user.created" => "新建用户",
        "user.updated" => "修改用户信息",
        "user.password_reset" => "重置密码",
        "user.deactivated" => "停用用户",
        "user.reactivated" => "启用用户",
        "user.cadre_profile_set" => "登记干部职级和经验",
        "supervision.round_planned" => "计划专项督查",
        "supervision.round_step" => "推进专项督查",
        "supervision.finding_recorded" => "记录督查问题",
        "supervision.handed_over" => "交办督查问题",
        "supervision.rechecked" => "复核督查问题整改",
        "supervision.carried_over" => "结转督查问题",
        "supervision.evidence_uploaded" => "上传督查问题佐证",
        "supervision.evidence_withdrawn" => "撤回督查问题佐证",
        "supervision.followup_drawn" => "抽取回头看问题",
        "supervision.followup_checked" => "记录回头看结果",
        "crosscheck.planned" => "计划交叉检查",
        "crosscheck.team_formed" => "组建交叉检查组",
        "crosscheck.conflict_declared" => "申报交叉检查回避",
        "crosscheck.paired" => "确认检查组配对",
        "crosscheck.drawn" => "交叉检查抽样",
        "crosscheck.replaced" => "替换抽中农户",
        "user.role_added" => "授予角色",
        "user.role_removed" => "撤销角色",
        "token.created" => "创建 API 令牌",
        "token.revoked" => "吊销 API 令牌",
        "window.granted" => "授予时限访问",
        "window.revoked" => "撤销时限访问",
        "window.used" => "凭时限授权查看",
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
        "household.warning_kinds_set" => "登记防贫预警户类型",
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
        "measures.proposed" => "提出帮扶措施评议",
        "measures.step" => "办理帮扶措施评议步骤",
        "case.department_warning" => "部门再次预警",
        "case.meeting_decision" => "研判会议决定更新案件",
        "evidence.uploaded" => "上传佐证资料",
        "evidence.withdrawn" => "撤回佐证资料",
        "meeting.prepared" => "准备研判会议",
        "meeting.header_saved" => "填写会议信息和参会情况",
        "meeting.item_added" => "增加议题",
        "meeting.item_dropped" => "议题不列入研判",
        "meeting.item_restored" => "恢复议题",
        "meeting.item_moved" => "调整议题顺序",
        "meeting.agenda_refreshed" => "更新议题",
        "meeting.decided" => "记录研判决定",
        "meeting.finalised" => "会议记录提请签发",
        "meeting.sent_back" => "会议记录退回修改",
        "meeting.signed" => "签发会议记录",
        "meeting.amended" => "追加补充说明",
        "notification.settings" => "修改通知设置",
        "print.household_form" => "打印农户表单",
        "print.meeting_book" => "打印会议记录专本",
        "print.meeting_minutes" => "打印会议记录",
        "print.supervision_handover" => "打印督查问题交办单",
        "print.supervision_workpaper" => "打印督查底稿",
        "print.supervision_summary" => "打印专项督查汇总",
        "print.visit_sheets" => "打印走访表",
        "screening.applied" => "导入部门预警",
        "screening.rejected" => "部门预警导入被拒（有错误）",
        "screening.verified" => "核实部门预警",
        "visit.recorded" => "记录走访",
        "visit.amended" => "补充走访记录",
        "visit.photo_uploaded" => "上传走访照片",
        "visit.photo_withdrawn" => "撤回走访照片",
        _ => "其他操作",
    }
}

/// Chinese names of the kinds of record the audit log is about.
pub fn entity_label(entity_type: &str) -> &'static str {
    match entity_type {
        "api_token" => "API 令牌",
        "audit_log" => "审计日志",
        "case" | "cases" => "风险案件",
        "cross_check" => "交叉检查",
        "holiday_notice" => "节假日安排",
        "household" => "农户",
        "household_member" => "家庭成员",
        "import_batch" => "导入批次",
        "meeting" => "研判会议",
        "org_unit" => "组织单位",
        "policy_set" => "政策参数",
        "roster" => "台账",
        "screening_row" => "部门预警",
        "supervision_finding" => "督查问题",
        "supervision_round" => "专项督查",
        "user" => "用户",
        "window_grant" => "时限授权",
        _ => "其他记录",
    }
}

/// Chinese names of the fields that appear in audit records, by key (a policy's own fields are named
/// beside it, in `policy::field_label`).
const FIELD_LABELS: &[(&str, &str)] = &[
    ("name", "名称"),
    ("code", "代码"),
    ("level", "层级"),
    ("role", "角色"),
    ("org_code", "单位代码"),
    ("department", "部门"),
    ("username", "用户名"),
    ("display_name", "姓名"),
    ("phone", "手机"),
    ("email", "邮箱"),
    ("active", "启用"),
    ("cadre_rank", "职级"),
    ("half", "时段"),
    ("starts_on", "开始日期"),
    ("ends_on", "结束日期"),
    ("method", "发现方式"),
    ("severity", "问题性质"),
    ("found_on", "发现日期"),
    ("on_spot_action", "立行立改"),
    ("self_found_case_id", "单位自查案件"),
    ("result", "结论"),
    ("basis", "依据"),
    ("experienced", "经验丰富"),
    ("reason", "原因"),
    ("user_agent", "浏览器"),
    ("sessions_ended", "结束的登录数"),
    ("other_sessions_ended", "结束的登录数"),
    ("requested", "请求的操作"),
    ("user_id", "用户编号"),
    ("right", "权限"),
    ("purpose", "用途"),
    ("starts_at", "开始时间"),
    ("ends_at", "结束时间"),
    ("records", "单位和农户数"),
    ("prefix", "令牌开头"),
    ("revoked_at", "吊销时间"),
    ("households", "农户数"),
    ("users", "用户数"),
    ("seed", "随机种子"),
    ("year", "年度"),
    ("item", "项目"),
    ("status", "结论"),
    ("note", "情况说明"),
    ("assessed_on", "评估日期"),
    ("stage", "状态"),
    ("step", "步骤"),
    ("green_channel", "绿色通道"),
    ("commitment_signed_on", "承诺书签署日期"),
    ("source", "依据"),
    ("days", "天数"),
    ("replaced", "替换原有"),
    ("household", "户编号"),
    ("wage_fen", "工资性收入"),
    ("business_fen", "生产经营性收入"),
    ("property_fen", "财产性收入"),
    ("transfer_fen", "转移性收入"),
    ("medical_fen", "医疗支出"),
    ("schooling_fen", "教育支出"),
    ("disaster_fen", "因灾因意外支出"),
    ("other_rigid_fen", "其他刚性支出"),
    ("address", "住址"),
    ("house_type", "住房类型"),
    ("industry_failure", "产业失败情况"),
    ("disaster_loss", "因灾因意外情况"),
    ("other_hardship", "其他特殊困难"),
    ("contact_user_id", "监测联系人（用户编号）"),
    ("liaison_user_id", "挂钩干部（用户编号）"),
    ("resident_id", "身份证号"),
    ("relation", "与户主关系"),
    ("labour_capacity", "劳动能力"),
    ("health", "健康状况"),
    ("schooling", "在校情况"),
    ("co_residence_note", "共同生活情况"),
    ("member_id", "成员编号"),
    ("head", "户主"),
    ("dibao_status", "低保状态"),
    ("dibao_taper_until", "低保渐退期至"),
    ("class", "监测类别"),
    ("basis_date", "依据日期"),
    ("file", "文件"),
    ("rows", "行数"),
    ("members", "成员"),
    ("errors", "错误行数"),
    ("skipped", "跳过行数"),
    ("full_ids", "含完整身份证号"),
    ("risk_type", "风险类型"),
    ("owner_user_id", "责任人（用户编号）"),
    ("deadline", "期限"),
    ("red_alert", "红色预警"),
    ("description", "情况描述"),
    ("case_id", "案件编号"),
    ("visit_id", "走访编号"),
    ("visitor_user_id", "走访人（用户编号）"),
    ("visited_on", "走访日期"),
    ("mode", "走访方式"),
    ("sweep", "集中排查"),
    ("checklist", "两不愁三保障及饮水安全"),
    ("finance_note", "收支情况"),
    ("income_year", "收入年度"),
    ("problems", "发现的问题"),
    ("assistance", "帮扶情况"),
    ("ledger_class", "台账类别"),
    ("acknowledgement", "农户确认"),
    ("acknowledged_by", "确认人"),
    ("addendum_id", "补充说明编号"),
    ("text", "内容"),
    ("meeting_id", "会议编号"),
    ("month", "月份"),
    ("held_on", "会议日期"),
    ("place", "地点"),
    ("guests", "列席人员"),
    ("present", "参会人员"),
    ("recorder_user_id", "记录人（用户编号）"),
    ("item_id", "议题编号"),
    ("title", "议题"),
    ("items", "议题数"),
    ("items_added", "新增议题数"),
    ("position", "顺序"),
    ("analysis", "情况分析"),
    ("decision", "研判决定"),
    ("action", "处理方式"),
    ("responsible_person", "责任人"),
    ("case_step", "案件步骤"),
    ("renamed", "更名"),
    ("meetings", "会议数"),
    ("sheets", "份数"),
    ("evidence_id", "佐证资料编号"),
    ("file_name", "文件名"),
    ("sha256", "文件指纹"),
    ("warning", "预警内容"),
    ("resolution", "处理结果"),
    ("email_off", "关闭邮件提醒"),
    ("form", "表单"),
    ("full_resident_ids", "含完整身份证号"),
    ("preset", "政策预设"),
    ("absent", "缺席人员"),
    ("attached_to", "所属"),
    ("chair", "主持人"),
    ("contact", "监测联系人"),
    ("date", "日期"),
    ("dropped", "未列入"),
    ("kind", "类别"),
    ("liaison", "挂钩干部"),
    ("mime", "文件类型"),
    ("missing", "缺少"),
    ("notice_start", "公示开始"),
    ("notice_end", "公示结束"),
    ("number", "编号"),
    ("opened", "立案数"),
    ("signed", "已签字"),
    ("signed_on", "签署日期"),
    ("size_bytes", "文件大小（字节）"),
    ("unmatched", "未匹配"),
    ("updated", "更新数"),
    ("visit", "走访"),
    ("visitor", "走访人"),
    ("working_days", "工作日数"),
    ("entries", "条目"),
    ("by", "操作人"),
    ("at", "时间"),
    ("field", "字段"),
    ("message", "说明"),
    ("group", "村民小组"),
    ("status_note", "状态说明"),
    ("repeated", "重复"),
    ("count", "此后又被拒绝次数"),
    ("since", "自"),
    ("until", "至"),
    ("units", "涉及单位"),
    ("unkeyed_until", "此前未加密钥的记录截至序号"),
];

/// The Chinese name of a field in an audit record; an unknown key is shown as it is.
fn field_label(key: &str) -> &str {
    crate::policy::field_label(key)
        .or_else(|| FIELD_LABELS.iter().find(|(k, _)| *k == key).map(|(_, label)| *label))
        .unwrap_or(key)
}

/// The Chinese label of an enum value as records store it: its serde name (`"AtRisk"`) or its code
/// (`"at_risk"`).
fn enum_label<T: serde::de::DeserializeOwned + Copy>(
    value: &serde_json::Value,
    parse: fn(&str) -> Option<T>,
    label: fn(T) -> &'static str,
) -> Option<String> {
    let parsed = serde_json::from_value::<T>(value.clone()).ok().or_else(|| value.as_str().and_then(parse));
    parsed.map(|v| label(v).to_string())
}

/// A stored value in Chinese: enums by their labels (the key says which enum), yes and no, amounts in
/// fen as yuan, lists and nested records field by field; never JSON.
fn show(key: &str, value: Option<&serde_json::Value>) -> String {
    use crate::cases::{RiskType, Status};
    use crate::risk::{AssessmentStatus, SecurityItem};
    use serde_json::Value;
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return "（空）".to_string();
    };
    let label = match key {
        "role" => enum_label(value, crate::permissions::Role::parse, crate::permissions::Role::label),
        "item" => enum_label(value, SecurityItem::parse, SecurityItem::label),
        "status" => enum_label(value, AssessmentStatus::parse, AssessmentStatus::label)
            .or_else(|| enum_label(value, Status::parse, Status::label))
            .or_else(|| {
                enum_label(value, crate::meetings::MeetingStatus::parse, crate::meetings::MeetingStatus::label)
            }),
        "risk_type" => enum_label(value, RiskType::parse, RiskType::label),
        "deductible_items" => match value {
            Value::Array(items) => Some(
                items
                    .iter()
                    .map(|i| {
                        enum_label(i, |_| None, crate::policy::ExpenseItem::label).unwrap_or_else(|| show("", Some(i)))
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            _ => None,
        },
        "sweep_deadline" => match value.as_array().map(Vec::as_slice) {
            Some([month, day]) => Some(format!("{} 月 {} 日", show("", Some(month)), show("", Some(day)))),
            _ => None,
        },
        "liaison_min_rank" => enum_label(value, crate::policy::CadreRank::parse, crate::policy::CadreRank::label),
        "visit_every" => serde_json::from_value::<crate::policy::Cadence>(value.clone()).ok().map(|c| c.label()),
        "verification" => serde_json::from_value::<crate::policy::TimeLimit>(value.clone()).ok().map(|t| t.label()),
        "requested" => value.as_str().and_then(crate::permissions::Action::parse).map(|a| a.label().to_string()),
        "reason" => value.as_str().and_then(login_refusal).map(str::to_string),
        "since" | "until" => value.as_str().map(crate::time::beijing_time_of),
        _ if key.ends_with("_fen") => value.as_i64().map(|fen| format!("{}.{:02} 元", fen / 100, (fen % 100).abs())),
        _ => None,
    };
    if let Some(label) = label {
        return label;
    }
    match value {
        Value::Bool(true) => "是".to_string(),
        Value::Bool(false) => "否".to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "（无）".to_string(),
        Value::Array(items) => items.iter().map(|v| show(key, Some(v))).collect::<Vec<_>>().join("；"),
        Value::Object(fields) => fields
            .iter()
            .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
            .map(|(k, v)| format!("{}：{}", field_label(k), show(k, Some(v))))
            .collect::<Vec<_>>()
            .join("，"),
        other => other.to_string(),
    }
}

/// Why a sign-in was refused, as the login records store it.
fn login_refusal(code: &str) -> Option<&'static str> {
    match code {
        "bad_credentials" => Some("用户名或密码错误"),
        "throttled" => Some("失败次数过多，暂停登录"),
        "inactive" => Some("账号已停用"),
        _ => None,
    }
}

/// A readable summary of an audit record's `changes` JSON: "名称：玉泉村 → 玉泉社区" for before/after
/// pairs, "字段：值" for event details, one per line. Text that is not JSON is returned as it is.
pub fn describe_changes(changes: &str) -> String {
    use serde_json::Value;
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
    fn enums_amounts_and_lists_read_in_chinese() {
        let visit = r#"{"after":{"checklist":[{"item":"Food","status":"AtRisk","note":""}],"problems":[]}}"#;
        assert_eq!(describe_changes(visit), "两不愁三保障及饮水安全：项目：不愁吃，结论：有风险\n发现的问题：（无）");
        let income = r#"{"year":2026,"before":{"wage_fen":120050},"after":{"wage_fen":150000}}"#;
        assert_eq!(describe_changes(income), "工资性收入：1200.50 元 → 1500.00 元\n年度：2026");
        assert_eq!(describe_changes(r#"{"status":"verifying"}"#), "结论：核实中");
    }

    #[test]
    fn a_saved_policy_reads_in_chinese() {
        use crate::policy::presets::{Preset, preset};
        let before = preset(Preset::Yihe2022);
        let mut after = before.clone();
        after.monitoring_line_yuan += 500;
        after.deductible_items.pop();
        after.categories[0].visit_every = crate::policy::Cadence::Weeks { weeks: 1 };
        after.verification = crate::policy::TimeLimit::Months { months: 1 };
        after.sweep_deadline = (4, 30);
        let changes = serde_json::json!({ "before": before, "after": after, "preset": null }).to_string();
        let text = describe_changes(&changes);
        let english = ascii_words(&text);
        assert!(english.is_empty(), "English in {text}: {english:?}");
        assert!(
            text.contains(&format!("监测线（元）：{} → {}", before.monitoring_line_yuan, after.monitoring_line_yuan)),
            "{text}"
        );
        assert!(text.contains("年度排查截止（月、日）：3 月 31 日 → 4 月 30 日"), "{text}");
        assert!(text.contains("走访周期：每月") && text.contains("走访周期：每周"), "{text}");
        assert!(text.contains("核实时限：30 天 → 1 个月"), "{text}");
        assert!(text.contains("可扣除的支出：医疗支出、"), "{text}");
    }

    /// Runs of two or more ASCII letters or underscores: identifiers that should have been labels.
    fn ascii_words(text: &str) -> Vec<String> {
        text.split(|c: char| !(c.is_ascii_alphabetic() || c == '_'))
            .filter(|w| w.len() >= 2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn details_and_removals_read_plainly() {
        assert_eq!(describe_changes(r#"{"reason":"bad_credentials"}"#), "原因：用户名或密码错误");
        assert_eq!(describe_changes(r#"{"before":{"role":"admin"}}"#), "角色：系统管理员（已撤销）");
        assert_eq!(describe_changes("not json"), "not json");
    }
}
