//! The one application state, built by the server from its settings and provided to both the
//! SSR routes and the server functions.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

/// Sign-in and session rules (settings; see the README for the environment variables).
#[derive(Clone, Debug)]
pub struct SecuritySettings {
    /// Key for the keyed hashes of session and API tokens.
    pub session_key: Arc<[u8]>,
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    /// Set the `Secure` flag on the session cookie (the public URL is https).
    pub cookie_secure: bool,
    /// Origins allowed to send state-changing requests besides the request's own host.
    pub allowed_origins: Vec<String>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy_headers: bool,
    pub login_max_failures_per_account: u64,
    pub login_max_failures_per_address: u64,
    pub login_failure_window: Duration,
    /// The append-only file of signed audit checkpoints.
    pub audit_checkpoints: std::path::PathBuf,
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn crate::time::Clock>,
    pub security: SecuritySettings,
    /// Where evidence files are kept.
    pub evidence: crate::evidence::store::EvidenceStore,
    /// Progress of the department imports this server is running.
    pub imports: crate::screening::progress::Progress,
    /// Rate limits of the public report page.
    pub self_reports: crate::self_report::rate_limit::RateLimiter,
    /// Repeated refusals being counted (see `audit::denials`).
    pub denials: crate::audit::denials::Denials,
    /// Refused plain form posts, kept briefly so the page shows them again.
    pub refused: crate::refill::stash::Stash,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
