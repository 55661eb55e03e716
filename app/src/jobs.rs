//! Scheduled work, above the areas whose jobs it runs: each job runs once per slot (a day) across all
//! server instances, because the instance that inserts the (job, slot) row is the one that runs it; and
//! each notice a job writes is keyed, so even a job run twice tells nobody twice.

use chrono::{DateTime, Utc};
use entities::job_run;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, Set, TryInsertResult,
};

use crate::error::AppError;
use crate::time::beijing_date;

/// The daily jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// Case deadlines: reminders before, notices and escalation after.
    DeadlineScan,
    /// The day's department warnings, summed up for the township and the county.
    WarningDigest,
    /// Visits due and overdue.
    VisitReminders,
    /// Monthly judgment meetings not yet held or signed.
    MeetingReminders,
}

impl Job {
    pub const DAILY: [Job; 4] = [Job::DeadlineScan, Job::WarningDigest, Job::VisitReminders, Job::MeetingReminders];

    /// The job's name in the `job_run` table and the log.
    pub fn code(self) -> &'static str {
        match self {
            Job::DeadlineScan => "deadline_scan",
            Job::WarningDigest => "warning_digest",
            Job::VisitReminders => "visit_reminders",
            Job::MeetingReminders => "meeting_reminders",
        }
    }

    /// Run the job once; returns how many notices were new.
    pub async fn run(self, db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
        match self {
            Job::DeadlineScan => crate::cases::deadlines::deadline_scan(db, now).await,
            Job::WarningDigest => crate::screening::service::digest::digest(db, now).await,
            Job::VisitReminders => crate::visits::service::due::remind(db, now).await,
            Job::MeetingReminders => crate::meetings::service::reminders::remind(db, now).await,
        }
    }
}

/// A claim this old without an outcome belongs to an instance that stopped mid-job: another takes it
/// over (each job writes in one transaction and keys its notices, so running it again is safe).
const STALE_CLAIM_MINUTES: i64 = 30;

/// Run each daily job not yet run today by any instance. Returns the jobs this call ran.
pub async fn run_due(db: &DatabaseConnection, now: DateTime<Utc>, instance: &str) -> Result<Vec<Job>, AppError> {
    let slot = beijing_date(now).to_string();
    let mut ran = Vec::new();
    for job in Job::DAILY {
        job_run::Entity::delete_many()
            .filter(job_run::Column::Job.eq(job.code()))
            .filter(job_run::Column::Slot.eq(&slot))
            .filter(job_run::Column::FinishedAt.is_null())
            .filter(job_run::Column::StartedAt.lt(now - chrono::Duration::minutes(STALE_CLAIM_MINUTES)))
            .exec(db)
            .await?;
        let claim = job_run::ActiveModel {
            job: Set(job.code().into()),
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
        let outcome = job.run(db, now).await.map(|n| format!("{n} notices"));
        let row = job_run::Entity::find_by_id(claimed.last_insert_id).one(db).await?.ok_or(AppError::NotFound)?;
        match outcome {
            Ok(text) => {
                tracing::info!(job = job.code(), slot, outcome = %text, "scheduled job done");
                let mut active = row.into_active_model();
                active.finished_at = Set(Some(now));
                active.outcome = Set(Some(text));
                active.update(db).await?;
                ran.push(job);
            }
            Err(e) => {
                // Give the claim back, so the next round (on any instance) tries again.
                tracing::error!(job = job.code(), slot, error = %e, "scheduled job failed");
                job_run::Entity::delete_by_id(row.id).exec(db).await?;
            }
        }
    }
    Ok(ran)
}
