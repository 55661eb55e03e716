//! The Leptos app: pages, components and server functions. Compiled twice: with `ssr` for the server
//! (services, database, authorisation) and with `hydrate` for the browser (wasm32).
//! Each domain area is a module with its shared types in `mod.rs`, server functions in `api.rs`,
//! business rules that touch the database in `service.rs` (server only) and pages in `pages.rs`.
//! Which module may use which is written in `floors.rs` (foundation, rules, platform, services, server
//! functions, pages, composition); its test fails on any use of a module listed higher.

// Text from users is sliced by characters, not bytes, and lists are read with `get`: a request never panics.
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

pub mod accountability;
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod crosscheck;
pub mod error;
pub mod evidence;
pub mod excel;
pub mod household_file;
pub mod households;
pub mod meetings;
pub mod notify;
pub mod org;
pub mod permissions;
pub mod policy;
pub mod prints;
pub mod refill;
pub mod reports;
pub mod risk;
pub mod screening;
pub mod self_report;
pub mod shell;
pub mod supervision;
pub mod time;
pub mod ui;
pub mod users;
pub mod visits;
pub mod workflow;

#[cfg(feature = "ssr")]
pub mod authz;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod sampling;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod token;

#[cfg(test)]
mod floors;
#[cfg(test)]
mod parsers_proptest;
#[cfg(test)]
mod schema_names;

pub use shell::App;
#[cfg(feature = "ssr")]
pub use shell::shell;

/// The browser entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // Mark the page as interactive (forms now submit in place); end-to-end tests wait for this.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
