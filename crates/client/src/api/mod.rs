//! The typed operations, one module per resource, each an `impl Client` block.

pub mod admin;
pub mod changes;
pub mod co_accompaniments;
pub mod consents;
pub mod contracts;
pub mod delegations;
pub mod diagnostic;
pub mod duties;
// Inbound sync.
pub mod exports;
pub mod inbound;
pub mod indicators;
pub mod me;
pub mod offers;
pub mod organizations;
pub mod persons;
pub mod profiles;
pub mod sites;
pub mod webhooks;
// The training catalogue (issue 15).
pub mod training;
pub mod training_positionings;
