use super::*;
use chrono::NaiveDate;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// [Y] 三（四）: 计划中 → 实施中 → 整改中 → 已完成, no step skipped; a round completes only with no finding
/// left open (neither closed nor carried over).
#[test]
fn a_round_moves_step_by_step_and_completes_with_nothing_open_y() {
    assert_eq!(round_step(RoundStatus::Planned, "start", 0).unwrap(), RoundStatus::Active);
    let skipped = round_step(RoundStatus::Planned, "complete", 0).unwrap_err().to_string();
    assert!(skipped.contains("下一步是“开始实施”"), "{skipped}");
    assert_eq!(round_step(RoundStatus::Active, "rectify", 3).unwrap(), RoundStatus::Rectifying);
    let open = round_step(RoundStatus::Rectifying, "complete", 1).unwrap_err().to_string();
    assert!(open.contains("还有 1 个问题未销号"), "{open}");
    assert_eq!(round_step(RoundStatus::Rectifying, "complete", 0).unwrap(), RoundStatus::Completed);
    assert!(round_step(RoundStatus::Completed, "complete", 0).is_err());
}

/// The re-check is independent: a member of the round, not the one who rectified, nobody from the unit.
#[test]
fn the_recheck_is_independent() {
    assert_eq!(recheck_refusal(true, false, false), None);
    assert!(recheck_refusal(false, false, false).unwrap().contains("督查组成员"));
    assert!(recheck_refusal(true, true, false).unwrap().contains("不能复核自己的整改"));
    assert!(recheck_refusal(true, false, true).unwrap().contains("被督查单位的人员"));
}

#[test]
fn a_refused_finding_names_every_field() {
    let checklist = vec!["研判会议召开并专人专本记录".to_string()];
    let form = FindingForm { on_spot: Some("on".into()), found_on: "2026-07-01".into(), ..Default::default() };
    let refused = form.parse(&checklist, day("2026-06-30")).unwrap_err();
    // An empty date is today.
    for field in ["org_code", "item", "method", "severity", "description", "found_on", "on_spot_action"] {
        assert!(refused.field_message(field).is_some(), "{field}: {refused:?}");
    }
    let good = FindingForm {
        org_code: "500152101201".into(),
        item: checklist[0].clone(),
        method: "ledger_check".into(),
        severity: "serious".into(),
        description: "5 月未召开村级研判会议".into(),
        found_on: "2026-06-12".into(),
        self_found_case_id: "#42".into(),
        ..Default::default()
    };
    let fields = good.parse(&checklist, day("2026-06-30")).unwrap();
    assert_eq!(
        (fields.method, fields.severity, fields.self_found_case),
        (Method::LedgerCheck, Severity::Serious, Some(42))
    );
    assert_eq!(fields.on_spot_action, None);
}

#[test]
fn a_round_form_reads_its_units_and_members() {
    let form = RoundForm {
        org_code: "500152101000".into(),
        title: "2026 年上半年专项督查".into(),
        year: "2026".into(),
        half: "h1".into(),
        units: vec!["500152101201".into(), " ".into()],
        topics: String::new(),
        members: vec!["7".into(), "9".into()],
        lead_user_id: "3".into(),
        starts_on: "2026-06-01".into(),
        ends_on: "2026-06-20".into(),
    };
    let fields = form.parse().unwrap();
    assert_eq!(fields.units, ["500152101201"]);
    assert_eq!(fields.members, [3, 7, 9], "the lead is a member");
    let backwards = RoundForm { ends_on: "2026-05-01".into(), units: Vec::new(), ..form };
    let refused = backwards.parse().unwrap_err();
    assert!(refused.field_message("ends_on").is_some() && refused.field_message("units").is_some());
}

/// Overdue is the unit's when it has not rectified by the deadline; a rectification submitted in time that
/// waits for the team's re-check is not overdue, one submitted a day late is.
#[test]
fn a_rectification_submitted_in_time_is_not_overdue_while_it_waits() {
    let deadline = day("2026-07-06");
    let today = day("2026-07-20");
    assert!(is_overdue(FindingStatus::HandedOver, deadline, None, today));
    assert!(!is_overdue(FindingStatus::HandedOver, deadline, None, deadline), "due on the day, not yet overdue");
    assert!(!is_overdue(FindingStatus::AwaitingRecheck, deadline, Some(deadline), today));
    assert!(is_overdue(FindingStatus::AwaitingRecheck, deadline, Some(day("2026-07-07")), today));
    assert!(!is_overdue(FindingStatus::Closed, deadline, None, today));
}

#[test]
fn the_on_time_rate_rounds_to_whole_percent() {
    assert_eq!(on_time_rate(0, 0), "—");
    assert_eq!(on_time_rate(2, 3), "67%");
    assert_eq!(on_time_rate(1, 3), "33%");
    assert_eq!(on_time_rate(4, 4), "100%");
}
