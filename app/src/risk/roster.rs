//! Huoshan's two classes of formerly poor households by income [H]: "不享受政策的脱贫户是指年人均纯收入接近或
//! 达到全省农村居民可支配收入平均水平(15416元)…享受政策的脱贫户是指年人均纯收入较高但未达到全省农村居民可支配收入
//! 平均水平". The average is policy data; a household at or above it belongs on the first roster.

use serde::{Deserialize, Serialize};

use crate::policy::{Policy, RosterGroup};

/// Which of the two rosters a formerly poor household's income puts it on, against the one its class is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RosterCheck {
    /// The roster the income puts it on.
    pub expected: RosterGroup,
    /// Its class is on that roster.
    pub agrees: bool,
    /// The reason in Chinese, with the numbers.
    pub reason: String,
}

/// The check for a household whose class is on `current` (one of the two formerly-poor rosters) with a
/// per-capita income of `pc_yuan`, where the policy sets the provincial average; none otherwise.
pub fn formerly_poor_roster(pc_yuan: i64, current: RosterGroup, policy: &Policy) -> Option<RosterCheck> {
    let average = policy.average_rural_income_yuan?;
    if !matches!(current, RosterGroup::WithPolicy | RosterGroup::WithoutPolicy) {
        return None;
    }
    let (expected, comparison) = if pc_yuan >= average {
        (RosterGroup::WithoutPolicy, "达到")
    } else {
        (RosterGroup::WithPolicy, "未达到")
    };
    let agrees = expected == current;
    let mut reason = format!(
        "人均纯收入 {pc_yuan} 元，{comparison}全省农村居民可支配收入平均水平 {average} 元，属“{}”",
        expected.label()
    );
    if !agrees {
        reason.push_str(&format!("；现列入“{}”花名册，请核实调整", current.label()));
    }
    Some(RosterCheck { expected, agrees, reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::presets::{Preset, preset};

    /// [H] 15416: one yuan under the average is 享受政策的脱贫户, at it 不享受政策的脱贫户; a household on the
    /// other roster is told to be checked; a policy without the average, or another class, gets no check.
    #[test]
    fn the_provincial_average_divides_formerly_poor_households_h() {
        let huoshan = preset(Preset::Huoshan2020);
        assert_eq!(huoshan.average_rural_income_yuan, Some(15_416));
        let under = formerly_poor_roster(15_415, RosterGroup::WithPolicy, &huoshan).unwrap();
        assert_eq!((under.expected, under.agrees), (RosterGroup::WithPolicy, true));
        assert_eq!(
            under.reason,
            "人均纯收入 15415 元，未达到全省农村居民可支配收入平均水平 15416 元，属“享受政策的脱贫户”"
        );
        let at = formerly_poor_roster(15_416, RosterGroup::WithPolicy, &huoshan).unwrap();
        assert_eq!((at.expected, at.agrees), (RosterGroup::WithoutPolicy, false));
        assert!(at.reason.ends_with("；现列入“享受政策的脱贫户”花名册，请核实调整"), "{}", at.reason);
        let over = formerly_poor_roster(15_417, RosterGroup::WithoutPolicy, &huoshan).unwrap();
        assert!(over.agrees);
        assert_eq!(formerly_poor_roster(4_000, RosterGroup::Monitored, &huoshan), None);
        assert_eq!(formerly_poor_roster(15_416, RosterGroup::WithPolicy, &preset(Preset::Yihe2022)), None);
    }
}
