//! Scheduled work, as functions of `now`: each job runs once per slot (a day) across all server
//! instances, because the instance that inserts the (job, slot) row is the one that runs it; and each
//! notice a job writes is keyed, so even a job run twice tells nobody twice.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{job_run, risk_case};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, Set, TryInsertResult,
};

use super::Category;
use super::service::{Notice, notify};
use crate::auth::Role;
use crate::cases::Status;
use crate::db::begin_write;
use crate::error::AppError;
use crate::time::beijing_date;

/// The daily jobs, by name.
pub const DAILY: [&str; 4] = ["deadline_scan", "warning_digest", "visit_reminders", "meeting_reminders"];

/// A claim this old without an outcome belongs to an instance that stopped mid-job: another takes it
/// over (each job writes in one transaction and keys its notices, so running it again is safe).
const STALE_CLAIM_MINUTES: i64 = 30;

/// Run each daily job not yet run today by any instance. Returns the jobs this call ran.
pub async fn run_due(db: &DatabaseConnection, now: DateTime<Utc>, instance: &str) -> Result<Vec<String>, AppError> {
    let slot = beijing_date(now).to_string();
    let mut ran = Vec::new();
    for job in DAILY {
        job_run::Entity::delete_many()
            .filter(job_run::Column::Job.eq(job))
            .filter(job_run::Column::Slot.eq(&slot))
            .filter(job_run::Column::FinishedAt.is_null())
            .filter(job_run::Column::StartedAt.lt(now - chrono::Duration::minutes(STALE_CLAIM_MINUTES)))
            .exec(db)
            .await?;
        let claim = job_run::ActiveModel {
            job: Set(job.into()),
            slot: Set(slot.clone()),
            instance: Set(instance.chars().take(64).collect()),
            started_at: Set(now),
            ..Default::default()
        };
        let claimed = job_run::Entity::insert(claim)
            .on_conflict_do_nothing_on([job_run::Column::Job, job_run::Column::Slot])
            .exec(db)
            .await?;
        let TryInsertResult::Inserted(claimed) = claimed else { continue };
        let outcome = match job {
            "deadline_scan" => deadline_scan(db, now).await.map(|n| format!("{n} notices")),
            "warning_digest" => crate::screening::service::digest(db, now).await.map(|n| format!("{n} notices")),
            "visit_reminders" => crate::visits::service::remind(db, now).await.map(|n| format!("{n} notices")),
            "meeting_reminders" => crate::meetings::service::remind(db, now).await.map(|n| format!("{n} notices")),
            other => Err(AppError::internal(format!("unknown job {other}"))),
        };
        let row = job_run::Entity::find_by_id(claimed.last_insert_id).one(db).await?.ok_or(AppError::NotFound)?;
        match outcome {
            Ok(text) => {
                tracing::info!(job, slot, outcome = %text, "scheduled job done");
                let mut active = row.into_active_model();
                active.finished_at = Set(Some(now));
                active.outcome = Set(Some(text));
                active.update(db).await?;
                ran.push(job.to_string());
            }
            Err(e) => {
                // Give the claim back, so the next round (on any instance) tries again.
                tracing::error!(job, slot, error = %e, "scheduled job failed");
                job_run::Entity::delete_by_id(row.id).exec(db).await?;
            }
        }
    }
    Ok(ran)
}

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

/// The working day before `day` (for digests covering the days since).
pub fn previous_working_day(calendar: &crate::calendar::WorkCalendar, day: NaiveDate) -> Result<NaiveDate, AppError> {
    let mut date = day - chrono::Duration::days(1);
    while !calendar.is_working_day(date)? {
        date -= chrono::Duration::days(1);
    }
    Ok(date)
}
