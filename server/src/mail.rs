//! The e-mail relay: sends what the outbox holds through SMTP (lettre), with retries and backoff.
//! A message is claimed before it is sent, so of several server instances only one sends it; its
//! `Message-ID` is fixed when the row is written, so a receiving server can drop a copy sent again
//! after a crash between sending and recording it. Nothing is lost while the SMTP server is down:
//! the row waits and is tried again.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use entities::mail_outbox;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// How long a claimed message stays with the instance sending it (far longer than the SMTP timeout).
const CLAIM_MINUTES: i64 = 5;
/// Messages per round.
const BATCH: u64 = 50;

#[derive(Clone)]
pub struct Relay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    instance: String,
}

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
}

impl Relay {
    /// A relay for `smtp://[user:pass@]host[:port]` (add `?tls=required` for STARTTLS) or `smtps://…`.
    pub fn new(smtp_url: &str, from: &str, instance: &str) -> anyhow::Result<Relay> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .with_context(|| format!("SMTP_URL {smtp_url:?} is not a valid SMTP address"))?
            .timeout(Some(std::time::Duration::from_secs(15)))
            .build();
        let from: Mailbox = from.parse().with_context(|| format!("MAIL_FROM {from:?} is not a mailbox"))?;
        Ok(Relay { transport, from, instance: instance.into() })
    }

    /// Send every message due at `now` that no other instance holds.
    pub async fn deliver_due(&self, db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<Round> {
        let due = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::SentAt.is_null())
            .filter(mail_outbox::Column::NextAttemptAt.lte(now))
            .filter(free(now))
            .order_by_asc(mail_outbox::Column::Id)
            .limit(BATCH)
            .all(db)
            .await
            .context("reading the outbox")?;
        let mut round = Round::default();
        let started = std::time::Instant::now();
        for message in due {
            // A round may take long (a slow SMTP server): each claim counts from the moment it is made,
            // so a message is never sent while another instance may still hold it.
            let claim_time = now + Duration::from_std(started.elapsed()).unwrap_or_default();
            // Claim it: only one instance wins the conditional update.
            let claimed = mail_outbox::Entity::update_many()
                .col_expr(mail_outbox::Column::ClaimedUntil, Expr::value(claim_time + Duration::minutes(CLAIM_MINUTES)))
                .col_expr(mail_outbox::Column::ClaimedBy, Expr::value(self.instance.clone()))
                .filter(mail_outbox::Column::Id.eq(message.id))
                .filter(mail_outbox::Column::SentAt.is_null())
                .filter(free(claim_time))
                .exec(db)
                .await
                .context("claiming a message")?;
            if claimed.rows_affected != 1 {
                continue;
            }
            let attempts = message.attempts + 1;
            let update = mail_outbox::Entity::update_many()
                .col_expr(mail_outbox::Column::Attempts, Expr::value(attempts))
                .col_expr(mail_outbox::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
                .filter(mail_outbox::Column::Id.eq(message.id));
            match self.send(&message).await {
                Ok(()) => {
                    update
                        .col_expr(mail_outbox::Column::SentAt, Expr::value(now))
                        .col_expr(mail_outbox::Column::LastError, Expr::value(Option::<String>::None))
                        .exec(db)
                        .await
                        .context("recording a sent message")?;
                    round.sent += 1;
                }
                Err(e) => {
                    let wait = backoff(attempts);
                    tracing::warn!(id = message.id, attempts, error = %format!("{e:#}"), retry_in_minutes = wait.num_minutes(),
                        "e-mail not sent; will retry");
                    update
                        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(now + wait))
                        .col_expr(mail_outbox::Column::LastError, Expr::value(format!("{e:#}")))
                        .exec(db)
                        .await
                        .context("recording a failed attempt")?;
                    round.failed += 1;
                }
            }
        }
        Ok(round)
    }

    async fn send(&self, message: &mail_outbox::Model) -> anyhow::Result<()> {
        self.send_text(&message.to_address, &message.subject, &message.body, Some(message.message_id.clone())).await
    }

    /// Send one plain-text message now (not through the outbox); without `message_id` lettre makes one.
    pub async fn send_text(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        message_id: Option<String>,
    ) -> anyhow::Result<()> {
        let to: Mailbox = to.parse().context("the recipient's address")?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(message_id)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .context("building the message")?;
        self.transport.send(email).await.context("SMTP")?;
        Ok(())
    }
}

/// Not held by any instance (never claimed, or the claim ran out).
fn free(now: DateTime<Utc>) -> Condition {
    Condition::any().add(mail_outbox::Column::ClaimedUntil.is_null()).add(mail_outbox::Column::ClaimedUntil.lt(now))
}

/// 1, 2, 4, ... minutes after each failure, at most an hour.
fn backoff(attempts: i32) -> Duration {
    Duration::minutes(1i64 << attempts.clamp(1, 7).saturating_sub(1)).min(Duration::hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_an_hour() {
        let minutes: Vec<i64> = (1..=9).map(|n| backoff(n).num_minutes()).collect();
        assert_eq!(minutes, vec![1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }
}
