use super::Cadence;
use super::presets::{Preset, preset};

#[test]
fn every_preset_is_valid() {
    for key in Preset::ALL {
        preset(key).validate().unwrap_or_else(|e| panic!("{key:?}: {e}"));
    }
}

#[test]
fn warning_households_are_visited_by_the_village_cadres_the_policy_names() {
    use crate::permissions::Role;
    let yihe = preset(Preset::Yihe2022);
    let roles = |name: &str| yihe.category(name).map(|c| c.visitor_roles()).unwrap();
    assert_eq!(roles("防贫预警户"), [Role::ResidentCadre, Role::InfoOfficer]);
    assert!(roles("防贫监测户").is_empty(), "the monitoring contact visits");
}

#[test]
fn the_edit_form_round_trips_every_preset() {
    for key in Preset::ALL {
        let policy = preset(key);
        assert_eq!(super::PolicyForm::from_policy(&policy).parse().unwrap(), policy, "{key:?}");
    }
}

#[test]
fn form_errors_name_the_field_in_chinese() {
    let mut form = super::PolicyForm::from_policy(&preset(Preset::Yihe2022));
    form.monitoring_line_yuan = "七千".into();
    assert_eq!(form.parse().unwrap_err().field_message("monitoring_line_yuan").as_deref(), Some("监测线应为整数。"));
    let mut form = super::PolicyForm::from_policy(&preset(Preset::Yihe2022));
    form.categories = "防贫监测户，监测，每月".into();
    assert!(form.parse().unwrap_err().to_string().contains("类别第 1 行"));
}

#[test]
fn nonsense_is_refused_with_the_field_named() {
    let mut p = preset(Preset::Yihe2022);
    p.warning_line_yuan = Some(6000);
    let err = p.validate().unwrap_err();
    assert_eq!(err.field_message("warning_line_yuan").as_deref(), Some("预警线（6000 元）应高于监测线（7000 元）。"));
    let mut p = preset(Preset::Tongnan2020);
    p.red_alert_line_yuan = Some(6500);
    assert!(p.validate().unwrap_err().field_message("red_alert_line_yuan").is_some());
    let mut p = preset(Preset::Fujian2021);
    p.categories[0].visit_every = Cadence::Months { months: 0 };
    assert!(p.validate().unwrap_err().to_string().contains("走访周期"));
}
