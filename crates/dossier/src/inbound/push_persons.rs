use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use plateforme_api::openapi::BatchProblems;
use plateforme_api::{ApiError, BodyLimit, ErrorCode, IdempotencyKey, answer_once};
use plateforme_auth::Caller;
use plateforme_model::FieldError;
use plateforme_store::Store;

use super::apply::Pusher;
use super::line::PersonPush;
use super::{PersonBatchResult, PersonPushResult, PersonPushStatus};
use crate::NirKey;

pub const NDJSON: &str = "application/x-ndjson";
/// The most lines a batch holds: past it, the batch is refused whole before any line is applied.
pub const MAX_LINES: usize = 1_000;
/// The largest batch body, in bytes (16 MiB); a line is limited like a JSON body (`BodyLimit`).
pub const MAX_BATCH_BYTES: usize = 16 * 1024 * 1024;

/// Push persons from a partner system (NDJSON)
///
/// Inbound sync: a regional or partner system pushes what it learned of persons, one line per
/// person (`application/x-ndjson`), each naming the person by the system's own `reference` and
/// giving the `version` it saw. A reference new to the platform (per organization and `system`)
/// registers the person, exactly as `POST /v1/persons` does (`version` absent or `null`; the
/// same rules: only an organization that would follow the person registers them, a partner under
/// an accompaniment mandate, the same NIR or identity answers `conflict` with `existing_id`). A
/// known reference updates the person it names with a JSON Merge Patch of `identity`, `contact`
/// and `statuses`, as `PATCH /v1/persons/{id}` does, only if `version` is the person's current
/// one: an older version — or none — is answered `conflict` with `current_version` and problem
/// `stale_version` (rules `version.stale`, `version.required`), never silently overwritten.
/// A person the caller may no longer write (outside its remit, processing limited) is
/// `forbidden`; a line breaking a rule (not JSON, an unknown member, a bad field, a line over
/// the body limit: rule `line.too_long`) is `invalid`, with the problem the single-record
/// operation would answer, its fields named from the line (`person.identity.birth_date`).
///
/// Each line is applied in its own transaction, in order, with its journal entry, history
/// version and change event; a line refused writes nothing and does not stop the others. Every
/// field written records the caller's organization and client and the line's `system` as its
/// provenance. Sending the same line again is idempotent: a line applied once (the same
/// reference, `version` and `person`) answers `unchanged` with the person and their current
/// version, and writes nothing, even when the person was written since — so a whole batch may be
/// sent again after a failure, without `Idempotency-Key`; with one, the batch sent again within
/// 24 hours answers its first answer again (`Idempotent-Replayed: true`: `created` where it
/// created), and the key reused for another body 422 `idempotency_key_reused`. The answer is one JSON
/// document (not NDJSON) like `POST /v1/offers/batch`'s, so that one schema describes it and a
/// client reads the counts first. A batch holds 1 to 1,000 non-blank lines (422 `batch.empty`,
/// 413 `batch.too_many_lines`, checked before any line is applied) in at most 16 MiB (413).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(IdempotencyKey),
    // NDJSON is a sequence of JSON values: its schema is the array of the lines' schema, each
    // item one line (OpenAPI 3.1's reading of a sequential media type), as for the offers' batch.
    request_body(content = Vec<PersonPush>, content_type = "application/x-ndjson",
        description = "One `PersonPush` per line, each written as one line of JSON ended by a line feed: the \
                       schema is the sequence of lines as an array. The example is sent as two lines: a new \
                       reference, then an update of a known one at the version it saw.",
        example = json!([
            {"reference": "RSA-69-000412", "system": "solis-rhone", "version": null,
             "person": {"identity": {"family_name": "Martin", "given_names": "Léa", "birth_date": "2001-04-12",
                                     "birth_commune": "69123"},
                        "contact": {"address": {"line": "3 rue Garibaldi", "postal_code": "69003", "commune": "69123"}},
                        "statuses": {"rsa_beneficiary": true, "rqth": false},
                        "registration": {"registered_on": "2026-11-02", "channel": "partner"}}},
            {"reference": "RSA-69-000388", "system": "solis-rhone", "version": 3,
             "person": {"contact": {"phone": "06 12 34 56 78"}}}
        ])),
    responses(
        (status = 200, description = "Every line's result, in order, and the count of each status.", body = PersonBatchResult),
        BatchProblems,
    )
)]
#[post("/persons/batch")]
pub async fn push_persons(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    nir_key: web::Data<NirKey>,
    key: IdempotencyKey,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    plateforme_api::json::check_media_type(&req, &[NDJSON])?;
    let body = read_body(payload).await?;
    // The body as it came: a batch is the same request only byte for byte.
    let claim = key.claim(caller.client_id(), &String::from_utf8_lossy(&body))?;
    let lines = lines_of(&body);
    if lines.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new("body", "batch.empty", "the batch holds no line")]));
    }
    if lines.len() > MAX_LINES {
        return Err(ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("the batch holds {} lines, at most {MAX_LINES} are taken at once: split it", lines.len()),
        )
        .with_errors(vec![FieldError::new(
            "body",
            "batch.too_many_lines",
            format!("a batch holds at most {MAX_LINES} lines"),
        )]));
    }
    let line_limit = req.app_data::<BodyLimit>().copied().unwrap_or_default().0;
    let pusher = Pusher { store: &store, caller: &caller, nir_key: &nir_key };
    answer_once(&store, claim, || async {
        let mut results = Vec::with_capacity(lines.len());
        for (number, bytes) in lines {
            let result = match bytes.len() > line_limit {
                true => too_long(number, line_limit),
                false => pusher.apply(number, bytes).await?,
            };
            results.push(result);
        }
        Ok(PersonBatchResult::of(results))
    })
    .await
}

/// The whole body, refused (413) as soon as it passes [`MAX_BATCH_BYTES`]: the lines are counted
/// before any is applied, so that a batch refused whole writes nothing.
async fn read_body(mut payload: web::Payload) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|error| ApiError::new(ErrorCode::BadRequest, format!("reading the body failed: {error}")))?;
        if body.len() + chunk.len() > MAX_BATCH_BYTES {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("a batch holds at most {MAX_BATCH_BYTES} bytes (16 MiB): split it"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The non-blank lines with their numbers, from 1 (blank lines, and a lone `\r`, are counted).
fn lines_of(body: &[u8]) -> Vec<(usize, &[u8])> {
    body.split(|byte| *byte == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .map(|(index, line)| (index + 1, line))
        .collect()
}

fn too_long(number: usize, limit: usize) -> PersonPushResult {
    let error = ApiError::validation(vec![FieldError::new(
        "line",
        "line.too_long",
        format!("a line holds at most {limit} bytes, as a JSON body does"),
    )]);
    PersonPushResult {
        line: number,
        reference: None,
        status: PersonPushStatus::Invalid,
        id: None,
        version: None,
        current_version: None,
        problem: Some(error.problem()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_are_skipped_but_counted() {
        let lines = lines_of(b"{}\n\n  \r\n{\"a\":1}\r\n");
        let numbers: Vec<usize> = lines.iter().map(|(number, _)| *number).collect();
        assert_eq!(numbers, [1, 4]);
    }

    #[test]
    fn a_line_is_read_as_a_push() {
        let push: PersonPush = serde_json::from_str(r#"{"reference":"R1","person":{}}"#).expect("a push");
        assert_eq!(push.system(), super::super::line::DEFAULT_SYSTEM);
        assert_eq!(push.version, None);
    }
}
