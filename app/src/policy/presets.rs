//! The five source documents as policy presets. Each number carries its seed tag; DOMAIN.md lists them.

use serde::{Deserialize, Serialize};

use super::{Category, Policy};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preset {
    Tongnan2020,
    Yihe2022,
    Fujian2021,
    Huoshan2020,
    Ganzhou2020,
}

impl Preset {
    pub const ALL: [Preset; 5] =
        [Preset::Tongnan2020, Preset::Yihe2022, Preset::Fujian2021, Preset::Huoshan2020, Preset::Ganzhou2020];

    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Tongnan2020 => "tongnan_2020",
            Preset::Yihe2022 => "yihe_2022",
            Preset::Fujian2021 => "fujian_2021",
            Preset::Huoshan2020 => "huoshan_2020",
            Preset::Ganzhou2020 => "ganzhou_2020",
        }
    }

    pub fn parse(text: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

fn category(name: &str, monitored: bool, visit_every_months: u32, visitor: &str) -> Category {
    Category { name: name.into(), monitored, visit_every_months, visitor: visitor.into(), remote_counts: false }
}

/// A category whose cadence a phone, WeChat or video contact also meets [H].
fn remote(c: Category) -> Category {
    Category { remote_counts: true, ..c }
}

/// The numbers every preset shares unless its document says otherwise: Fujian's time limits [F],
/// Yihe's cross-check sample [Y], the 5 % scale control [T][G], Ganzhou's typical-feature thresholds [G].
fn common(name: &str, source: &str, monitoring_line_yuan: i64, categories: Vec<Category>) -> Policy {
    Policy {
        name: name.into(),
        source: source.into(),
        monitoring_line_yuan,
        warning_line_yuan: None,
        red_alert_line_yuan: None,
        deduct_large_expenditure: false,
        deductible_items: super::default_deductible_items(),
        require_typical_feature: false,
        transfer_share_limit_pct: 40,
        labour_coefficient_limit_pct: 50,
        income_drop_pct: 30,
        categories,
        initial_review_working_days: 5,
        verification_days: 30,
        public_notice_working_days: 5,
        cross_check_villages_per_township: 2,
        cross_check_households_per_village: 40,
        scale_control_permille: 50,
        dibao_taper_months: 12,
        elimination_stable_months: 6,
        reminder_working_days: 2,
        scale_base_population: None,
        sweep_deadline: (3, 31),
        liaison_visit_every_months: 3,
        notice_phone: "12317".into(),
    }
}

/// A preset's full policy.
pub fn preset(which: Preset) -> Policy {
    match which {
        // [T] 潼扶组办〔2020〕21号: 1.5× the national standard = 6000 yuan; red alert below 1.2× the exit standard = 4800.
        Preset::Tongnan2020 => Policy {
            red_alert_line_yuan: Some(4800),
            ..common(
                "潼南区 2020",
                "潼扶组办〔2020〕21号《关于建立防止返贫监测和帮扶机制的实施意见》",
                6000,
                vec![
                    category("脱贫不稳定户", true, 1, "监测责任人"),
                    category("边缘易致贫户", true, 1, "监测责任人"),
                    category("突发严重困难户", true, 1, "监测责任人"),
                ],
            )
        },
        // [Y] 义和办发〔2022〕12号: monitoring below 7000 after deducting compliant large expenditures, warning below 9000;
        // monitoring households visited monthly by their contact, warning households quarterly.
        Preset::Yihe2022 => Policy {
            warning_line_yuan: Some(9000),
            deduct_large_expenditure: true,
            ..common(
                "义和街道 2022",
                "义和办发〔2022〕12号《义和街道2022年度防止返贫动态监测和帮扶工作方案》",
                7000,
                vec![
                    category("防贫监测户", true, 1, "监测联系人"),
                    category("防贫预警户", false, 3, "驻村干部和信息员"),
                ],
            )
        },
        // [F] 福建省 2021: floor = the rural 低保 minimum 7152 yuan; 挂钩干部 visit at least quarterly.
        Preset::Fujian2021 => common(
            "福建省 2021",
            "闽委振兴组〔2021〕5号《关于健全完善防止返贫动态监测和帮扶机制的实施办法》",
            7152,
            vec![
                category("脱贫不稳定户", true, 1, "帮扶责任人"),
                category("边缘易致贫户", true, 1, "帮扶责任人"),
                category("突发严重困难户", true, 1, "帮扶责任人"),
            ],
        ),
        // [H] 佛子岭镇 2020: monitoring households around 5000 yuan; the other two classes of formerly-poor
        // households (near or below the provincial rural average 15416) are kept on rosters, not monitored.
        Preset::Huoshan2020 => common(
            "霍山县佛子岭镇 2020",
            "《霍山县佛子岭镇关于开展防止返贫致贫加强监测预警和动态帮扶工作的通知》",
            5000,
            vec![
                remote(category("脱贫监测户", true, 1, "帮扶责任人")),
                remote(category("边缘户", true, 1, "帮扶责任人")),
                category("享受政策的脱贫户", false, 12, "帮扶责任人"),
                category("不享受政策的脱贫户", false, 12, "帮扶责任人"),
            ],
        ),
        // [G] 赣州市 2020: below 1.5× the national standard (about 4000 yuan) AND at least one of ten typical features.
        Preset::Ganzhou2020 => Policy {
            require_typical_feature: true,
            ..common(
                "赣州市 2020",
                "赣市扶攻字〔2020〕4号《关于开展相对贫困监测帮扶工作实施方案（试行）》",
                6000,
                vec![category("脱贫不稳定户", true, 1, "帮扶干部"), category("贫困边缘户", true, 1, "帮扶干部")],
            )
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each preset names its document by its number and title as the seed prints them.
    #[test]
    fn preset_sources_name_their_documents() {
        let source = |which| preset(which).source;
        assert!(source(Preset::Tongnan2020).starts_with("潼扶组办〔2020〕21号"));
        assert!(source(Preset::Yihe2022).starts_with("义和办发〔2022〕12号"));
        assert!(
            source(Preset::Fujian2021)
                .starts_with("闽委振兴组〔2021〕5号《关于健全完善防止返贫动态监测和帮扶机制的实施办法》")
        );
        assert!(
            source(Preset::Huoshan2020).contains("霍山县佛子岭镇关于开展防止返贫致贫加强监测预警和动态帮扶工作的通知")
        );
        assert!(
            source(Preset::Ganzhou2020)
                .starts_with("赣市扶攻字〔2020〕4号《关于开展相对贫困监测帮扶工作实施方案（试行）》")
        );
    }

    #[test]
    fn tongnan_lines_t() {
        let p = preset(Preset::Tongnan2020);
        assert_eq!((p.monitoring_line_yuan, p.red_alert_line_yuan), (6000, Some(4800)));
    }

    #[test]
    fn yihe_lines_and_cadences_y() {
        let p = preset(Preset::Yihe2022);
        assert_eq!((p.monitoring_line_yuan, p.warning_line_yuan), (7000, Some(9000)));
        assert!(p.deduct_large_expenditure);
        assert_eq!(p.category("防贫监测户").map(|c| c.visit_every_months), Some(1));
        assert_eq!(p.category("防贫预警户").map(|c| c.visit_every_months), Some(3));
        assert_eq!((p.cross_check_villages_per_township, p.cross_check_households_per_village), (2, 40));
    }

    #[test]
    fn fujian_floor_and_time_limits_f() {
        let p = preset(Preset::Fujian2021);
        assert_eq!(p.monitoring_line_yuan, 7152);
        assert_eq!((p.initial_review_working_days, p.verification_days, p.public_notice_working_days), (5, 30, 5));
        assert_eq!(p.dibao_taper_months, 12);
    }

    #[test]
    fn huoshan_classes_h() {
        let p = preset(Preset::Huoshan2020);
        assert_eq!(p.monitoring_line_yuan, 5000);
        assert_eq!(p.categories.iter().filter(|c| c.monitored).count(), 2);
        assert!(p.category("不享受政策的脱贫户").is_some_and(|c| !c.monitored));
    }

    #[test]
    fn ganzhou_needs_a_typical_feature_g() {
        let p = preset(Preset::Ganzhou2020);
        assert!(p.require_typical_feature);
        assert_eq!(
            (p.transfer_share_limit_pct, p.labour_coefficient_limit_pct, p.scale_control_permille),
            (40, 50, 50)
        );
    }

    #[test]
    fn keys_round_trip() {
        for p in Preset::ALL {
            assert_eq!(Preset::parse(p.as_str()), Some(p));
        }
    }
}
