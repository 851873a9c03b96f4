//! Deprecated operations (docs/versions.md): the one place that declares them, how the contract
//! says so, and the headers their responses carry.
//!
//! An operation is declared here with the day it was deprecated, its sunset (the day it may be
//! removed, at least six months later) and a link to its replacement or its documentation. The
//! contract marks it `deprecated: true`, states both days in its description, the sunset as
//! `x-sunset` and the deprecation day as `x-deprecated-on`, and the link as its `externalDocs`;
//! `plateforme openapi --check-against` accepts its removal only once its sunset has passed. At
//! run time the middleware reads the served contract (not this list), so a test can serve a
//! contract with a deprecation of its own: every response of such an operation carries
//! `Deprecation: @<unix seconds>` (RFC 9745), `Sunset: <HTTP-date>` (RFC 8594) and
//! `Link: <…>; rel="deprecation"`.

use std::collections::HashMap;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, LINK};
use actix_web::middleware::Next;
use actix_web::web;
use chrono::NaiveDate;
use serde_json::Value;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::external_docs::ExternalDocs;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{Deprecated, extensions::Extensions};

/// One deprecated operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// The operation's id in the contract (its handler's name).
    pub operation_id: String,
    /// The day it was deprecated.
    pub deprecated_on: NaiveDate,
    /// The day it may be removed.
    pub sunset: NaiveDate,
    /// Where a partner reads what replaces it.
    pub link: String,
}

/// The operations of `/v1` deprecated today: none. Declare one here, with a sunset at least six
/// months after its deprecation (docs/versions.md).
pub fn declared() -> Vec<Deprecation> {
    Vec::new()
}

/// The extension that states the sunset day (`YYYY-MM-DD`) of a deprecated operation, which
/// the compatibility check reads.
pub use plateforme_portal::changes::SUNSET as SUNSET_EXTENSION;
/// The extension that states the day the operation was deprecated (`YYYY-MM-DD`).
pub const DEPRECATED_ON_EXTENSION: &str = "x-deprecated-on";

/// Marks the operations of `deprecations` in the contract.
pub fn mark(document: &mut Document, deprecations: &[Deprecation]) {
    for item in document.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            let declared = deprecations.iter().find(|d| operation.operation_id.as_deref() == Some(&d.operation_id));
            if let Some(deprecation) = declared {
                mark_operation(operation, deprecation);
            }
        }
    }
}

fn mark_operation(operation: &mut Operation, deprecation: &Deprecation) {
    let (since, sunset) = (deprecation.deprecated_on, deprecation.sunset);
    operation.deprecated = Some(Deprecated::True);
    let notice = format!(
        "**Deprecated** since {since}; removed on {sunset} (sunset). Use instead: {}. Responses carry the \
         `Deprecation`, `Sunset` and `Link: rel=\"deprecation\"` headers.",
        deprecation.link
    );
    operation.description = Some(match operation.description.take() {
        Some(description) => format!("{notice}\n\n{description}"),
        None => notice,
    });
    let mut extensions = operation.extensions.take().unwrap_or_default();
    extensions.merge(Extensions::builder().add(SUNSET_EXTENSION, sunset.to_string()).build());
    extensions.merge(Extensions::builder().add(DEPRECATED_ON_EXTENSION, since.to_string()).build());
    operation.extensions = Some(extensions);
    let mut docs = ExternalDocs::new(&deprecation.link);
    docs.description = Some("What replaces this deprecated operation".to_owned());
    operation.external_docs = Some(docs);
}

/// The headers of each deprecated operation's responses, by method and path template.
#[derive(Debug, Default)]
pub struct Announcements(HashMap<(String, String), Vec<(HeaderName, HeaderValue)>>);

impl Announcements {
    /// Read from the served contract: the operations marked deprecated with both days.
    pub fn of_contract(contract: &Value) -> Announcements {
        let mut announcements = HashMap::new();
        for (path, methods) in contract["paths"].as_object().into_iter().flatten() {
            for (method, operation) in methods.as_object().into_iter().flatten() {
                if let Some(headers) = headers_of(operation) {
                    announcements.insert((method.to_uppercase(), path.clone()), headers);
                }
            }
        }
        Announcements(announcements)
    }

    fn of(&self, method: &str, path: &str) -> Option<&[(HeaderName, HeaderValue)]> {
        self.0.get(&(method.to_owned(), path.to_owned())).map(Vec::as_slice)
    }
}

fn day(operation: &Value, extension: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(operation[extension].as_str()?, "%Y-%m-%d").ok()
}

fn headers_of(operation: &Value) -> Option<Vec<(HeaderName, HeaderValue)>> {
    if operation["deprecated"].as_bool() != Some(true) {
        return None;
    }
    let since = day(operation, DEPRECATED_ON_EXTENSION)?.and_hms_opt(0, 0, 0)?.and_utc();
    let sunset = day(operation, SUNSET_EXTENSION)?.and_hms_opt(0, 0, 0)?.and_utc();
    let mut headers = vec![
        (HeaderName::from_static("deprecation"), HeaderValue::from_str(&format!("@{}", since.timestamp())).ok()?),
        (
            HeaderName::from_static("sunset"),
            HeaderValue::from_str(&sunset.format("%a, %d %b %Y %H:%M:%S GMT").to_string()).ok()?,
        ),
    ];
    if let Some(link) = operation["externalDocs"]["url"].as_str() {
        headers.push((LINK, HeaderValue::from_str(&format!("<{link}>; rel=\"deprecation\"")).ok()?));
    }
    Some(headers)
}

/// Adds the deprecation headers to the responses of deprecated operations (appended: a page's
/// `Link: rel="next"` stays).
pub async fn announce(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let announcements = request.app_data::<web::Data<Announcements>>().cloned();
    let mut response = next.call(request).await?;
    let Some(announcements) = announcements.filter(|announcements| !announcements.0.is_empty()) else {
        return Ok(response);
    };
    let method = response.request().method().as_str().to_owned();
    let pattern = response.request().match_pattern();
    if let Some(headers) = pattern.and_then(|pattern| announcements.of(&method, &pattern)) {
        for (name, value) in headers {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_deprecation_names_an_operation_and_gives_six_months() {
        let contract = serde_json::to_value(crate::openapi::document()).unwrap_or_default();
        let ids: Vec<&str> = contract["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(_, methods)| methods.as_object().into_iter().flatten())
            .filter_map(|(_, operation)| operation["operationId"].as_str())
            .collect();
        for deprecation in declared() {
            assert!(ids.contains(&deprecation.operation_id.as_str()), "{deprecation:?}");
            assert!(deprecation.sunset >= deprecation.deprecated_on + chrono::Months::new(6), "{deprecation:?}");
        }
    }

    #[test]
    fn the_headers_say_the_days_in_the_rfcs_formats() {
        let operation = serde_json::json!({
            "deprecated": true, "x-deprecated-on": "2026-12-01", "x-sunset": "2027-06-30",
            "externalDocs": {"url": "/portail/changements"}
        });
        let headers = headers_of(&operation).expect("headers");
        let text: Vec<(String, String)> = headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or_default().to_owned()))
            .collect();
        assert_eq!(
            text,
            [
                ("deprecation".to_owned(), "@1796083200".to_owned()),
                ("sunset".to_owned(), "Wed, 30 Jun 2027 00:00:00 GMT".to_owned()),
                ("link".to_owned(), "</portail/changements>; rel=\"deprecation\"".to_owned()),
            ]
        );
        assert!(headers_of(&serde_json::json!({"deprecated": true})).is_none(), "no days, no headers");
    }
}
