//! Typed settings from environment variables. Every key has a default that works with no
//! configuration at all; README.md lists them all.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

#[derive(Clone, Debug)]
pub struct Settings {
    /// `DATABASE_URL`; default: an SQLite file in the data directory.
    pub database_url: String,
    /// `BIND_ADDR`, default `127.0.0.1:3000`.
    pub bind_addr: SocketAddr,
    /// `DATA_DIR`, default `data`.
    pub data_dir: PathBuf,
    /// `PUBLIC_URL`, default `http://<BIND_ADDR>`: the address users type; `https://` turns on Secure cookies.
    pub public_url: String,
    /// `SMTP_URL`, e.g. `smtp://user:pass@mail.example.cn:587`; unset: no e-mail is sent.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`, default `防返贫监测系统 <noreply@localhost>`: the sender of notification e-mail.
    pub mail_from: String,
    /// `MAIL_RELAY_SECONDS`, default 15: how often the outbox is sent.
    pub mail_relay_interval: Duration,
    /// `SESSION_SECRET`; unset: generated on first start and kept in the database.
    pub session_secret: Option<String>,
    /// `AUDIT_KEY`: the key of the audit chain and its checkpoints (≥ 32 characters); unset: generated on
    /// first start into `<DATA_DIR>/audit.key`. Never in the database.
    pub audit_key: Option<String>,
    /// `AUDIT_MAIL_TO`: the county's audit mailbox, which receives each daily checkpoint (with `SMTP_URL`).
    pub audit_mail_to: Option<String>,
    /// `LOG_LEVEL`, default `info` (a tracing filter such as `info,sqlx=warn`).
    pub log_level: String,
    /// `SESSION_IDLE_MINUTES`, default 30.
    pub session_idle: Duration,
    /// `SESSION_ABSOLUTE_HOURS`, default 12.
    pub session_absolute: Duration,
    /// `TRUST_PROXY_HEADERS`, default false: take the client address from `X-Forwarded-For`.
    pub trust_proxy_headers: bool,
    /// `LOGIN_MAX_FAILURES_PER_ACCOUNT` (default 5) and `LOGIN_MAX_FAILURES_PER_ADDRESS` (default 20)
    /// within `LOGIN_FAILURE_WINDOW_MINUTES` (default 15).
    pub login_max_failures_per_account: u64,
    pub login_max_failures_per_address: u64,
    pub login_failure_window: Duration,
    /// `DB_MAX_CONNECTIONS`, default 16.
    pub db_max_connections: u32,
    /// `EVIDENCE_DIR`, default `<DATA_DIR>/evidence`: where evidence files are kept (outside the web root).
    pub evidence_dir: PathBuf,
    /// `EVIDENCE_MAX_MB`, default 20: the largest evidence file accepted.
    pub evidence_max_mb: u64,
    /// `EVIDENCE_S3_URL` (`s3://bucket/prefix`) with `EVIDENCE_S3_ENDPOINT`, `EVIDENCE_S3_REGION` (default
    /// `us-east-1`), `EVIDENCE_S3_ACCESS_KEY_ID` and `EVIDENCE_S3_SECRET_ACCESS_KEY`: keep evidence in an
    /// S3-compatible bucket instead of `EVIDENCE_DIR` (which then only receives uploads in progress).
    pub evidence_s3: Option<app::evidence::store::S3Config>,
    /// `PRINT_TEMPLATES_DIR`: a folder of the operator's own print templates (`<form>/layout.toml`,
    /// `<form>/text.txt`) that replace the built-in ones; unset: the built-in templates.
    pub print_templates_dir: Option<PathBuf>,
    /// `PRINT_FONT`, default the Debian package's WenQuanYi Micro Hei: the CJK font embedded in PDFs.
    pub print_font: PathBuf,
    /// `HEADER_READ_TIMEOUT_SECONDS`, default 30: a client that has not sent a whole request header by
    /// then is disconnected.
    pub header_read_timeout: Duration,
    /// `REQUEST_TIMEOUT_SECONDS`, default 60: a request not answered by then gets 408.
    pub request_timeout: Duration,
    /// `UPLOAD_TIMEOUT_SECONDS`, default 600: the same for the upload forms (evidence, visit photos,
    /// household and department files), which read a large body over a slow link.
    pub upload_timeout: Duration,
    /// `SHUTDOWN_TIMEOUT_SECONDS`, default 20: after SIGTERM or Ctrl-C, requests in flight get this long
    /// to finish; the connections still open then are closed.
    pub shutdown_timeout: Duration,
    /// `SITE_ROOT`: where the browser bundle (`pkg/`) is; default `site` beside the executable.
    pub site_root: PathBuf,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn parsed<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(text) => text.parse().map_err(|e| anyhow::anyhow!("{name}={text:?} is not valid: {e}")),
    }
}

impl Settings {
    /// Read the settings from the environment.
    pub fn from_env() -> anyhow::Result<Settings> {
        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "data".into()));
        let bind_addr: SocketAddr = parsed("BIND_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)))?;
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", data_dir.join("fanpin.db").display()));
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            bail!("DATABASE_URL must start with sqlite: or postgres:// (got {database_url:?})");
        }
        let smtp_url = var("SMTP_URL");
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            bail!("SMTP_URL must start with smtp:// or smtps:// (got {url:?})");
        }
        let session_secret = var("SESSION_SECRET");
        if session_secret.as_ref().is_some_and(|s| s.len() < 32) {
            bail!("SESSION_SECRET must be at least 32 characters");
        }
        let audit_key = var("AUDIT_KEY");
        if audit_key.as_ref().is_some_and(|s| s.len() < 32) {
            bail!("AUDIT_KEY must be at least 32 characters");
        }
        let audit_mail_to = var("AUDIT_MAIL_TO");
        if let Some(address) = &audit_mail_to
            && address.parse::<lettre::message::Mailbox>().is_err()
        {
            bail!("AUDIT_MAIL_TO is not an e-mail address (got {address:?})");
        }
        let site_root = match var("SITE_ROOT") {
            Some(dir) => PathBuf::from(dir),
            None => std::env::current_exe()
                .context("cannot locate the server executable")?
                .parent()
                .map(|dir| dir.join("site"))
                .unwrap_or_else(|| PathBuf::from("site")),
        };
        Ok(Settings {
            database_url,
            bind_addr,
            public_url: var("PUBLIC_URL").unwrap_or_else(|| format!("http://{bind_addr}")),
            data_dir: data_dir.clone(),
            smtp_url,
            mail_from: var("MAIL_FROM").unwrap_or_else(|| "防返贫监测系统 <noreply@localhost>".into()),
            mail_relay_interval: Duration::from_secs(parsed("MAIL_RELAY_SECONDS", 15u64)?),
            session_secret,
            audit_key,
            audit_mail_to,
            log_level: var("LOG_LEVEL").unwrap_or_else(|| "info".into()),
            session_idle: Duration::from_secs(60 * parsed("SESSION_IDLE_MINUTES", 30u64)?),
            session_absolute: Duration::from_secs(3600 * parsed("SESSION_ABSOLUTE_HOURS", 12u64)?),
            trust_proxy_headers: parsed("TRUST_PROXY_HEADERS", false)?,
            login_max_failures_per_account: parsed("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5u64)?,
            login_max_failures_per_address: parsed("LOGIN_MAX_FAILURES_PER_ADDRESS", 20u64)?,
            login_failure_window: Duration::from_secs(60 * parsed("LOGIN_FAILURE_WINDOW_MINUTES", 15u64)?),
            db_max_connections: parsed("DB_MAX_CONNECTIONS", 16u32)?,
            evidence_dir: var("EVIDENCE_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("evidence")),
            evidence_max_mb: parsed("EVIDENCE_MAX_MB", 20u64)?,
            evidence_s3: match var("EVIDENCE_S3_URL") {
                None => None,
                Some(url) => Some(app::evidence::store::S3Config {
                    url,
                    endpoint: var("EVIDENCE_S3_ENDPOINT"),
                    region: var("EVIDENCE_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                    access_key_id: var("EVIDENCE_S3_ACCESS_KEY_ID")
                        .context("EVIDENCE_S3_URL is set: EVIDENCE_S3_ACCESS_KEY_ID is needed too")?,
                    secret_access_key: var("EVIDENCE_S3_SECRET_ACCESS_KEY")
                        .context("EVIDENCE_S3_URL is set: EVIDENCE_S3_SECRET_ACCESS_KEY is needed too")?,
                }),
            },
            print_templates_dir: var("PRINT_TEMPLATES_DIR").map(PathBuf::from),
            print_font: var("PRINT_FONT").map(PathBuf::from).unwrap_or_else(|| crate::pdf::DEFAULT_FONT.into()),
            header_read_timeout: Duration::from_secs(parsed("HEADER_READ_TIMEOUT_SECONDS", 30u64)?),
            request_timeout: Duration::from_secs(parsed("REQUEST_TIMEOUT_SECONDS", 60u64)?),
            upload_timeout: Duration::from_secs(parsed("UPLOAD_TIMEOUT_SECONDS", 600u64)?),
            shutdown_timeout: Duration::from_secs(parsed("SHUTDOWN_TIMEOUT_SECONDS", 20u64)?),
            site_root,
        })
    }

    /// Where evidence files are kept.
    pub fn evidence_backend(&self) -> app::evidence::store::Backend {
        use app::evidence::store::Backend;
        match &self.evidence_s3 {
            Some(s3) => Backend::S3(s3.clone()),
            None => Backend::Local(self.evidence_dir.clone()),
        }
    }

    /// Where the generated audit key is kept when `AUDIT_KEY` is unset.
    pub fn audit_key_file(&self) -> PathBuf {
        self.data_dir.join("audit.key")
    }

    /// The append-only file of signed audit checkpoints.
    pub fn audit_checkpoints(&self) -> PathBuf {
        self.data_dir.join("audit-checkpoints.txt")
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// The origin (scheme://host[:port]) of the public URL.
    pub fn public_origin(&self) -> String {
        let url = self.public_url.trim_end_matches('/');
        match url.split_once("://") {
            Some((scheme, rest)) => format!("{scheme}://{}", rest.split('/').next().unwrap_or_default()),
            None => url.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_origin_drops_the_path() {
        let mut s = Settings::from_env().unwrap();
        s.public_url = "https://fpjc.example.cn/app/".into();
        assert_eq!(s.public_origin(), "https://fpjc.example.cn");
        s.public_url = "http://127.0.0.1:3000".into();
        assert_eq!(s.public_origin(), "http://127.0.0.1:3000");
    }
}
