//! Server functions, and plain form posts to them (sent before the browser bundle has loaded). The
//! server function answers such a post with a redirect back to the page, with its error in the query; a
//! refused submission is kept in `app::refill::Stash` and its token added to that redirect, so the page
//! shows what was typed (see `app::refill`).

use app::error::AppError;
use app::refill::TOKEN_PARAM;
use app::request::RequestContext;
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;
use leptos_axum::handle_server_fns_with_context;

/// The largest form body read (axum's default limit); larger submissions are not kept either way.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub async fn server_fn(State(state): State<AppState>, req: Request<Body>) -> Response {
    let Some(session) = plain_form_post(&req) else {
        return run(&state, req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return AppError::validation("form", "提交的内容过多，请删减后再试。").into_response();
    };
    let path = parts.uri.path().to_string();
    let mut res = run(&state, Request::from_parts(parts, Body::from(body.clone()))).await;
    let Some(location) =
        res.headers().get(LOCATION).and_then(|v| v.to_str().ok()).and_then(|l| url::Url::parse(l).ok())
    else {
        return res;
    };
    let refused = location.query_pairs().any(|(key, _)| key == "__err");
    let token = (refused && body.len() <= app::refill::MAX_BYTES)
        .then(|| state.refused.keep(&session, &path, without_passwords(&body)));
    if let Ok(value) = HeaderValue::from_str(tidy_location(location, token.as_deref()).as_str()) {
        res.headers_mut().insert(LOCATION, value);
    }
    res
}

async fn run(state: &AppState, req: Request<Body>) -> Response {
    let state = state.clone();
    handle_server_fns_with_context(move || provide_context(state.clone()), req).await.into_response()
}

/// The session of a plain HTML form post (one that wants a page back), if it is one.
fn plain_form_post(req: &Request<Body>) -> Option<String> {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let plain = req.method() == Method::POST
        && header(CONTENT_TYPE).starts_with("application/x-www-form-urlencoded")
        && header(ACCEPT).contains("text/html");
    plain.then(|| req.extensions().get::<RequestContext>()?.session_token.clone()).flatten()
}

/// The form body without its password fields, which are never kept.
fn without_passwords(body: &[u8]) -> String {
    let mut kept = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in url::form_urlencoded::parse(body).filter(|(name, _)| !name.contains("password")) {
        kept.append_pair(&name, &value);
    }
    kept.finish()
}

/// The page's address with only the latest error (the page may carry an earlier one) and the token of
/// the kept submission, if any.
fn tidy_location(mut location: url::Url, token: Option<&str>) -> url::Url {
    let pairs: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    let latest = |key: &str| pairs.iter().rev().find(|(k, _)| k == key).cloned();
    let (path, err) = (latest("__path"), latest("__err"));
    let mut query = location.query_pairs_mut();
    query.clear();
    for (key, value) in pairs.iter().filter(|(k, _)| !matches!(k.as_str(), "__path" | "__err" | TOKEN_PARAM)) {
        query.append_pair(key, value);
    }
    for (key, value) in path.iter().chain(err.iter()) {
        query.append_pair(key, value);
    }
    if let Some(token) = token {
        query.append_pair(TOKEN_PARAM, token);
    }
    drop(query);
    if location.query() == Some("") {
        location.set_query(None);
    }
    location
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_latest_error_and_the_new_token_stay_in_the_address() {
        let location = url::Url::parse("http://h/settings?year=2026&__path=a&__err=old&__form=t0&__path=a&__err=new")
            .expect("an address");
        assert_eq!(
            tidy_location(location.clone(), Some("t1")).as_str(),
            "http://h/settings?year=2026&__path=a&__err=new&__form=t1"
        );
        let ok = url::Url::parse("http://h/settings?__form=t0").expect("an address");
        assert_eq!(tidy_location(ok, None).as_str(), "http://h/settings");
    }

    #[test]
    fn passwords_are_never_kept() {
        assert_eq!(
            without_passwords(b"username=a&new_password=secret&form%5Bname%5D=x"),
            "username=a&form%5Bname%5D=x"
        );
    }
}
