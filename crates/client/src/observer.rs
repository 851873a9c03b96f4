//! A hook that sees every answer the client receives, token endpoint and retried attempts
//! included: for logs, metrics, or checking answers against the contract.

use crate::response::RawResponse;

/// Told of every HTTP answer, in the order received, before the client interprets it.
pub trait Observer: Send + Sync {
    fn observe(&self, response: &RawResponse);
}
