//! Contact through the platform (mise en relation): a recruiter organization sends a contact
//! request to a profile it found, addressed by the pseudonym it sees; the person answers it in
//! `/v1/me/contact-requests` (`crate::me::contact_requests`); the recruiter reads the contact
//! details the person chose to share only once accepted. The request, and every read of the
//! shared details, is journaled for the person (section `contact_request`).

mod get_contact_request;
mod list_contact_requests;
mod send_contact_request;

use plateforme_model::codes::{Email, Phone};
use plateforme_model::contact_request::{ContactRequestStatus, RecruiterContactRequest, SharedContact};
use plateforme_model::person::PersonRecord;
use plateforme_store::dossier::persons;
use plateforme_store::profiles::contact_requests::StoredContactRequest;
use plateforme_store::{DbConnection, StoreError};
use sha2::{Digest, Sha256};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::pseudonym::PseudonymKey;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(send_contact_request::send_contact_request)
        .service(list_contact_requests::list_contact_requests)
        .service(get_contact_request::get_contact_request);
}

fn location(id: Uuid) -> String {
    format!("/v1/contact-requests/{id}")
}

/// The request as its sender reads it, with the contact details of the dossier as it stands
/// once accepted.
fn read_view(
    conn: &mut DbConnection,
    request: &StoredContactRequest,
    pseudonyms: &PseudonymKey,
) -> Result<RecruiterContactRequest, StoreError> {
    let person = match request.status {
        ContactRequestStatus::Accepted => persons::find(conn, request.person_id)?,
        _ => None,
    };
    Ok(recruiter_view(request, pseudonyms, person.as_ref().map(|person| &person.record)))
}

/// The request as its sender reads it, under the pseudonym its organization sees: the contact
/// details, from the dossier as it stands, only once the person accepted, and only those they
/// chose.
fn recruiter_view(
    request: &StoredContactRequest,
    pseudonyms: &PseudonymKey,
    person: Option<&PersonRecord>,
) -> RecruiterContactRequest {
    let accepted = request.status == ContactRequestStatus::Accepted;
    let contact = person.filter(|_| accepted).map(|person| SharedContact {
        email: person.contact.email.clone().filter(|_| request.share_email),
        phone: person.contact.phone.clone().filter(|_| request.share_phone),
    });
    RecruiterContactRequest {
        id: request.id,
        pseudonym: pseudonyms.pseudonym(request.person_id, request.organization_id),
        offer_id: request.offer_id,
        message: request.message.clone(),
        status: request.status,
        created_at: request.created_at,
        decided_at: request.decided_at,
        contact,
        version: request.version,
    }
}

/// The entity tag of the request as its sender reads it: its version, and once contact details
/// are shown, a digest of them. They are read from the dossier, which changes without the
/// request's version moving: a `304` must not hide the person's new email.
fn entity_tag(view: &RecruiterContactRequest) -> String {
    let Some(contact) = &view.contact else { return view.version.to_string() };
    let mut digest = Sha256::new();
    for detail in [contact.email.as_ref().map(Email::as_str), contact.phone.as_ref().map(Phone::as_str)] {
        // A marker per detail, so that no email and phone pair hashes as another.
        digest.update(detail.map_or_else(|| "-".to_owned(), |detail| format!("+{}:{detail}", detail.len())));
    }
    let hex: String = digest.finalize().iter().take(8).map(|byte| format!("{byte:02x}")).collect();
    format!("{}-{hex}", view.version)
}
