//! Answers for single resources: the body with its `ETag`, or 304 when the client holds it.
//! Every read and every change of one resource answers through here, so the header is set once.

use actix_web::HttpResponse;
use actix_web::http::header;
use serde::Serialize;

use crate::{IfNoneMatch, etag};

/// 200 with the resource and its `ETag`, or 304 when `If-None-Match` names this version.
pub fn resource_response(if_none_match: &IfNoneMatch, version: i64, resource: &impl Serialize) -> HttpResponse {
    tagged_response(if_none_match, &version.to_string(), resource)
}

/// 200 with the resource and the entity tag `tag`, or 304 when `If-None-Match` names it: for a
/// resource that shows more than its version holds (the version, then a digest of the rest).
pub fn tagged_response(if_none_match: &IfNoneMatch, tag: &str, resource: &impl Serialize) -> HttpResponse {
    let entity_tag = format!("\"{tag}\"");
    if if_none_match.holds_tag(tag) {
        return HttpResponse::NotModified().insert_header((header::ETAG, entity_tag)).finish();
    }
    HttpResponse::Ok().insert_header((header::ETAG, entity_tag)).json(resource)
}

/// 200 with the resource as it stands and the `ETag` of its version: the answer of a read, and
/// of a change (written, or unchanged when it changed nothing), whose `ETag` the next
/// `If-Match` carries.
pub fn current_response(version: i64, resource: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag(version))).json(resource)
}
