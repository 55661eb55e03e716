//! The public report page's rate limit, kept in this server's memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// Recent reports by key (`ip:…`, `phone:…`) in this server's memory: a sliding window on the app's
/// clock. Behind a load balancer each instance counts its own; the proxy's limits come first.
#[derive(Clone, Debug, Default)]
pub struct RateLimiter(Arc<Mutex<HashMap<String, Vec<DateTime<Utc>>>>>);

impl RateLimiter {
    /// Count one more for `key` unless it already has `max` within `window`; false when refused.
    pub fn allow(&self, key: &str, now: DateTime<Utc>, max: usize, window: Duration) -> bool {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, times| times.iter().any(|t| now - *t < Duration::days(1)));
        }
        let times = map.entry(key.to_string()).or_default();
        times.retain(|t| now - *t < window);
        if times.len() >= max {
            return false;
        }
        times.push(now);
        true
    }
}
