//! Policy as data: thresholds, categories, cadences, time limits and sample sizes per org unit and year.
//! Nothing here is a constant of the program: the presets reproduce the five source documents
//! ([T] 潼南 2020, [Y] 义和 2022, [F] 福建 2021, [H] 霍山 2020, [G] 赣州 2020) and a county edits from there.

pub mod presets;

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// How a category of household is watched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// The name used on forms and lists (e.g. 防贫监测户).
    pub name: String,
    /// Whether households of this category are monitoring objects (count towards the scale report).
    pub monitored: bool,
    /// Visit at least every this many months (1 = monthly, 3 = quarterly, 12 = the annual sweep only).
    pub visit_every_months: u32,
    /// Who visits (监测联系人, 驻村干部和信息员, ...).
    pub visitor: String,
}

/// One policy set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
}

impl Policy {
    /// Check the numbers hang together; every message says which field and why, in Chinese.
    pub fn validate(&self) -> Result<(), AppError> {
        let v = |field: &str, message: String| Err(AppError::validation(field, message));
        if self.name.trim().is_empty() {
            return v("name", "请填写政策名称。".into());
        }
        if !(1000..=100_000).contains(&self.monitoring_line_yuan) {
            return v("monitoring_line_yuan", "监测线应在 1000 至 100000 元之间。".into());
        }
        if let Some(warning) = self.warning_line_yuan
            && warning <= self.monitoring_line_yuan
        {
            return v(
                "warning_line_yuan",
                format!("预警线（{warning} 元）应高于监测线（{} 元）。", self.monitoring_line_yuan),
            );
        }
        if let Some(red) = self.red_alert_line_yuan
            && red >= self.monitoring_line_yuan
        {
            return v(
                "red_alert_line_yuan",
                format!("红色预警线（{red} 元）应低于监测线（{} 元）。", self.monitoring_line_yuan),
            );
        }
        if self.transfer_share_limit_pct == 0 || self.transfer_share_limit_pct >= 100 {
            return v("transfer_share_limit_pct", "转移性收入占比上限应在 1% 至 99% 之间。".into());
        }
        if self.labour_coefficient_limit_pct > 100 {
            return v("labour_coefficient_limit_pct", "劳动力系数上限不能超过 1。".into());
        }
        if self.income_drop_pct == 0 || self.income_drop_pct >= 100 {
            return v("income_drop_pct", "收入大幅缩减的比例应在 1% 至 99% 之间。".into());
        }
        if self.categories.is_empty() {
            return v("categories", "至少需要一个监测对象类别。".into());
        }
        for (i, c) in self.categories.iter().enumerate() {
            if c.name.trim().is_empty() {
                return v("categories", format!("第 {} 个类别缺少名称。", i + 1));
            }
            if !(1..=12).contains(&c.visit_every_months) {
                return v("categories", format!("类别“{}”的走访周期应在 1 至 12 个月之间。", c.name));
            }
            if self.categories.iter().filter(|o| o.name == c.name).count() > 1 {
                return v("categories", format!("类别“{}”重复。", c.name));
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
                return v(field, format!("{label}应大于 0。"));
            }
        }
        if self.scale_control_permille == 0 || self.scale_control_permille > 1000 {
            return v("scale_control_permille", "规模控制比例应在 0.1% 至 100% 之间。".into());
        }
        Ok(())
    }

    /// The category with this name, if the policy has it.
    pub fn category(&self, name: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::presets::{Preset, preset};

    #[test]
    fn every_preset_is_valid() {
        for key in Preset::ALL {
            preset(key).validate().unwrap_or_else(|e| panic!("{key:?}: {e}"));
        }
    }

    #[test]
    fn nonsense_is_refused_with_the_field_named() {
        let mut p = preset(Preset::Yihe2022);
        p.warning_line_yuan = Some(6000);
        let err = p.validate().unwrap_err();
        assert_eq!(
            err.field_message("warning_line_yuan").as_deref(),
            Some("预警线（6000 元）应高于监测线（7000 元）。")
        );
        let mut p = preset(Preset::Tongnan2020);
        p.red_alert_line_yuan = Some(6500);
        assert!(p.validate().unwrap_err().field_message("red_alert_line_yuan").is_some());
        let mut p = preset(Preset::Fujian2021);
        p.categories[0].visit_every_months = 0;
        assert!(p.validate().unwrap_err().to_string().contains("走访周期"));
    }
}
