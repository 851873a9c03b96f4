//! The typed operations, one module per resource, each an `impl Client` block.

pub mod admin;
pub mod changes;
pub mod consents;
pub mod contracts;
pub mod diagnostic;
pub mod me;
pub mod offers;
pub mod organizations;
pub mod persons;
