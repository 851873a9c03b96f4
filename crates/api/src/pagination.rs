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
    let mut response = HttpResponse::Ok();
    if let Some(cursor) = &page.next_cursor {
        response.insert_header((header::LINK, format!("<{}>; rel=\"next\"", next_url(req, cursor))));
    }
    response.json(PageBody { items: page.items, next_cursor: page.next_cursor })
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
