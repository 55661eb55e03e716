//! The integration suite: the real app (`server::startup::Application`) on a fresh database per
//! test, SQLite and PostgreSQL alike, talked to over HTTP like a browser or a department system.

mod accountability;
mod admin;
mod api_errors;
mod assessment;
mod audit;
mod auth;
mod cases;
mod crosscheck;
mod crosscheck_sheets;
mod e2e;
mod e2e_accountability;
mod e2e_crosscheck;
mod elimination;
mod evidence;
mod excel;
mod identification;
mod meetings;
mod notify;
mod pages;
mod policy;
mod prints;
mod reach;
mod register;
mod robustness;
mod rules;
mod schema;
mod scope;
mod screening;
mod self_report;
mod serving;
mod supervision;
mod visits;
mod windows;
