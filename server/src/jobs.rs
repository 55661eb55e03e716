//! The background loops of a serving instance: the daily jobs (deadline scan, warning digest, audit
//! checkpoint), the closing records of repeated refusals, and the e-mail relay. Every instance runs the loops; the jobs' claims and the outbox's claims make sure each
//! job and each message is done once.

use app::state::AppState;

use crate::audit::Anchor;
use crate::mail::Relay;

/// How often the instance looks for due jobs.
const JOB_SECONDS: u64 = 60;

/// Start the loops (they run until the process ends).
pub fn start(state: &AppState, relay: Option<Relay>, relay_every: std::time::Duration, anchor: Anchor) {
    let instance = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
    let (db, clock, denials) = (state.db.clone(), state.clock.clone(), state.denials.clone());
    let job_instance = instance.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(JOB_SECONDS));
        loop {
            tick.tick().await;
            let now = clock.now();
            if let Err(e) = app::jobs::run_due(&db, now, &job_instance).await {
                tracing::error!(error = %e, "scheduled jobs could not run");
            }
            if let Err(e) = denials.write_expired(&db, now).await {
                tracing::error!(error = %e, "repeated refusals could not be written to the audit log");
            }
            match anchor.write_if_due(&db, now).await {
                Ok(Some(checkpoint)) => tracing::info!(seq = checkpoint.seq, "audit checkpoint written"),
                Ok(None) => {}
                Err(e) => tracing::error!(error = %format!("{e:#}"), "the audit checkpoint could not be written"),
            }
        }
    });
    let Some(relay) = relay else {
        tracing::info!("SMTP_URL is not set: notices are shown in the app only; e-mail waits in the outbox");
        return;
    };
    let (db, clock) = (state.db.clone(), state.clock.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(relay_every);
        loop {
            tick.tick().await;
            match relay.deliver_due(&db, clock.now()).await {
                Ok(round) if round.sent + round.failed > 0 => {
                    tracing::info!(sent = round.sent, failed = round.failed, "e-mail relay round")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %format!("{e:#}"), "e-mail relay round failed"),
            }
        }
    });
}
