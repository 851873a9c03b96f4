use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::contact_request::RecruiterContactRequest;
use plateforme_store::profiles::contact_requests;
use plateforme_store::{StoreError, access::journal};
use uuid::Uuid;

use super::{entity_tag, read_view};
use crate::pseudonym::PseudonymKey;

/// Read a contact request
///
/// A contact request your organization sent, with the person's answer: `pending`, `accepted`,
/// `declined`, or `cancelled` when the profile went (deleted, or the `profile_bank` consent
/// withdrawn). Once `accepted`, `contact` holds the contact details the person chose to share
/// (email, phone), read from their dossier as it stands: each such read is journaled for the
/// person (section `contact_request`), who sees it in `/v1/me/journal`. A request of another
/// organization answers 404, as one that does not exist.
///
/// The `ETag` is the request's `version` while no contact details are shown, and the version
/// followed by a digest of the details once they are (`"2-1f0c…"`): when the person changes
/// the email or phone of their dossier, `If-None-Match` with the former tag answers 200 with
/// the new details, not 304.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["profiles:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the contact request"), IfNoneMatch),
    responses(ReadOne<RecruiterContactRequest>, ReadProblems)
)]
#[get("/contact-requests/{id}")]
pub async fn get_contact_request(
    read: Read<Caller, Uuid>,
    pseudonyms: web::Data<PseudonymKey>,
) -> Result<HttpResponse, ApiError> {
    let (id, organization_id) = (read.path, read.caller.principal().organization_id);
    let pseudonyms = pseudonyms.into_inner();
    let (request, view) = read
        .store
        .run(move |conn| {
            let request = contact_requests::find(conn, id)?
                .filter(|request| request.organization_id == organization_id)
                .ok_or(StoreError::NotFound)?;
            let view = read_view(conn, &request, &pseudonyms)?;
            Ok((request, view))
        })
        .await
        .map_err(|error| match error {
            StoreError::NotFound => ApiError::not_found(format!("contact request {id}")),
            other => other.into(),
        })?;
    if view.contact.is_some() {
        // The contact details are revealed: journaled, durably, before the answer.
        let access = read.caller.access(request.person_id, JournalSection::ContactRequest, Operation::Read);
        journal::append_durably(&read.store, vec![access]).await?;
    }
    Ok(read.answer_tagged(&entity_tag(&view), &view))
}
