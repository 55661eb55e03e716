//! The workflows of DOMAIN.md as explicit state machines: a transition takes the current state, the
//! step asked for, who asks (their roles in the household's scope) and today, and returns the new state
//! or a refusal in Chinese. Persistence and audit wrap these functions; the rules live here.

pub mod api;
pub mod pages;
pub mod procedure;
#[cfg(feature = "ssr")]
pub mod service;
