//! Plain form posts to server functions (sent before the browser bundle has loaded). The server function
//! answers such a post with a redirect back to the page, with its error in the query; this layer keeps a
//! refused submission in `app::refill::stash::Stash` and adds its token to that redirect, so the page shows what
//! was typed (see `app::refill`).

use app::error::AppError;
use app::refill::TOKEN_PARAM;
use app::request::RequestContext;
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest form body read (axum's default limit); larger submissions are not kept either way.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// A layer around the server functions (`/rpc/...`), inside the one that resolves the caller.
pub async fn keep_refused_input(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(session) = plain_form_post(&req) else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return AppError::validation("form", "提交的内容过多，请删减后再试。").into_response();
    };
    let path = parts.uri.path().to_string();
    let mut res = next.run(Request::from_parts(parts, Body::from(body.clone()))).await;
    let Some(location) =
        res.headers().get(LOCATION).and_then(|v| v.to_str().ok()).and_then(|l| url::Url::parse(l).ok())
    else {
        return res;
    };
    let refused = location.query_pairs().any(|(key, _)| key == "__err");
    let token = (refused && body.len() <= app::refill::stash::MAX_BYTES)
        .then(|| state.refused.keep(&session, &path, without_passwords(&body)));
    if let Ok(value) = HeaderValue::from_str(tidy_location(location, token.as_deref()).as_str()) {
        res.headers_mut().insert(LOCATION, value);
    }
    res
}

/// The session of a plain HTML form post to a server function (one that wants a page back), if it is one.
fn plain_form_post(req: &Request) -> Option<String> {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let plain = req.method() == Method::POST
        && req.uri().path().starts_with("/rpc/")
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
