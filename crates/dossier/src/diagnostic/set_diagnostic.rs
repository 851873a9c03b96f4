use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, put, web};
use plateforme_api::openapi::{LimitedProblems, UpdateProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, ErrorCode, IfMatch, ValidJson, etag};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::diagnostic::{Diagnostic, DiagnosticInput, DiagnosticRecord};
use plateforme_store::{DbConnection, Store, StoreError, access::journal, dossier::diagnostics, write};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{SOCIAL_READ, SOCIAL_WRITE, location};
use crate::access;
use crate::provenance::stamp;

/// Record the diagnostic
///
/// Records the person's diagnostic socio-professionnel, or replaces it. The professional part
/// is always replaced; the social part (freins périphériques) only when `social` is sent: an
/// object replaces it, `null` removes it, and left out it stays as it is. Sending `social`
/// needs `dossier.social:write` (403 otherwise), so a caller without that scope updates the
/// professional part and leaves the social part untouched. The first diagnostic is created
/// without `If-Match` (201); once one exists, `If-Match` must carry its ETag (428 without it,
/// 412 when stale). The answer shows the social part only with `dossier.social:read`. Journaled
/// as `diagnostic`, or `diagnostic+social` when the social part is written or returned.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(
        ("id" = Uuid, Path, description = "Identifier of the person"),
        plateforme_api::openapi::IfMatchOnceItExists,
    ),
    request_body = DiagnosticInput,
    responses(
        (status = 200, description = "Replaced (or unchanged).", body = Diagnostic,
            headers(("ETag" = String, description = "The diagnostic's version"))),
        (status = 201, description = "The first diagnostic, recorded.", body = Diagnostic,
            headers(("Location" = String, description = "Path of the diagnostic"), ("ETag" = String, description = "Version, for If-Match"))),
        UpdateProblems,
        LimitedProblems,
    )
)]
#[put("/persons/{id}/diagnostic")]
pub async fn set_diagnostic(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    ValidJson(input): ValidJson<DiagnosticInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if input.social.is_some() && !caller.has_scope(SOCIAL_WRITE) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("writing the social part (`social`) needs the scope {SOCIAL_WRITE}; leave `social` out to keep it"),
        ));
    }
    let precondition = Precondition { sent: req.headers().contains_key(header::IF_MATCH), if_match };
    let (view, created) = store
        .run(move |conn| write::transaction(conn, |conn| record(conn, &caller, id, &precondition, input)))
        .await
        .map_err(|error| access::not_found_as_person(error, id))??;
    if !created {
        return Ok(current_response(view.version, &view));
    }
    let tag = (header::ETAG, etag(view.version));
    Ok(HttpResponse::Created().insert_header((header::LOCATION, location(id))).insert_header(tag).json(view))
}

/// What the write is based on. The extractor cannot tell a missing `If-Match` from one that
/// does not match, and the first diagnostic must be written without one.
struct Precondition {
    sent: bool,
    if_match: IfMatch,
}

/// Creates or replaces the diagnostic and journals the write, in the caller's transaction.
/// A broken precondition is the inner error: nothing was written then.
fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    id: Uuid,
    precondition: &Precondition,
    input: DiagnosticInput,
) -> Result<Result<(Diagnostic, bool), ApiError>, StoreError> {
    access::load(conn, caller, id, Operation::Write)?;
    let current = diagnostics::find(conn, id)?;
    let expected = match &current {
        // RFC 9110: If-Match is false when there is no current representation.
        None if precondition.sent => {
            return Ok(Err(ApiError::new(
                ErrorCode::PreconditionFailed,
                format!("person {id} has no diagnostic yet, so If-Match cannot match; record the first one without it"),
            )));
        }
        None => None,
        // 428 without If-Match, 412 when it names another version.
        Some(current) => match precondition.if_match.check(current.version) {
            Ok(version) => Some(version),
            Err(error) => return Ok(Err(error)),
        },
    };
    let social_written = input.social.is_some();
    let next = next_record(current.as_ref().map(|current| &current.record), input, caller);
    let context = caller.write_context();
    let (stored, created) = match current.zip(expected) {
        None => (diagnostics::create(conn, &context, id, next)?, true),
        // A write that changes nothing makes no version.
        Some((current, _)) if current.record == next => (current, false),
        Some((current, expected)) => (diagnostics::replace(conn, &context, &current, expected, next)?, false),
    };
    let view = stored.record.view(id, stored.version, stored.times(), caller.has_scope(SOCIAL_READ));
    let social = social_written || view.social.is_some();
    journal::append(conn, &[caller.access(id, JournalSection::diagnostic(social), Operation::Write)])?;
    Ok(Ok((view, created)))
}

/// The record after the write: the professional part replaced, the social part replaced or
/// removed when sent, and each part that changed stamped with the caller as its provenance.
fn next_record(current: Option<&DiagnosticRecord>, input: DiagnosticInput, caller: &Caller) -> DiagnosticRecord {
    let mut changed = Map::new();
    if current.is_none_or(|current| current.professional != input.professional) {
        changed.insert("professional".into(), json!({}));
    }
    let mut next = match current {
        Some(current) => current.clone(),
        None => {
            DiagnosticRecord { professional: input.professional.clone(), social: None, provenance: Default::default() }
        }
    };
    next.professional = input.professional;
    if let Some(social) = input.social {
        if next.social != social {
            changed.insert("social".into(), json!({}));
        }
        next.social = social;
    }
    stamp(&mut next.provenance, &Value::Object(changed), caller, "");
    next
}
