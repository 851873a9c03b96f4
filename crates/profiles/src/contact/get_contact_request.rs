use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::contact_request::{ContactRequestStatus, RecruiterContactRequest};
use plateforme_store::dossier::persons;
use plateforme_store::profiles::contact_requests;
use plateforme_store::{StoreError, access::journal};
use uuid::Uuid;

use super::recruiter_view;
use crate::pseudonym::PseudonymKey;

/// Read a contact request
///
/// A contact request your organization sent, with the person's answer: `pending`, `accepted`,
/// `declined`, or `cancelled` when the profile went (deleted, or the `profile_bank` consent
/// withdrawn). Once `accepted`, `contact` holds the contact details the person chose to share
/// (email, phone), read from their dossier as it stands: each such read is journaled for the
/// person (section `contact_request`), who sees it in `/v1/me/journal`. A request of another
/// organization answers 404, as one that does not exist.
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
    let (request, person) = read
        .store
        .run(move |conn| {
            let request = contact_requests::find(conn, id)?
                .filter(|request| request.organization_id == organization_id)
                .ok_or(StoreError::NotFound)?;
            let person = match request.status {
                ContactRequestStatus::Accepted => persons::find(conn, request.person_id)?,
                _ => None,
            };
            Ok((request, person))
        })
        .await
        .map_err(|error| match error {
            StoreError::NotFound => ApiError::not_found(format!("contact request {id}")),
            other => other.into(),
        })?;
    let view = recruiter_view(&request, &pseudonyms, person.as_ref().map(|person| &person.record));
    if view.contact.is_some() {
        // The contact details are revealed: journaled, durably, before the answer.
        let access = read.caller.access(request.person_id, JournalSection::ContactRequest, Operation::Read);
        journal::append_durably(&read.store, vec![access]).await?;
    }
    Ok(read.answer(request.version, &view))
}
