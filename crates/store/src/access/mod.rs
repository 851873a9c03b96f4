//! The storage of partner access (used by the `auth` crate): OAuth clients, the token
//! signing keys, and the journal of every access to personal data.

pub mod clients;
pub mod journal;
pub mod signing_keys;
