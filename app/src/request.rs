//! What the server knows about the request in hand: who is calling (resolved once by the server's
//! authentication middleware) and from where. Server functions and API handlers read it from here.

use std::sync::Arc;

use leptos::prelude::use_context;

use crate::audit::RequestMeta;
use crate::error::AppError;
use crate::permissions::Caller;
use crate::state::AppState;

/// Inserted into every request's extensions by the server's authentication middleware.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    pub caller: Option<Arc<Caller>>,
    pub meta: RequestMeta,
    /// The session cookie's token, when the request carried one.
    pub session_token: Option<String>,
    /// The server's count of repeated refusals.
    pub denials: crate::audit::denials::Denials,
}

impl RequestContext {
    /// The signed-in caller, or `Unauthenticated`; `PasswordChangeRequired` while they still sign in with the
    /// one-time password an administrator issued (they may do nothing else until they set their own).
    pub fn caller(&self) -> Result<&Caller, AppError> {
        let caller = self.signed_in()?;
        if caller.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(caller)
    }

    /// The signed-in caller even with a one-time password: for reading who they are and setting the password.
    pub fn signed_in(&self) -> Result<&Caller, AppError> {
        self.caller.as_deref().ok_or(AppError::Unauthenticated)
    }
}

/// The application state inside a server function.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from the Leptos context"))
}

/// The request context inside a server function (or while rendering a page on the server).
pub async fn request_context() -> Result<RequestContext, AppError> {
    let axum::Extension(ctx) = leptos_axum::extract::<axum::Extension<RequestContext>>()
        .await
        .map_err(|e| AppError::internal(format!("request context missing: {e}")))?;
    Ok(ctx)
}
