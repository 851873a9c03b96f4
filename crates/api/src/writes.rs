//! The shape every write shares, written once: what it extracts before its body. [`Create`]
//! for a creation (safe to retry with `Idempotency-Key`), [`Change`] for a change of one
//! resource (`If-Match`). The body comes after, as its own argument (`ValidJson<T>`,
//! `MergePatch`), so the signature names what the write takes. [`Created`] documents what a
//! creation answers ([`create_once`](crate::create_once) writes it).
//!
//! The parts are taken in the order the handlers took them as arguments (the caller, the path,
//! then the header), so a request with two faults is refused for the same one as before.

use std::collections::BTreeMap;

use actix_web::web;
use plateforme_store::Store;
use utoipa::openapi::{RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, ToSchema};

use crate::bundle::from_parts;
use crate::reads::{ETAG_DESCRIPTION, in_words, json_content, string_header};
use crate::{IdempotencyKey, IfMatch};

/// A write: the store, the caller `C`, the path `P` (`()` at the root) and the header `H` that
/// makes the write safe: the `Idempotency-Key` of a [`Create`], the `If-Match` of a [`Change`].
pub struct Write<C, P, H> {
    pub store: web::Data<Store>,
    pub caller: C,
    pub path: P,
    pub header: H,
}

/// A creation, safe to retry with its `Idempotency-Key` (`header`).
pub type Create<C, P = ()> = Write<C, P, IdempotencyKey>;

/// A change of one resource, based on the version its `If-Match` (`header`) names.
pub type Change<C, P> = Write<C, P, IfMatch>;

from_parts!(Write<P, H> from (web::Data<Store>, C, web::Path<P>, H), |(store, caller, path, header)| {
    Write { store, caller, path: path.into_inner(), header }
});

/// The answer of a creation of one `T`, for `responses(Created<T>, CreateProblems)`: 201 with
/// the new resource, its path in `Location` and its version in `ETag`.
pub struct Created<T>(std::marker::PhantomData<T>);

impl<T: ToSchema> IntoResponses for Created<T> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let name = T::name();
        let words = in_words(&name);
        let created = ResponseBuilder::new()
            .description(format!("Created. `Location` names the new {words}; `ETag` is its version."))
            .header("Location", string_header(&format!("Path of the {words}")))
            .header("ETag", string_header(ETAG_DESCRIPTION))
            .content("application/json", json_content(name))
            .build();
        BTreeMap::from([("201".to_owned(), created.into())])
    }
}
