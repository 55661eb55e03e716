//! Evidence (佐证资料): photos and documents attached to a case, one of its steps or one of its
//! measures, to a visit, or to a supervision finding, each with the date it shows. The type is found from the content, the bytes are stored by SHA-256 outside the web root
//! (`store.rs`), and they are served only to people whose scope covers the case (`service.rs`).
//! Evidence is never deleted: a mistaken upload is withdrawn with a reason and stays on record.

pub mod api;
#[cfg(feature = "ssr")]
pub mod listing;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The types accepted, as found in the content: photos, PDF and office documents.
pub const ACCEPTED: [(&str, &str); 10] = [
    ("image/jpeg", "JPEG 照片"),
    ("image/png", "PNG 图片"),
    ("image/webp", "WebP 图片"),
    ("image/heif", "HEIC 照片"),
    ("application/pdf", "PDF 文件"),
    ("application/msword", "Word 文档"),
    ("application/vnd.ms-excel", "Excel 表格"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint 演示文稿"),
];

/// The `accept` attribute of the upload field (the server checks the content regardless).
pub const ACCEPT_ATTR: &str = "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx";

/// What a piece of evidence is attached to, besides its case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Attachment {
    Case,
    Step(i64),
    Measure(i64),
}

impl Attachment {
    /// From the upload form's `attach` field: empty, `step:<id>` or `measure:<id>`.
    pub fn parse(text: &str) -> Option<Attachment> {
        match text.trim().split_once(':') {
            None if text.trim().is_empty() || text.trim() == "case" => Some(Attachment::Case),
            Some(("step", id)) => id.parse().ok().map(Attachment::Step),
            Some(("measure", id)) => id.parse().ok().map(Attachment::Measure),
            _ => None,
        }
    }
}

/// One piece of evidence as people see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EvidenceView {
    pub id: i64,
    pub file_name: String,
    pub mime: String,
    pub kind_label: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub is_image: bool,
    pub has_thumbnail: bool,
    /// What it belongs to, in words ("案件", "步骤：核实完成", "措施：医疗保障").
    pub attached_to: String,
    /// The date the photo or document shows, as its uploader stated it.
    pub shown_on: Option<NaiveDate>,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    pub withdrawn: Option<Withdrawal>,
    /// The caller may withdraw it (their own upload, or they assign the unit's cadres).
    pub may_withdraw: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Withdrawal {
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// A person-readable size: "812 KB", "3.4 MB".
pub fn size_label(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} 字节"),
        b if b < 1024 * 1024 => format!("{} KB", b / 1024),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// The label of an accepted type.
pub fn kind_label(mime: &str) -> &'static str {
    ACCEPTED.iter().find(|(m, _)| *m == mime).map(|(_, label)| *label).unwrap_or("文件")
}

/// A name safe to show and to offer on download: the last path component, without control
/// characters or quotes, at most 100 characters; never used to build a path.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        last.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let cleaned: String = cleaned.chars().rev().take(100).collect::<Vec<_>>().into_iter().rev().collect();
    if cleaned.is_empty() { "未命名文件".into() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_tricks_leave_only_a_name() {
        assert_eq!(clean_file_name("../../x"), "x");
        assert_eq!(clean_file_name("..\\..\\windows\\system.ini"), "system.ini");
        assert_eq!(clean_file_name("/etc/passwd"), "passwd");
        assert_eq!(clean_file_name("..."), "未命名文件");
        assert_eq!(clean_file_name("房屋\"照片\"\n.jpg"), "房屋照片.jpg");
        assert_eq!(clean_file_name(&"长".repeat(150)).chars().count(), 100);
    }

    #[test]
    fn attachments_parse_from_the_form() {
        assert_eq!(Attachment::parse(""), Some(Attachment::Case));
        assert_eq!(Attachment::parse("step:12"), Some(Attachment::Step(12)));
        assert_eq!(Attachment::parse("measure:3"), Some(Attachment::Measure(3)));
        assert_eq!(Attachment::parse("measure:x"), None);
        assert_eq!(Attachment::parse("other"), None);
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size_label(500), "500 字节");
        assert_eq!(size_label(812 * 1024), "812 KB");
        assert_eq!(size_label(3_565_158), "3.4 MB");
    }
}
