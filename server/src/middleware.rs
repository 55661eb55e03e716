//! The request pipeline in front of every route: who is calling (session cookie or API token),
//! from where, and the refusal of state-changing requests from other origins.

use std::net::SocketAddr;
use std::sync::Arc;

use app::audit::RequestMeta;
use app::error::AppError;
use app::request::RequestContext;
use app::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn client_ip(req: &Request, trust_proxy: bool) -> Option<String> {
    if trust_proxy {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// The token of the `Authorization` header when there is one: `Bearer <token>`, the scheme in any case.
/// Anything else there reads as an empty token, which no token matches: a request that brings credentials
/// we cannot accept is refused, never served on its cookie instead.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?;
    let token = value.to_str().ok().and_then(|v| {
        let (scheme, token) = v.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string())
    });
    Some(token.unwrap_or_default())
}

/// Same-origin check for requests that change state: `Sec-Fetch-Site` when the browser sends it,
/// else `Origin` against the request's host and the configured public origin.
fn is_cross_origin(headers: &HeaderMap, allowed: &[String]) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let own = [format!("http://{host}"), format!("https://{host}")];
    !(own.iter().any(|o| o == origin) || allowed.iter().any(|o| o == origin))
}

/// Resolve the caller and attach a [`RequestContext`] to the request.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let meta = RequestMeta {
        ip: client_ip(&req, state.security.trust_proxy_headers),
        user_agent: req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string),
    };
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);

    let mut ctx = RequestContext { caller: None, meta, session_token: None, denials: state.denials.clone() };
    if let Some(token) = bearer(req.headers()) {
        match app::auth::session::resolve_api_token(&state, &token).await {
            Ok(Some(caller)) => ctx.caller = Some(Arc::new(caller)),
            Ok(None) => {
                tracing::warn!(ip = ?ctx.meta.ip, "refused an unknown or revoked API token");
                return AppError::Unauthenticated.into_response();
            }
            Err(e) => return e.into_response(),
        }
    } else {
        if unsafe_method && is_cross_origin(req.headers(), &state.security.allowed_origins) {
            tracing::warn!(ip = ?ctx.meta.ip, path = %req.uri().path(), "refused a cross-origin state-changing request");
            return AppError::CrossOrigin.into_response();
        }
        if let Some(token) = app::auth::session::token_from_headers(req.headers()) {
            match app::auth::session::resolve_session(&state, &token).await {
                Ok(caller) => ctx.caller = caller.map(Arc::new),
                Err(e) => return e.into_response(),
            }
            ctx.session_token = Some(token);
        }
    }
    req.extensions_mut().insert(ctx);
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    // Pages show personal data: never cache them in shared caches, never frame them, never sniff types.
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("private, no-cache"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

/// The server functions anyone may call: signing in and out, who is signed in, and the villagers' own report
/// (困难申报 needs no account).
const PUBLIC_SERVER_FUNCTIONS: [&str; 5] = ["login", "logout", "current_user", "public_places", "submit_self_report"];

/// An anonymous call of any other server function asks to sign in before its arguments are read (a probe
/// learns nothing from how its arguments are judged): 401 with the error as the server function's JSON, or,
/// for a plain form post of a page without its script, a redirect to the sign-in page.
pub async fn server_functions_need_sign_in(req: Request, next: Next) -> Response {
    let Some(name) = req.uri().path().strip_prefix("/rpc/") else { return next.run(req).await };
    let name = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let signed_in = req.extensions().get::<RequestContext>().is_some_and(|ctx| ctx.caller.is_some());
    if signed_in || PUBLIC_SERVER_FUNCTIONS.contains(&name) {
        return next.run(req).await;
    }
    let page = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    if page {
        return axum::response::Redirect::to("/login").into_response();
    }
    let body = serde_json::to_string(&AppError::Unauthenticated).unwrap_or_default();
    (axum::http::StatusCode::UNAUTHORIZED, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_passes_and_other_origins_do_not() {
        let allowed = vec!["https://fpjc.example.cn".to_string()];
        assert!(!is_cross_origin(
            &headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]),
            &allowed
        ));
        assert!(!is_cross_origin(&headers(&[("host", "10.0.0.5"), ("origin", "https://fpjc.example.cn")]), &allowed));
        assert!(is_cross_origin(&headers(&[("host", "127.0.0.1:3000"), ("origin", "http://evil.example")]), &allowed));
        assert!(is_cross_origin(&headers(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "cross-site")]), &allowed));
        assert!(!is_cross_origin(&headers(&[("host", "127.0.0.1:3000")]), &allowed));
    }

    #[test]
    fn any_authorization_header_is_a_token_to_check() {
        assert_eq!(bearer(&headers(&[("authorization", "Bearer fpt_abc")])).as_deref(), Some("fpt_abc"));
        assert_eq!(bearer(&headers(&[("authorization", "bearer  fpt_abc ")])).as_deref(), Some("fpt_abc"));
        assert_eq!(bearer(&headers(&[("authorization", "Bearer")])).as_deref(), Some(""));
        assert_eq!(bearer(&headers(&[("authorization", "Basic dXNlcjpwYXNz")])).as_deref(), Some(""));
        assert_eq!(bearer(&headers(&[])), None);
    }
}
