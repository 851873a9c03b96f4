//! The Plateforme server: configuration, wiring of the API crates, the OpenAPI contract and
//! the command line.

pub mod app;
pub mod commands;
pub mod config;
mod dashboard;
pub mod deprecations;
mod fallback;
mod head;
mod health;
pub mod in_process;
pub mod openapi;
pub mod portal;
pub mod probe;
mod problems;
pub mod seed;
mod status;
pub mod telemetry;
