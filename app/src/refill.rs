//! What was typed into a refused form comes back with it. With the app running in the browser a refused
//! `ActionForm` is never redrawn, so nothing is lost; before the browser bundle has loaded a form is a
//! plain HTML post to its server function, and the server answers a refusal with a redirect to the page.
//! For that case the server keeps the submission for a few minutes under a random token added to the
//! redirect (`__form`), for the same session only and read once, and the page's forms take their initial
//! values from it (`refill`). One mechanism for every form; the server's part is in `Stash`.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The query parameter naming a kept submission.
pub const TOKEN_PARAM: &str = "__form";

/// A refused plain form post: the server function it was sent to and its body, as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedInput {
    pub token: String,
    /// The server function's URL path (`/rpc/...`).
    pub path: String,
    /// The URL-encoded form body.
    pub body: String,
}

/// The refused input of this page load, read once on the server and sent to the browser with the page.
type RefusedInputResource = OnceResource<Option<RefusedInput>>;

/// Called once by the app's root, before any page asks for `refused_input`.
pub fn provide_refused_input() {
    let resource: RefusedInputResource = OnceResource::new(read_refused_input());
    provide_context(resource);
}

#[cfg(feature = "ssr")]
async fn read_refused_input() -> Option<RefusedInput> {
    let parts = use_context::<axum::http::request::Parts>()?;
    let state = use_context::<crate::state::AppState>()?;
    let session = parts.extensions.get::<crate::request::RequestContext>()?.session_token.clone()?;
    let query = parts.uri.query()?;
    let token = query.split('&').find_map(|pair| pair.strip_prefix("__form="))?;
    state.refused.take(token, &session)
}

#[cfg(not(feature = "ssr"))]
async fn read_refused_input() -> Option<RefusedInput> {
    None
}

/// The refused input addressed to the page as it is now (its address still names the token). Call it in a
/// component; await the result inside the `Suspend` that draws the form.
pub fn refused_input() -> impl Future<Output = Option<RefusedInput>> + Send + 'static {
    let resource = use_context::<RefusedInputResource>();
    let token = use_query_map().with_untracked(|q| q.get(TOKEN_PARAM));
    async move {
        let input = resource?.await?;
        (token.as_deref() == Some(input.token.as_str())).then_some(input)
    }
}

/// The arguments of server function `S` as typed into its refused form, when that form was refused:
/// the page draws that form from them instead of from the record. A page with several forms of the same
/// function tells them apart by the arguments' ids.
pub fn refill<S: ServerFn + DeserializeOwned>(input: &Option<RefusedInput>) -> Option<S> {
    let input = input.as_ref().filter(|i| i.path == S::PATH)?;
    // Read as the server function reads a form (server_fn's `PostUrl` codec).
    serde_qs::Config::new(5, false).deserialize_str(&input.body).ok()
}

#[cfg(feature = "ssr")]
pub use stash::{MAX_BYTES, Stash};

#[cfg(feature = "ssr")]
mod stash {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use super::RefusedInput;

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
            let token = crate::auth::session::new_token();
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
}

#[cfg(all(test, feature = "ssr"))]
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
