//! The typed resources. The larger documents (persons, contracts, diagnostics…) travel as
//! `serde_json::Value`, shaped as the contract (`/openapi.json`) says.

pub mod organization;
