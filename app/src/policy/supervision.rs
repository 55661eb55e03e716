//! What a supervision round checks [Y] 三（四）: the checklist template a round copies when it is planned, each
//! item with its basis in the policy documents, and how long a handed-over problem has to be rectified.

use serde::{Deserialize, Serialize};

/// One item of the supervision checklist and the clause it rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    pub item: String,
    pub basis: String,
}

/// The default checklist, built from the five documents' duties ("five ones" [Y], the cases' limits [F], the
/// monthly comparison [T]).
pub fn default_checklist() -> Vec<ChecklistItem> {
    [
        ("每月摸排和年度集中排查", "[Y] 三（一）（二）：3月底前集中排查，每月动态监测"),
        ("研判会议召开并专人专本记录", "[Y] 三（三）：村、镇街每月召开研判会议，专人专本记录，存档备查"),
        ("走访记录按频次完整", "[Y] 四（三）：监测户每月、预警户每季度至少走访或联系一次，做好入户记录"),
        ("监测和预警台账完整", "[Y] 三（一）：集中排查后建立监测台账、预警台账，动态更新"),
        ("风险案件按期核实办结", "[F] 5：乡镇 5 个工作日内初审，1 个月内完成核实"),
        ("应纳尽纳、规范退出", "[Y] 四（四）：应纳未纳的，严肃处理、追究问责；风险消除须收入持续稳定"),
        ("帮扶措施落实到位", "[Y] 四（四）：帮扶不到位的，严肃处理；[F] 8：落实帮扶措施经民主评议和公示"),
        ("“两不愁三保障”及饮水安全", "[Y] 四（四）：出现原则性问题的，考核一票否决"),
        ("信息采集准确", "[T] 四（二）：每月5-10日信息监测比对，动态更新"),
        ("工作资料按目录归档", "[Y] 四（三）：按照工作资料目录整理归档，区级督查中将作为重点内容"),
    ]
    .into_iter()
    .map(|(item, basis)| ChecklistItem { item: item.into(), basis: basis.into() })
    .collect()
}

/// Working days a handed-over problem has to be rectified, unless the team sets its own deadline.
pub fn default_rectify_working_days() -> u32 {
    20
}

/// The checklist as the policy form writes it: one item a line, `事项｜依据`.
pub fn checklist_text(items: &[ChecklistItem]) -> String {
    items.iter().map(|c| format!("{}｜{}", c.item, c.basis)).collect::<Vec<_>>().join("\n")
}

/// Read the form's lines; none for a line without both parts.
pub fn parse_checklist(text: &str) -> Option<Vec<ChecklistItem>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (item, basis) = line.split_once(['｜', '|'])?;
            let (item, basis) = (item.trim(), basis.trim());
            (!item.is_empty() && !basis.is_empty()).then(|| ChecklistItem { item: item.into(), basis: basis.into() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checklist_reads_as_the_form_writes_it_y() {
        let items = default_checklist();
        assert_eq!(items.len(), 10);
        assert!(items.iter().any(|c| c.item == "工作资料按目录归档" && c.basis.contains("工作资料目录")));
        assert_eq!(parse_checklist(&checklist_text(&items)), Some(items));
        assert_eq!(parse_checklist("研判会议 | [Y] 三（三）").unwrap()[0].item, "研判会议");
        assert_eq!(parse_checklist("只有事项没有依据"), None);
    }
}
