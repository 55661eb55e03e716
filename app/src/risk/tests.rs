//! Each rule with its seed's numbers; the tag in the test name is the source document.

use super::*;
use crate::policy::ExpenseItem;
use crate::policy::presets::{Preset, preset};

fn member(name: &str, age: i32, labour: Labour) -> MemberFacts {
    MemberFacts::new(name, age, labour)
}

/// A working family of three with the given per-capita income, all of it wages.
fn family(per_capita_yuan: i64) -> HouseholdFacts {
    HouseholdFacts {
        members: vec![
            member("张建国", 45, Labour::Full),
            member("李秀英", 43, Labour::Full),
            member("张小明", 15, Labour::None),
        ],
        income: Some(IncomeFacts { wage_fen: per_capita_yuan * 3 * 100, ..Default::default() }),
        ..Default::default()
    }
}

fn kinds(e: &Evaluation) -> Vec<RiskKind> {
    e.flags.iter().map(|f| f.kind).collect()
}

/// Ganzhou's feature 9 for a household of these members living on transfers, if flagged.
fn feature_9(members: Vec<MemberFacts>) -> Option<RiskFlag> {
    let f = HouseholdFacts {
        members,
        income: Some(IncomeFacts { transfer_fen: 1_500_000, ..Default::default() }),
        ..Default::default()
    };
    evaluate(&f, &preset(Preset::Ganzhou2020)).flags.into_iter().find(|x| x.kind == RiskKind::TypicalFeature(9))
}

#[test]
fn red_alert_below_4800_t() {
    let e = evaluate(&family(4500), &preset(Preset::Tongnan2020));
    assert!(e.red_alert && e.monitoring_object);
    assert_eq!(e.per_capita_income_yuan, Some(4500));
    let red = e.flags.iter().find(|f| f.kind == RiskKind::BelowRedAlertLine).unwrap();
    assert_eq!(red.reason, "人均纯收入 4500 元，低于红色预警线 4800 元");
    assert_eq!(red.source, "T");
}

#[test]
fn monitoring_between_4800_and_6000_without_red_alert_t() {
    let e = evaluate(&family(5500), &preset(Preset::Tongnan2020));
    assert!(e.monitoring_object && !e.red_alert);
    assert_eq!(kinds(&e), vec![RiskKind::BelowMonitoringLine]);
    assert!(e.flags[0].reason.contains("低于监测线 6000 元"));
    assert!(evaluate(&family(6000), &preset(Preset::Tongnan2020)).flags.is_empty(), "the line itself is not below it");
}

#[test]
fn compliant_large_expenditure_is_deducted_y() {
    let mut f = family(8000);
    if let Some(income) = f.income.as_mut() {
        income.medical_fen = 450_000;
        income.other_rigid_fen = 150_000;
    }
    // 24000 − 4500 of medical bills = 19500 over three people: 6500, below Yihe's 7000; the other
    // rigid expenditure is not a compliant large expenditure under Yihe's policy.
    let e = evaluate(&f, &preset(Preset::Yihe2022));
    assert!(e.monitoring_object);
    assert_eq!(e.per_capita_income_yuan, Some(6500));
    assert_eq!(e.flags[0].reason, "扣除合规大额支出后人均纯收入 6500 元，低于监测线 7000 元");
    // Tongnan does not deduct: 8000 is above its 6000 line.
    assert!(!evaluate(&f, &preset(Preset::Tongnan2020)).monitoring_object);
    // A policy that counts only schooling deducts nothing here.
    let schooling_only = Policy { deductible_items: vec![ExpenseItem::Schooling], ..preset(Preset::Yihe2022) };
    assert_eq!(evaluate(&f, &schooling_only).per_capita_income_yuan, Some(8000));
}

#[test]
fn warning_band_between_7000_and_9000_y() {
    let e = evaluate(&family(8500), &preset(Preset::Yihe2022));
    assert!(e.warning_object && !e.monitoring_object);
    assert_eq!(e.flags[0].reason, "扣除合规大额支出后人均纯收入 8500 元，低于预警线 9000 元");
}

#[test]
fn floor_is_the_dibao_minimum_7152_f() {
    assert!(evaluate(&family(7100), &preset(Preset::Fujian2021)).monitoring_object);
    assert!(!evaluate(&family(7200), &preset(Preset::Fujian2021)).monitoring_object);
}

#[test]
fn monitoring_households_around_5000_h() {
    assert!(evaluate(&family(4900), &preset(Preset::Huoshan2020)).monitoring_object);
    assert!(!evaluate(&family(5100), &preset(Preset::Huoshan2020)).monitoring_object);
}

#[test]
fn below_the_line_needs_a_typical_feature_g() {
    let plain = evaluate(&family(5500), &preset(Preset::Ganzhou2020));
    assert!(!plain.monitoring_object);
    assert!(plain.flags[0].reason.contains("未发现典型特征"));

    let mut f = family(5500);
    f.income = Some(IncomeFacts { wage_fen: 891_000, transfer_fen: 759_000, ..Default::default() });
    let e = evaluate(&f, &preset(Preset::Ganzhou2020));
    assert!(e.monitoring_object);
    let feature = e.flags.iter().find(|x| x.kind == RiskKind::TypicalFeature(1)).unwrap();
    assert_eq!(feature.reason, "转移性收入占比 46%，超过 40%");
}

/// Ganzhou's feature 1, "转移性收入占比超过40%", at its boundary: 40 % is not over it, 40.9 % and 41 % are.
#[test]
fn transfer_share_over_40_percent_exactly_g() {
    let with_transfer = |transfer_fen: i64| {
        let mut f = family(5500);
        f.income = Some(IncomeFacts { wage_fen: 1_000_000 - transfer_fen, transfer_fen, ..Default::default() });
        evaluate(&f, &preset(Preset::Ganzhou2020)).flags.into_iter().find(|x| x.kind == RiskKind::TypicalFeature(1))
    };
    assert_eq!(with_transfer(400_000), None, "40 % is not over 40 %");
    assert_eq!(with_transfer(409_000).map(|f| f.reason), Some("转移性收入占比 40.9%，超过 40%".to_string()));
    assert_eq!(with_transfer(410_000).map(|f| f.reason), Some("转移性收入占比 41%，超过 40%".to_string()));
}

#[test]
fn labour_coefficient_at_most_half_g() {
    let f = HouseholdFacts {
        members: vec![member("王德福", 72, Labour::Weak), member("陈桂兰", 70, Labour::None)],
        income: Some(IncomeFacts { business_fen: 1_000_000, ..Default::default() }),
        ..Default::default()
    };
    let e = evaluate(&f, &preset(Preset::Ganzhou2020));
    let feature = e.flags.iter().find(|x| x.kind == RiskKind::TypicalFeature(2)).unwrap();
    assert_eq!(feature.reason, "家庭劳动力系数 0.5，不高于 0.5");
}

#[test]
fn labour_without_industry_or_work_g() {
    let f = HouseholdFacts {
        members: vec![member("刘志成", 35, Labour::Full)],
        income: Some(IncomeFacts { transfer_fen: 300_000, ..Default::default() }),
        ..Default::default()
    };
    assert!(kinds(&evaluate(&f, &preset(Preset::Ganzhou2020))).contains(&RiskKind::TypicalFeature(3)));
}

#[test]
fn two_students_g() {
    let mut f = family(20000);
    f.members[2].schooling = Schooling::SeniorHigh;
    f.members.push(MemberFacts { schooling: Schooling::Vocational, ..member("张小红", 17, Labour::None) });
    let e = evaluate(&f, &preset(Preset::Ganzhou2020));
    let reasons: Vec<&str> = e.flags.iter().map(|x| x.reason.as_str()).collect();
    assert!(reasons.contains(&"2 个子女接受非义务教育"), "{reasons:?}");
}

/// Ganzhou's feature 4, "家中有1个或以上大病病人导致年度自付医疗费用负担过重或丧失主要劳动力": an illness alone is
/// not the feature; a year's out-of-pocket bills at the local setting (10 000 yuan here, [G] names no
/// number) are, one yuan less is not; so is a seriously ill member of working age who lost their labour.
#[test]
fn feature_4_needs_heavy_bills_or_a_lost_labourer_g() {
    let feature_4 = |medical_fen: i64, ill: MemberFacts| {
        let mut f = family(20000);
        f.members[0] = MemberFacts { health: Health::Serious, ..ill };
        if let Some(income) = f.income.as_mut() {
            income.medical_fen = medical_fen;
        }
        evaluate(&f, &preset(Preset::Ganzhou2020)).flags.into_iter().find(|x| x.kind == RiskKind::TypicalFeature(4))
    };
    let working = || member("张建国", 45, Labour::Full);
    assert_eq!(feature_4(0, working()), None, "ill, but neither heavy bills nor a lost labourer");
    assert_eq!(feature_4(999_999, working()), None, "9 999 yuan is under the setting");
    assert_eq!(
        feature_4(1_000_000, working()).map(|f| f.reason),
        Some("张建国患大病重病，年度自付医疗费用 10000 元（达到本地设定的 10000 元）".to_string())
    );
    assert_eq!(
        feature_4(0, member("张建国", 60, Labour::Lost)).map(|f| f.reason),
        Some("张建国患大病重病，正值劳动年龄却丧失劳动能力".to_string()),
        "60 is still working age"
    );
    assert_eq!(feature_4(0, member("张建国", 61, Labour::Lost)), None, "61 is past working age");
    // A lost labourer who is not seriously ill is not feature 4.
    let mut f = family(20000);
    f.members[0].labour = Labour::Lost;
    let e = evaluate(&f, &preset(Preset::Ganzhou2020));
    assert!(!kinds(&e).contains(&RiskKind::TypicalFeature(4)), "{:?}", e.flags);
    // The threshold is the county's: at 5 000 yuan the same bills are too heavy.
    let lower = Policy { illness_out_of_pocket_yuan: 5000, ..preset(Preset::Ganzhou2020) };
    let mut f = family(20000);
    f.members[0].health = Health::Serious;
    if let Some(income) = f.income.as_mut() {
        income.medical_fen = 500_000;
    }
    assert!(kinds(&evaluate(&f, &lower)).contains(&RiskKind::TypicalFeature(4)));
}

#[test]
fn a_child_with_only_old_grandparents_has_no_guardian_g() {
    let f = HouseholdFacts {
        members: vec![
            member("赵福", 71, Labour::None),
            member("钱秀", 69, Labour::None),
            member("赵宝", 9, Labour::None),
        ],
        income: Some(IncomeFacts { transfer_fen: 1_500_000, ..Default::default() }),
        ..Default::default()
    };
    let e = evaluate(&f, &preset(Preset::Ganzhou2020));
    let feature = e.flags.iter().find(|x| x.kind == RiskKind::TypicalFeature(9)).unwrap();
    assert!(feature.reason.contains("赵宝未登记法定监护人，家中也无共同生活的成年人"), "{}", feature.reason);
}

/// Feature 9 reads the guardian the register names, inside or outside the household: a child whose father
/// works away and is named as guardian is not unattended; an elder whose son in town is named as supporter
/// is not either. An elder's own weak labour does not make them their own supporter.
#[test]
fn feature_9_reads_the_named_guardian_g() {
    let grandmother = || member("钱秀", 69, Labour::None);
    let child = || member("赵宝", 9, Labour::None);
    let named = |m: MemberFacts, who: &str| MemberFacts { guardian: Some(who.into()), ..m };
    assert!(feature_9(vec![grandmother(), child()]).is_some());
    let guarded = feature_9(vec![named(grandmother(), "赵大（儿子，县城）"), named(child(), "赵大（父亲，外出务工）")]);
    assert_eq!(guarded, None, "both have a named guardian or supporter");
    // The elder's own weak labour is not a supporter.
    let weak_elder = feature_9(vec![member("孙德", 66, Labour::Weak)]).map(|f| f.reason);
    assert_eq!(weak_elder, Some("60 周岁以上的孙德未登记法定赡养人，家中也无劳动年龄内有劳动能力的成员".to_string()));
    // A grown-up son at home supports him.
    assert_eq!(feature_9(vec![member("孙德", 66, Labour::None), member("孙强", 40, Labour::Full)]), None);
}

/// [T] "对“户在人不在”“人在户不在”的情况，以实际共同生活为准": a registered son who lives and works elsewhere is
/// left out of the per-capita income and of the labour count, and the verdict names him.
#[test]
fn only_members_living_together_count_t() {
    // 16 500 yuan for the three at home is 5 500 each: below Tongnan's 6 000 line, above its 4 800 red line.
    let mut f = family(5500);
    f.members.push(MemberFacts { co_resident: false, ..member("张大伟", 24, Labour::Full) });
    let e = evaluate(&f, &preset(Preset::Tongnan2020));
    assert_eq!(e.per_capita_income_yuan, Some(5500), "not 16 500 / 4 = 4 125");
    assert!(!e.red_alert, "{:?}", e.flags);
    assert_eq!((e.members_counted, e.members_away.clone()), (3, vec!["张大伟".to_string()]));
    // Counted in, he would have pulled the household under the red line.
    f.members[3].co_resident = true;
    assert!(evaluate(&f, &preset(Preset::Tongnan2020)).red_alert);
    // His labour does not count either: an old couple at home is a labour coefficient of 0.5 [G].
    let old = HouseholdFacts {
        members: vec![
            member("王德福", 62, Labour::Weak),
            member("陈桂兰", 60, Labour::None),
            MemberFacts { co_resident: false, ..member("王小军", 35, Labour::Full) },
        ],
        income: Some(IncomeFacts { wage_fen: 2_000_000, ..Default::default() }),
        ..Default::default()
    };
    let e = evaluate(&old, &preset(Preset::Ganzhou2020));
    assert!(kinds(&e).contains(&RiskKind::TypicalFeature(2)), "{:?}", e.flags);
}

/// A weak labourer counts as the policy's share of a full one (0.5 by [G]): at 0.6 one weak labourer is
/// over a 0.5 limit.
#[test]
fn weak_labour_weight_is_policy_data_g() {
    let f = HouseholdFacts {
        members: vec![member("王德福", 58, Labour::Weak)],
        income: Some(IncomeFacts { business_fen: 1_000_000, ..Default::default() }),
        ..Default::default()
    };
    assert!(kinds(&evaluate(&f, &preset(Preset::Ganzhou2020))).contains(&RiskKind::TypicalFeature(2)));
    let heavier = Policy { weak_labour_units_pct: 60, ..preset(Preset::Ganzhou2020) };
    assert!(!kinds(&evaluate(&f, &heavier)).contains(&RiskKind::TypicalFeature(2)));
}

/// Ganzhou's feature 9, "16周岁以下且无法定监护人、60周岁以上且无法定赡养人": 以下 and 以上 include the age
/// itself, so a child of exactly 16 and an elder of exactly 60 count; 17 and 59 do not.
#[test]
fn feature_9_includes_ages_16_and_60_g() {
    let grandmother = || member("钱秀", 69, Labour::None);
    let child = |age| member("赵宝", age, Labour::None);
    assert_eq!(
        feature_9(vec![grandmother(), child(16)]).map(|f| f.reason),
        Some("16 周岁以下的赵宝未登记法定监护人，家中也无共同生活的成年人".to_string())
    );
    assert!(feature_9(vec![grandmother(), child(15)]).is_some());
    // At 17 the child is no longer under 16; the grandmother (69) still has nobody to support her.
    let at_17 = feature_9(vec![grandmother(), child(17)]).map(|f| f.reason).unwrap_or_default();
    assert!(!at_17.contains("赵宝"), "{at_17}");
    let alone = |age| feature_9(vec![member("孙德", age, Labour::None)]);
    let reason = "60 周岁以上的孙德未登记法定赡养人，家中也无劳动年龄内有劳动能力的成员".to_string();
    assert_eq!(alone(60).map(|f| f.reason), Some(reason.clone()));
    assert_eq!(alone(61).map(|f| f.reason), Some(reason));
    assert_eq!(alone(59), None, "59 is not 60 or over");
}

#[test]
fn a_failed_security_item_is_a_red_alert_t_h() {
    let mut f = family(20000);
    f.assessments =
        vec![(SecurityItem::Housing, AssessmentStatus::Failed), (SecurityItem::Water, AssessmentStatus::AtRisk)];
    let e = evaluate(&f, &preset(Preset::Huoshan2020));
    assert!(e.red_alert && e.monitoring_object);
    assert_eq!(e.flags[0].reason, "“住房安全有保障”未达标");
    assert_eq!(e.flags[1].reason, "“饮水安全有保障”存在风险");
}

#[test]
fn rigid_expenditure_above_last_years_income_and_a_sharp_drop_t() {
    let mut f = family(9000);
    f.last_year_income = Some(IncomeFacts { wage_fen: 4_000_000, ..Default::default() });
    if let Some(income) = f.income.as_mut() {
        income.medical_fen = 4_500_000;
    }
    let e = evaluate(&f, &preset(Preset::Tongnan2020));
    let reasons: Vec<&str> = e.flags.iter().map(|x| x.reason.as_str()).collect();
    assert!(reasons.contains(&"刚性支出 45000 元，超过上年度收入 40000 元"), "{reasons:?}");
    assert!(reasons.contains(&"家庭收入由 40000 元降至 27000 元，减少 32%（达到本地设定的 30%）"), "{reasons:?}");
}

/// Tongnan's "收入大幅缩减" names no number [T]: the share is the county's own setting (30 % in the preset),
/// and the reason says so. At the boundary: a drop of 29.9 % is not flagged, 30 % is.
#[test]
fn income_drop_at_the_local_setting_t() {
    let dropped_to = |now_fen: i64| {
        let f = HouseholdFacts {
            income: Some(IncomeFacts { wage_fen: now_fen, ..Default::default() }),
            last_year_income: Some(IncomeFacts { wage_fen: 10_000_000, ..Default::default() }),
            ..family(30000)
        };
        evaluate(&f, &preset(Preset::Tongnan2020)).flags.into_iter().find(|x| x.kind == RiskKind::IncomeDrop)
    };
    assert_eq!(dropped_to(7_010_000), None, "a drop of 29.9 % is under 30 %");
    assert_eq!(
        dropped_to(7_000_000).map(|f| f.reason),
        Some("家庭收入由 100000 元降至 70000 元，减少 30%（达到本地设定的 30%）".to_string())
    );
}

#[test]
fn a_household_without_income_data_gets_no_income_flags() {
    let f = HouseholdFacts { income: None, ..family(0) };
    let e = evaluate(&f, &preset(Preset::Tongnan2020));
    assert_eq!(e.per_capita_income_yuan, None);
    assert!(!e.monitoring_object && !e.red_alert);
}

/// [G] features 6, 7, 8 and 10 come from what the village recorded, and say so in their reasons.
#[test]
fn adobe_house_failed_industry_disaster_and_other_hardship_g() {
    let mut f = family(3000);
    f.house = HouseType::Adobe;
    f.industry_failure = Some("2026 年 7 月洪灾，柑橘园绝收".into());
    f.disaster_loss = Some("户主车祸致残，医疗费 8 万元".into());
    f.other_hardship = Some("独自抚养三名子女".into());
    let e = evaluate(&f, &preset(Preset::Ganzhou2020));
    let reasons: Vec<(RiskKind, &str)> = e.flags.iter().map(|f| (f.kind, f.reason.as_str())).collect();
    assert!(reasons.contains(&(RiskKind::TypicalFeature(6), "唯一住房为土坯房")));
    assert!(reasons.contains(&(RiskKind::TypicalFeature(7), "因不可抗力导致产业失败：2026 年 7 月洪灾，柑橘园绝收")));
    assert!(
        reasons.iter().any(|(k, r)| *k == RiskKind::TypicalFeature(8) && r.ends_with("户主车祸致残，医疗费 8 万元"))
    );
    assert!(reasons.contains(&(RiskKind::TypicalFeature(10), "其他特殊困难：独自抚养三名子女")));
    assert!(e.monitoring_object, "below Ganzhou's line with typical features");
    assert!(!evaluate(&family(3000), &preset(Preset::Ganzhou2020)).monitoring_object, "and without them, not");
}

/// The income lines cite the policy in force: Fujian's 7 152 line is [F], Huoshan's 5 000 [H], a county's
/// own policy its own document.
#[test]
fn line_flags_cite_the_policy_in_force_f_h() {
    let source = |policy: &Policy, per_capita| evaluate(&family(per_capita), policy).flags[0].source.clone();
    assert_eq!(source(&preset(Preset::Fujian2021), 7100), "F");
    assert_eq!(source(&preset(Preset::Huoshan2020), 4900), "H");
    assert_eq!(source(&preset(Preset::Tongnan2020), 5500), "T");
    let own = Policy { source: "某县乡振发〔2026〕3号".into(), ..preset(Preset::Fujian2021) };
    assert_eq!(source(&own, 7100), "某县乡振发〔2026〕3号");
}

/// [T] names "刚性支出明显超过上年度收入和收入大幅缩减的家庭" in the monitoring scope, and [Y] "“两不愁三保障”有风险
/// 自身无能力解决户": such households are candidates for identification, not monitoring objects by the lines.
#[test]
fn expenditure_drop_and_helpless_security_risk_make_candidates_t_y() {
    // Above every line, rigid expenditure over last year's income: a candidate.
    let mut f = family(20000);
    f.last_year_income = Some(IncomeFacts { wage_fen: 3_000_000, ..Default::default() });
    if let Some(income) = f.income.as_mut() {
        income.medical_fen = 3_000_100;
    }
    let e = evaluate(&f, &preset(Preset::Tongnan2020));
    assert!(e.candidate && !e.monitoring_object, "{:?}", e.flags);
    // Exactly last year's income is not over it.
    if let Some(income) = f.income.as_mut() {
        income.medical_fen = 3_000_000;
    }
    assert!(!evaluate(&f, &preset(Preset::Tongnan2020)).candidate);
    // A drop of 30 % (the local setting) is a candidate, 29 % is not.
    let drop = |now_yuan: i64| {
        let mut f = family(now_yuan / 3);
        f.last_year_income = Some(IncomeFacts { wage_fen: 10_000_000, ..Default::default() });
        f.income = Some(IncomeFacts { wage_fen: now_yuan * 100, ..Default::default() });
        evaluate(&f, &preset(Preset::Tongnan2020)).candidate
    };
    assert!(drop(70_000) && !drop(71_000));
    // Yihe: water at risk in a household that cannot solve it itself (labour 0.5), not in one that can.
    let at_risk = |members: Vec<MemberFacts>| {
        let f = HouseholdFacts {
            members,
            income: Some(IncomeFacts { wage_fen: 6_000_000, ..Default::default() }),
            assessments: vec![(SecurityItem::Water, AssessmentStatus::AtRisk)],
            ..Default::default()
        };
        evaluate(&f, &preset(Preset::Yihe2022))
    };
    let helpless = at_risk(vec![member("王德福", 70, Labour::Weak), member("陈桂兰", 68, Labour::None)]);
    assert!(helpless.candidate);
    assert_eq!(helpless.flags[0].reason, "“饮水安全有保障”存在风险，家庭劳动力系数 0.5，自身无能力解决");
    assert_eq!(helpless.flags[0].source, "Y");
    let able = at_risk(vec![member("王强", 40, Labour::Full)]);
    assert!(!able.candidate, "{:?}", able.flags);
}

/// [F] "重点关注有大病重病和负担较重的慢性病患者、重度残疾人、失能老年人、孤儿、留守儿童等特殊群体的家庭": each
/// group read from the register; a disabled elder is 60 or over (59 is not) and has lost their labour; a
/// member living elsewhere is not counted.
#[test]
fn special_groups_from_the_register_f() {
    let with = |m: MemberFacts| HouseholdFacts { members: vec![m], ..Default::default() };
    let groups = |f: &HouseholdFacts| -> Vec<(SpecialGroup, Vec<String>)> {
        evaluate(f, &preset(Preset::Fujian2021)).special_groups.into_iter().map(|g| (g.group, g.members)).collect()
    };
    let one = |group, name: &str| vec![(group, vec![name.to_string()])];
    let ill = MemberFacts { health: Health::Serious, ..member("张建国", 45, Labour::Weak) };
    assert_eq!(groups(&with(ill)), one(SpecialGroup::SeriousIllness, "张建国"));
    let chronic = MemberFacts { health: Health::Chronic, ..member("李秀英", 50, Labour::Full) };
    assert_eq!(groups(&with(chronic)), one(SpecialGroup::ChronicIllness, "李秀英"));
    let severe = MemberFacts { health: Health::SevereDisability, ..member("王五", 30, Labour::Lost) };
    assert_eq!(groups(&with(severe)), one(SpecialGroup::SevereDisability, "王五"));
    assert_eq!(groups(&with(member("孙德", 60, Labour::Lost))), one(SpecialGroup::DisabledElder, "孙德"));
    assert!(groups(&with(member("孙德", 59, Labour::Lost))).is_empty(), "59 is not an elder");
    let orphan = MemberFacts { child: ChildStatus::Unsupported, ..member("赵宝", 9, Labour::None) };
    assert_eq!(groups(&with(orphan)), one(SpecialGroup::Orphan, "赵宝"));
    let left = MemberFacts { child: ChildStatus::LeftBehind, ..member("赵宝", 9, Labour::None) };
    assert_eq!(groups(&with(left.clone())), one(SpecialGroup::LeftBehindChild, "赵宝"));
    let away = MemberFacts { co_resident: false, ..left };
    assert!(groups(&with(away)).is_empty(), "a member living elsewhere is not counted");
}

/// [G] features 5 and 6 read the register's enumerated values: 高中, 中职 and 大专及以上 are beyond the
/// compulsory years, 初中 is not; only the value 土坯房 is an adobe house, and what the form does not offer
/// reads as neither.
#[test]
fn schooling_and_house_type_are_register_values_g() {
    let beyond: Vec<&str> =
        Schooling::ALL.into_iter().filter(|s| s.beyond_compulsory()).map(Schooling::label).collect();
    assert_eq!(beyond, ["高中", "中职", "大专及以上"]);
    assert!(!Schooling::from_label("初中").beyond_compulsory());
    assert_eq!(Schooling::from_label("高中在读"), Schooling::NotInSchool);
    assert_eq!(HouseType::from_label("土坯房"), HouseType::Adobe);
    assert_eq!(HouseType::from_label("土坯房（已改造）"), HouseType::Other);
    let labels: Vec<&str> = HouseType::ALL.into_iter().map(HouseType::label).collect();
    assert_eq!(labels, HouseType::LABELS, "the form offers every type, in order");
    let schooling: Vec<&str> = Schooling::ALL.into_iter().map(Schooling::label).collect();
    assert_eq!(schooling, Schooling::LABELS);
}
