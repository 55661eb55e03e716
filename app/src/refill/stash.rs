//! The server's memory of refused plain form posts (see `crate::refill`): each kept for a few minutes
//! under a random token, for its own session only, and read once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::input::RefusedInput;

/// How long a refused submission is kept, how many at most, and the largest one kept.
const KEEP: Duration = Duration::from_secs(10 * 60);
const MAX_ENTRIES: usize = 512;
pub const MAX_BYTES: usize = 64 * 1024;

struct Entry {
    session: String,
    kept_at: Instant,
    input: RefusedInput,
}

/// Refused plain form posts, kept in memory for the page the redirect leads to.
#[derive(Clone, Default)]
pub struct Stash(Arc<Mutex<HashMap<String, Entry>>>);

impl std::fmt::Debug for Stash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stash")
    }
}

impl Stash {
    /// Keep a refused submission of `session` to server function `path`; the token for the redirect.
    pub fn keep(&self, session: &str, path: &str, body: String) -> String {
        let token = crate::token::new_token();
        let input = RefusedInput { token: token.clone(), path: path.to_string(), body };
        let mut entries = self.0.lock().unwrap_or_else(|poison| poison.into_inner());
        entries.retain(|_, e| e.kept_at.elapsed() < KEEP);
        if entries.len() >= MAX_ENTRIES
            && let Some(oldest) = entries.iter().min_by_key(|(_, e)| e.kept_at).map(|(k, _)| k.clone())
        {
            entries.remove(&oldest);
        }
        entries.insert(token.clone(), Entry { session: session.to_string(), kept_at: Instant::now(), input });
        token
    }

    /// The submission kept under `token`, once, and only for the session that sent it.
    pub fn take(&self, token: &str, session: &str) -> Option<RefusedInput> {
        let mut entries = self.0.lock().unwrap_or_else(|poison| poison.into_inner());
        let fresh = entries.get(token).is_some_and(|e| e.session == session && e.kept_at.elapsed() < KEEP);
        fresh.then(|| entries.remove(token)).flatten().map(|e| e.input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_submission_is_read_once_and_only_by_its_own_session() {
        let stash = Stash::default();
        let token = stash.keep("s1", "/rpc/save", "form%5Bname%5D=%E5%85%AD%E5%8D%83".into());
        assert_eq!(stash.take(&token, "s2"), None);
        assert_eq!(stash.take(&token, "s1").map(|i| i.body), Some("form%5Bname%5D=%E5%85%AD%E5%8D%83".to_string()));
        assert_eq!(stash.take(&token, "s1"), None);
    }
}
