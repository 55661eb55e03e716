//! The policy edit form: every field as typed, read into a [`Policy`] with a Chinese message per field.

use serde::{Deserialize, Serialize};

use super::*;
use crate::error::{AppError, Problems};

/// The policy as an edit form sends it: every field as typed, parsed with a Chinese message per field.
/// Categories are one per line: `名称，监测|不监测，走访周期（1周、1个月），走访人，仅入户|可远程`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyForm {
    pub name: String,
    pub source: String,
    pub monitoring_line_yuan: String,
    pub warning_line_yuan: String,
    pub red_alert_line_yuan: String,
    /// A checkbox: present when ticked.
    pub deduct_large_expenditure: Option<String>,
    /// Ticked items that count as compliant large expenditure.
    pub deduct_medical: Option<String>,
    pub deduct_schooling: Option<String>,
    pub deduct_disaster: Option<String>,
    pub deduct_other: Option<String>,
    pub require_typical_feature: Option<String>,
    pub transfer_share_limit_pct: String,
    pub labour_coefficient_limit: String,
    pub income_drop_pct: String,
    /// "0.5"
    pub weak_labour_units: String,
    pub illness_out_of_pocket_yuan: String,
    /// "16-60"
    pub working_ages: String,
    /// "16-60"
    pub care_ages: String,
    pub dibao_standard_yuan: String,
    pub categories: String,
    pub initial_review_working_days: String,
    /// "30", "30天" or "1个月"
    pub verification: String,
    pub public_notice_working_days: String,
    pub cross_check_villages_per_township: String,
    pub cross_check_households_per_village: String,
    pub scale_control_pct: String,
    pub dibao_taper_months: String,
    pub elimination_stable_months: String,
    pub scale_base_population: String,
    pub reminder_working_days: String,
    /// `3-31`
    pub sweep_deadline: String,
    pub liaison_visit_every_months: String,
    pub notice_phone: String,
    pub average_rural_income_yuan: String,
    /// One a line.
    pub warning_kinds: String,
    /// A checkbox: present when ticked.
    pub appraise_measures: Option<String>,
    /// A [`CadreRank`] code, or empty for none.
    pub liaison_min_rank: String,
    /// Class names separated by 、 or commas.
    pub ranked_classes: String,
    pub experienced_classes: String,
    /// One item a line: `事项｜依据`.
    pub supervision_checklist: String,
    pub rectify_working_days: String,
    pub cross_check_villages: String,
    pub cross_check_households: String,
    /// "40/20/40": monitoring objects, warning households, other households.
    pub cross_check_strata: String,
    pub cross_check_avoidance_years: String,
    /// A checkbox: present when ticked.
    pub cross_check_skip_last_year: Option<String>,
    pub cross_check_self_percent: String,
    /// One indicator a line: `指标｜权重`, with `｜村级` for one answered on the village's sheet.
    pub cross_check_indicators: String,
    pub accountability_overdue_days: String,
    pub accountability_unvisited_percent: String,
    pub accountability_statement_days: String,
    pub accountability_relapse_days: String,
    /// "20/25/25/20/10": meetings, visits, cases, inspections, accountability.
    pub assessment_weights: String,
    /// "2/5": points off per counted outside finding, per decision in force.
    pub assessment_deductions: String,
    /// One ground of a one-vote veto a line.
    pub veto_grounds: String,
}

/// Class names as the form lists them: "脱贫不稳定户、边缘易致贫户".
fn names(text: &str) -> Vec<String> {
    text.split(['、', '，', ',']).map(str::trim).filter(|n| !n.is_empty()).map(String::from).collect()
}

fn whole<T: std::str::FromStr>(field: &str, label: &str, text: &str) -> Result<T, AppError> {
    text.trim().parse().map_err(|_| AppError::validation(field, format!("{label}应为整数。")))
}

/// "20/25/25" → [20, 25, 25]; empty → none; a part that is not a whole number → an empty list (refused by the caller).
fn numbers(text: &str) -> Option<Vec<u32>> {
    if text.trim().is_empty() {
        return None;
    }
    let parts: Option<Vec<u32>> = text.split(['/', '／']).map(|p| p.trim().parse().ok()).collect();
    Some(parts.unwrap_or_default())
}

/// The two deductions of the assessment: per outside finding, per decided record.
fn deductions(parts: &[u32]) -> Result<(u32, u32), AppError> {
    match parts {
        [finding, record] => Ok((*finding, *record)),
        _ => Err(AppError::validation(
            "assessment_deductions",
            "扣分应写作 2/5 的形式（每个问题、每条问责决定扣几分）。",
        )),
    }
}

fn optional_whole(field: &str, label: &str, text: &str) -> Result<Option<i64>, AppError> {
    if text.trim().is_empty() { Ok(None) } else { whole(field, label, text).map(Some) }
}

/// "0.5" → 50, "5" → 500 with `scale` 100; one or two decimals at most.
fn decimal(field: &str, label: &str, text: &str, scale: u32) -> Result<u32, AppError> {
    let value: f64 = text.trim().parse().map_err(|_| AppError::validation(field, format!("{label}应为数字。")))?;
    if !(0.0..=1_000_000.0).contains(&value) {
        return Err(AppError::validation(field, format!("{label}超出范围。")));
    }
    Ok((value * f64::from(scale)).round() as u32)
}

/// "3-31", "3/31" or "3月31日" → (3, 31).
fn month_day(field: &str, text: &str) -> Result<(u32, u32), AppError> {
    let bad = || AppError::validation(field, "日期应写作“月-日”，例如 3-31。");
    let parts: Vec<&str> =
        text.trim().trim_end_matches('日').split(['-', '/', '月']).map(str::trim).filter(|p| !p.is_empty()).collect();
    let [month, day] = parts.as_slice() else {
        return Err(bad());
    };
    Ok((month.parse().map_err(|_| bad())?, day.parse().map_err(|_| bad())?))
}

/// "16-60" → (16, 60).
fn age_range(field: &str, label: &str, text: &str) -> Result<(i32, i32), AppError> {
    let bad = || AppError::validation(field, format!("{label}应写作“起-止”，例如 16-60。"));
    let (from, to) = text.trim().split_once(['-', '—', '至', '~']).ok_or_else(bad)?;
    Ok((from.trim().parse().map_err(|_| bad())?, to.trim().parse().map_err(|_| bad())?))
}

/// One line of the categories: `名称，监测|不监测，走访周期（1周、3个月；只写数字为月），走访人，仅入户|可远程
/// [，霍山花名册类别]`.
fn category(line: &str) -> Option<Category> {
    let parts: Vec<&str> = line.split(['，', ',']).map(str::trim).collect();
    let (name, monitored, every, visitor, remote, roster) = match parts.as_slice() {
        [name, monitored, every, visitor] => (name, monitored, every, visitor, "仅入户", ""),
        [name, monitored, every, visitor, remote] => (name, monitored, every, visitor, *remote, ""),
        [name, monitored, every, visitor, remote, roster] => (name, monitored, every, visitor, *remote, *roster),
        _ => return None,
    };
    let roster = match roster {
        "" | "不列入" => None,
        label => Some(RosterGroup::from_label(label)?),
    };
    let remote_counts = match remote {
        "可远程" | "远程计入" => true,
        "仅入户" | "" => false,
        _ => return None,
    };
    let monitored = match *monitored {
        "监测" | "是" => true,
        "不监测" | "否" => false,
        _ => return None,
    };
    Some(Category {
        name: name.to_string(),
        monitored,
        visit_every: Cadence::parse(every)?,
        visitor: visitor.to_string(),
        remote_counts,
        roster,
    })
}

impl PolicyForm {
    /// The form for an existing policy.
    pub fn from_policy(p: &Policy) -> PolicyForm {
        let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        let tick = |b: bool| b.then(|| "on".to_string());
        PolicyForm {
            name: p.name.clone(),
            source: p.source.clone(),
            monitoring_line_yuan: p.monitoring_line_yuan.to_string(),
            warning_line_yuan: opt(p.warning_line_yuan),
            red_alert_line_yuan: opt(p.red_alert_line_yuan),
            deduct_large_expenditure: tick(p.deduct_large_expenditure),
            deduct_medical: tick(p.deductible_items.contains(&ExpenseItem::Medical)),
            deduct_schooling: tick(p.deductible_items.contains(&ExpenseItem::Schooling)),
            deduct_disaster: tick(p.deductible_items.contains(&ExpenseItem::Disaster)),
            deduct_other: tick(p.deductible_items.contains(&ExpenseItem::Other)),
            require_typical_feature: tick(p.require_typical_feature),
            transfer_share_limit_pct: p.transfer_share_limit_pct.to_string(),
            labour_coefficient_limit: format!("{}", f64::from(p.labour_coefficient_limit_pct) / 100.0),
            income_drop_pct: p.income_drop_pct.to_string(),
            weak_labour_units: format!("{}", f64::from(p.weak_labour_units_pct) / 100.0),
            illness_out_of_pocket_yuan: p.illness_out_of_pocket_yuan.to_string(),
            working_ages: format!("{}-{}", p.working_ages.0, p.working_ages.1),
            care_ages: format!("{}-{}", p.care_ages.0, p.care_ages.1),
            dibao_standard_yuan: p.dibao_standard_yuan.map(|n| n.to_string()).unwrap_or_default(),
            categories: p
                .categories
                .iter()
                .map(|c| {
                    let line = format!(
                        "{}，{}，{}，{}，{}",
                        c.name,
                        if c.monitored { "监测" } else { "不监测" },
                        c.visit_every.form_text(),
                        c.visitor,
                        if c.remote_counts { "可远程" } else { "仅入户" }
                    );
                    match c.roster {
                        Some(group) => format!("{line}，{}", group.label()),
                        None => line,
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            initial_review_working_days: p.initial_review_working_days.to_string(),
            verification: p.verification.label(),
            public_notice_working_days: p.public_notice_working_days.to_string(),
            cross_check_villages_per_township: p.cross_check_villages_per_township.to_string(),
            cross_check_households_per_village: p.cross_check_households_per_village.to_string(),
            scale_control_pct: format!("{}", f64::from(p.scale_control_permille) / 10.0),
            dibao_taper_months: p.dibao_taper_months.to_string(),
            elimination_stable_months: p.elimination_stable_months.to_string(),
            reminder_working_days: p.reminder_working_days.to_string(),
            scale_base_population: p.scale_base_population.map(|n| n.to_string()).unwrap_or_default(),
            sweep_deadline: format!("{}-{}", p.sweep_deadline.0, p.sweep_deadline.1),
            liaison_visit_every_months: p.liaison_visit_every_months.to_string(),
            notice_phone: p.notice_phone.clone(),
            average_rural_income_yuan: opt(p.average_rural_income_yuan),
            warning_kinds: p.warning_kinds.join("\n"),
            appraise_measures: tick(p.appraise_measures),
            liaison_min_rank: p.cadres.liaison_min_rank.map(|r| r.as_str().to_string()).unwrap_or_default(),
            ranked_classes: p.cadres.ranked_classes.join("、"),
            experienced_classes: p.cadres.experienced_classes.join("、"),
            supervision_checklist: super::supervision::checklist_text(&p.supervision_checklist),
            rectify_working_days: p.rectify_working_days.to_string(),
            cross_check_villages: p.cross_check.villages_per_township.to_string(),
            cross_check_households: p.cross_check.households_per_village.to_string(),
            cross_check_strata: p.cross_check.strata_percent.map(|n| n.to_string()).join("/"),
            cross_check_avoidance_years: p.cross_check.avoidance_years.to_string(),
            cross_check_skip_last_year: tick(p.cross_check.skip_last_year),
            cross_check_self_percent: p.cross_check.self_assessment_percent.to_string(),
            cross_check_indicators: super::crosscheck::indicators_text(&p.cross_check.indicators),
            accountability_overdue_days: p.accountability.overdue_days.to_string(),
            accountability_unvisited_percent: p.accountability.unvisited_percent.to_string(),
            accountability_statement_days: p.accountability.statement_days.to_string(),
            accountability_relapse_days: p.accountability.relapse_visit_days.to_string(),
            assessment_weights: p.accountability.assessment_weights.map(|n| n.to_string()).join("/"),
            assessment_deductions: format!(
                "{}/{}",
                p.accountability.finding_deduction, p.accountability.record_deduction
            ),
            veto_grounds: p.accountability.veto_grounds.join("\n"),
        }
    }

    /// Parse and validate; every problem is reported, each with its field.
    pub fn parse(&self) -> Result<Policy, AppError> {
        let mut problems = Problems::default();
        let categories = self.categories(&mut problems);
        let policy = self.read(&mut problems, categories);
        problems.finish()?;
        policy.validate()?;
        Ok(policy)
    }

    /// Read the fields into a policy, noting each problem under its field, in the form's order.
    fn read(&self, problems: &mut Problems, categories: Vec<Category>) -> Policy {
        Policy {
            name: self.name.trim().to_string(),
            source: self.source.trim().to_string(),
            monitoring_line_yuan: problems.take(whole("monitoring_line_yuan", "监测线", &self.monitoring_line_yuan)),
            warning_line_yuan: problems.take(optional_whole("warning_line_yuan", "预警线", &self.warning_line_yuan)),
            red_alert_line_yuan: problems.take(optional_whole(
                "red_alert_line_yuan",
                "红色预警线",
                &self.red_alert_line_yuan,
            )),
            deduct_large_expenditure: self.deduct_large_expenditure.is_some(),
            deductible_items: self.deductible_items(),
            require_typical_feature: self.require_typical_feature.is_some(),
            transfer_share_limit_pct: problems.take(whole(
                "transfer_share_limit_pct",
                "转移性收入占比上限",
                &self.transfer_share_limit_pct,
            )),
            labour_coefficient_limit_pct: problems.take(decimal(
                "labour_coefficient_limit",
                "劳动力系数上限",
                &self.labour_coefficient_limit,
                100,
            )),
            income_drop_pct: problems.take(whole("income_drop_pct", "收入大幅缩减比例", &self.income_drop_pct)),
            weak_labour_units_pct: newer(problems, &self.weak_labour_units, default_weak_labour, |t| {
                decimal("weak_labour_units", "弱劳动力折算", t, 100)
            }),
            illness_out_of_pocket_yuan: newer(
                problems,
                &self.illness_out_of_pocket_yuan,
                default_illness_out_of_pocket,
                |t| whole("illness_out_of_pocket_yuan", "大病自付医疗费用标准", t),
            ),
            working_ages: newer(problems, &self.working_ages, default_working_ages, |t| {
                age_range("working_ages", "劳动年龄", t)
            }),
            care_ages: newer(problems, &self.care_ages, default_care_ages, |t| {
                age_range("care_ages", "无人监护、赡养的年龄", t)
            }),
            dibao_standard_yuan: problems.take(optional_whole(
                "dibao_standard_yuan",
                "农村低保标准",
                &self.dibao_standard_yuan,
            )),
            categories,
            initial_review_working_days: problems.take(whole(
                "initial_review_working_days",
                "初审工作日",
                &self.initial_review_working_days,
            )),
            verification: problems.take(TimeLimit::parse(&self.verification).ok_or_else(|| {
                AppError::validation("verification", "核实时限应写作天数或月数，例如“30天”或“1个月”。")
            })),
            public_notice_working_days: problems.take(whole(
                "public_notice_working_days",
                "公示工作日",
                &self.public_notice_working_days,
            )),
            cross_check_villages_per_township: problems.take(whole(
                "cross_check_villages_per_township",
                "每镇抽查村数",
                &self.cross_check_villages_per_township,
            )),
            cross_check_households_per_village: problems.take(whole(
                "cross_check_households_per_village",
                "每村抽查户数",
                &self.cross_check_households_per_village,
            )),
            scale_control_permille: problems.take(decimal(
                "scale_control_pct",
                "规模控制比例",
                &self.scale_control_pct,
                10,
            )),
            dibao_taper_months: problems.take(whole("dibao_taper_months", "低保渐退期", &self.dibao_taper_months)),
            // A client that does not know this newer field gets the practice's half year.
            elimination_stable_months: newer(problems, &self.elimination_stable_months, default_stable_months, |t| {
                whole("elimination_stable_months", "风险消除前收入稳定月数", t)
            }),
            reminder_working_days: newer(problems, &self.reminder_working_days, default_reminder_days, |t| {
                whole("reminder_working_days", "期限提醒提前工作日", t)
            }),
            scale_base_population: problems
                .take(optional_whole("scale_base_population", "建档立卡贫困人口基数", &self.scale_base_population))
                .map(|n| n as u64),
            sweep_deadline: newer(problems, &self.sweep_deadline, default_sweep_deadline, |t| {
                month_day("sweep_deadline", t)
            }),
            liaison_visit_every_months: newer(
                problems,
                &self.liaison_visit_every_months,
                default_liaison_months,
                |t| whole("liaison_visit_every_months", "挂钩干部走访周期", t),
            ),
            notice_phone: match self.notice_phone.trim() {
                "" => default_notice_phone(),
                phone => phone.to_string(),
            },
            average_rural_income_yuan: problems.take(optional_whole(
                "average_rural_income_yuan",
                "全省农村居民可支配收入平均水平",
                &self.average_rural_income_yuan,
            )),
            warning_kinds: self
                .warning_kinds
                .lines()
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(String::from)
                .collect(),
            appraise_measures: self.appraise_measures.is_some(),
            cadres: CadreRules {
                liaison_min_rank: match self.liaison_min_rank.trim() {
                    "" => None,
                    code => {
                        problems.take(CadreRank::parse(code).map(Some).ok_or_else(|| {
                            AppError::validation("liaison_min_rank", "请从列表中选择挂钩干部最低职级。")
                        }))
                    }
                },
                ranked_classes: names(&self.ranked_classes),
                experienced_classes: names(&self.experienced_classes),
            },
            supervision_checklist: match self.supervision_checklist.trim() {
                "" => super::supervision::default_checklist(),
                text => problems.take(super::supervision::parse_checklist(text).ok_or_else(|| {
                    AppError::validation(
                        "supervision_checklist",
                        "专项督查事项每行写作“事项｜依据”，两部分都不能为空。",
                    )
                })),
            },
            rectify_working_days: newer(
                problems,
                &self.rectify_working_days,
                super::supervision::default_rectify_working_days,
                |t| whole("rectify_working_days", "督查问题整改时限", t),
            ),
            cross_check: self.cross_check(problems),
            accountability: self.accountability(problems),
        }
    }

    /// The rules of 问责; an empty field keeps the default.
    fn accountability(&self, problems: &mut Problems) -> super::accountability::AccountabilityRules {
        let d = super::accountability::AccountabilityRules::default();
        let number = |problems: &mut Problems, text: &str, field: &str, label: &str, default: u32| {
            if text.trim().is_empty() { default } else { problems.take(whole(field, label, text)) }
        };
        let (finding_deduction, record_deduction) = match numbers(&self.assessment_deductions) {
            None => (d.finding_deduction, d.record_deduction),
            Some(parts) => problems.take(deductions(&parts)),
        };
        super::accountability::AccountabilityRules {
            overdue_days: number(
                problems,
                &self.accountability_overdue_days,
                "accountability_overdue_days",
                "案件逾期天数",
                d.overdue_days,
            ),
            unvisited_percent: number(
                problems,
                &self.accountability_unvisited_percent,
                "accountability_unvisited_percent",
                "未走访比例",
                d.unvisited_percent,
            ),
            statement_days: number(
                problems,
                &self.accountability_statement_days,
                "accountability_statement_days",
                "申辩期限",
                d.statement_days,
            ),
            relapse_visit_days: number(
                problems,
                &self.accountability_relapse_days,
                "accountability_relapse_days",
                "返贫致贫前应走访的天数",
                d.relapse_visit_days,
            ),
            assessment_weights: match numbers(&self.assessment_weights) {
                None => d.assessment_weights,
                Some(parts) => problems.take(<[u32; 5]>::try_from(parts).map_err(|_| {
                    AppError::validation("assessment_weights", "年度考核权重应写作 20/25/25/20/10 的形式（五项）。")
                })),
            },
            finding_deduction,
            record_deduction,
            veto_grounds: match self.veto_grounds.trim() {
                "" => d.veto_grounds,
                text => text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect(),
            },
        }
    }

    /// The cross-check's rules; an empty field keeps the default.
    fn cross_check(&self, problems: &mut Problems) -> super::crosscheck::CrossCheckRules {
        use super::crosscheck::{CrossCheckRules, default_indicators, parse_indicators};
        let d = CrossCheckRules::default();
        let number = |problems: &mut Problems, text: &str, field: &str, label: &str, default: u32| {
            if text.trim().is_empty() { default } else { problems.take(whole(field, label, text)) }
        };
        let strata = match self.cross_check_strata.trim() {
            "" => d.strata_percent,
            text => {
                let parts: Vec<u32> =
                    text.split(['/', '／', '、', ',']).filter_map(|p| p.trim().parse().ok()).collect();
                match <[u32; 3]>::try_from(parts) {
                    Ok(shares) => shares,
                    Err(_) => {
                        problems.add(
                            "cross_check_strata",
                            "抽样比例写作“40/20/40”：监测对象、预警户、其他农户各占的百分比。",
                        );
                        d.strata_percent
                    }
                }
            }
        };
        CrossCheckRules {
            villages_per_township: number(
                problems,
                &self.cross_check_villages,
                "cross_check_villages",
                "每镇街抽查村数",
                d.villages_per_township,
            ),
            households_per_village: number(
                problems,
                &self.cross_check_households,
                "cross_check_households",
                "每村入户数",
                d.households_per_village,
            ),
            strata_percent: strata,
            skip_last_year: self.cross_check_skip_last_year.is_some(),
            avoidance_years: number(
                problems,
                &self.cross_check_avoidance_years,
                "cross_check_avoidance_years",
                "回避年限",
                d.avoidance_years,
            ),
            self_assessment_percent: number(
                problems,
                &self.cross_check_self_percent,
                "cross_check_self_percent",
                "自评比例",
                d.self_assessment_percent,
            ),
            indicators: match self.cross_check_indicators.trim() {
                "" => default_indicators(),
                text => problems.take(parse_indicators(text).ok_or_else(|| {
                    AppError::validation(
                        "cross_check_indicators",
                        "交叉检查指标每行写作“指标｜权重”，权重为整数；村级指标在末尾加“｜村级”。",
                    )
                })),
            },
        }
    }

    /// Read the categories, one a line; a line that does not read is a problem naming its number.
    fn categories(&self, problems: &mut Problems) -> Vec<Category> {
        let mut categories = Vec::new();
        for (i, line) in self.categories.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
            match category(line) {
                Some(c) => categories.push(c),
                None => problems.add(
                    "categories",
                    format!(
                        "类别第 {} 行应为“名称，监测或不监测，走访周期（如1周、3个月），走访人，仅入户或可远程”，可再加霍山花名册类别（边缘户、脱贫监测户、享受政策的脱贫户、不享受政策的脱贫户）。",
                        i + 1
                    ),
                ),
            }
        }
        categories
    }

    /// The ticked items of rigid expenditure that count as compliant large expenditure.
    fn deductible_items(&self) -> Vec<ExpenseItem> {
        [
            (ExpenseItem::Medical, &self.deduct_medical),
            (ExpenseItem::Schooling, &self.deduct_schooling),
            (ExpenseItem::Disaster, &self.deduct_disaster),
            (ExpenseItem::Other, &self.deduct_other),
        ]
        .into_iter()
        .filter(|(_, ticked)| ticked.is_some())
        .map(|(item, _)| item)
        .collect()
    }
}

/// A field newer than some clients, which send it empty: its default then, else read (a problem noted).
fn newer<T: Default>(
    problems: &mut Problems,
    text: &str,
    default: fn() -> T,
    read: impl FnOnce(&str) -> Result<T, AppError>,
) -> T {
    if text.trim().is_empty() { default() } else { problems.take(read(text)) }
}
