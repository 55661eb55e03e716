//! Assistance measures (帮扶措施) by category [T][F][G][H]: each with a responsible person, start and end,
//! and status. A household's plan ("一户一方案") is the sum of the measures of its cases.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::RiskType;
use crate::error::AppError;
use crate::policy::RosterGroup;

/// (Named `MeasureCategory` in the OpenAPI document: the policy's household `Category` has the name.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = MeasureCategory))]
pub enum Category {
    Industry,
    Employment,
    SocialSecurity,
    TemporaryRelief,
    Education,
    Medical,
    Motivation,
    Social,
    Insurance,
    Relocation,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Industry,
        Category::Employment,
        Category::SocialSecurity,
        Category::TemporaryRelief,
        Category::Education,
        Category::Medical,
        Category::Motivation,
        Category::Social,
        Category::Insurance,
        Category::Relocation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Industry => "industry",
            Category::Employment => "employment",
            Category::SocialSecurity => "social_security",
            Category::TemporaryRelief => "temporary_relief",
            Category::Education => "education",
            Category::Medical => "medical",
            Category::Motivation => "motivation",
            Category::Social => "social",
            Category::Insurance => "insurance",
            Category::Relocation => "relocation",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Industry => "产业帮扶（培训、小额信贷、龙头企业带动）",
            Category::Employment => "就业帮扶（技能培训、转移就业、公益性岗位）",
            Category::SocialSecurity => "综合保障（低保、特困供养、养老保险）",
            Category::TemporaryRelief => "临时救助",
            Category::Education => "教育资助",
            Category::Medical => "医疗保障",
            Category::Motivation => "扶志扶智",
            Category::Social => "社会帮扶、消费帮扶",
            Category::Insurance => "防贫保险",
            Category::Relocation => "易地搬迁后续帮扶",
        }
    }

    /// Paid from the poverty-alleviation funds as a subsidy (财政扶贫资金补贴补助类): industry and employment
    /// subsidies, schooling grants, the county-paid 防贫保险 [H][G].
    pub fn is_subsidy(self) -> bool {
        matches!(self, Category::Industry | Category::Employment | Category::Education | Category::Insurance)
    }
}

/// What a 防贫保险 pays out for [G] "因病、因学、因灾(含意外事故)、因赔偿责任、因生产资料损失".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum InsuranceCause {
    Illness,
    Schooling,
    Disaster,
    Liability,
    MeansOfProduction,
}

impl InsuranceCause {
    pub const ALL: [InsuranceCause; 5] = [
        InsuranceCause::Illness,
        InsuranceCause::Schooling,
        InsuranceCause::Disaster,
        InsuranceCause::Liability,
        InsuranceCause::MeansOfProduction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InsuranceCause::Illness => "illness",
            InsuranceCause::Schooling => "schooling",
            InsuranceCause::Disaster => "disaster",
            InsuranceCause::Liability => "liability",
            InsuranceCause::MeansOfProduction => "means_of_production",
        }
    }

    pub fn parse(text: &str) -> Option<InsuranceCause> {
        InsuranceCause::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            InsuranceCause::Illness => "因病",
            InsuranceCause::Schooling => "因学",
            InsuranceCause::Disaster => "因灾（含意外事故）",
            InsuranceCause::Liability => "因赔偿责任",
            InsuranceCause::MeansOfProduction => "因生产资料损失",
        }
    }
}

/// [H] "不享受政策的脱贫户原则上不再享受各类财政扶贫资金补贴补助类政策，但因重大自然灾害、家庭重大变故等出现
/// “两不愁三保障一安全”问题且无力承担的，要及时落实相关政策措施": a subsidy for a household whose class is on
/// that roster is refused, unless the case is about 两不愁三保障, drinking water, a disaster or an accident.
pub fn check_entitlement(category: Category, roster: Option<RosterGroup>, risk: RiskType) -> Result<(), AppError> {
    let hardship = matches!(
        risk,
        RiskType::Food
            | RiskType::Clothing
            | RiskType::Education
            | RiskType::Medical
            | RiskType::Housing
            | RiskType::Water
            | RiskType::Disaster
            | RiskType::Accident
    );
    if category.is_subsidy() && roster == Some(RosterGroup::WithoutPolicy) && !hardship {
        return Err(AppError::validation(
            "category",
            format!(
                "该户为“不享受政策的脱贫户”，原则上不再享受财政扶贫资金补贴补助类政策（{}）；因重大自然灾害、家庭重大变故出现“两不愁三保障”或饮水安全问题的除外。",
                category.label()
            ),
        ));
    }
    Ok(())
}

/// [F] 8 "在确定监测对象、落实帮扶措施…等程序中，应…进行民主评议和公开公示": where the policy asks it, a measure
/// is put into effect (落实中, 已落实) only after the household's planned measures went through democratic
/// appraisal, public notice and county confirmation, in a run proposed on or after the measure was recorded
/// (`recorded`: none for a measure not saved yet). `confirmed`: when the household's latest confirmed run
/// was proposed.
pub fn check_appraised(
    appraise: bool,
    from: Option<MeasureStatus>,
    to: MeasureStatus,
    recorded: Option<chrono::DateTime<chrono::Utc>>,
    confirmed: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), AppError> {
    let in_effect = |s: MeasureStatus| matches!(s, MeasureStatus::InProgress | MeasureStatus::Done);
    if !appraise || !in_effect(to) || from.is_some_and(in_effect) {
        return Ok(());
    }
    let refusal = match recorded {
        None => {
            "本地政策要求帮扶措施经民主评议和公示后落实：请先登记为“计划中”，在农户页面提交“落实帮扶措施”评议，县级确认后再改为“落实中”。"
        }
        Some(recorded) if confirmed.is_some_and(|c| c >= recorded) => return Ok(()),
        Some(_) => "该措施尚未经民主评议和公示：请在农户页面提交“落实帮扶措施”评议，县级确认后再改为“落实中”。",
    };
    Err(AppError::validation("status", refusal))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum MeasureStatus {
    Planned,
    InProgress,
    Done,
    Stopped,
}

impl MeasureStatus {
    pub const ALL: [MeasureStatus; 4] =
        [MeasureStatus::Planned, MeasureStatus::InProgress, MeasureStatus::Done, MeasureStatus::Stopped];

    pub fn as_str(self) -> &'static str {
        match self {
            MeasureStatus::Planned => "planned",
            MeasureStatus::InProgress => "in_progress",
            MeasureStatus::Done => "done",
            MeasureStatus::Stopped => "stopped",
        }
    }

    pub fn parse(text: &str) -> Option<MeasureStatus> {
        MeasureStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            MeasureStatus::Planned => "计划中",
            MeasureStatus::InProgress => "落实中",
            MeasureStatus::Done => "已落实",
            MeasureStatus::Stopped => "已终止",
        }
    }
}

/// A measure as its form sends it (new, or a change to `measure_id`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MeasureForm {
    /// Empty for a new measure.
    pub measure_id: String,
    pub category: String,
    pub description: String,
    pub responsible_person: String,
    /// YYYY-MM-DD
    pub start_on: String,
    /// YYYY-MM-DD, may be empty.
    pub end_on: String,
    pub status: String,
    /// For 防贫保险: what it pays out for ([`InsuranceCause`]).
    pub insurance_cause: String,
}

/// A measure, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureFields {
    pub category: Category,
    pub description: String,
    pub responsible_person: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub status: MeasureStatus,
    pub insurance_cause: Option<InsuranceCause>,
}

impl MeasureForm {
    pub fn parse(&self) -> Result<MeasureFields, AppError> {
        let date = |field: &str, text: &str| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::validation(field, "日期应写作 2026-03-02 的形式。"))
        };
        let category =
            Category::parse(&self.category).ok_or_else(|| AppError::validation("category", "请选择帮扶措施类别。"))?;
        let description = self.description.trim().to_string();
        if description.is_empty() {
            return Err(AppError::validation("description", "请写明具体措施，例如“申请临时救助 3000 元”。"));
        }
        let responsible_person = self.responsible_person.trim().to_string();
        if responsible_person.is_empty() || responsible_person.chars().count() > 64 {
            return Err(AppError::validation("responsible_person", "请填写措施责任人（64 字以内）。"));
        }
        let start_on = date("start_on", &self.start_on)?;
        let end_on = match self.end_on.trim() {
            "" => None,
            text => Some(date("end_on", text)?),
        };
        if end_on.is_some_and(|end| end < start_on) {
            return Err(AppError::validation("end_on", "结束日期不能早于开始日期。"));
        }
        let status = MeasureStatus::parse(&self.status).unwrap_or(MeasureStatus::Planned);
        let insurance_cause = match category {
            Category::Insurance => Some(InsuranceCause::parse(&self.insurance_cause).ok_or_else(|| {
                AppError::validation(
                    "insurance_cause",
                    "防贫保险请选择理赔原因（因病、因学、因灾、因赔偿责任或因生产资料损失）。",
                )
            })?),
            _ => None,
        };
        Ok(MeasureFields { category, description, responsible_person, start_on, end_on, status, insurance_cause })
    }
}

/// A measure as pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeasureView {
    pub id: i64,
    pub case_id: i64,
    pub category: Category,
    pub category_label: String,
    pub description: String,
    pub responsible_person: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub status: MeasureStatus,
    pub status_label: String,
    pub insurance_cause: Option<InsuranceCause>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> MeasureForm {
        MeasureForm {
            category: "temporary_relief".into(),
            description: "申请临时救助 3000 元".into(),
            responsible_person: "王建国（镇民政办）".into(),
            start_on: "2026-03-02".into(),
            end_on: "2026-03-31".into(),
            ..Default::default()
        }
    }

    /// [G] 防贫保险 names what it pays out for; other measures name none.
    #[test]
    fn insurance_names_its_cause_g() {
        let insurance = MeasureForm { category: "insurance".into(), ..form() };
        assert!(insurance.parse().unwrap_err().field_message("insurance_cause").is_some());
        let illness = MeasureForm { insurance_cause: "illness".into(), ..insurance };
        assert_eq!(illness.parse().unwrap().insurance_cause, Some(InsuranceCause::Illness));
        let relief = MeasureForm { insurance_cause: "illness".into(), ..form() };
        assert_eq!(relief.parse().unwrap().insurance_cause, None);
    }

    /// [H] A 不享受政策的脱贫户 gets no subsidy-type measure, except for a 两不愁三保障, water, disaster or accident
    /// problem; a 享受政策的脱贫户 and every other measure are unaffected.
    /// [F] 8: under a policy that appraises measures, a new measure cannot start as 落实中; a planned one goes
    /// into effect only after a confirmation proposed at or after it was recorded (one second before is too
    /// early); a measure already in effect may be finished; a policy without the rule lets it through.
    #[test]
    fn measures_go_into_effect_after_appraisal_and_notice_f() {
        use chrono::{Duration, TimeZone, Utc};
        let recorded = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
        let (planned, going, done) = (MeasureStatus::Planned, MeasureStatus::InProgress, MeasureStatus::Done);
        let refused = check_appraised(true, None, going, None, None).unwrap_err();
        assert_eq!(refused.field_message("status").map(|m| m.contains("请先登记为“计划中”")), Some(true));
        assert!(check_appraised(true, None, planned, None, None).is_ok(), "planning needs no appraisal");
        assert!(check_appraised(true, Some(planned), going, Some(recorded), None).is_err());
        let before = Some(recorded - Duration::seconds(1));
        assert!(check_appraised(true, Some(planned), going, Some(recorded), before).is_err());
        assert!(check_appraised(true, Some(planned), going, Some(recorded), Some(recorded)).is_ok());
        assert!(check_appraised(true, Some(going), done, Some(recorded), None).is_ok(), "already in effect");
        assert!(check_appraised(false, None, going, None, None).is_ok(), "the policy does not ask");
    }

    #[test]
    fn no_subsidies_for_households_without_policy_h() {
        let without = Some(RosterGroup::WithoutPolicy);
        let refused = check_entitlement(Category::Industry, without, RiskType::Income).unwrap_err();
        assert!(refused.to_string().contains("不享受政策的脱贫户"), "{refused}");
        assert!(check_entitlement(Category::Insurance, without, RiskType::Illness).is_err());
        assert!(check_entitlement(Category::Industry, without, RiskType::Disaster).is_ok(), "a disaster");
        assert!(check_entitlement(Category::Education, without, RiskType::Housing).is_ok(), "unsafe housing");
        assert!(check_entitlement(Category::TemporaryRelief, without, RiskType::Income).is_ok(), "not a subsidy");
        assert!(check_entitlement(Category::Industry, Some(RosterGroup::WithPolicy), RiskType::Income).is_ok());
        assert!(check_entitlement(Category::Industry, None, RiskType::Income).is_ok());
    }

    #[test]
    fn a_measure_needs_its_category_person_and_sensible_dates() {
        let m = form().parse().unwrap();
        assert_eq!((m.category, m.status), (Category::TemporaryRelief, MeasureStatus::Planned));
        let bad = MeasureForm { end_on: "2026-03-01".into(), ..form() };
        assert!(bad.parse().unwrap_err().field_message("end_on").is_some());
        let nobody = MeasureForm { responsible_person: " ".into(), ..form() };
        assert!(nobody.parse().unwrap_err().field_message("responsible_person").is_some());
        let unknown = MeasureForm { category: "cash".into(), ..form() };
        assert!(unknown.parse().unwrap_err().field_message("category").is_some());
    }
}
