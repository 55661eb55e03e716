//! Notifications: what the system tells people (a case assigned to them, a deadline near or passed,
//! a red alert, the daily digest of department warnings), in an in-app list and by e-mail. The e-mail
//! is written to an outbox in the same transaction as the change that causes it; the server's relay
//! sends it later (`server/src/mail/`). The daily jobs that write notices run from `crate::jobs`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Kinds of notice; people can turn e-mail off per kind. (Named `NoticeCategory` in the OpenAPI document: the
/// policy's household `Category` has the name.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = NoticeCategory))]
pub enum Category {
    Assignment,
    DueSoon,
    Overdue,
    Escalation,
    RedAlert,
    Digest,
    VisitsDue,
    MeetingDue,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Assignment,
        Category::DueSoon,
        Category::Overdue,
        Category::Escalation,
        Category::RedAlert,
        Category::Digest,
        Category::VisitsDue,
        Category::MeetingDue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Assignment => "assignment",
            Category::DueSoon => "due_soon",
            Category::Overdue => "overdue",
            Category::Escalation => "escalation",
            Category::RedAlert => "red_alert",
            Category::Digest => "digest",
            Category::VisitsDue => "visits_due",
            Category::MeetingDue => "meeting_due",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Assignment => "案件交办给我",
            Category::DueSoon => "案件期限将到",
            Category::Overdue => "我的案件逾期",
            Category::Escalation => "下级案件逾期（上报）",
            Category::RedAlert => "红色预警",
            Category::Digest => "部门预警日汇总",
            Category::VisitsDue => "走访到期提醒",
            Category::MeetingDue => "研判会议提醒",
        }
    }
}

/// One notice in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: i64,
    pub category: Category,
    pub category_label: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// The caller's notices and e-mail settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub items: Vec<NotificationView>,
    pub unread: u64,
    /// The address e-mail goes to, if the person has one.
    pub email: Option<String>,
    /// Categories with e-mail turned off.
    pub email_off: Vec<Category>,
}

/// The e-mail settings form: a ticked box (`on`) per category.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MailSettingsForm {
    pub assignment: Option<String>,
    pub due_soon: Option<String>,
    pub overdue: Option<String>,
    pub escalation: Option<String>,
    pub red_alert: Option<String>,
    pub digest: Option<String>,
    pub visits_due: Option<String>,
    pub meeting_due: Option<String>,
}

impl MailSettingsForm {
    /// The categories ticked.
    pub fn ticked(&self) -> Vec<Category> {
        let boxes = [
            (Category::Assignment, &self.assignment),
            (Category::DueSoon, &self.due_soon),
            (Category::Overdue, &self.overdue),
            (Category::Escalation, &self.escalation),
            (Category::RedAlert, &self.red_alert),
            (Category::Digest, &self.digest),
            (Category::VisitsDue, &self.visits_due),
            (Category::MeetingDue, &self.meeting_due),
        ];
        boxes.into_iter().filter(|(_, v)| v.is_some()).map(|(c, _)| c).collect()
    }
}
