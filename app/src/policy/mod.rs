//! Policy as data: thresholds, categories, cadences, time limits and sample sizes per org unit and year.
//! Nothing here is a constant of the program: the presets reproduce the five source documents
//! ([T] 潼南 2020, [Y] 义和 2022, [F] 福建 2021, [H] 霍山 2020, [G] 赣州 2020) and a county edits from there.

pub mod accountability;
pub mod api;
mod cadence;
mod cadres;
pub mod crosscheck;
mod form;
pub mod pages;
pub mod presets;
pub mod supervision;

pub use cadence::Cadence;
pub use cadres::{CadreFacts, CadreRank, CadreRules};
pub use form::PolicyForm;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problems};

/// Which of Huoshan's rosters a class is listed on [H]: its four classes of households, whatever a policy
/// calls them (Tongnan's 边缘易致贫户 and Ganzhou's 贫困边缘户 are Huoshan's 边缘户).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RosterGroup {
    /// 边缘户: 边缘户动态调整表, 边缘户摸底表
    Edge,
    /// 脱贫监测户: 脱贫监测户动态调整表, 脱贫监测户摸底表
    Monitored,
    /// 不享受政策的脱贫户花名册
    WithoutPolicy,
    /// 享受政策的脱贫户花名册
    WithPolicy,
}

impl RosterGroup {
    pub const ALL: [RosterGroup; 4] =
        [RosterGroup::Edge, RosterGroup::Monitored, RosterGroup::WithoutPolicy, RosterGroup::WithPolicy];

    /// Huoshan's name of the class, as the policy form writes it.
    pub fn label(self) -> &'static str {
        match self {
            RosterGroup::Edge => "边缘户",
            RosterGroup::Monitored => "脱贫监测户",
            RosterGroup::WithoutPolicy => "不享受政策的脱贫户",
            RosterGroup::WithPolicy => "享受政策的脱贫户",
        }
    }

    pub fn from_label(text: &str) -> Option<RosterGroup> {
        RosterGroup::ALL.into_iter().find(|g| g.label() == text)
    }

    /// The group of a class by the names the seeds give it (presets, and classes stored before a policy
    /// named its roster).
    pub fn of_seed_class(name: &str) -> Option<RosterGroup> {
        match name {
            "边缘户" | "边缘易致贫户" | "贫困边缘户" => Some(RosterGroup::Edge),
            "脱贫监测户" | "脱贫不稳定户" => Some(RosterGroup::Monitored),
            "不享受政策的脱贫户" => Some(RosterGroup::WithoutPolicy),
            "享受政策的脱贫户" => Some(RosterGroup::WithPolicy),
            _ => None,
        }
    }
}

/// A category as stored, also before it named its roster (the roster is then found from its name, once,
/// when read; saved again, the policy names it) or could count its cadence in weeks (`visit_every_months`).
#[derive(Deserialize)]
struct StoredCategory {
    name: String,
    monitored: bool,
    #[serde(default)]
    visit_every: Option<Cadence>,
    #[serde(default)]
    visit_every_months: Option<u32>,
    visitor: String,
    #[serde(default)]
    remote_counts: bool,
    /// Absent (`None`) in a category stored before; `null` (`Some(None)`) for "on no roster".
    #[serde(default, deserialize_with = "present")]
    roster: Option<Option<RosterGroup>>,
}

/// A field that is there, even as `null`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<RosterGroup>>, D::Error> {
    Option::<RosterGroup>::deserialize(d).map(Some)
}

impl From<StoredCategory> for Category {
    fn from(c: StoredCategory) -> Category {
        let roster = c.roster.unwrap_or_else(|| RosterGroup::of_seed_class(&c.name));
        Category {
            name: c.name,
            monitored: c.monitored,
            visit_every: c
                .visit_every
                .or(c.visit_every_months.map(|months| Cadence::Months { months }))
                .unwrap_or(Cadence::MONTHLY),
            visitor: c.visitor,
            remote_counts: c.remote_counts,
            roster,
        }
    }
}

/// How a category of household is watched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(from = "StoredCategory")]
pub struct Category {
    /// The name used on forms and lists (e.g. 防贫监测户).
    pub name: String,
    /// Whether households of this category are monitoring objects (count towards the scale report).
    pub monitored: bool,
    /// Contact at least this often: weekly [T], monthly, quarterly [Y]; 12 months = the annual sweep only.
    pub visit_every: Cadence,
    /// Who visits (监测联系人, 驻村干部和信息员, ...).
    pub visitor: String,
    /// Whether contact by phone, WeChat or video counts towards the cadence (in person always does) [H].
    pub remote_counts: bool,
    /// The Huoshan roster its households are listed on, if any [H].
    pub roster: Option<RosterGroup>,
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
        "visit_every" | "visit_every_months" => "走访周期",
        "visitor" => "走访人",
        "remote_counts" => "远程联系计入走访",
        "weak_labour_units_pct" => "弱劳动力、半劳动力折算（百分之）",
        "illness_out_of_pocket_yuan" => "大病年度自付医疗费用负担过重（元）",
        "working_ages" => "劳动年龄（周岁）",
        "care_ages" => "无人监护、赡养的年龄（周岁）",
        "dibao_standard_yuan" => "农村低保标准（元）",
        "initial_review_working_days" => "初审时限（工作日）",
        "verification" | "verification_days" => "核实时限",
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
        "average_rural_income_yuan" => "全省农村居民可支配收入平均水平（元）",
        "warning_kinds" => "防贫预警户类型",
        "appraise_measures" => "落实帮扶措施须民主评议和公示",
        "cadres" => "帮扶干部要求",
        "liaison_min_rank" => "挂钩干部最低职级",
        "ranked_classes" => "须由该职级以上干部挂钩的类别",
        "experienced_classes" => "须安排经验丰富干部的类别",
        "supervision_checklist" => "专项督查事项",
        "rectify_working_days" => "督查问题整改时限（工作日）",
        "cross_check" => "交叉检查",
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
    /// Typical feature 2: a weak or half labourer's share of a full labourer, in hundredths (50 = 0.5) [G].
    #[serde(default = "default_weak_labour")]
    pub weak_labour_units_pct: u32,
    /// Typical feature 4: a year's out-of-pocket medical bills at or above this are "负担过重" (a local
    /// setting: [G] names no number).
    #[serde(default = "default_illness_out_of_pocket")]
    pub illness_out_of_pocket_yuan: i64,
    /// Working age, first and last year (16 and 60): who counts as a main labourer (typical feature 4) [G].
    #[serde(default = "default_working_ages")]
    pub working_ages: (i32, i32),
    /// Typical feature 9: minors of this age or younger, elders of this age or older [G] "16周岁以下…60周岁以上".
    #[serde(default = "default_care_ages")]
    pub care_ages: (i32, i32),
    /// The local rural 低保 standard (yuan per person per year), where the policy ties its monitoring line to
    /// it: the line may not be below it [F] "不低于当地农村低保标准".
    #[serde(default)]
    pub dibao_standard_yuan: Option<i64>,
    /// Township initial review of a warning, in working days [F].
    pub initial_review_working_days: u32,
    /// Verification of a warning: days, or calendar months ([F] "1个月内完成核实").
    #[serde(alias = "verification_days")]
    pub verification: TimeLimit,
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
    /// The provincial average rural disposable income (yuan per person per year), where the policy divides
    /// formerly poor households by it [H] "全省农村居民可支配收入平均水平(15416元)".
    #[serde(default)]
    pub average_rural_income_yuan: Option<i64>,
    /// The sub-types of warning household the register records [Y] (享受低保或特困有合规大额支出户, ...).
    #[serde(default)]
    pub warning_kinds: Vec<String>,
    /// Whether putting a household's assistance measures into effect (落实帮扶措施) first goes through
    /// democratic appraisal and public notice, like identification [F] 8.
    #[serde(default)]
    pub appraise_measures: bool,
    /// What the policy asks of the cadres paired with households [F] 11.
    #[serde(default)]
    pub cadres: CadreRules,
    /// What a supervision round checks, each item with its basis [Y] 三（四）.
    #[serde(default = "supervision::default_checklist")]
    pub supervision_checklist: Vec<supervision::ChecklistItem>,
    /// Working days a handed-over supervision problem has to be rectified (the team may set its own).
    #[serde(default = "supervision::default_rectify_working_days")]
    pub rectify_working_days: u32,
    /// What the annual cross-township spot check draws and scores [Y] 三（五）.
    #[serde(default)]
    pub cross_check: crosscheck::CrossCheckRules,
    /// When the record proposes accountability, and the days to state one's case [Y] 四（四）.
    #[serde(default)]
    pub accountability: accountability::AccountabilityRules,
}

/// A time limit as a policy words it: so many days ("30 天"), or so many calendar months ("1个月内": from
/// 15 January to 15 February, whatever the month's length). Stored as a number of days, or `{"months": n}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum TimeLimit {
    Days(u32),
    Months { months: u32 },
}

impl Default for TimeLimit {
    fn default() -> TimeLimit {
        TimeLimit::Days(0)
    }
}

impl TimeLimit {
    /// The last day of the limit counted from `from` (a month from 31 January is the last day of February).
    pub fn end(self, from: chrono::NaiveDate) -> chrono::NaiveDate {
        match self {
            TimeLimit::Days(days) => from + chrono::Duration::days(i64::from(days)),
            TimeLimit::Months { months } => {
                from.checked_add_months(chrono::Months::new(months)).unwrap_or(chrono::NaiveDate::MAX)
            }
        }
    }

    /// As the policy form shows it: "30 天", "1 个月".
    pub fn label(self) -> String {
        match self {
            TimeLimit::Days(days) => format!("{days} 天"),
            TimeLimit::Months { months } => format!("{months} 个月"),
        }
    }

    /// "30", "30天", "1个月", "1 月" (blanks anywhere); none for anything else.
    pub fn parse(text: &str) -> Option<TimeLimit> {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(months) = text.strip_suffix("个月").or_else(|| text.strip_suffix('月')) {
            return months.parse().ok().map(|months| TimeLimit::Months { months });
        }
        text.strip_suffix('天').unwrap_or(&text).parse().ok().map(TimeLimit::Days)
    }

    fn is_zero(self) -> bool {
        matches!(self, TimeLimit::Days(0) | TimeLimit::Months { months: 0 })
    }
}

fn default_weak_labour() -> u32 {
    50
}

fn default_illness_out_of_pocket() -> i64 {
    10_000
}

fn default_working_ages() -> (i32, i32) {
    (16, 60)
}

fn default_care_ages() -> (i32, i32) {
    (16, 60)
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
            } else if !c.visit_every.is_valid() {
                problems.add("categories", format!("类别“{}”的走访周期应在 1 至 26 周或 1 至 12 个月之间。", c.name));
            } else if self.categories.iter().take(i).any(|o| o.name == c.name) {
                problems.add("categories", format!("类别“{}”重复。", c.name));
            }
        }
        if let Some(dibao) = self.dibao_standard_yuan
            && self.monitoring_line_yuan < dibao
        {
            problems.add(
                "monitoring_line_yuan",
                format!("监测线（{} 元）不应低于农村低保标准（{dibao} 元）。", self.monitoring_line_yuan),
            );
        }
        if self.weak_labour_units_pct > 100 {
            problems.add("weak_labour_units", "弱劳动力折算应在 0 至 1 之间。");
        }
        if self.illness_out_of_pocket_yuan <= 0 {
            problems.add("illness_out_of_pocket_yuan", "大病自付医疗费用标准应大于 0 元。");
        }
        let (youngest, oldest) = self.working_ages;
        if !(14..=18).contains(&youngest) || !(50..=70).contains(&oldest) {
            problems.add("working_ages", "劳动年龄应写作“起-止”，起始 14 至 18 周岁，截止 50 至 70 周岁，例如 16-60。");
        }
        let (minor, elder) = self.care_ages;
        if !(0..=18).contains(&minor) || !(50..=80).contains(&elder) {
            problems.add("care_ages", "无人监护、赡养的年龄应写作“未成年-老年”，例如 16-60。");
        }
        if self.verification.is_zero() {
            problems.add("verification", "核实时限应大于 0。");
        }
        for (field, value, label) in [
            ("initial_review_working_days", self.initial_review_working_days, "初审工作日"),
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
        if self.average_rural_income_yuan.is_some_and(|n| n <= 0) {
            problems.add("average_rural_income_yuan", "全省农村居民可支配收入平均水平应大于 0 元。");
        }
        for (i, kind) in self.warning_kinds.iter().enumerate() {
            if kind.is_empty() || kind.chars().count() > 30 || kind.contains([',', '，']) {
                problems.add("warning_kinds", format!("第 {} 个预警户类型应为 30 字以内、不含逗号的名称。", i + 1));
            } else if self.warning_kinds.iter().take(i).any(|k| k == kind) {
                problems.add("warning_kinds", format!("预警户类型“{kind}”重复。"));
            }
        }
        for (field, classes) in
            [("ranked_classes", &self.cadres.ranked_classes), ("experienced_classes", &self.cadres.experienced_classes)]
        {
            if let Some(unknown) = classes.iter().find(|c| self.category(c).is_none()) {
                problems.add(field, format!("“{unknown}”不是本政策的对象类别。"));
            }
        }
        if self.supervision_checklist.is_empty() {
            problems.add("supervision_checklist", "至少需要一个专项督查事项。");
        }
        if !(1..=120).contains(&self.rectify_working_days) {
            problems.add("rectify_working_days", "督查问题整改时限应在 1 至 120 个工作日之间。");
        }
        if let Some(problem) = self.cross_check.problem() {
            problems.add("cross_check", problem);
        }
        if let Some(problem) = self.accountability.problem() {
            problems.add("accountability", problem);
        }
        if self.cadres.liaison_min_rank.is_none() && !self.cadres.ranked_classes.is_empty() {
            problems.add("liaison_min_rank", "请选择挂钩干部的最低职级，或清空须由该职级以上干部挂钩的类别。");
        }
        problems.finish()
    }

    /// What the flags of this policy's own lines cite: the seed's tag where the policy reproduces a seed
    /// document (Fujian's 7152 line is [F]), else the policy's own document, else "本地政策".
    pub fn source_tag(&self) -> String {
        match presets::Preset::cited_in(&self.source) {
            Some(seed) => seed.tag().to_string(),
            None if self.source.trim().is_empty() => "本地政策".to_string(),
            None => self.source.trim().to_string(),
        }
    }

    /// The category with this name, if the policy has it.
    pub fn category(&self, name: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.name == name)
    }
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
