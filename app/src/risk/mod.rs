//! Explainable risk rules: every household is evaluated against its policy, and every flag carries its
//! reason in Chinese with the numbers ("转移性收入占比 46%，超过 40%") and the source document's tag.
//! Pure functions of the household's facts and the policy, so they run anywhere and are tested with
//! the seeds' own numbers.

use serde::{Deserialize, Serialize};

use crate::policy::{ExpenseItem, Policy};

/// 两不愁三保障 and drinking water.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum SecurityItem {
    Food,
    Clothing,
    Education,
    Medical,
    Housing,
    Water,
}

impl SecurityItem {
    pub const ALL: [SecurityItem; 6] = [
        SecurityItem::Food,
        SecurityItem::Clothing,
        SecurityItem::Education,
        SecurityItem::Medical,
        SecurityItem::Housing,
        SecurityItem::Water,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SecurityItem::Food => "food",
            SecurityItem::Clothing => "clothing",
            SecurityItem::Education => "education",
            SecurityItem::Medical => "medical",
            SecurityItem::Housing => "housing",
            SecurityItem::Water => "water",
        }
    }

    pub fn parse(text: &str) -> Option<SecurityItem> {
        SecurityItem::ALL.into_iter().find(|i| i.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            SecurityItem::Food => "不愁吃",
            SecurityItem::Clothing => "不愁穿",
            SecurityItem::Education => "义务教育有保障",
            SecurityItem::Medical => "基本医疗有保障",
            SecurityItem::Housing => "住房安全有保障",
            SecurityItem::Water => "饮水安全有保障",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum AssessmentStatus {
    Ok,
    AtRisk,
    Failed,
}

impl AssessmentStatus {
    pub const ALL: [AssessmentStatus; 3] = [AssessmentStatus::Ok, AssessmentStatus::AtRisk, AssessmentStatus::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentStatus::Ok => "ok",
            AssessmentStatus::AtRisk => "at_risk",
            AssessmentStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<AssessmentStatus> {
        AssessmentStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            AssessmentStatus::Ok => "达标",
            AssessmentStatus::AtRisk => "有风险",
            AssessmentStatus::Failed => "未达标",
        }
    }
}

/// Labour capacity as recorded for a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Labour {
    /// 普通劳动力
    Full,
    /// 弱劳动力 / 半劳动力
    Weak,
    /// 丧失劳动力
    Lost,
    /// 无劳动力 (children, the very old)
    None,
}

impl Labour {
    pub fn from_label(label: &str) -> Labour {
        match label {
            "普通劳动力" | "技能劳动力" => Labour::Full,
            "弱劳动力" | "半劳动力" => Labour::Weak,
            "丧失劳动力" => Labour::Lost,
            _ => Labour::None,
        }
    }

    /// Labour units: a full labourer 1, a weak or half labourer 0.5 [G].
    fn units(self) -> f64 {
        match self {
            Labour::Full => 1.0,
            Labour::Weak => 0.5,
            Labour::Lost | Labour::None => 0.0,
        }
    }
}

/// What the rules need to know about one member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberFacts {
    pub name: String,
    pub age: i32,
    pub labour: Labour,
    /// 大病 / 重病
    pub serious_illness: bool,
    /// 高中, 中职, 大专及以上: schooling beyond the compulsory years.
    pub non_compulsory_schooling: bool,
}

/// One year's income and expenditure, in fen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeFacts {
    pub wage_fen: i64,
    pub business_fen: i64,
    pub property_fen: i64,
    pub transfer_fen: i64,
    /// Rigid expenditure by item.
    pub medical_fen: i64,
    pub schooling_fen: i64,
    pub disaster_fen: i64,
    pub other_rigid_fen: i64,
}

impl IncomeFacts {
    pub fn total_fen(&self) -> i64 {
        self.wage_fen + self.business_fen + self.property_fen + self.transfer_fen
    }

    pub fn item_fen(&self, item: ExpenseItem) -> i64 {
        match item {
            ExpenseItem::Medical => self.medical_fen,
            ExpenseItem::Schooling => self.schooling_fen,
            ExpenseItem::Disaster => self.disaster_fen,
            ExpenseItem::Other => self.other_rigid_fen,
        }
    }

    /// All rigid expenditure.
    pub fn rigid_fen(&self) -> i64 {
        ExpenseItem::ALL.iter().map(|i| self.item_fen(*i)).sum()
    }

    /// What the policy deducts before comparing with the lines: the items it counts as compliant large
    /// expenditure [Y], nothing where it deducts none.
    pub fn deduction_fen(&self, policy: &Policy) -> i64 {
        if !policy.deduct_large_expenditure {
            return 0;
        }
        policy.deductible_items.iter().map(|i| self.item_fen(*i)).sum()
    }
}

/// Everything the rules look at.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HouseholdFacts {
    pub members: Vec<MemberFacts>,
    pub income: Option<IncomeFacts>,
    pub last_year_income: Option<IncomeFacts>,
    pub assessments: Vec<(SecurityItem, AssessmentStatus)>,
    /// Typical feature 6: the only house is an adobe house (土坯房).
    pub only_adobe_house: bool,
    /// Typical feature 7: how industry failed through force majeure, as recorded.
    pub industry_failure: Option<String>,
    /// Typical feature 8: the disaster, accident or epidemic that took the main labourer or caused major
    /// cost or loss, as recorded.
    pub disaster_loss: Option<String>,
    /// Typical feature 10: other special hardship, set by hand with its reason.
    pub other_hardship: Option<String>,
}

/// What a flag is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RiskKind {
    BelowRedAlertLine,
    BelowMonitoringLine,
    BelowWarningLine,
    /// One of Ganzhou's ten typical features (1–10).
    TypicalFeature(u8),
    SecurityFailed(SecurityItem),
    SecurityAtRisk(SecurityItem),
    RigidExpenditureExceedsIncome,
    IncomeDrop,
}

/// One reason a household is at risk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RiskFlag {
    pub kind: RiskKind,
    /// The reason in Chinese, with the numbers.
    pub reason: String,
    /// The source document's tag ([T], [Y], [F], [H], [G]).
    pub source: String,
}

/// The verdict for one household under one policy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub flags: Vec<RiskFlag>,
    /// 红色预警: below the red-alert line or any 两不愁三保障 item failed [T][H].
    pub red_alert: bool,
    /// The household meets the policy's test for a monitoring object.
    pub monitoring_object: bool,
    /// The household falls in the warning band (between the monitoring and the warning line) [Y].
    pub warning_object: bool,
    /// Per-capita net income in yuan, after the deductions the policy allows.
    pub per_capita_income_yuan: Option<i64>,
}

fn yuan(fen: i64) -> String {
    format!("{} 元", fen / 100)
}

fn flag(kind: RiskKind, reason: String, source: &str) -> RiskFlag {
    RiskFlag { kind, reason, source: source.into() }
}

/// Evaluate a household against a policy: the income lines, 两不愁三保障, expenditure and income drops,
/// then the typical features, in that order of flags.
pub fn evaluate(facts: &HouseholdFacts, policy: &Policy) -> Evaluation {
    let size = facts.members.len() as i64;
    // Per-capita net income after the deductions the policy allows.
    let per_capita_fen =
        facts.income.as_ref().filter(|_| size > 0).map(|i| (i.total_fen() - i.deduction_fen(policy)) / size);
    let typical = typical_features(facts, policy);
    let mut verdict = Evaluation { per_capita_income_yuan: per_capita_fen.map(|f| f / 100), ..Default::default() };
    if let Some(pc) = per_capita_fen {
        income_lines(&mut verdict, pc / 100, policy, !typical.is_empty());
    }
    security_items(&mut verdict, facts);
    expenditure_and_drop(&mut verdict.flags, facts, policy);
    verdict.flags.extend(typical);
    verdict
}

/// The income lines: per-capita income below the red-alert line, the monitoring line (a monitoring object
/// only with a typical feature where the policy requires one) or the warning line.
fn income_lines(verdict: &mut Evaluation, pc_yuan: i64, policy: &Policy, has_typical: bool) {
    let basis =
        if policy.deduct_large_expenditure { "扣除合规大额支出后人均纯收入" } else { "人均纯收入" };
    if let Some(red) = policy.red_alert_line_yuan
        && pc_yuan < red
    {
        verdict.red_alert = true;
        verdict.flags.push(flag(
            RiskKind::BelowRedAlertLine,
            format!("{basis} {pc_yuan} 元，低于红色预警线 {red} 元"),
            "T",
        ));
    }
    if pc_yuan < policy.monitoring_line_yuan {
        if policy.require_typical_feature && !has_typical {
            verdict.flags.push(flag(
                RiskKind::BelowMonitoringLine,
                format!(
                    "{basis} {pc_yuan} 元，低于监测线 {} 元，但未发现典型特征，暂不作为监测对象",
                    policy.monitoring_line_yuan
                ),
                "G",
            ));
        } else {
            verdict.monitoring_object = true;
            verdict.flags.push(flag(
                RiskKind::BelowMonitoringLine,
                format!("{basis} {pc_yuan} 元，低于监测线 {} 元", policy.monitoring_line_yuan),
                if policy.deduct_large_expenditure { "Y" } else { "T" },
            ));
        }
    } else if let Some(warning) = policy.warning_line_yuan
        && pc_yuan < warning
    {
        verdict.warning_object = true;
        verdict.flags.push(flag(
            RiskKind::BelowWarningLine,
            format!("{basis} {pc_yuan} 元，低于预警线 {warning} 元"),
            "Y",
        ));
    }
}

/// 两不愁三保障 and water [T][H][F]: a failed item is a red alert and a monitoring object, an item at risk a flag.
fn security_items(verdict: &mut Evaluation, facts: &HouseholdFacts) {
    for (item, status) in &facts.assessments {
        match status {
            AssessmentStatus::Failed => {
                verdict.red_alert = true;
                verdict.monitoring_object = true;
                verdict.flags.push(flag(RiskKind::SecurityFailed(*item), format!("“{}”未达标", item.label()), "T"));
            }
            AssessmentStatus::AtRisk => {
                verdict.flags.push(flag(RiskKind::SecurityAtRisk(*item), format!("“{}”存在风险", item.label()), "F"));
            }
            AssessmentStatus::Ok => {}
        }
    }
}

/// Rigid expenditure above last year's income, and income dropped by the policy's share [T].
fn expenditure_and_drop(flags: &mut Vec<RiskFlag>, facts: &HouseholdFacts, policy: &Policy) {
    let (Some(now), Some(before)) = (&facts.income, &facts.last_year_income) else {
        return;
    };
    if now.rigid_fen() > before.total_fen() && now.rigid_fen() > 0 {
        flags.push(flag(
            RiskKind::RigidExpenditureExceedsIncome,
            format!("刚性支出 {}，超过上年度收入 {}", yuan(now.rigid_fen()), yuan(before.total_fen())),
            "T",
        ));
    }
    if before.total_fen() > 0 {
        let drop = (before.total_fen() - now.total_fen()) * 100 / before.total_fen();
        if drop >= i64::from(policy.income_drop_pct) {
            flags.push(flag(
                RiskKind::IncomeDrop,
                format!(
                    "家庭收入由 {}降至 {}，减少 {drop}%（达到本地设定的 {}%）",
                    yuan(before.total_fen()),
                    yuan(now.total_fen()),
                    policy.income_drop_pct
                ),
                "T",
            ));
        }
    }
}

/// Ganzhou's ten typical features [G], in their order.
fn typical_features(facts: &HouseholdFacts, policy: &Policy) -> Vec<RiskFlag> {
    let mut typical = income_and_labour_features(facts, policy);
    typical.extend(illness_feature(facts));
    typical.extend(circumstance_features(facts));
    typical.extend(care_feature(facts));
    if let Some(reason) = &facts.other_hardship {
        typical.push(flag(RiskKind::TypicalFeature(10), format!("其他特殊困难：{reason}"), "G"));
    }
    typical
}

/// Typical features 1–3: a high share of transfer income, a low labour coefficient, labour without
/// industry or wage income.
fn income_and_labour_features(facts: &HouseholdFacts, policy: &Policy) -> Vec<RiskFlag> {
    let mut typical = Vec::new();
    let labour_units: f64 = facts.members.iter().map(|m| m.labour.units()).sum();
    if let Some(income) = &facts.income
        && income.total_fen() > 0
    {
        // "超过40%" compares the exact share: 40.9 % is over 40 %, 40 % itself is not.
        let limit = i64::from(policy.transfer_share_limit_pct);
        if income.transfer_fen * 100 > limit * income.total_fen() {
            let share = income.transfer_fen as f64 * 100.0 / income.total_fen() as f64;
            typical.push(flag(
                RiskKind::TypicalFeature(1),
                format!("转移性收入占比 {}%，超过 {limit}%", percent(share)),
                "G",
            ));
        }
    }
    if !facts.members.is_empty() && labour_units * 100.0 <= f64::from(policy.labour_coefficient_limit_pct) {
        typical.push(flag(
            RiskKind::TypicalFeature(2),
            format!(
                "家庭劳动力系数 {labour_units:.1}，不高于 {:.1}",
                f64::from(policy.labour_coefficient_limit_pct) / 100.0
            ),
            "G",
        ));
    }
    if let Some(income) = &facts.income
        && labour_units > 0.0
        && income.wage_fen == 0
        && income.business_fen == 0
    {
        typical.push(flag(RiskKind::TypicalFeature(3), "有劳动力但无产业、无务工收入".into(), "G"));
    }
    typical
}

/// Typical feature 4: a member seriously ill, or of working age and unable to work.
fn illness_feature(facts: &HouseholdFacts) -> Option<RiskFlag> {
    let ill: Vec<&str> = facts.members.iter().filter(|m| m.serious_illness).map(|m| m.name.as_str()).collect();
    let lost_main: Vec<&str> = facts
        .members
        .iter()
        .filter(|m| m.labour == Labour::Lost && (16..=60).contains(&m.age))
        .map(|m| m.name.as_str())
        .collect();
    if ill.is_empty() && lost_main.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !ill.is_empty() {
        parts.push(format!("{}患大病重病", ill.join("、")));
    }
    if !lost_main.is_empty() {
        parts.push(format!("{}正值劳动年龄却丧失劳动能力", lost_main.join("、")));
    }
    Some(flag(RiskKind::TypicalFeature(4), parts.join("；"), "G"))
}

/// Typical features 5–8: two or more children in non-compulsory schooling, an adobe house as the only
/// home, industry failed through force majeure, a disaster, accident or epidemic.
fn circumstance_features(facts: &HouseholdFacts) -> Vec<RiskFlag> {
    let mut typical = Vec::new();
    let students = facts.members.iter().filter(|m| m.non_compulsory_schooling).count();
    if students >= 2 {
        typical.push(flag(RiskKind::TypicalFeature(5), format!("{students} 个子女接受非义务教育"), "G"));
    }
    if facts.only_adobe_house {
        typical.push(flag(RiskKind::TypicalFeature(6), "唯一住房为土坯房".into(), "G"));
    }
    if let Some(what) = &facts.industry_failure {
        typical.push(flag(RiskKind::TypicalFeature(7), format!("因不可抗力导致产业失败：{what}"), "G"));
    }
    if let Some(what) = &facts.disaster_loss {
        typical.push(flag(
            RiskKind::TypicalFeature(8),
            format!("因灾、因意外或疫情导致主要劳动力丧失或大额支出、收入骤减：{what}"),
            "G",
        ));
    }
    typical
}

/// A percentage with one decimal, without a trailing ".0" (46 %, 40.9 %).
fn percent(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// Typical feature 9: a child with no adult at home, or old people with nobody at home able to support them.
fn care_feature(facts: &HouseholdFacts) -> Option<RiskFlag> {
    let has_guardian = facts.members.iter().any(|m| (18..=65).contains(&m.age));
    let has_supporter = facts.members.iter().any(|m| (18..=59).contains(&m.age) || m.labour.units() > 0.0);
    // "16周岁以下…60周岁以上": 以下 and 以上 include the number itself (民法典第一千二百五十九条).
    let minors: Vec<&str> = facts.members.iter().filter(|m| m.age <= 16).map(|m| m.name.as_str()).collect();
    let elders: Vec<&str> = facts.members.iter().filter(|m| m.age >= 60).map(|m| m.name.as_str()).collect();
    if !minors.is_empty() && !has_guardian {
        Some(flag(
            RiskKind::TypicalFeature(9),
            format!("16 周岁以下的{}无共同生活的法定监护人", minors.join("、")),
            "G",
        ))
    } else if !elders.is_empty() && !has_supporter {
        Some(flag(
            RiskKind::TypicalFeature(9),
            format!("60 周岁以上的{}无共同生活的赡养人，且家中无劳动力", elders.join("、")),
            "G",
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
