//! Reports: scale control of monitoring objects per county [T][G], and the page that gathers the
//! spreadsheet exports and imports.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// Monitoring objects of one county against the policy's share of its registered poor population.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScaleRow {
    pub county_code: String,
    pub county_name: String,
    pub year: i32,
    /// The counts cover only the caller's part of the county.
    pub partial: bool,
    /// Households identified as monitoring objects (监测对象, including those in a procedure).
    pub monitored_households: u64,
    /// Their members.
    pub monitored_people: u64,
    /// Everyone in the register (for the share of the rural population).
    pub registered_people: u64,
    /// The policy's scale-control share in tenths of a percent, and its base, if set.
    pub scale_control_permille: Option<u32>,
    pub base_population: Option<u64>,
    /// base × share: the scale the policy aims at.
    pub target_people: Option<u64>,
    /// A sentence for the reader, in Chinese.
    pub verdict: String,
}

/// The verdict on a county's scale: a report, not a block [T][G].
pub fn scale_verdict(monitored_people: u64, permille: Option<u32>, base: Option<u64>) -> (Option<u64>, String) {
    match (permille, base) {
        (None, _) => (None, "本年度未设置政策，无法对照规模控制比例。".into()),
        (Some(_), None) => (None, "政策未设置规模控制基数（建档立卡贫困人口），请在“政策设置”中填写后对照。".into()),
        (Some(p), Some(base)) => {
            let target = base * u64::from(p) / 1000;
            let share = if base > 0 { monitored_people as f64 * 100.0 / base as f64 } else { 0.0 };
            let verdict = if monitored_people > target {
                format!(
                    "监测对象 {monitored_people} 人，占基数 {share:.1}%，超过规模控制比例 {:.1}%（{target} 人），请研判是否存在识别偏宽。",
                    f64::from(p) / 10.0
                )
            } else {
                format!(
                    "监测对象 {monitored_people} 人，占基数 {share:.1}%，未超过规模控制比例 {:.1}%（{target} 人）。",
                    f64::from(p) / 10.0
                )
            };
            (Some(target), verdict)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [T][G] 监测对象规模一般控制在建档立卡人口的 5% 左右: a report, not a hard limit.
    #[test]
    fn scale_against_five_percent_of_the_base_t_g() {
        let (target, text) = scale_verdict(620, Some(50), Some(12_000));
        assert_eq!(target, Some(600));
        assert!(text.contains("占基数 5.2%，超过规模控制比例 5.0%（600 人）"), "{text}");
        let (_, text) = scale_verdict(300, Some(50), Some(12_000));
        assert!(text.contains("未超过"), "{text}");
        let (target, text) = scale_verdict(300, Some(50), None);
        assert_eq!(target, None);
        assert!(text.contains("未设置规模控制基数"));
    }
}
