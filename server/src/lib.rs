//! The server: configuration, the HTTP application (Leptos pages, server functions, the JSON API),
//! database start-up, and the operator's commands.

#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

pub mod api;
pub mod assets;
pub mod audit;
pub mod cli;
pub mod config;
pub mod database;
pub mod demo;
pub mod jobs;
pub mod mail;
pub mod middleware;
pub mod pdf;
pub mod refill;
pub mod startup;
