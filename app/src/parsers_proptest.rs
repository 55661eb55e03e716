//! Property tests of every parser of user text: arbitrary Unicode never panics, and what a parser accepts
//! is well-formed. Each input is tried both as arbitrary text and as a near miss (the right characters
//! mixed with multi-byte ones, where byte-counting code used to break). More cases: `PROPTEST_CASES=100000`.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

use crate::households::{
    HouseholdForm, IncomeForm, MemberForm, ResidentId, format_yuan, like_literal, mask_resident_id, parse_yuan,
    searched_resident_id,
};
use crate::org::{OrgCode, OrgLevel, prefix_at, unit_at};
use crate::screening::{Department, WarningInput};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
}

/// Text of the characters a parser expects, with multi-byte ones among them.
fn near_miss(expected: &'static str, max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![3 => proptest::sample::select(expected.chars().collect::<Vec<_>>()), 1 => proptest::sample::select(vec!['中', 'é', '　', '，', '𝟘', '\u{301}'])], 0..=max)
        .prop_map(|chars| chars.into_iter().collect())
}

/// Digits with a multi-byte character where a byte count of 17 or 18 falls inside it.
fn id_with_a_wide_character() -> impl Strategy<Value = String> {
    "[0-9]{14,17}[中é𝟘][0-9xX]{0,3}"
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), near_miss("0123456789xX-.,年月日 ", 24)]
}

proptest! {
    #[test]
    fn resident_ids(t in prop_oneof![text(), id_with_a_wide_character()]) {
        if let Ok(id) = ResidentId::parse(&t) {
            let id = id.as_str();
            prop_assert!(id.len() == 18 && id.is_ascii(), "{id}");
            let (first17, last) = id.split_at(17);
            prop_assert_eq!(ResidentId::check_char(first17), last.chars().next());
        }
        prop_assert_eq!(mask_resident_id(&t).chars().count(), t.chars().count());
        if let Some(id) = searched_resident_id(&t) {
            prop_assert!(id.len() == 18 && id.bytes().take(17).all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn valid_resident_ids_are_accepted(
        first17 in "[1-6][0-9]{5}(19[5-9][0-9]|20[01][0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}",
    ) {
        let id = format!("{first17}{}", ResidentId::check_char(&first17).unwrap());
        let parsed = ResidentId::parse(&format!(" {} ", id.to_lowercase())).unwrap();
        prop_assert_eq!(parsed.as_str(), id.as_str());
        prop_assert_eq!(parsed.birth_date().format("%Y%m%d").to_string(), &first17[6..14]);
    }

    #[test]
    fn org_codes(t in prop_oneof![text(), near_miss("0123456789", 16)]) {
        if let Ok(code) = OrgCode::parse(&t) {
            let digits = code.as_str();
            prop_assert!(matches!(digits.len(), 12 | 15) && digits.bytes().all(|b| b.is_ascii_digit()));
            prop_assert!(code.contains(digits));
            for level in OrgLevel::ALL {
                let unit = code.at_level(level);
                prop_assert!(unit.len() >= 12 && unit.starts_with(prefix_at(digits, level)), "{unit}");
            }
        }
        for level in OrgLevel::ALL {
            prop_assert!(t.starts_with(prefix_at(&t, level)));
            prop_assert!(unit_at(&t, level).starts_with(prefix_at(&t, level)));
        }
    }

    #[test]
    fn money(t in prop_oneof![text(), near_miss("0123456789.,，", 16)]) {
        if let Ok(fen) = parse_yuan("wage", "工资性收入", &t) {
            prop_assert!(fen >= 0);
            prop_assert_eq!(parse_yuan("wage", "工资性收入", &format_yuan(fen)).ok(), Some(fen));
        }
    }

    #[test]
    fn phones_and_like_patterns(t in prop_oneof![text(), near_miss("0123456789-% _\\", 16)]) {
        if let Ok(Some(phone)) = crate::households::forms::parse_phone(&t) {
            prop_assert!(phone.is_ascii());
        }
        if let Ok(phone) = crate::users::check_phone(&t) {
            prop_assert!(phone.len() == 11 && phone.is_ascii());
        }
        // Every %, _ and \ of the pattern is escaped; removing the escapes gives the text back.
        let pattern = like_literal(&t);
        let mut chars = pattern.chars();
        let mut unescaped = String::new();
        while let Some(c) = chars.next() {
            prop_assert!(!matches!(c, '%' | '_'), "{pattern}");
            unescaped.push(if c == '\\' { chars.next().unwrap() } else { c });
        }
        prop_assert_eq!(unescaped, t);
    }

    #[test]
    fn dates_months_and_years(t in prop_oneof![text(), near_miss("0123456789-", 12)]) {
        if let Ok((first, last)) = crate::calendar::month(&t, today()) {
            prop_assert!(first.day() == 1 && first <= last && last.month() == first.month());
        }
        let _ = crate::calendar::year(&t, today());
        let _ = crate::calendar::parse_notice(&t);
        let notice = format!("holiday {t} 春节\nworkday 2026-02-14..{t} 调休");
        let _ = crate::calendar::parse_notice(&notice);
    }

    /// A household import row or a form: every field arbitrary.
    #[test]
    fn register_forms(fields in proptest::collection::vec(text(), 9)) {
        let member = MemberForm {
            name: fields[0].clone(),
            resident_id: fields[1].clone(),
            relation: fields[2].clone(),
            labour_capacity: fields[3].clone(),
            health: fields[4].clone(),
            schooling: fields[5].clone(),
            co_residence: fields[6].clone(),
            co_residence_note: fields[6].clone(),
            guardian: fields[7].clone(),
            child_status: fields[8].clone(),
        };
        if let Ok(parsed) = member.parse(today()) {
            prop_assert!(!parsed.name.is_empty() && parsed.birth_date <= today());
        }
        let household = HouseholdForm {
            org_code: fields[1].clone(),
            address: fields[0].clone(),
            phone: fields[7].clone(),
            house_type: fields[8].clone(),
            ..Default::default()
        };
        let _ = household.parse();
        let income = IncomeForm { year: fields[0].clone(), wage: fields[1].clone(), medical: fields[7].clone(), ..Default::default() };
        let _ = income.parse();
    }

    /// A department's warning row.
    #[test]
    fn warning_rows(fields in proptest::collection::vec(text(), 7), department in proptest::sample::select(Department::ALL.to_vec())) {
        let row = WarningInput {
            resident_id: fields[0].clone(),
            name: fields[1].clone(),
            risk_type: fields[2].clone(),
            level: fields[3].clone(),
            description: fields[4].clone(),
            township: fields[5].clone(),
            village: fields[6].clone(),
        };
        if let Ok(warning) = row.parse(7, department) {
            prop_assert!(ResidentId::parse(&warning.resident_id).is_ok());
        }
    }

    /// The county's policy form, each of its text fields arbitrary in turn.
    #[test]
    fn policy_forms(value in text(), field in 0usize..40) {
        let preset = crate::policy::presets::preset(crate::policy::presets::Preset::ALL[0]);
        let mut form = serde_json::to_value(crate::policy::PolicyForm::from_policy(&preset)).unwrap();
        let names: Vec<String> = form.as_object().unwrap().keys().cloned().collect();
        let name = &names[field % names.len()];
        form[name.as_str()] = serde_json::Value::String(value);
        let form: crate::policy::PolicyForm = serde_json::from_value(form).unwrap();
        let _ = form.parse();
    }
}

/// The server side of an upload: the bytes of a household import or a warning file, read into rows.
#[cfg(feature = "ssr")]
mod files {
    use proptest::prelude::*;

    use super::text;
    use crate::screening::Department;

    fn csv() -> impl Strategy<Value = Vec<u8>> {
        let header = "户号,村组代码,家庭住址,联系电话,住房类型,姓名,身份证号,与户主关系,劳动能力,健康状况,在校情况,共同生活情况,预警内容";
        prop_oneof![
            any::<Vec<u8>>(),
            proptest::collection::vec(proptest::collection::vec(text(), 0..14), 0..6).prop_map(move |rows| {
                let body: Vec<String> = rows.iter().map(|cells| cells.join(",")).collect();
                format!("{header}\n{}", body.join("\n")).into_bytes()
            }),
        ]
    }

    proptest! {
        #[test]
        fn upload_files(bytes in csv()) {
            if let Ok(sheet) = crate::excel::workbook::read_sheet(&bytes) {
                prop_assert!(!sheet.encoding.is_empty());
            }
            if let Ok(prepared) = crate::screening::service::intake::read_file(&bytes, "预警.csv", Department::Health) {
                prop_assert_eq!(prepared.warnings.len() + prepared.errors.len(), prepared.rows);
            }
        }
    }
}
