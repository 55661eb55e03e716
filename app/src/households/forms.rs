//! The register's forms: a household, a member, 低保. Each parses what the browser sends (strings, as
//! typed) into checked values, or a Chinese message naming the field. What can be derived is never typed:
//! a member's sex and birth date come from the resident ID number.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ResidentId;
use crate::error::AppError;
use crate::org::OrgCode;
use crate::risk::ChildStatus;

/// 与户主关系
pub const RELATIONS: [&str; 14] = [
    "户主",
    "配偶",
    "子",
    "女",
    "儿媳",
    "女婿",
    "孙子",
    "孙女",
    "外孙子",
    "外孙女",
    "父亲",
    "母亲",
    "兄弟姐妹",
    "其他",
];
/// 劳动能力
/// 是否共同生活 [T] "以实际共同生活为准".
pub const CO_RESIDENCE: [&str; 2] = ["共同生活", "户在人不在"];
pub const LABOUR: [&str; 6] = ["普通劳动力", "技能劳动力", "弱劳动力", "半劳动力", "丧失劳动力", "无劳动力"];
/// 健康状况（含残疾）
pub const HEALTH: [&str; 5] = ["健康", "长期慢性病", "大病", "残疾", "重度残疾"];
/// 在校情况
pub const SCHOOLING: [&str; 8] = crate::risk::Schooling::LABELS;
/// 住房类型 (土坯房 as the only house is typical feature 6 [G]).
pub const HOUSE_TYPES: [&str; 6] = crate::risk::HouseType::LABELS;

/// A household's register fields as the form sends them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct HouseholdForm {
    /// The villager group's (or village's) area code.
    pub org_code: String,
    pub address: String,
    pub phone: String,
    pub house_type: String,
    /// Typical feature 7: how industry failed through force majeure (empty if it did not).
    pub industry_failure: String,
    /// Typical feature 8: the disaster, accident or epidemic and what it caused (empty if none).
    pub disaster_loss: String,
    /// Typical feature 10: other special hardship (empty if none).
    pub other_hardship: String,
    /// 监测联系人: a user id, or empty.
    pub contact_user_id: String,
    /// 挂钩干部: a user id, or empty.
    pub liaison_user_id: String,
}

/// A household's register fields, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdFields {
    pub org_code: OrgCode,
    pub address: String,
    pub phone: Option<String>,
    pub house_type: String,
    pub industry_failure: Option<String>,
    pub disaster_loss: Option<String>,
    pub other_hardship: Option<String>,
    pub contact_user_id: Option<i64>,
    pub liaison_user_id: Option<i64>,
}

fn optional_text(field: &str, label: &str, text: &str, max: usize) -> Result<Option<String>, AppError> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(AppError::validation(field, format!("{label}不超过 {max} 字。")));
    }
    Ok((!text.is_empty()).then(|| text.to_string()))
}

fn one_of(field: &str, label: &str, text: &str, options: &[&str]) -> Result<String, AppError> {
    let text = text.trim();
    if options.contains(&text) {
        Ok(text.to_string())
    } else {
        Err(AppError::validation(field, format!("请选择{label}（{}）。", options.join("、"))))
    }
}

fn optional_user(field: &str, text: &str) -> Result<Option<i64>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| AppError::validation(field, "请从列表中选择人员。"))
}

/// A mobile number (1[3-9] and 9 digits) or a landline such as 023-12345678.
pub fn parse_phone(text: &str) -> Result<Option<String>, AppError> {
    let text: String = text.trim().chars().filter(|c| *c != ' ').collect();
    if text.is_empty() {
        return Ok(None);
    }
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    let mobile = text.len() == 11
        && text.starts_with('1')
        && matches!(text.as_bytes().get(1), Some(b'3'..=b'9'))
        && digits == 11;
    // A landline: with its area code (0…, 10–12 digits) or a local 7- or 8-digit number.
    let landline = text.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
        && ((text.starts_with('0') && (10..=12).contains(&digits))
            || (!text.starts_with(['0', '1']) && (7..=8).contains(&digits)));
    if mobile || landline {
        Ok(Some(text))
    } else {
        Err(AppError::validation("phone", "联系电话应为 11 位手机号码或带区号的固定电话，例如 023-12345678。"))
    }
}

impl HouseholdForm {
    pub fn parse(&self) -> Result<HouseholdFields, AppError> {
        let org_code = OrgCode::parse(self.org_code.trim())
            .map_err(|_| AppError::validation("org_code", "请选择所在村民小组或村。"))?;
        let address = self.address.trim().to_string();
        if address.is_empty() {
            return Err(AppError::validation("address", "请填写家庭住址。"));
        }
        if address.chars().count() > 100 {
            return Err(AppError::validation("address", "家庭住址不超过 100 字。"));
        }
        Ok(HouseholdFields {
            org_code,
            address,
            phone: parse_phone(&self.phone)?,
            house_type: one_of("house_type", "住房类型", &self.house_type, &HOUSE_TYPES)?,
            industry_failure: optional_text("industry_failure", "产业失败情况", &self.industry_failure, 200)?,
            disaster_loss: optional_text("disaster_loss", "因灾因意外情况", &self.disaster_loss, 200)?,
            other_hardship: optional_text("other_hardship", "其他特殊困难", &self.other_hardship, 200)?,
            contact_user_id: optional_user("contact_user_id", &self.contact_user_id)?,
            liaison_user_id: optional_user("liaison_user_id", &self.liaison_user_id)?,
        })
    }
}

/// A member as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MemberForm {
    pub name: String,
    pub resident_id: String,
    pub relation: String,
    pub labour_capacity: String,
    pub health: String,
    pub schooling: String,
    /// 共同生活 or 户在人不在 ([`CO_RESIDENCE`]); empty means 共同生活.
    pub co_residence: String,
    /// 户在人不在 / 人在户不在: where the member actually lives, if not with the household.
    pub co_residence_note: String,
    /// The legal guardian or supporter, inside or outside the household ("王大（儿子，县城）").
    pub guardian: String,
    /// For a child: 留守儿童, 孤儿, 事实无人抚养儿童, or empty / "—".
    pub child_status: String,
}

/// A member, checked; sex and birth date derived from the ID number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberFields {
    pub name: String,
    pub resident_id: ResidentId,
    pub relation: String,
    /// `M` or `F`, from the 17th digit (odd: male).
    pub sex: String,
    pub birth_date: NaiveDate,
    pub labour_capacity: String,
    pub health: String,
    pub schooling: String,
    pub co_resident: bool,
    pub co_residence_note: Option<String>,
    pub guardian: Option<String>,
    pub child_status: Option<String>,
}

impl MemberForm {
    pub fn parse(&self, today: NaiveDate) -> Result<MemberFields, AppError> {
        let name = self.name.trim().to_string();
        let count = name.chars().count();
        if count == 0 {
            return Err(AppError::validation("name", "请填写姓名。"));
        }
        if count > 20 || name.chars().any(|c| c.is_ascii_digit() || c.is_control()) {
            return Err(AppError::validation("name", "姓名应为 20 字以内的文字，不含数字。"));
        }
        let resident_id = ResidentId::parse(&self.resident_id)?;
        let birth_date = resident_id.birth_date();
        if birth_date > today {
            return Err(AppError::validation("resident_id", "身份证号码中的出生日期晚于今天，请核对。"));
        }
        Ok(MemberFields {
            name,
            sex: if resident_id.is_male() { "M" } else { "F" }.to_string(),
            birth_date,
            resident_id,
            relation: one_of("relation", "与户主关系", &self.relation, &RELATIONS)?,
            labour_capacity: one_of("labour_capacity", "劳动能力", &self.labour_capacity, &LABOUR)?,
            health: one_of("health", "健康状况", &self.health, &HEALTH)?,
            schooling: one_of("schooling", "在校情况", &self.schooling, &SCHOOLING)?,
            co_resident: match self.co_residence.trim() {
                "" => true,
                text => one_of("co_residence", "是否共同生活", text, &CO_RESIDENCE)? == CO_RESIDENCE[0],
            },
            co_residence_note: optional_text("co_residence_note", "共同生活情况", &self.co_residence_note, 100)?,
            guardian: optional_text("guardian", "法定监护人或赡养人", &self.guardian, 40)?,
            child_status: match self.child_status.trim() {
                "" | "—" => None,
                text => Some(one_of("child_status", "儿童情况", text, &ChildStatus::LABELS)?),
            },
        })
    }
}

/// The warning-household sub-types recorded for a household [Y]: the ticked names from the policy's list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct WarningKindsForm {
    pub kinds: Vec<String>,
}

/// The sub-types as the household row stores them (`,kind,kind,`), in their order.
pub fn stored_warning_kinds(stored: &str) -> Vec<String> {
    stored.split(',').filter(|k| !k.is_empty()).map(String::from).collect()
}

/// 低保 as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DibaoForm {
    /// `none`, `receiving` or `tapering` (income passed the 低保 line: the taper starts).
    pub status: String,
    /// YYYY-MM-DD: the day income was found above the 低保 line (for `tapering`).
    pub exit_on: String,
}

/// 低保, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dibao {
    None,
    Receiving,
    /// The taper started on this day.
    Tapering {
        exit_on: NaiveDate,
    },
}

impl Dibao {
    pub fn as_str(self) -> &'static str {
        match self {
            Dibao::None => "none",
            Dibao::Receiving => "receiving",
            Dibao::Tapering { .. } => "tapering",
        }
    }

    /// The last day of a taper of `months` months starting on `exit_on` [F]: 12 months from 1 June
    /// 2026 run to 31 May 2027.
    pub fn taper_until(exit_on: NaiveDate, months: u32) -> NaiveDate {
        exit_on.checked_add_months(chrono::Months::new(months)).and_then(|d| d.pred_opt()).unwrap_or(exit_on)
    }
}

impl DibaoForm {
    pub fn parse(&self, today: NaiveDate) -> Result<Dibao, AppError> {
        match self.status.as_str() {
            "none" => Ok(Dibao::None),
            "receiving" => Ok(Dibao::Receiving),
            "tapering" => {
                let exit_on = NaiveDate::parse_from_str(self.exit_on.trim(), "%Y-%m-%d").map_err(|_| {
                    AppError::validation("exit_on", "请填写家庭人均收入超过低保标准的日期，例如 2026-06-01。")
                })?;
                if exit_on > today {
                    return Err(AppError::validation("exit_on", "日期不能晚于今天。"));
                }
                Ok(Dibao::Tapering { exit_on })
            }
            _ => Err(AppError::validation("status", "请选择低保状态。")),
        }
    }
}

/// The label of a stored 低保 state on `today`.
pub fn dibao_label(status: &str, taper_until: Option<NaiveDate>, today: NaiveDate, months: Option<u32>) -> String {
    match (status, taper_until) {
        ("receiving", _) => "享受低保".into(),
        ("tapering", Some(until)) if until >= today => match months {
            Some(m) => format!("低保渐退期至 {until}（{m} 个月，期间继续享受低保）"),
            None => format!("低保渐退期至 {until}（期间继续享受低保）"),
        },
        ("tapering", Some(until)) => format!("低保渐退期已于 {until} 结束"),
        _ => "未享受低保".into(),
    }
}

/// Someone who can be assigned.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CadreOption {
    pub user_id: i64,
    /// "王建国（石桥村 · 村干部）"
    pub label: String,
}

/// Who may be assigned to a household.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadreOptions {
    pub contacts: Vec<CadreOption>,
    pub liaisons: Vec<CadreOption>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checkboxes post `form[kinds][i]` for the ticked ones only: the gaps are no kinds.
    #[test]
    fn ticked_warning_kinds_read_from_a_form_post_y() {
        #[derive(Deserialize)]
        struct Post {
            form: WarningKindsForm,
        }
        let post: Post = serde_qs::Config::new(5, false)
            .deserialize_str("form%5Bkinds%5D%5B1%5D=%E5%A4%A7%E7%97%85&form%5Bkinds%5D%5B4%5D=%E5%A4%96%E5%87%BA")
            .unwrap();
        assert_eq!(post.form.kinds, ["大病", "外出"]);
        assert_eq!(stored_warning_kinds(",大病,外出,"), ["大病", "外出"]);
        assert!(stored_warning_kinds("").is_empty());
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn member(id: &str) -> MemberForm {
        MemberForm {
            name: "张三丰".into(),
            resident_id: id.into(),
            relation: "户主".into(),
            labour_capacity: "普通劳动力".into(),
            health: "健康".into(),
            schooling: "非在校".into(),
            ..Default::default()
        }
    }

    #[test]
    fn sex_and_birth_date_come_from_the_id_number() {
        // The standard's example: 17th digit 2, even, female; born 1949-12-31.
        let m = member("11010519491231002X").parse(d(2026, 3, 2)).unwrap();
        assert_eq!(m.sex, "F");
        assert_eq!(m.birth_date, d(1949, 12, 31));
        let first17 = "11010519491231001";
        let id = format!("{first17}{}", ResidentId::check_char(first17).unwrap());
        assert_eq!(member(&id).parse(d(2026, 3, 2)).unwrap().sex, "M");
    }

    #[test]
    fn member_fields_are_checked_with_their_field_named() {
        let today = d(2026, 3, 2);
        let mut form = member("11010519491231002X");
        form.relation = "邻居".into();
        assert!(form.parse(today).unwrap_err().field_message("relation").is_some_and(|m| m.contains("与户主关系")));
        let mut form = member("11010519491231002X");
        form.name = "张3".into();
        assert!(form.parse(today).unwrap_err().field_message("name").is_some());
        assert!(member("110105194912310021").parse(today).unwrap_err().field_message("resident_id").is_some());
        let born_later = "11010520270101001";
        let id = format!("{born_later}{}", ResidentId::check_char(born_later).unwrap());
        assert!(member(&id).parse(today).is_err());
    }

    #[test]
    fn phones() {
        assert_eq!(parse_phone(" 138 0000 1234 ").unwrap().as_deref(), Some("13800001234"));
        assert_eq!(parse_phone("023-44556677").unwrap().as_deref(), Some("023-44556677"));
        assert_eq!(parse_phone("").unwrap(), None);
        for bad in ["12800001234", "1380000123", "电话", "-023"] {
            assert!(parse_phone(bad).is_err(), "{bad}");
        }
    }

    /// [F] 已纳入低保的，家庭人均收入超过当地低保标准的，给予12个月延保渐退期。
    #[test]
    fn a_household_leaving_dibao_keeps_a_twelve_month_taper_f() {
        assert_eq!(Dibao::taper_until(d(2026, 6, 1), 12), d(2027, 5, 31));
        let form = DibaoForm { status: "tapering".into(), exit_on: "2026-06-01".into() };
        assert_eq!(form.parse(d(2026, 11, 22)).unwrap(), Dibao::Tapering { exit_on: d(2026, 6, 1) });
        let label = dibao_label("tapering", Some(d(2027, 5, 31)), d(2026, 11, 22), Some(12));
        assert!(label.contains("低保渐退期至 2027-05-31"), "{label}");
        assert!(dibao_label("tapering", Some(d(2027, 5, 31)), d(2027, 6, 1), None).contains("已于 2027-05-31 结束"));
        let missing = DibaoForm { status: "tapering".into(), exit_on: String::new() };
        assert!(missing.parse(d(2026, 11, 22)).unwrap_err().field_message("exit_on").is_some());
    }
}
