//! The demo county's open risk cases: one for every red-alert household and for some of the other
//! households the rules flag, registered over the past weeks so that some are due soon and a few are
//! overdue, as in a county at work.

use app::audit::service::Actor;
use app::cases::RiskType;
use app::cases::service::opening::{Opening, open};
use chrono::{DateTime, Datelike, Duration, Utc};
use entities::household;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};

/// Register the cases in the demo's transaction; returns how many.
pub async fn load(
    tx: &DatabaseTransaction,
    rng: &mut ChaCha8Rng,
    actor: &Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let fail = |e: app::error::AppError| anyhow::anyhow!("{e}");
    let flagged = household::Entity::find()
        .filter(
            Condition::any().add(household::Column::RedAlert.eq(true)).add(household::Column::RiskMonitored.eq(true)),
        )
        .order_by_asc(household::Column::Id)
        .all(tx)
        .await?;
    let calendar = app::calendar::service::load(tx).await.map_err(fail)?;
    let mut count = 0;
    for h in &flagged {
        if !h.red_alert && !rng.random_bool(0.35) {
            continue;
        }
        let Some(owner) = h.contact_user_id else { continue };
        let (evaluation, _, _) = app::households::service::evaluation::evaluate_now(tx, h, now).await.map_err(fail)?;
        let flag = match h.red_alert {
            true => evaluation.flags.iter().find(|f| RiskType::of_red_alert(f.kind).is_some()),
            false => evaluation.flags.first(),
        };
        let Some(flag) = flag else { continue };
        // Most registered this week, some two or three weeks ago (past the policy's initial-review deadline).
        let days_ago = if rng.random_bool(0.75) { rng.random_range(0..=5) } else { rng.random_range(12..=20) };
        let registered = now - Duration::days(days_ago);
        let registered_on = app::time::beijing_date(registered);
        let policy = app::policy::service::effective(tx, &h.org_code, registered_on.year()).await.map_err(fail)?;
        let deadline =
            app::cases::lifecycle::initial_deadline(registered_on, None, &calendar, &policy.policy).map_err(fail)?;
        open(
            tx,
            registered,
            actor,
            Opening {
                household: Some(h),
                org_code: &h.org_code,
                source: app::cases::Source::Visit,
                risk_type: RiskType::of_flag(flag.kind),
                red_alert: h.red_alert,
                description: &format!("走访发现：{}。", flag.reason),
                owner,
                department: "",
                responsible_person: "",
                deadline,
                status: app::cases::Status::PendingVerification,
                notify_owner: false,
            },
        )
        .await
        .map_err(fail)?;
        count += 1;
    }
    Ok(count)
}
