//! The key-encryption key (KEK) that seals private signing keys. Its one home is the store's
//! [`plateforme_store::key_encryption`], as the store seals sensitive fields with it too; the
//! path stays here for the callers that seal signing keys.

pub use plateforme_store::key_encryption::*;
