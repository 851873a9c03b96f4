use actix_web::{HttpResponse, delete};
use plateforme_api::openapi::UpdateProblems;
use plateforme_api::{ApiError, Change, IfMatch, NoQuery, ValidQuery};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_store::access::journal;
use plateforme_store::dossier::erasure;
use plateforme_store::write;
use uuid::Uuid;

use crate::access;

/// Erase a dossier
///
/// Erases the person's whole dossier at the request of an organization that accompanies them
/// (RGPD right to erasure, article 17): the person, their diagnostic, contracts, reviews,
/// consents and access codes are deleted, as the daily retention job deletes a dossier past its
/// retention. The history keeps who changed which record and when, without the content; the
/// access journal keeps who accessed and when, without the callers' stated purposes. Each erased
/// record gets a `deleted` event on the change feed (the person's last), so partners that
/// mirror the dossier erase it too. `If-Match` must carry the dossier's current ETag. The
/// erasure cannot be undone: the person must be registered again. A dossier whose processing
/// is limited can be erased: the `processing_limited` problem names its version.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IfMatch),
    responses(
        (status = 204, description = "Erased: the dossier is gone, its history and journal kept without content."),
        UpdateProblems,
    )
)]
#[delete("/persons/{id}")]
pub async fn erase_person(
    Change { store, caller, path: id, header: if_match }: Change<Caller, Uuid>,
    _: ValidQuery<NoQuery>,
) -> Result<HttpResponse, ApiError> {
    let current = access::load_for_rights(&store, &caller, id).await?;
    let expected = if_match.check(current.version)?;
    let context = caller.write_context();
    // Journaled first, so the erasure clears this entry's stated purpose as it clears the others'.
    let erasure = caller.access(id, JournalSection::Erasure, Operation::Write);
    store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                journal::append(conn, &[erasure])?;
                erasure::erase(conn, &context, id, Some(expected))
            })
        })
        .await
        .map_err(|error| access::not_found_as_person(error, id))?;
    Ok(HttpResponse::NoContent().finish())
}
