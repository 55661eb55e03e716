//! Random tokens (sessions, API tokens and kept form submissions are named by one) and keyed digests
//! (tokens are stored, and the audit log is chained and signed, under HMAC-SHA-256).

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// A fresh random token (URL-safe base64 of 32 bytes).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// HMAC-SHA-256 of `bytes` under `key`, in hex.
pub fn keyed_digest(key: &[u8], bytes: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(bytes);
    hex::encode(mac.finalize().into_bytes())
}
