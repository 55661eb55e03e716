//! What was typed into a refused form comes back with it. With the app running in the browser a refused
//! `ActionForm` is never redrawn, so nothing is lost; before the browser bundle has loaded a form is a
//! plain HTML post to its server function, and the server answers a refusal with a redirect to the page.
//! For that case the server keeps the submission for a few minutes under a random token added to the
//! redirect (`__form`), for the same session only and read once, and the page's forms take their initial
//! values from it (`refill`). One mechanism for every form; the server's part is in `stash`.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use serde::de::DeserializeOwned;

pub mod input;
#[cfg(feature = "ssr")]
pub mod stash;

pub use input::RefusedInput;

/// The query parameter naming a kept submission.
pub const TOKEN_PARAM: &str = "__form";

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
