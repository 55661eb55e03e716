//! The five source documents as policy presets. Each number carries its seed tag; DOMAIN.md lists them.

use serde::{Deserialize, Serialize};

use super::{Cadence, CadreRank, CadreRules, Category, Policy, RosterGroup, TimeLimit};

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

    /// The tag DOMAIN.md and the rules' explanations give the seed document ([T], [Y], [F], [H], [G]).
    pub fn tag(self) -> &'static str {
        match self {
            Preset::Tongnan2020 => "T",
            Preset::Yihe2022 => "Y",
            Preset::Fujian2021 => "F",
            Preset::Huoshan2020 => "H",
            Preset::Ganzhou2020 => "G",
        }
    }

    /// The document's number, or its title where it has none: how a policy's source names it.
    pub fn document(self) -> &'static str {
        match self {
            Preset::Tongnan2020 => "潼扶组办〔2020〕21号",
            Preset::Yihe2022 => "义和办发〔2022〕12号",
            Preset::Fujian2021 => "闽委振兴组〔2021〕5号",
            Preset::Huoshan2020 => "《霍山县佛子岭镇关于开展防止返贫致贫加强监测预警和动态帮扶工作的通知》",
            Preset::Ganzhou2020 => "赣市扶攻字〔2020〕4号",
        }
    }

    /// The seed document a policy source names, if any.
    pub fn cited_in(source: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| source.contains(p.document()))
    }

    /// The seed document of a tag.
    pub fn of_tag(tag: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.tag() == tag)
    }
}

/// A category, listed on the Huoshan roster its name belongs to (边缘易致贫户 and 贫困边缘户 on the 边缘户
/// rosters, 脱贫不稳定户 on the 脱贫监测户 ones).
fn category(name: &str, monitored: bool, months: u32, visitor: &str) -> Category {
    let roster = RosterGroup::of_seed_class(name);
    let visit_every = Cadence::Months { months };
    Category { name: name.into(), monitored, visit_every, visitor: visitor.into(), remote_counts: false, roster }
}

/// A category its responsible person checks and updates every week, a call or the app counting [T].
fn weekly(c: Category) -> Category {
    Category { visit_every: Cadence::Weeks { weeks: 1 }, remote_counts: true, ..c }
}

/// A category whose cadence a phone, WeChat or video contact also meets [H].
fn remote(c: Category) -> Category {
    Category { remote_counts: true, ..c }
}

/// The numbers every preset shares unless its document says otherwise: Fujian's time limits [F] (its
/// "1个月内完成核实" as 30 days where a document sets no calendar month),
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
        weak_labour_units_pct: 50,
        illness_out_of_pocket_yuan: 10_000,
        working_ages: (16, 60),
        care_ages: (16, 60),
        dibao_standard_yuan: None,
        categories,
        initial_review_working_days: 5,
        verification: TimeLimit::Days(30),
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
        average_rural_income_yuan: None,
        warning_kinds: Vec::new(),
        appraise_measures: false,
        cadres: CadreRules::default(),
        supervision_checklist: super::supervision::default_checklist(),
        rectify_working_days: super::supervision::default_rectify_working_days(),
        cross_check: super::crosscheck::CrossCheckRules::default(),
        accountability: super::accountability::AccountabilityRules::default(),
    }
}

/// A preset's full policy.
pub fn preset(which: Preset) -> Policy {
    match which {
        // [T] 潼扶组办〔2020〕21号: 1.5× the national standard = 6000 yuan; red alert below 1.2× the exit standard = 4800.
        // Its two classes: "主要监测…脱贫不稳定户…边缘易致贫户"; the paired cadre is the responsible person of the
        // first, a village cadre of the second ("从村（社区）干部中明确边缘易致贫户的监测责任人"), who checks and
        // updates the household's information "每周不少于1次" (through the app: a call counts).
        Preset::Tongnan2020 => Policy {
            red_alert_line_yuan: Some(4800),
            ..common(
                "潼南区 2020",
                "潼扶组办〔2020〕21号《关于建立防止返贫监测和帮扶机制的实施意见》",
                6000,
                vec![
                    weekly(category("脱贫不稳定户", true, 1, "结对帮扶干部（监测责任人）")),
                    weekly(category("边缘易致贫户", true, 1, "村（社区）干部（监测责任人）")),
                ],
            )
        },
        // [Y] 义和办发〔2022〕12号: monitoring below 7000 after deducting compliant large expenditures, warning below 9000;
        // monitoring households visited monthly by their contact, warning households quarterly.
        // Its six kinds of warning household besides the income band ("包括…等"), recorded on the register.
        Preset::Yihe2022 => Policy {
            warning_line_yuan: Some(9000),
            deduct_large_expenditure: true,
            warning_kinds: [
                "享受低保或特困有合规大额支出户",
                "大病重病大额医疗支出户",
                "有安全隐患住房间歇性居住户",
                "子女外出生活不稳定老人户",
                "长期外出返回风险户",
                "外出无法联系风险户",
            ]
            .map(String::from)
            .into(),
            ..common(
                "义和街道 2022",
                "义和办发〔2022〕12号《义和街道2022年度防止返贫动态监测和帮扶工作方案》",
                7000,
                vec![
                    category("防贫监测户", true, 1, "监测联系人"),
                    // "每季度…至少一次走访或联系": a call counts.
                    remote(category("防贫预警户", false, 3, "驻村干部和信息员")),
                ],
            )
        },
        // [F] 福建省 2021: floor = the rural 低保 minimum 7152 yuan ("不低于当地农村低保标准"); 挂钩干部 visit at
        // least quarterly; "1个月内完成核实" is a calendar month.
        // 8: measures are appraised and posted like identification; 11: 副科级以上 挂钩干部 for the first two
        // classes, an experienced cadre for the third.
        Preset::Fujian2021 => Policy {
            dibao_standard_yuan: Some(7152),
            verification: TimeLimit::Months { months: 1 },
            appraise_measures: true,
            cadres: CadreRules {
                liaison_min_rank: Some(CadreRank::DeputySection),
                ranked_classes: vec!["脱贫不稳定户".into(), "边缘易致贫户".into()],
                experienced_classes: vec!["突发严重困难户".into()],
            },
            ..common(
                "福建省 2021",
                "闽委振兴组〔2021〕5号《关于健全完善防止返贫动态监测和帮扶机制的实施办法》",
                7152,
                vec![
                    category("脱贫不稳定户", true, 1, "帮扶责任人"),
                    category("边缘易致贫户", true, 1, "帮扶责任人"),
                    category("突发严重困难户", true, 1, "帮扶责任人"),
                ],
            )
        },
        // [H] 佛子岭镇 2020: monitoring households around 5000 yuan; the other two classes of formerly-poor
        // households, divided by the provincial rural average income 15416, are kept on rosters, not monitored.
        // The sweep ends "3月27日前".
        Preset::Huoshan2020 => Policy {
            sweep_deadline: (3, 27),
            average_rural_income_yuan: Some(15_416),
            ..common(
                "霍山县佛子岭镇 2020",
                "《霍山县佛子岭镇关于开展防止返贫致贫加强监测预警和动态帮扶工作的通知》",
                5000,
                vec![
                    remote(category("脱贫监测户", true, 1, "帮扶责任人")),
                    remote(category("边缘户", true, 1, "帮扶责任人")),
                    category("享受政策的脱贫户", false, 12, "帮扶责任人"),
                    category("不享受政策的脱贫户", false, 12, "帮扶责任人"),
                ],
            )
        },
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

    /// [T] "主要监测建档立卡已脱贫但不稳定户（即脱贫不稳定户），收入略高于建档立卡贫困户的边缘户（即边缘易致贫户）":
    /// two classes, no third.
    #[test]
    fn tongnan_has_two_classes_t() {
        let names: Vec<String> = preset(Preset::Tongnan2020).categories.into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["脱贫不稳定户", "边缘易致贫户"]);
    }

    /// [T] "监测对象动态信息由监测责任人每周不少于1次…核实更新相关信息": both classes weekly, by the app or a call.
    #[test]
    fn tongnan_contacts_update_weekly_t() {
        for c in preset(Preset::Tongnan2020).categories {
            assert_eq!((c.visit_every, c.remote_counts), (Cadence::Weeks { weeks: 1 }, true), "{}", c.name);
        }
    }

    /// [Y] "每季度对防贫预警户至少一次走访或联系": a call counts for warning households; monitoring households
    /// need the monthly home visit ("每月…至少一次入户走访").
    #[test]
    fn yihe_warning_households_may_be_called_y() {
        let p = preset(Preset::Yihe2022);
        let cadence = |name| p.category(name).map(|c| (c.visit_every, c.remote_counts));
        assert_eq!(cadence("防贫预警户"), Some((Cadence::Months { months: 3 }, true)));
        assert_eq!(cadence("防贫监测户"), Some((Cadence::MONTHLY, false)));
    }

    /// [H] "3月27日前完成排查工作".
    #[test]
    fn huoshan_sweep_ends_on_27_march_h() {
        assert_eq!(preset(Preset::Huoshan2020).sweep_deadline, (3, 27));
        assert_eq!(preset(Preset::Yihe2022).sweep_deadline, (3, 31));
    }

    /// [F] "监测标准…不低于当地农村低保标准": Fujian's line is its 低保 standard; a line one yuan under it is refused.
    #[test]
    fn fujian_line_not_below_the_dibao_standard_f() {
        let p = preset(Preset::Fujian2021);
        assert_eq!(p.dibao_standard_yuan, Some(7152));
        assert!(p.validate().is_ok());
        let under = Policy { monitoring_line_yuan: 7151, ..p };
        let refused = under.validate().unwrap_err().to_string();
        assert!(refused.contains("监测线（7151 元）不应低于农村低保标准（7152 元）"), "{refused}");
    }

    /// [F] "1个月内完成核实" is a calendar month: registered on 31 January, due on the last day of February;
    /// on 15 March, due on 15 April. Thirty days would have been 2 March and 14 April.
    #[test]
    fn verification_within_a_calendar_month_f() {
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let limit = preset(Preset::Fujian2021).verification;
        assert_eq!(limit, TimeLimit::Months { months: 1 });
        assert_eq!(limit.end(day(1, 31)), day(2, 28));
        assert_eq!(limit.end(day(3, 15)), day(4, 15));
        assert_eq!(TimeLimit::Days(30).end(day(1, 31)), day(3, 2));
        assert_eq!(TimeLimit::parse("1个月"), Some(limit));
        assert_eq!(TimeLimit::parse(" 30 天"), Some(TimeLimit::Days(30)));
        assert_eq!(TimeLimit::parse("30"), Some(TimeLimit::Days(30)));
        assert_eq!(TimeLimit::parse("一个月"), None);
    }

    /// A policy stored before the limit could be a month still reads: `"verification_days": 30`.
    #[test]
    fn stored_verification_days_still_read() {
        let mut json = serde_json::to_value(preset(Preset::Tongnan2020)).unwrap();
        let object = json.as_object_mut().unwrap();
        object.remove("verification");
        object.insert("verification_days".into(), 30.into());
        let p: Policy = serde_json::from_value(json).unwrap();
        assert_eq!(p.verification, TimeLimit::Days(30));
        let month = serde_json::to_string(&preset(Preset::Fujian2021)).unwrap();
        assert!(month.contains(r#""verification":{"months":1}"#), "{month}");
    }

    #[test]
    fn yihe_lines_and_cadences_y() {
        let p = preset(Preset::Yihe2022);
        assert_eq!((p.monitoring_line_yuan, p.warning_line_yuan), (7000, Some(9000)));
        assert!(p.deduct_large_expenditure);
        assert_eq!(p.category("防贫监测户").map(|c| c.visit_every), Some(Cadence::MONTHLY));
        assert_eq!(p.category("防贫预警户").map(|c| c.visit_every), Some(Cadence::Months { months: 3 }));
        assert_eq!((p.cross_check_villages_per_township, p.cross_check_households_per_village), (2, 40));
    }

    #[test]
    fn fujian_floor_and_time_limits_f() {
        let p = preset(Preset::Fujian2021);
        assert_eq!(p.monitoring_line_yuan, 7152);
        assert_eq!(
            (p.initial_review_working_days, p.verification, p.public_notice_working_days),
            (5, TimeLimit::Months { months: 1 }, 5)
        );
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

    /// Huoshan's rosters list its four classes of households, whatever a policy calls them: Ganzhou's 贫困边缘户
    /// and Tongnan's 边缘易致贫户 are 边缘户, 脱贫不稳定户 is a 脱贫监测户 [H]; Yihe's classes are on none.
    #[test]
    fn every_preset_names_the_huoshan_roster_of_its_classes_h() {
        let group = |which, class: &str| preset(which).category(class).and_then(|c| c.roster);
        assert_eq!(group(Preset::Ganzhou2020, "贫困边缘户"), Some(RosterGroup::Edge));
        assert_eq!(group(Preset::Tongnan2020, "边缘易致贫户"), Some(RosterGroup::Edge));
        assert_eq!(group(Preset::Fujian2021, "脱贫不稳定户"), Some(RosterGroup::Monitored));
        assert_eq!(group(Preset::Huoshan2020, "不享受政策的脱贫户"), Some(RosterGroup::WithoutPolicy));
        assert_eq!(group(Preset::Yihe2022, "防贫监测户"), None);
    }

    /// A category stored before categories named their roster reads its roster from its name; one stored
    /// with "no roster" keeps none; the form's sixth column sets it.
    #[test]
    fn stored_categories_without_a_roster_read_it_from_their_name() {
        let old: Category = serde_json::from_str(
            r#"{"name":"贫困边缘户","monitored":true,"visit_every_months":1,"visitor":"帮扶干部"}"#,
        )
        .unwrap();
        assert_eq!(old.roster, Some(RosterGroup::Edge));
        assert_eq!(old.visit_every, Cadence::MONTHLY, "a cadence stored in months still reads");
        let none: Category = serde_json::from_str(
            r#"{"name":"贫困边缘户","monitored":true,"visit_every_months":1,"visitor":"帮扶干部","remote_counts":false,"roster":null}"#,
        )
        .unwrap();
        assert_eq!(none.roster, None);
        let mut form = crate::policy::PolicyForm::from_policy(&preset(Preset::Yihe2022));
        form.categories = "低收入户，监测，1，监测联系人，仅入户，边缘户".into();
        assert_eq!(form.parse().unwrap().categories[0].roster, Some(RosterGroup::Edge));
        form.categories = "低收入户，监测，1，监测联系人，仅入户，边缘".into();
        assert!(form.parse().is_err(), "an unknown roster is refused");
    }

    #[test]
    fn keys_round_trip() {
        for p in Preset::ALL {
            assert_eq!(Preset::parse(p.as_str()), Some(p));
        }
    }
}
