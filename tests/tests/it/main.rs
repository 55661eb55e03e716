//! The integration suite: the real app (`server::startup::Application`) on a fresh database per
//! test, SQLite and PostgreSQL alike, talked to over HTTP like a browser or a department system.

mod audit;
mod auth;
mod common;
mod e2e;
mod schema;
mod scope;
