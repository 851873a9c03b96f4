//! The one shared data model of Plateforme: domain types, the network's codes and their
//! validation. No I/O: this crate depends on neither diesel nor actix.

pub mod codes;
pub mod contact_request;
pub mod date;
pub mod delegation;
pub mod geo;
pub mod history;
pub mod ids;
pub mod indicators;
pub mod journal;
pub mod merge_patch;
pub mod offer;
pub mod organization;
pub mod person;
pub mod profile;
pub mod schemas;
pub mod secrecy;
pub mod site;
pub mod validation;

pub use validation::{CodeError, FieldError, Validate, ValidationErrors};
