//! Cursor pages over HTTP: `limit` and `cursor` in, `items` + `next_cursor` and a
//! `Link: <…>; rel="next"` header out.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use plateforme_model::FieldError;
use plateforme_store::pagination::{DEFAULT_LIMIT, MAX_LIMIT};
use plateforme_store::{Page, StoreError};

/// The page a request asks for, as the store reads it.
pub use plateforme_store::PageRequest;
use serde::Serialize;
use utoipa::ToSchema;

use crate::text::{self, Text};
use crate::{ApiError, ErrorCode};

/// The paging parameters every list accepts; list query types flatten nothing and repeat
/// these two fields, then call [`PageQuery::page_request`]. A list that takes nothing else
/// declares its query with [`paging_query!`](crate::paging_query).
pub struct PageQuery;

impl PageQuery {
    /// Checks `limit` (1 to 100, 20 by default) and decodes `cursor`.
    pub fn page_request(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            let message = format!("limit must be between 1 and {MAX_LIMIT}; got {limit}");
            return Err(ApiError::new(ErrorCode::InvalidQuery, format!("limit: {message}"))
                .with_errors(vec![FieldError::new("limit", "limit.range", message)]));
        }
        let request = PageRequest::from_cursor(limit, cursor)?;
        // The API hands out no key with a control character: such a cursor was forged, and
        // its key must not reach the database (PostgreSQL refuses a NUL in text).
        let forged = request.after.as_deref().is_some_and(|key| text::check("cursor", key, Text::SingleLine).is_err());
        if forged {
            return Err(StoreError::InvalidCursor.into());
        }
        Ok(request)
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageBody<T: ToSchema> {
    /// The records of this page, in the list's stable order.
    pub items: Vec<T>,
    /// Pass it as `cursor` to read the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Answers a page, with the `Link` header of the next one.
pub fn page_response<T: Serialize + ToSchema>(req: &HttpRequest, page: Page<T>) -> HttpResponse {
    let next_cursor = page.next_cursor.clone();
    answer_page(req, next_cursor.as_deref(), PageBody { items: page.items, next_cursor: page.next_cursor })
}

/// Answers `body`, a page of any shape (a list, a search with its total and facets), with the
/// `Link: <…>; rel="next"` header when `next_cursor` names a next page.
pub fn answer_page(req: &HttpRequest, next_cursor: Option<&str>, body: impl Serialize) -> HttpResponse {
    page_headers(req, next_cursor).json(body)
}

/// [`answer_page`] for a body already written as JSON (a search that writes its hits' stored
/// JSON as it is).
pub fn answer_page_json(req: &HttpRequest, next_cursor: Option<&str>, json: String) -> HttpResponse {
    page_headers(req, next_cursor).content_type(actix_web::http::header::ContentType::json()).body(json)
}

fn page_headers(req: &HttpRequest, next_cursor: Option<&str>) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    if let Some(cursor) = next_cursor {
        response.insert_header((header::LINK, format!("<{}>; rel=\"next\"", next_url(req, cursor))));
    }
    response
}

/// The same request with the cursor of the next page.
pub fn next_url(req: &HttpRequest, cursor: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if name != "cursor" {
            query.append_pair(&name, &value);
        }
    }
    query.append_pair("cursor", cursor);
    format!("{}?{}", req.path(), query.finish())
}

/// Declares the query of a list: its own filters (`{}` when it has none), then its page — `limit`, described in
/// the list's own words as the contract shows them ("Contracts per page, …"), and `cursor`; its
/// `page_request` checks both. Serde's `deny_unknown_fields` refuses any other parameter, which
/// is why the two fields are declared in each query rather than flattened from one type.
#[macro_export]
macro_rules! paging_query {
    (
        $(#[$meta:meta])* $vis:vis struct $name:ident {
            $($(#[$filter_meta:meta])* $filter:ident: $filter_type:ty),* $(,)?
        }
        limit: $limit_doc:literal
    ) => {
        $(#[$meta])*
        #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        $vis struct $name {
            $($(#[$filter_meta])* $filter: $filter_type,)*
            #[doc = $limit_doc]
            #[param(minimum = 1, maximum = 100)]
            limit: Option<i64>,
            /// The `next_cursor` of the previous page, as it was handed out: any other value is
            /// refused (rule `cursor.invalid`).
            cursor: Option<String>,
        }

        impl $name {
            /// The page asked for: `limit` checked (1 to 100, 20 by default), `cursor` decoded.
            pub fn page_request(&self) -> Result<$crate::pagination::PageRequest, $crate::ApiError> {
                $crate::PageQuery::page_request(self.limit, self.cursor.as_deref())
            }
        }
    };
}

/// The pages of a ranked search (offers, trainings, profiles): a position in the results, not a
/// key, so the cursor carries the offset — signed like every cursor, and tagged per search so
/// that one search's cursor is refused by another (`cursor.invalid`).
#[derive(Debug, Clone, Copy)]
pub struct RankedPages {
    /// One letter per search: `o`ffers, `t`rainings, `p`rofiles.
    pub tag: char,
    /// How deep the pages go.
    pub max_offset: i64,
    /// `limit` is 1 to this (rule `limit.range`)…
    pub max_limit: i64,
    /// …and this when absent.
    pub default_limit: i64,
}

impl RankedPages {
    pub fn encode(&self, offset: i64) -> String {
        plateforme_store::cursor::seal(&format!("{}{offset}", self.tag))
    }

    /// The offset of a cursor this search handed out: a valid MAC over its tag and decimal
    /// digits only, within `max_offset`.
    pub fn decode(&self, sealed: &str) -> Option<i64> {
        let content = plateforme_store::cursor::open(sealed).ok()?;
        let digits = content
            .strip_prefix(self.tag)
            .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))?;
        digits.parse().ok().filter(|offset| (0..=self.max_offset).contains(offset))
    }

    /// The page asked for, `(limit, offset)`; a bad `limit` or `cursor` is added to `errors`.
    pub fn page(&self, limit: Option<i64>, cursor: Option<&str>, errors: &mut Vec<FieldError>) -> (i64, i64) {
        let limit = limit.unwrap_or(self.default_limit);
        if !(1..=self.max_limit).contains(&limit) {
            let message = format!("limit is 1 to {}, not {limit}", self.max_limit);
            errors.push(FieldError::new("limit", "limit.range", message));
        }
        let offset = match cursor.map(|sealed| self.decode(sealed)) {
            None => 0,
            Some(Some(offset)) => offset,
            Some(None) => {
                errors.push(FieldError::new("cursor", "cursor.invalid", "not a cursor this search handed out"));
                0
            }
        };
        (limit.clamp(1, self.max_limit), offset)
    }

    /// The cursor of the page after one that ended at `next_offset`, if there are more results
    /// and the pages go that deep.
    pub fn next(&self, more: bool, next_offset: i64) -> Option<String> {
        more.then_some(next_offset).filter(|offset| *offset <= self.max_offset).map(|offset| self.encode(offset))
    }
}
