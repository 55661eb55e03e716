//! The daily deadline scan of open cases: reminders to owners before a deadline, and notices to the owner
//! and the owner's superior unit once it has passed.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};
use entities::risk_case;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::cases::Status;
use crate::db::begin_write;
use crate::error::AppError;
use crate::notify::Category;
use crate::notify::service::{Notice, notify};
use crate::permissions::Role;
use crate::time::beijing_date;

/// Tell owners of open cases whose deadline is near (the policy's working days) or passed, and tell
/// the owner's superior unit of an overdue case (the township, or the county for township staff). Returns how many notices were new.
pub async fn deadline_scan(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    let today = beijing_date(now);
    let open: Vec<&str> = Status::open_codes();
    let cases = risk_case::Entity::find().filter(risk_case::Column::Status.is_in(open)).all(db).await?;
    let calendar = crate::calendar::service::load(db).await?;
    let mut reminder_days: HashMap<String, u32> = HashMap::new();
    let mut written = 0;
    let tx = begin_write(db).await?;
    for case in cases {
        let link = format!("/cases/{}", case.id);
        let what = format!("案件 #{}（{}）", case.id, case.description.chars().take(30).collect::<String>());
        if case.deadline < today {
            let days = (today - case.deadline).num_days();
            let notice = Notice {
                category: Category::Overdue,
                title: format!("案件已逾期 {days} 天：#{}", case.id),
                body: format!("{what}的期限是 {}，已逾期 {days} 天，请尽快办理。", case.deadline),
                link: link.clone(),
                dedupe: Some(format!("overdue:{}:{}", case.id, case.deadline)),
            };
            written += notify(&tx, now, &[case.owner_user_id], &notice).await?;
            // The owner's superior unit: the township above a village's case, or the county office when
            // the owner is township staff themselves.
            let candidates =
                |roles: &'static [Role]| crate::households::register::candidates(&tx, &case.org_code, roles);
            let township: Vec<i64> =
                candidates(&[Role::TownshipLeader, Role::TownshipStaff]).await?.iter().map(|c| c.user_id).collect();
            let superiors: Vec<i64> = if township.contains(&case.owner_user_id) {
                candidates(&[Role::CountyOffice]).await?.iter().map(|c| c.user_id).collect()
            } else {
                township
            };
            let owner = crate::users::service::display_names(&tx, [case.owner_user_id]).await?;
            let notice = Notice {
                category: Category::Escalation,
                title: format!("下级案件逾期：#{}", case.id),
                body: format!(
                    "{what}由{}负责，期限 {}，已逾期 {days} 天，请督促办理。",
                    owner.get(&case.owner_user_id).cloned().unwrap_or_default(),
                    case.deadline
                ),
                link,
                dedupe: Some(format!("escalation:{}:{}", case.id, case.deadline)),
            };
            written += notify(&tx, now, &superiors, &notice).await?;
            continue;
        }
        let days = match reminder_days.get(&case.org_code) {
            Some(days) => *days,
            None => {
                let policy = crate::policy::service::effective(&tx, &case.org_code, today.year()).await?;
                reminder_days.insert(case.org_code.clone(), policy.policy.reminder_working_days);
                policy.policy.reminder_working_days
            }
        };
        if calendar.working_days_between(today, case.deadline)? <= days {
            let notice = Notice {
                category: Category::DueSoon,
                title: format!("案件期限将到：#{}（{}）", case.id, case.deadline),
                body: format!("{what}的期限是 {}，请在期限前办理。", case.deadline),
                link,
                dedupe: Some(format!("due:{}:{}", case.id, case.deadline)),
            };
            written += notify(&tx, now, &[case.owner_user_id], &notice).await?;
        }
    }
    tx.commit().await?;
    Ok(written)
}
