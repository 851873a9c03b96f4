use actix_web::{HttpResponse, patch};
use plateforme_api::openapi::{LimitedProblems, UpdateProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, IfMatch, MergePatch};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::co_accompaniment::{CoAccompaniment, CoAccompanimentFields, check_period};
use plateforme_store::dossier::co_accompaniments;

use super::{CoAccompanimentPath, not_found};
use crate::access;

/// End or extend a co-accompaniment
///
/// Applies a JSON Merge Patch (RFC 7396) to the co-accompaniment's `until`
/// (`application/merge-patch+json`): a day on or after `since` (rule `co_accompaniment.period`),
/// or `null` for an open end. Changed by an organization that may write the dossier; a new end
/// that meets another co-accompaniment of the same organization answers 409. `If-Match` carries
/// the co-accompaniment's ETag.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(CoAccompanimentPath, IfMatch),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "Merge patch of `until`.", example = json!({"until": "2027-03-31"})),
    responses(
        (status = 200, description = "Changed (or unchanged).", body = CoAccompaniment,
            headers(("ETag" = String, description = "The new version"))),
        UpdateProblems,
        LimitedProblems,
    )
)]
#[patch("/persons/{id}/co-accompaniments/{co_accompaniment_id}")]
pub async fn update_co_accompaniment(
    Change { store, caller, path: CoAccompanimentPath { id, co_accompaniment_id }, header: if_match }: Change<
        Caller,
        CoAccompanimentPath,
    >,
    patch: MergePatch,
) -> Result<HttpResponse, ApiError> {
    let current = access::load_for_write(&store, &caller, id, move |conn, _| {
        co_accompaniments::find(conn, id, co_accompaniment_id)
    })
    .await?
    .ok_or_else(|| not_found(id, co_accompaniment_id))?;
    let expected = if_match.check(current.version)?;
    let fields: CoAccompanimentFields = patch.apply_to(&CoAccompanimentFields { until: current.record.until })?;
    check_period(current.record.since, fields.until).map_err(|errors| ApiError::validation(errors.into_vec()))?;
    let context = caller.write_context();
    let updated = access::commit(&store, &caller, id, JournalSection::CoAccompaniment, move |conn| {
        co_accompaniments::update(conn, &context, &current, expected, fields.until)
    })
    .await?;
    Ok(current_response(updated.version, &updated.view()))
}
