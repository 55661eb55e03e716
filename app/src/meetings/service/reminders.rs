//! The daily reminder of meetings due and minutes left unsigned.

use super::chair_roles;
use crate::db::begin_write;
use crate::error::AppError;
use crate::meetings::MeetingStatus;
use crate::org::{OrgCode, OrgLevel};
use crate::time::beijing_date;
use chrono::{DateTime, Datelike, Utc};
use entities::{meeting, org_unit, user_role};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashSet;

/// Remind each village's and township's chair whose meeting of this month is not yet signed, once,
/// when the month's end is within the policy's reminder working days. Returns how many notices were new.
pub async fn remind(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    let today = beijing_date(now);
    let (first, last) = crate::calendar::month("", today)?;
    let month = first.format("%Y-%m").to_string();
    let calendar = crate::calendar::service::load(db).await?;
    let units = org_unit::Entity::find().filter(org_unit::Column::Level.is_in(["village", "township"])).all(db).await?;
    let signed: HashSet<String> = meeting::Entity::find()
        .filter(meeting::Column::Month.eq(&month))
        .filter(meeting::Column::Status.eq(MeetingStatus::Signed.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.org_code)
        .collect();
    let tx = begin_write(db).await?;
    let mut sent = 0;
    for unit in units.into_iter().filter(|u| !signed.contains(&u.code)) {
        let Ok(code) = OrgCode::parse(&unit.code) else { continue };
        let chair = chair_roles(code.level());
        if chair.is_empty() {
            continue;
        }
        let reminder_days = match crate::policy::service::effective(&tx, &unit.code, today.year()).await {
            Ok(view) => view.policy.reminder_working_days,
            Err(AppError::Conflict(_)) => continue,
            Err(e) => return Err(e),
        };
        if calendar.add_working_days(today, reminder_days)? < last {
            continue;
        }
        let chairs: Vec<i64> = user_role::Entity::find()
            .filter(user_role::Column::OrgUnitId.eq(unit.id))
            .filter(user_role::Column::Role.is_in(chair.iter().map(|r| r.as_str())))
            .all(&tx)
            .await?
            .into_iter()
            .map(|g| g.user_id)
            .collect();
        let kind = if code.level() == OrgLevel::Township { "镇街联席研判会议" } else { "村级研判会议" };
        let notice = crate::notify::service::Notice {
            category: crate::notify::Category::MeetingDue,
            title: format!("{}本月{kind}尚未召开或签发", unit.name),
            body: format!(
                "{}{month} 的{kind}尚无签发的会议记录，请于 {last} 前召开研判会议、落实整改部门、责任人和期限，并签发会议记录。",
                unit.name
            ),
            link: "/meetings".into(),
            dedupe: Some(format!("meeting:{}:{month}", unit.code)),
        };
        sent += crate::notify::service::notify(&tx, now, &chairs, &notice).await?;
    }
    tx.commit().await?;
    Ok(sent)
}
