//! The static assets a browser downloads: the browser bundle (`pkg/`, fingerprinted by `.ci/build-site`,
//! precompressed as `.br` and `.gz`) and the stylesheet (fingerprinted here). Fingerprinted files never
//! change under their name, so they are cached for a year; pages themselves are never cached.

use std::path::Path;

use axum::Router;
use axum::extract::Path as UrlPath;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// A year, for files whose name changes with their content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The name `.ci/build-site` gave the bundle (`app.<hash>`, from `pkg/bundle.txt`), or `app` for a bundle
/// built by hand without a fingerprint.
pub fn bundle_name(site_root: &Path) -> String {
    let file = site_root.join("pkg/bundle.txt");
    match std::fs::read_to_string(&file) {
        Ok(name) if !name.trim().is_empty() => name.trim().to_string(),
        Ok(_) | Err(_) => {
            tracing::warn!(file = %file.display(), "no bundle name: pages will look for pkg/app.js (run .ci/build-site)");
            "app".into()
        }
    }
}

/// `/pkg/…` (the bundle, precompressed where the browser accepts it) and `/assets/app.<hash>.css`.
pub fn router<S: Clone + Send + Sync + 'static>(site_root: &Path) -> Router<S> {
    let bundle = ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)))
                .service(bundle),
        )
        .route("/assets/{file}", get(stylesheet))
}

/// The stylesheet under its fingerprinted name; any other name is not found (an old page asking for an old
/// stylesheet gets a 404 rather than a mismatched one cached for a year).
async fn stylesheet(UrlPath(file): UrlPath<String>) -> Response {
    if format!("/assets/{file}") != app::shell::assets::stylesheet_href() {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, IMMUTABLE)],
        app::shell::assets::STYLESHEET,
    )
        .into_response()
}
