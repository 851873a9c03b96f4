//! The HTTP conventions every API crate of Plateforme shares, written once: RFC 9457 problems
//! with a table of stable codes, JSON / merge-patch / query extractors that validate before
//! the database is touched, ETag and If-Match, idempotent creation, cursor pages, request ids.

mod bundle;
pub mod counsellor;
pub mod error;
pub mod history;
pub mod idempotency;
pub mod json;
pub mod middleware;
pub mod openapi;
pub mod pagination;
pub mod preconditions;
pub mod problem;
pub mod purpose;
pub mod query;
pub mod reads;
pub mod responses;
mod stated_header;
pub mod text;
pub mod writes;

pub use error::{ApiError, ErrorCode};
pub use idempotency::{IdempotencyKey, Located, answer_once, create_once};
pub use json::{BodyLimit, MergePatch, ValidJson};
pub use pagination::{PageBody, PageQuery};
pub use preconditions::{IfMatch, IfNoneMatch, etag};
pub use problem::Problem;
pub use query::{NoQuery, ValidQuery};
pub use reads::{List, Read, ReadOne};
pub use writes::{Change, Create, Created};

/// The contract states a header's rule as a pattern: on each sample, the pattern and the
/// server's own check must agree (the idempotency key, the entity tags, the purpose).
#[cfg(test)]
fn assert_pattern_agrees(pattern: &str, accepts: impl Fn(&str) -> bool, samples: &[&str]) {
    let pattern = regex::Regex::new(pattern).expect("a valid pattern");
    for sample in samples {
        assert_eq!(pattern.is_match(sample), accepts(sample), "{sample:?}");
    }
}
