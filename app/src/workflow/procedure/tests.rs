use super::*;
use crate::policy::presets::{Preset, preset};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn fujian() -> Policy {
    preset(Preset::Fujian2021)
}

fn run(state: &ProcedureState, step: Step, role: Role, today: NaiveDate) -> Result<ProcedureState, AppError> {
    transition(state, &step, &[role], today, &WorkCalendar::built_in(), &preset(Preset::Fujian2021))
}

fn verified() -> ProcedureState {
    let applied = apply(Some(d(2026, 2, 2)), false, "边缘易致贫户", d(2026, 2, 3), &fujian()).unwrap();
    run(
        &applied,
        Step::VillageVerify { appraisal_passed: true, note: String::new() },
        Role::VillageSecretary,
        d(2026, 2, 5),
    )
    .unwrap()
}

#[test]
fn an_application_names_one_of_the_policys_monitored_classes() {
    let err = apply(Some(d(2026, 3, 1)), false, "贫困户", d(2026, 3, 2), &fujian()).unwrap_err();
    assert!(err.field_message("class").is_some_and(|m| m.contains("边缘易致贫户")), "{err}");
}

#[test]
fn an_application_needs_the_signed_commitment_f_g() {
    let err = apply(None, false, "边缘易致贫户", d(2026, 3, 2), &fujian()).unwrap_err();
    assert!(err.to_string().contains("承诺书"));
    assert!(
        apply(Some(d(2026, 3, 3)), false, "边缘易致贫户", d(2026, 3, 2), &fujian()).is_err(),
        "not signed in the future"
    );
}

#[test]
fn the_five_steps_in_order_by_the_entitled_roles_y() {
    let noticed =
        run(&verified(), Step::PostNotice { start: d(2026, 3, 2) }, Role::InfoOfficer, d(2026, 3, 2)).unwrap();
    assert_eq!(noticed.notice_end, Some(d(2026, 3, 9)), "5 working days after Monday 2 March");
    let reviewed =
        run(&noticed, Step::TownshipReview { approve: true, note: String::new() }, Role::TownshipStaff, d(2026, 3, 10))
            .unwrap();
    let approved =
        run(&reviewed, Step::CountyApprove { approve: true, note: String::new() }, Role::CountyOffice, d(2026, 3, 11))
            .unwrap();
    assert_eq!(approved.stage, Stage::Approved);
}

#[test]
fn the_wrong_role_is_refused_and_nothing_changes() {
    let state = verified();
    let err = run(&state, Step::PostNotice { start: d(2026, 3, 2) }, Role::TownshipLeader, d(2026, 3, 2)).unwrap_err();
    assert!(err.to_string().contains("应由村党支部书记、村干部或防贫监测信息员办理"), "{err}");
    let err = run(
        &state,
        Step::VillageVerify { appraisal_passed: true, note: String::new() },
        Role::MonitoringContact,
        d(2026, 3, 2),
    )
    .unwrap_err();
    assert!(err.to_string().contains("应由"));
}

#[test]
fn steps_cannot_be_skipped() {
    let applied = apply(Some(d(2026, 3, 1)), false, "边缘易致贫户", d(2026, 3, 2), &fujian()).unwrap();
    let err =
        run(&applied, Step::PostNotice { start: d(2026, 3, 2) }, Role::VillageSecretary, d(2026, 3, 2)).unwrap_err();
    assert!(err.to_string().contains("不能跳过"), "{err}");
    let err =
        run(&applied, Step::CountyApprove { approve: true, note: String::new() }, Role::CountyOffice, d(2026, 3, 2))
            .unwrap_err();
    assert!(err.to_string().contains("不能跳过"));
}

/// [F] the notice lasts at least 5 working days; over the Spring Festival that is two weeks.
#[test]
fn a_notice_across_the_spring_festival_runs_its_working_days_f() {
    let noticed =
        run(&verified(), Step::PostNotice { start: d(2026, 2, 13) }, Role::VillageCadre, d(2026, 2, 13)).unwrap();
    assert_eq!(noticed.notice_end, Some(d(2026, 2, 27)));
    let review = Step::TownshipReview { approve: true, note: String::new() };
    let early = run(&noticed, review.clone(), Role::TownshipLeader, d(2026, 2, 27)).unwrap_err();
    assert!(early.to_string().contains("公示期至 2026-02-27 结束"), "{early}");
    assert!(run(&noticed, review, Role::TownshipLeader, d(2026, 3, 2)).is_ok());
}

#[test]
fn a_rejection_needs_its_reason_and_ends_the_flow() {
    let applied = apply(Some(d(2026, 3, 1)), false, "边缘易致贫户", d(2026, 3, 2), &fujian()).unwrap();
    let no_reason = run(
        &applied,
        Step::VillageVerify { appraisal_passed: false, note: " ".into() },
        Role::VillageSecretary,
        d(2026, 3, 2),
    )
    .unwrap_err();
    assert_eq!(no_reason.field_message("note").as_deref(), Some("民主评议不通过时须写明理由。"));
    let rejected = run(
        &applied,
        Step::VillageVerify { appraisal_passed: false, note: "家庭有经营性货车一辆".into() },
        Role::VillageSecretary,
        d(2026, 3, 2),
    )
    .unwrap();
    assert_eq!(rejected.stage, Stage::Rejected);
    assert_eq!(rejected.rejection.as_deref(), Some("民主评议未通过：家庭有经营性货车一辆"));
    assert!(run(&rejected, Step::PostNotice { start: d(2026, 3, 2) }, Role::VillageSecretary, d(2026, 3, 2)).is_err());
}

#[test]
fn the_green_channel_says_assistance_comes_first() {
    let applied = apply(Some(d(2026, 3, 1)), true, "边缘易致贫户", d(2026, 3, 2), &fujian()).unwrap();
    assert!(assistance_note(&applied).is_some_and(|n| n.contains("先行落实帮扶")));
    assert_eq!(assistance_note(&verified()), None);
}

#[test]
fn a_notice_into_a_year_without_holiday_data_is_refused_not_guessed() {
    let err = run(&verified(), Step::PostNotice { start: d(2026, 12, 28) }, Role::VillageCadre, d(2026, 12, 28));
    // 28 Dec 2026 + 5 working days runs into 2027.
    assert!(err.unwrap_err().to_string().contains("2027 年的法定节假日安排尚未录入"));
}

fn stable_evaluation() -> Evaluation {
    Evaluation { per_capita_income_yuan: Some(12_000), ..Default::default() }
}

fn facts(labour: Vec<Labour>, evaluation: &Evaluation) -> EliminationFacts<'_> {
    EliminationFacts { monitored: true, labour, evaluation, latest_income_year: Some(2025) }
}

fn proposal(stable_since: &str) -> EliminationForm {
    EliminationForm {
        stable_since: stable_since.into(), basis: "务工收入稳定，人均纯收入 12000 元".into()
    }
}

/// [F] 对收入持续稳定、"两不愁三保障"及饮水安全持续巩固的，标注为"风险消除"。
#[test]
fn a_stable_household_may_be_proposed_and_runs_the_same_steps_f() {
    let evaluation = stable_evaluation();
    let today = d(2026, 3, 2);
    let proposed =
        propose_elimination(&facts(vec![Labour::Full], &evaluation), &proposal("2025-08-01"), today, &fujian())
            .unwrap();
    assert_eq!(proposed.procedure, Procedure::Elimination);
    assert_eq!(proposed.stage.label(proposed.procedure), "已提出风险消除，待村级核实");
    let verified = run(
        &proposed,
        Step::VillageVerify { appraisal_passed: true, note: String::new() },
        Role::VillageSecretary,
        today,
    )
    .unwrap();
    let err = run(&verified, Step::CountyApprove { approve: true, note: String::new() }, Role::CountyOffice, today)
        .unwrap_err();
    assert!(err.to_string().contains("风险消除程序须按步骤进行"), "{err}");
}

/// [F] 对无劳动能力的，落实社会保障措施后，暂不标注"风险消除"，持续跟踪监测。
#[test]
fn a_household_without_labour_capacity_is_not_marked_eliminated_f() {
    let evaluation = stable_evaluation();
    let no_labour = facts(vec![Labour::Lost, Labour::None], &evaluation);
    let err = propose_elimination(&no_labour, &proposal("2025-08-01"), d(2026, 3, 2), &fujian()).unwrap_err();
    assert!(err.to_string().contains("暂不标注“风险消除”，继续跟踪监测"), "{err}");
    let weak = facts(vec![Labour::Weak, Labour::None], &evaluation);
    assert!(check_elimination(&weak, d(2026, 3, 2)).is_ok(), "a weak labourer is labour capacity");
}

/// [F] 对风险消除稳定性较弱……继续给予帮扶，风险稳定消除后再履行相应程序。
#[test]
fn open_risks_and_short_stability_keep_the_household_assisted_f() {
    let open = Evaluation {
        flags: vec![crate::risk::RiskFlag {
            kind: RiskKind::SecurityAtRisk(crate::risk::SecurityItem::Housing),
            reason: "“住房安全有保障”存在风险".into(),
            source: "F".into(),
        }],
        ..stable_evaluation()
    };
    let err = check_elimination(&facts(vec![Labour::Full], &open), d(2026, 3, 2)).unwrap_err();
    assert!(err.to_string().contains("风险尚未稳定消除（“住房安全有保障”存在风险）"), "{err}");
    let evaluation = stable_evaluation();
    let short =
        propose_elimination(&facts(vec![Labour::Full], &evaluation), &proposal("2025-12-01"), d(2026, 3, 2), &fujian())
            .unwrap_err();
    assert!(short.field_message("stable_since").is_some_and(|m| m.contains("尚不满 6 个月")), "{short}");
    let mut not_monitored = facts(vec![Labour::Full], &evaluation);
    not_monitored.monitored = false;
    assert!(check_elimination(&not_monitored, d(2026, 3, 2)).unwrap_err().to_string().contains("识别纳入"));
    let mut stale = facts(vec![Labour::Full], &evaluation);
    stale.latest_income_year = Some(2023);
    assert!(check_elimination(&stale, d(2026, 3, 2)).unwrap_err().to_string().contains("收支记录"));
}
