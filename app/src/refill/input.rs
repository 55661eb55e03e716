//! A refused plain form post as it is kept and handed back (see `crate::refill`).

use serde::{Deserialize, Serialize};

/// A refused plain form post: the server function it was sent to and its body, as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedInput {
    pub token: String,
    /// The server function's URL path (`/rpc/...`).
    pub path: String,
    /// The URL-encoded form body.
    pub body: String,
}
