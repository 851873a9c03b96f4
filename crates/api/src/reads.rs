//! The shape every read shares, written once: what a read extracts ([`Read`] for one resource,
//! [`List`] for a page) and what it answers ([`ReadOne`] documents "200 with the resource and
//! its `ETag`, or 304"). A handler's signature and annotation then hold only what is its own:
//! its path, its query, its scopes and its store call.
//!
//! The extractors take their parts in the order the handlers took them as arguments (the
//! caller, then the path, then the query string), so a request with two faults is refused for
//! the same one as before.

use std::borrow::Cow;
use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use plateforme_store::{Page, Store};
use serde::Serialize;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Content, ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, ToSchema};
use uuid::Uuid;

use crate::bundle::from_parts;
use crate::history::{HistoryQuery, history_response};
use crate::pagination::page_response;
use crate::responses::{resource_response, tagged_response};
use crate::{ApiError, IfNoneMatch, NoQuery, ValidQuery};

/// A read of one resource: the store, the caller `C` (`Caller`, `MaybeCaller`…), the path `P`
/// (an id, or a struct of ids), a query string that must be empty, and `If-None-Match`.
pub struct Read<C, P> {
    pub store: web::Data<Store>,
    pub caller: C,
    pub path: P,
    if_none_match: IfNoneMatch,
}

impl<C, P> Read<C, P> {
    /// 200 with the resource and its `ETag`, or 304 when the client holds this version.
    pub fn answer(&self, version: i64, resource: &impl Serialize) -> HttpResponse {
        resource_response(&self.if_none_match, version, resource)
    }

    /// The same, tagged `tag` rather than by the version alone: for a resource that shows what
    /// its version does not cover (see [`tagged_response`]).
    pub fn answer_tagged(&self, tag: &str, resource: &impl Serialize) -> HttpResponse {
        tagged_response(&self.if_none_match, tag, resource)
    }
}

from_parts!(Read<P> from (web::Data<Store>, C, web::Path<P>, ValidQuery<NoQuery>, IfNoneMatch),
    |(store, caller, path, _, if_none_match)| Read { store, caller, path: path.into_inner(), if_none_match });

/// A read of one page: the request (for the `Link` of the next page), the store, the caller
/// `C`, the query `Q` (a [`paging_query!`](crate::paging_query) or [`HistoryQuery`]) and the
/// path `P` (`()` for a list at the root).
pub struct List<C, Q, P = ()> {
    req: HttpRequest,
    pub store: web::Data<Store>,
    pub caller: C,
    pub path: P,
    pub query: Q,
}

impl<C, Q, P> List<C, Q, P> {
    /// 200 with the page, and the `Link` of the next one.
    pub fn page<T: Serialize + ToSchema>(&self, page: Page<T>) -> HttpResponse {
        page_response(&self.req, page)
    }
}

impl<C, P> List<C, HistoryQuery, P> {
    /// One page of the history of the resource `id` of `resource_type`; 404 when it has none.
    /// Sensitive members, if the resource has any, are withheld: see [`List::history_disclosing`].
    pub async fn history(&self, resource_type: &'static str, id: Uuid) -> Result<HttpResponse, ApiError> {
        self.history_disclosing(resource_type, id, false).await
    }

    /// The same, with the sensitive members (the person's RQTH…) shown when `disclose`: when
    /// the caller has the scope that reads them.
    pub async fn history_disclosing(
        &self,
        resource_type: &'static str,
        id: Uuid,
        disclose: bool,
    ) -> Result<HttpResponse, ApiError> {
        history_response(&self.req, &self.store, resource_type, id, &self.query, disclose).await
    }
}

from_parts!(List<Q, P> from (HttpRequest, web::Data<Store>, C, web::Path<P>, ValidQuery<Q>),
    |(req, store, caller, path, ValidQuery(query))| List { req, store, caller, path: path.into_inner(), query });

/// The answers of a read of one `T`, for `responses(ReadOne<T>, ReadProblems)`: 200 with the
/// resource and its `ETag` (described after the schema's name: "The contract."), or 304.
pub struct ReadOne<T>(std::marker::PhantomData<T>);

impl<T: ToSchema> IntoResponses for ReadOne<T> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let name = T::name();
        let current = ResponseBuilder::new()
            .description(format!("The {}.", in_words(&name)))
            .header("ETag", string_header(ETAG_DESCRIPTION))
            .content("application/json", json_content(name))
            .build();
        let not_modified = ResponseBuilder::new().description("Not modified: the client's copy is current.").build();
        BTreeMap::from([("200".to_owned(), current.into()), ("304".to_owned(), not_modified.into())])
    }
}

/// The `ETag` of every answer that carries one, as the contract describes it.
pub(crate) const ETAG_DESCRIPTION: &str = "Version, for If-None-Match and If-Match";

/// A response header whose value is a string, as `headers(("Name" = String, …))` declares it.
pub(crate) fn string_header(description: &str) -> Header {
    HeaderBuilder::new().schema(ObjectBuilder::new().schema_type(Type::String)).description(Some(description)).build()
}

/// A JSON body of the schema named `name`, as `body = T` declares it.
pub(crate) fn json_content(name: Cow<'_, str>) -> Content {
    ContentBuilder::new().schema(Some(Ref::from_schema_name(name))).build()
}

/// A schema's name as words of a sentence: `JournalRecord` → `journal record`.
pub(crate) fn in_words(name: &str) -> String {
    let mut words = String::with_capacity(name.len() + 4);
    for (index, letter) in name.chars().enumerate() {
        if letter.is_uppercase() && index > 0 {
            words.push(' ');
        }
        words.extend(letter.to_lowercase());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_read_as_words() {
        assert_eq!(in_words("Contract"), "contract");
        assert_eq!(in_words("JournalRecord"), "journal record");
    }
}
