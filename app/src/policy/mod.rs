//! Policy as data: thresholds, categories, cadences, time limits and sample sizes per org unit and year.
//! Nothing here is a constant of the program: the presets reproduce the five source documents
//! ([T] 潼南 2020, [Y] 义和 2022, [F] 福建 2021, [H] 霍山 2020, [G] 赣州 2020) and a county edits from there.

pub mod api;
pub mod pages;
pub mod presets;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problems};

/// How a category of household is watched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Category {
    /// The name used on forms and lists (e.g. 防贫监测户).
    pub name: String,
    /// Whether households of this category are monitoring objects (count towards the scale report).
    pub monitored: bool,
    /// Visit at least every this many months (1 = monthly, 3 = quarterly, 12 = the annual sweep only).
    pub visit_every_months: u32,
    /// Who visits (监测联系人, 驻村干部和信息员, ...).
    pub visitor: String,
    /// Whether contact by phone, WeChat or video counts towards the cadence (in person always does) [H].
    #[serde(default)]
    pub remote_counts: bool,
}

/// The Chinese name of a policy field as audit records store it (a saved policy's before and after),
/// the words of the policy form.
pub fn field_label(key: &str) -> Option<&'static str> {
    Some(match key {
        "monitoring_line_yuan" => "监测线（元）",
        "warning_line_yuan" => "预警线（元）",
        "red_alert_line_yuan" => "红色预警线（元）",
        "deduct_large_expenditure" => "扣除合规大额支出",
        "deductible_items" => "可扣除的支出",
        "require_typical_feature" => "须具有典型特征",
        "transfer_share_limit_pct" => "转移性收入占比上限（%）",
        "labour_coefficient_limit_pct" => "劳动力系数上限（百分之）",
        "income_drop_pct" => "收入大幅缩减（%）",
        "categories" => "对象类别",
        "monitored" => "计入监测对象",
        "visit_every_months" => "走访周期（月）",
        "visitor" => "走访人",
        "remote_counts" => "远程联系计入走访",
        "initial_review_working_days" => "初审时限（工作日）",
        "verification_days" => "核实时限（天）",
        "public_notice_working_days" => "公示时间（工作日）",
        "cross_check_villages_per_township" => "交叉检查每镇抽查村数",
        "cross_check_households_per_village" => "交叉检查每村抽查户数",
        "scale_control_permille" => "规模控制比例（‰）",
        "dibao_taper_months" => "低保渐退期（月）",
        "elimination_stable_months" => "风险消除前收入稳定（月）",
        "scale_base_population" => "规模控制基数（人）",
        "reminder_working_days" => "案件期限提醒（提前工作日）",
        "sweep_deadline" => "年度排查截止（月、日）",
        "liaison_visit_every_months" => "挂钩干部走访周期（月）",
        "notice_phone" => "公示监督电话",
        _ => return None,
    })
}

impl Category {
    /// The village roles the category's visitor names ("驻村干部和信息员": the village's resident cadres
    /// and information officers); none named means the household's own monitoring contact.
    pub fn visitor_roles(&self) -> Vec<crate::permissions::Role> {
        use crate::permissions::Role;
        [("驻村干部", Role::ResidentCadre), ("信息员", Role::InfoOfficer)]
            .into_iter()
            .filter(|(name, _)| self.visitor.contains(name))
            .map(|(_, role)| role)
            .collect()
    }
}

/// One policy set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Policy {
    /// A short name shown to users (e.g. 义和街道 2022).
    pub name: String,
    /// Where the numbers come from.
    pub source: String,
    /// Per-capita net income below this line: a monitoring object (yuan per person per year).
    pub monitoring_line_yuan: i64,
    /// Per-capita net income below this line: a warning household (none where the policy has no such class).
    pub warning_line_yuan: Option<i64>,
    /// Per-capita net income below this line: a red alert (none where the policy has no such line).
    pub red_alert_line_yuan: Option<i64>,
    /// Whether compliant large expenditures are deducted from income before comparing with the lines [Y].
    pub deduct_large_expenditure: bool,
    /// Which items of rigid expenditure count as compliant large expenditure when deducting.
    #[serde(default = "default_deductible_items")]
    pub deductible_items: Vec<ExpenseItem>,
    /// Whether falling below the monitoring line also needs at least one typical feature [G].
    pub require_typical_feature: bool,
    /// Typical feature 1: transfer income share above this percentage [G].
    pub transfer_share_limit_pct: u32,
    /// Typical feature 2: labour coefficient at or below this value, in hundredths (50 = 0.5) [G].
    pub labour_coefficient_limit_pct: u32,
    /// A year-on-year income drop of at least this percentage is a risk [T].
    pub income_drop_pct: u32,
    pub categories: Vec<Category>,
    /// Township initial review of a warning, in working days [F].
    pub initial_review_working_days: u32,
    /// Verification of a warning, in calendar days [F].
    pub verification_days: u32,
    /// Public notice in the village, in working days [F].
    pub public_notice_working_days: u32,
    /// Cross-township checks: villages per township and households per village [Y].
    pub cross_check_villages_per_township: u32,
    pub cross_check_households_per_village: u32,
    /// Monitoring objects as a share of the registered poor population, in tenths of a percent (50 = 5.0 %) [T][G].
    pub scale_control_permille: u32,
    /// Months a household leaving 低保 keeps its benefit tapering off [F].
    pub dibao_taper_months: u32,
    /// Months the income must have been stable above the line before risk elimination (practice: half a year).
    #[serde(default = "default_stable_months")]
    pub elimination_stable_months: u32,
    /// The base of scale control: the registered poor population (2014 建档立卡贫困人口) of the unit, if known [T][G].
    #[serde(default)]
    pub scale_base_population: Option<u64>,
    /// Remind a case's owner this many working days before its deadline.
    #[serde(default = "default_reminder_days")]
    pub reminder_working_days: u32,
    /// The annual full sweep of all rural households ends on this day of the year (month, day) [Y]: end of March.
    #[serde(default = "default_sweep_deadline")]
    pub sweep_deadline: (u32, u32),
    /// 挂钩干部 visit their households at least every this many months (0: no such duty) [F].
    #[serde(default = "default_liaison_months")]
    pub liaison_visit_every_months: u32,
    /// The telephone printed on public notices (公示) for objections and reports: the national
    /// 乡村振兴 hotline 12317 by default, or the county's own.
    #[serde(default = "default_notice_phone")]
    pub notice_phone: String,
}

fn default_notice_phone() -> String {
    "12317".into()
}

fn default_sweep_deadline() -> (u32, u32) {
    (3, 31)
}

fn default_liaison_months() -> u32 {
    3
}

fn default_stable_months() -> u32 {
    6
}

fn default_reminder_days() -> u32 {
    2
}

/// An item of rigid expenditure; the policy says which ones count as compliant large expenditure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ExpenseItem {
    Medical,
    Schooling,
    /// Disasters and accidents.
    Disaster,
    Other,
}

impl ExpenseItem {
    pub const ALL: [ExpenseItem; 4] =
        [ExpenseItem::Medical, ExpenseItem::Schooling, ExpenseItem::Disaster, ExpenseItem::Other];

    pub fn label(self) -> &'static str {
        match self {
            ExpenseItem::Medical => "医疗支出",
            ExpenseItem::Schooling => "教育支出",
            ExpenseItem::Disaster => "因灾因意外支出",
            ExpenseItem::Other => "其他刚性支出",
        }
    }
}

/// Medical, schooling and disaster bills: the large expenditures Yihe's plan names [Y].
pub fn default_deductible_items() -> Vec<ExpenseItem> {
    vec![ExpenseItem::Medical, ExpenseItem::Schooling, ExpenseItem::Disaster]
}

impl Policy {
    /// Check the numbers hang together; every message says which field and why, in Chinese.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut problems = Problems::default();
        if self.name.trim().is_empty() {
            problems.add("name", "请填写政策名称。");
        }
        if !(1000..=100_000).contains(&self.monitoring_line_yuan) {
            problems.add("monitoring_line_yuan", "监测线应在 1000 至 100000 元之间。");
        }
        if let Some(warning) = self.warning_line_yuan
            && warning <= self.monitoring_line_yuan
        {
            problems.add(
                "warning_line_yuan",
                format!("预警线（{warning} 元）应高于监测线（{} 元）。", self.monitoring_line_yuan),
            );
        }
        if let Some(red) = self.red_alert_line_yuan
            && red >= self.monitoring_line_yuan
        {
            problems.add(
                "red_alert_line_yuan",
                format!("红色预警线（{red} 元）应低于监测线（{} 元）。", self.monitoring_line_yuan),
            );
        }
        if self.deduct_large_expenditure && self.deductible_items.is_empty() {
            problems.add("deductible_items", "扣除合规大额支出时，请至少选择一项可扣除的支出。");
        }
        if self.transfer_share_limit_pct == 0 || self.transfer_share_limit_pct >= 100 {
            problems.add("transfer_share_limit_pct", "转移性收入占比上限应在 1% 至 99% 之间。");
        }
        if self.labour_coefficient_limit_pct > 100 {
            problems.add("labour_coefficient_limit", "劳动力系数上限不能超过 1。");
        }
        if self.income_drop_pct == 0 || self.income_drop_pct >= 100 {
            problems.add("income_drop_pct", "收入大幅缩减的比例应在 1% 至 99% 之间。");
        }
        if self.categories.is_empty() {
            problems.add("categories", "至少需要一个监测对象类别。");
        }
        for (i, c) in self.categories.iter().enumerate() {
            if c.name.trim().is_empty() {
                problems.add("categories", format!("第 {} 个类别缺少名称。", i + 1));
            } else if !(1..=12).contains(&c.visit_every_months) {
                problems.add("categories", format!("类别“{}”的走访周期应在 1 至 12 个月之间。", c.name));
            } else if self.categories.iter().take(i).any(|o| o.name == c.name) {
                problems.add("categories", format!("类别“{}”重复。", c.name));
            }
        }
        for (field, value, label) in [
            ("initial_review_working_days", self.initial_review_working_days, "初审工作日"),
            ("verification_days", self.verification_days, "核实天数"),
            ("public_notice_working_days", self.public_notice_working_days, "公示工作日"),
            ("cross_check_villages_per_township", self.cross_check_villages_per_township, "每镇抽查村数"),
            ("cross_check_households_per_village", self.cross_check_households_per_village, "每村抽查户数"),
        ] {
            if value == 0 {
                problems.add(field, format!("{label}应大于 0。"));
            }
        }
        let (month, day) = self.sweep_deadline;
        if chrono::NaiveDate::from_ymd_opt(2025, month, day).is_none() {
            problems.add("sweep_deadline", "年度排查截止日期应为某月某日，例如 3-31。");
        }
        if self.liaison_visit_every_months > 12 {
            problems.add("liaison_visit_every_months", "挂钩干部走访周期应在 0 至 12 个月之间（0 表示不设）。");
        }
        let phone = self.notice_phone.trim();
        if phone.is_empty() || phone.chars().count() > 40 {
            problems.add("notice_phone", "请填写公示监督电话（不超过 40 字）。");
        }
        if self.scale_control_permille == 0 || self.scale_control_permille > 1000 {
            problems.add("scale_control_pct", "规模控制比例应在 0.1% 至 100% 之间。");
        }
        problems.finish()
    }

    /// The category with this name, if the policy has it.
    pub fn category(&self, name: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.name == name)
    }
}

/// The policy as an edit form sends it: every field as typed, parsed with a Chinese message per field.
/// Categories are one per line: `名称，监测|不监测，走访周期（月），走访人，仅入户|可远程`.
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
    pub categories: String,
    pub initial_review_working_days: String,
    pub verification_days: String,
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
}

fn whole<T: std::str::FromStr>(field: &str, label: &str, text: &str) -> Result<T, AppError> {
    text.trim().parse().map_err(|_| AppError::validation(field, format!("{label}应为整数。")))
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

/// One line of the categories: `名称，监测|不监测，走访周期（月），走访人，仅入户|可远程`.
fn category(line: &str) -> Option<Category> {
    let parts: Vec<&str> = line.split(['，', ',']).map(str::trim).collect();
    let (name, monitored, months, visitor, remote) = match parts.as_slice() {
        [name, monitored, months, visitor] => (name, monitored, months, visitor, "仅入户"),
        [name, monitored, months, visitor, remote] => (name, monitored, months, visitor, *remote),
        _ => return None,
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
        visit_every_months: months.parse().ok()?,
        visitor: visitor.to_string(),
        remote_counts,
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
            categories: p
                .categories
                .iter()
                .map(|c| {
                    format!(
                        "{}，{}，{}，{}，{}",
                        c.name,
                        if c.monitored { "监测" } else { "不监测" },
                        c.visit_every_months,
                        c.visitor,
                        if c.remote_counts { "可远程" } else { "仅入户" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            initial_review_working_days: p.initial_review_working_days.to_string(),
            verification_days: p.verification_days.to_string(),
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
            categories,
            initial_review_working_days: problems.take(whole(
                "initial_review_working_days",
                "初审工作日",
                &self.initial_review_working_days,
            )),
            verification_days: problems.take(whole("verification_days", "核实天数", &self.verification_days)),
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
                    format!("类别第 {} 行应为“名称，监测或不监测，走访周期（月），走访人，仅入户或可远程”。", i + 1),
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

/// The policy in force for a unit and year, and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PolicyView {
    /// The unit that set it (the unit asked about, or an ancestor it inherits from).
    pub org_code: String,
    pub org_name: String,
    pub year: i32,
    pub preset: Option<String>,
    pub policy: Policy,
    /// Whether the unit asked about inherits it from an ancestor.
    pub inherited: bool,
}

/// What the policy page shows: the unit and year the server chose (the caller's first unit and this
/// year in Beijing unless asked for others) and the policy in force there, or why there is none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyShown {
    pub org_code: String,
    pub year: i32,
    pub policy: Result<PolicyView, String>,
}

#[cfg(test)]
mod tests;
