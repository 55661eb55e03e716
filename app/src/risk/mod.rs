//! Explainable risk rules: every household is evaluated against its policy, and every flag carries its
//! reason in Chinese with the numbers ("转移性收入占比 46%，超过 40%") and the source document's tag.
//! Pure functions of the household's facts and the policy, so they run anywhere and are tested with
//! the seeds' own numbers.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::policy::Policy;

mod facts;
mod groups;
mod roster;

pub use facts::{ChildStatus, Health, HouseType, HouseholdFacts, IncomeFacts, Labour, MemberFacts, Schooling};
pub use groups::{SpecialGroup, SpecialGroupMembers, special_groups};
pub use roster::{RosterCheck, formerly_poor_roster};

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
    /// A candidate for identification (纳入监测对象的候选): a monitoring object by the lines, or a household
    /// whose rigid expenditure or income drop [T], or whose 两不愁三保障 risk it cannot solve itself [Y], puts
    /// it in the monitoring scope. The village verifies and decides; nothing is identified automatically.
    #[serde(default)]
    pub candidate: bool,
    /// Per-capita net income in yuan, after the deductions the policy allows.
    pub per_capita_income_yuan: Option<i64>,
    /// The members counted: those living with the household [T] "以实际共同生活为准".
    #[serde(default)]
    pub members_counted: usize,
    /// Registered members left out because they do not live with the household (户在人不在).
    #[serde(default)]
    pub members_away: Vec<String>,
    /// The special groups among the members [F].
    #[serde(default)]
    pub special_groups: Vec<SpecialGroupMembers>,
}

fn yuan(fen: i64) -> String {
    format!("{} 元", fen / 100)
}

fn flag(kind: RiskKind, reason: String, source: &str) -> RiskFlag {
    RiskFlag { kind, reason, source: source.into() }
}

/// Evaluate a household against a policy: the income lines, 两不愁三保障, expenditure and income drops,
/// then the typical features, in that order of flags. Only members living with the household count [T].
pub fn evaluate(facts: &HouseholdFacts, policy: &Policy) -> Evaluation {
    let away: Vec<String> = facts.members.iter().filter(|m| !m.co_resident).map(|m| m.name.clone()).collect();
    let living = if away.is_empty() {
        Cow::Borrowed(facts)
    } else {
        Cow::Owned(HouseholdFacts {
            members: facts.members.iter().filter(|m| m.co_resident).cloned().collect(),
            ..facts.clone()
        })
    };
    let facts = living.as_ref();
    let size = facts.members.len() as i64;
    // Per-capita net income after the deductions the policy allows.
    let per_capita_fen =
        facts.income.as_ref().filter(|_| size > 0).map(|i| (i.total_fen() - i.deduction_fen(policy)) / size);
    let typical = typical_features(facts, policy);
    let mut verdict = Evaluation {
        per_capita_income_yuan: per_capita_fen.map(|f| f / 100),
        members_counted: facts.members.len(),
        members_away: away,
        special_groups: special_groups(facts, policy),
        ..Default::default()
    };
    if let Some(pc) = per_capita_fen {
        income_lines(&mut verdict, pc / 100, policy, !typical.is_empty());
    }
    security_items(&mut verdict, facts, policy);
    expenditure_and_drop(&mut verdict.flags, facts, policy);
    verdict.flags.extend(typical);
    verdict.candidate = verdict.monitoring_object
        || verdict.flags.iter().any(|f| {
            matches!(f.kind, RiskKind::RigidExpenditureExceedsIncome | RiskKind::IncomeDrop)
                || matches!(f.kind, RiskKind::SecurityAtRisk(_)) && !can_help_itself(facts, policy)
        });
    verdict
}

/// The household's labour coefficient in hundredths (a full labourer 100).
fn labour_pct(facts: &HouseholdFacts, policy: &Policy) -> u32 {
    facts.members.iter().map(|m| m.labour.units_pct(policy)).sum()
}

/// Whether the household has the labour to solve a 两不愁三保障 risk itself: a labour coefficient above the
/// policy's limit [Y] "“两不愁三保障”有风险自身无能力解决户".
fn can_help_itself(facts: &HouseholdFacts, policy: &Policy) -> bool {
    labour_pct(facts, policy) > policy.labour_coefficient_limit_pct
}

/// The income lines: per-capita income below the red-alert line, the monitoring line (a monitoring object
/// only with a typical feature where the policy requires one) or the warning line. Each flag names the
/// policy in force as its source: Fujian's 7152 line is [F], a county's own line its own document.
fn income_lines(verdict: &mut Evaluation, pc_yuan: i64, policy: &Policy, has_typical: bool) {
    let basis =
        if policy.deduct_large_expenditure { "扣除合规大额支出后人均纯收入" } else { "人均纯收入" };
    let source = policy.source_tag();
    if let Some(red) = policy.red_alert_line_yuan
        && pc_yuan < red
    {
        verdict.red_alert = true;
        verdict.flags.push(flag(
            RiskKind::BelowRedAlertLine,
            format!("{basis} {pc_yuan} 元，低于红色预警线 {red} 元"),
            &source,
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
                &source,
            ));
        } else {
            verdict.monitoring_object = true;
            verdict.flags.push(flag(
                RiskKind::BelowMonitoringLine,
                format!("{basis} {pc_yuan} 元，低于监测线 {} 元", policy.monitoring_line_yuan),
                &source,
            ));
        }
    } else if let Some(warning) = policy.warning_line_yuan
        && pc_yuan < warning
    {
        verdict.warning_object = true;
        verdict.flags.push(flag(
            RiskKind::BelowWarningLine,
            format!("{basis} {pc_yuan} 元，低于预警线 {warning} 元"),
            &source,
        ));
    }
}

/// 两不愁三保障 and water [T][H][F]: a failed item is a red alert and a monitoring object, an item at risk a
/// flag, which says so when the household lacks the labour to solve it itself [Y].
fn security_items(verdict: &mut Evaluation, facts: &HouseholdFacts, policy: &Policy) {
    let helpless = !can_help_itself(facts, policy);
    for (item, status) in &facts.assessments {
        match status {
            AssessmentStatus::Failed => {
                verdict.red_alert = true;
                verdict.monitoring_object = true;
                verdict.flags.push(flag(RiskKind::SecurityFailed(*item), format!("“{}”未达标", item.label()), "T"));
            }
            AssessmentStatus::AtRisk if helpless => {
                verdict.flags.push(flag(
                    RiskKind::SecurityAtRisk(*item),
                    format!(
                        "“{}”存在风险，家庭劳动力系数 {}，自身无能力解决",
                        item.label(),
                        coefficient(labour_pct(facts, policy))
                    ),
                    "Y",
                ));
            }
            AssessmentStatus::AtRisk => {
                verdict.flags.push(flag(RiskKind::SecurityAtRisk(*item), format!("“{}”存在风险", item.label()), "F"));
            }
            AssessmentStatus::Ok => {}
        }
    }
}

/// A labour coefficient in hundredths as one decimal (50 → 0.5).
fn coefficient(pct: u32) -> String {
    format!("{:.1}", f64::from(pct) / 100.0)
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
    typical.extend(illness_feature(facts, policy));
    typical.extend(circumstance_features(facts));
    typical.extend(care_feature(facts, policy));
    if let Some(reason) = &facts.other_hardship {
        typical.push(flag(RiskKind::TypicalFeature(10), format!("其他特殊困难：{reason}"), "G"));
    }
    typical
}

/// Typical features 1–3: a high share of transfer income, a low labour coefficient, labour without
/// industry or wage income.
fn income_and_labour_features(facts: &HouseholdFacts, policy: &Policy) -> Vec<RiskFlag> {
    let mut typical = Vec::new();
    let labour = labour_pct(facts, policy);
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
    if !facts.members.is_empty() && labour <= policy.labour_coefficient_limit_pct {
        typical.push(flag(
            RiskKind::TypicalFeature(2),
            format!(
                "家庭劳动力系数 {}，不高于 {}",
                coefficient(labour),
                coefficient(policy.labour_coefficient_limit_pct)
            ),
            "G",
        ));
    }
    if let Some(income) = &facts.income
        && labour > 0
        && income.wage_fen == 0
        && income.business_fen == 0
    {
        typical.push(flag(RiskKind::TypicalFeature(3), "有劳动力但无产业、无务工收入".into(), "G"));
    }
    typical
}

/// Typical feature 4 [G] "家中有1个或以上大病病人导致年度自付医疗费用负担过重或丧失主要劳动力": a seriously ill
/// member whose illness took a labourer of working age, or a year's medical bills at or above the
/// policy's out-of-pocket threshold (a local setting: [G] names no number).
fn illness_feature(facts: &HouseholdFacts, policy: &Policy) -> Option<RiskFlag> {
    let ill: Vec<&MemberFacts> = facts.members.iter().filter(|m| m.health == Health::Serious).collect();
    if ill.is_empty() {
        return None;
    }
    let names = |members: &[&MemberFacts]| members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、");
    let (youngest, oldest) = policy.working_ages;
    let lost: Vec<&MemberFacts> =
        ill.iter().copied().filter(|m| m.labour == Labour::Lost && (youngest..=oldest).contains(&m.age)).collect();
    let medical_fen = facts.income.as_ref().map_or(0, |i| i.medical_fen);
    let threshold_fen = policy.illness_out_of_pocket_yuan * 100;
    let mut parts = Vec::new();
    if !lost.is_empty() {
        parts.push(format!("{}患大病重病，正值劳动年龄却丧失劳动能力", names(&lost)));
    }
    if medical_fen >= threshold_fen {
        parts.push(format!(
            "{}患大病重病，年度自付医疗费用 {}（达到本地设定的 {}）",
            names(&ill),
            yuan(medical_fen),
            yuan(threshold_fen)
        ));
    }
    (!parts.is_empty()).then(|| flag(RiskKind::TypicalFeature(4), parts.join("；"), "G"))
}

/// Typical features 5–8: two or more children in non-compulsory schooling, an adobe house as the only
/// home, industry failed through force majeure, a disaster, accident or epidemic.
fn circumstance_features(facts: &HouseholdFacts) -> Vec<RiskFlag> {
    let mut typical = Vec::new();
    let students = facts.members.iter().filter(|m| m.schooling.beyond_compulsory()).count();
    if students >= 2 {
        typical.push(flag(RiskKind::TypicalFeature(5), format!("{students} 个子女接受非义务教育"), "G"));
    }
    if facts.house == HouseType::Adobe {
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

/// Typical feature 9 [G] "16周岁以下且无法定监护人、60周岁以上且无法定赡养人": a minor with no guardian named in
/// the register and no adult living with them, or an elder with no supporter named and no younger adult
/// at home able to work (an elder's own labour does not support them). 以下 and 以上 include the number itself (民法典第一千二百五十九条). The reason
/// says what the verdict rests on.
fn care_feature(facts: &HouseholdFacts, policy: &Policy) -> Option<RiskFlag> {
    let (minor_age, elder_age) = policy.care_ages;
    let adult_at_home =
        facts.members.iter().any(|m| m.age >= 18 && (m.age < elder_age || m.labour.units_pct(policy) > 0));
    let supporter_at_home =
        facts.members.iter().any(|m| m.age >= 18 && m.age < elder_age && m.labour.units_pct(policy) > 0);
    let unattended = |age_ok: &dyn Fn(i32) -> bool, at_home: bool| -> Vec<&str> {
        facts
            .members
            .iter()
            .filter(|m| age_ok(m.age) && m.guardian.is_none() && !at_home)
            .map(|m| m.name.as_str())
            .collect()
    };
    let minors = unattended(&|age| age <= minor_age, adult_at_home);
    let elders = unattended(&|age| age >= elder_age, supporter_at_home);
    if !minors.is_empty() {
        Some(flag(
            RiskKind::TypicalFeature(9),
            format!("{minor_age} 周岁以下的{}未登记法定监护人，家中也无共同生活的成年人", minors.join("、")),
            "G",
        ))
    } else if !elders.is_empty() {
        Some(flag(
            RiskKind::TypicalFeature(9),
            format!("{elder_age} 周岁以上的{}未登记法定赡养人，家中也无劳动年龄内有劳动能力的成员", elders.join("、")),
            "G",
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
