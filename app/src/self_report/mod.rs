//! 农户主动申报（一键报贫）[F]: a public page, without sign-in, where a villager (or someone for them)
//! reports hardship. The report is checked, rate-limited, and becomes a case that the village must
//! verify within the policy's working days.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

use crate::cases::RiskType;
use crate::error::AppError;

/// What a villager may say happened (the case's risk type).
pub const KINDS: [RiskType; 10] = [
    RiskType::Illness,
    RiskType::Medical,
    RiskType::Disaster,
    RiskType::Accident,
    RiskType::Income,
    RiskType::Employment,
    RiskType::Education,
    RiskType::Housing,
    RiskType::Water,
    RiskType::Other,
];

/// The public form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SelfReportForm {
    pub name: String,
    pub phone: String,
    /// The village's 12-digit code.
    pub village: String,
    pub kind: String,
    pub what_happened: String,
    /// Who is reporting: 本人, 家属, 邻居或村民, 其他.
    pub reporter: String,
}

/// A report that passed the checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelfReport {
    pub name: String,
    pub phone: String,
    pub village: String,
    pub kind: RiskType,
    pub what_happened: String,
    pub reporter: String,
}

impl SelfReportForm {
    pub fn parse(&self) -> Result<SelfReport, AppError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 20 {
            return Err(AppError::validation("name", "请填写户主或困难群众的姓名（不超过 20 个字）。"));
        }
        let phone = crate::households::forms::parse_phone(&self.phone)?
            .ok_or_else(|| AppError::validation("phone", "请填写联系电话，村里会打这个电话与您核实。"))?;
        let village = self.village.trim();
        if village.len() != 12 || !village.chars().all(|c| c.is_ascii_digit()) {
            return Err(AppError::validation("village", "请选择所在的村（社区）。"));
        }
        let kind = RiskType::parse(self.kind.trim())
            .filter(|k| KINDS.contains(k))
            .ok_or_else(|| AppError::validation("kind", "请选择遇到的困难类型。"))?;
        let what = self.what_happened.trim();
        if what.chars().count() < 5 {
            return Err(AppError::validation("what_happened", "请简单说明遇到了什么困难（至少 5 个字）。"));
        }
        if what.chars().count() > 500 {
            return Err(AppError::validation("what_happened", "情况说明不超过 500 字。"));
        }
        let reporter = match self.reporter.trim() {
            "" => "本人",
            r @ ("本人" | "家属" | "邻居或村民" | "其他") => r,
            _ => return Err(AppError::validation("reporter", "请选择申报人身份。")),
        };
        Ok(SelfReport {
            name: name.into(),
            phone,
            village: village.into(),
            kind,
            what_happened: what.into(),
            reporter: reporter.into(),
        })
    }
}

/// What the villager is told after reporting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub number: i64,
    pub village_name: String,
    /// The village verifies by this day.
    pub verify_by: chrono::NaiveDate,
}

/// What the public form offers: the places to choose from and the county's hotline (its policy's
/// `notice_phone`), none where the county has no policy for the year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Places {
    pub townships: Vec<Township>,
    pub hotline: Option<String>,
}

/// A township with its villages, for the public form's choice of place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Township {
    pub name: String,
    /// `(code, name)` of each village.
    pub villages: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SelfReportForm {
        SelfReportForm {
            name: "张建国".into(),
            phone: "138 0013 8000".into(),
            village: "500152101201".into(),
            kind: "illness".into(),
            what_happened: "老伴住院做手术，自付六万多".into(),
            reporter: "".into(),
        }
    }

    #[test]
    fn a_plain_report_passes() {
        let r = form().parse().unwrap();
        assert_eq!(r.phone, "13800138000");
        assert_eq!(r.reporter, "本人");
        assert_eq!(r.kind, RiskType::Illness);
    }

    #[test]
    fn each_field_is_checked_in_words() {
        let field = |f: SelfReportForm| match f.parse() {
            Err(AppError::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(SelfReportForm { name: " ".into(), ..form() }), "name");
        assert_eq!(field(SelfReportForm { phone: "".into(), ..form() }), "phone");
        assert_eq!(field(SelfReportForm { phone: "12345".into(), ..form() }), "phone");
        assert_eq!(field(SelfReportForm { village: "5001".into(), ..form() }), "village");
        assert_eq!(field(SelfReportForm { kind: "food".into(), ..form() }), "kind");
        assert_eq!(field(SelfReportForm { what_happened: "没钱".into(), ..form() }), "what_happened");
        assert_eq!(field(SelfReportForm { reporter: "领导".into(), ..form() }), "reporter");
    }
}
