//! Statistical secrecy (secret statistique) of the indicators' tables: what is hidden
//! ([`cube::protect`]) and what a reader of the published cells can still work out
//! ([`cube::attack`] by interval propagation, [`cube::attack_exactly`] by linear programming),
//! shared by the server and the conformance suite that checks a deployment.

pub mod cube;
pub mod linked;

pub use linked::{Bounds, Linked, Pattern, Role};
