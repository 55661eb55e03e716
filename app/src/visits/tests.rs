use super::*;

fn form() -> VisitForm {
    let ok = || "ok".to_string();
    VisitForm {
        household: "5001521012030010001".into(),
        visited_on: "2026-03-02".into(),
        mode: "in_person".into(),
        food: ok(),
        clothing: ok(),
        education: ok(),
        medical: ok(),
        housing: ok(),
        water: ok(),
        acknowledgement: "signed".into(),
        acknowledged_by: "张三".into(),
        ..Default::default()
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

#[test]
fn a_plain_visit_parses() {
    let v = form().parse(today(), &[]).unwrap();
    assert_eq!((v.mode, v.sweep, v.checklist.len(), v.problems.len()), (Mode::InPerson, false, 6, 0));
    assert_eq!(v.income, None);
}

#[test]
fn errors_name_the_field_in_chinese() {
    let mut f = form();
    f.visited_on = "2026-03-03".into();
    assert_eq!(
        f.parse(today(), &[]).unwrap_err().field_message("visited_on").as_deref(),
        Some("走访日期不能晚于今天。")
    );
    let mut f = form();
    f.housing = "failed".into();
    assert!(f.parse(today(), &[]).unwrap_err().field_message("housing_note").is_some_and(|m| m.contains("住房")));
    let mut f = form();
    f.mode = "phone".into();
    f.sweep = Some("on".into());
    assert!(f.parse(today(), &[]).unwrap_err().field_message("sweep").is_some());
    let mut f = form();
    f.mode = "phone".into();
    assert!(f.parse(today(), &[]).unwrap_err().field_message("acknowledgement").is_some());
    let mut f = form();
    f.problem2_case = Some("on".into());
    assert!(f.parse(today(), &[]).unwrap_err().field_message("problem2").is_some());
    let mut f = form();
    f.income.year = "2025".into();
    f.income.wage = "一万".into();
    assert!(f.parse(today(), &[]).unwrap_err().field_message("income.wage").is_some());
}

#[test]
fn a_refused_visit_names_every_problem_at_once() {
    let mut f = form();
    f.visited_on = "2026-03-09".into();
    f.mode = "phone".into();
    f.sweep = Some("on".into());
    f.food.clear();
    f.housing = "failed".into();
    f.problem1_case = Some("on".into());
    f.acknowledged_by.clear();
    let fields: Vec<String> = f.parse(today(), &[]).unwrap_err().field_errors().into_iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        ["visited_on", "sweep", "food", "housing_note", "problem1", "acknowledgement", "acknowledged_by"]
    );
}

#[test]
fn problems_and_ledger_class() {
    let mut f = form();
    f.problem1 = "房屋漏雨".into();
    f.problem1_type = "housing".into();
    f.problem1_case = Some("on".into());
    f.problem3 = "孩子学费".into();
    f.problem3_type = "education".into();
    f.sweep = Some("on".into());
    f.ledger_class = "防贫预警户".into();
    let v = f.parse(today(), &["防贫监测户".into(), "防贫预警户".into()]).unwrap();
    assert_eq!(
        v.problems.iter().map(|(p, open)| (p.risk_type, *open)).collect::<Vec<_>>(),
        [(RiskType::Housing, true), (RiskType::Education, false)]
    );
    assert_eq!(v.ledger_class.as_deref(), Some("防贫预警户"));
    f.ledger_class = "别的".into();
    assert!(f.parse(today(), &["防贫监测户".into()]).unwrap_err().field_message("ledger_class").is_some());
}
