//! The stylesheet, compiled into the server, and its fingerprinted address (the page head links it; the
//! server serves it there with a year's caching, so a changed stylesheet gets a new address).

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// The whole stylesheet.
pub const STYLESHEET: &str = include_str!("../../assets/app.css");

/// `/assets/app.<first 16 hex digits of its SHA-256>.css`.
pub fn stylesheet_href() -> &'static str {
    static HREF: LazyLock<String> = LazyLock::new(|| {
        let digest = Sha256::digest(STYLESHEET);
        format!("/assets/app.{}.css", hex::encode(digest.get(..8).unwrap_or_default()))
    });
    &HREF
}
