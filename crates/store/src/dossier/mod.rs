//! The person dossier's storage: the person record and the parts of their dossier, one module
//! per table, each with its `RESOURCE_TYPE`, its `Stored…` type and its queries. Every write
//! names the person as the change's subject, so it appears on the person's timeline.

pub mod access_codes;
pub mod breaches;
pub mod co_accompaniments;
pub mod consents;
pub mod contracts;
pub mod diagnostics;
pub mod erasure;
pub mod persons;
// Inbound sync: the references partner systems keep for the persons they push.
pub mod person_sources;
pub mod reviews;
