//! Contact through the platform (mise en relation): a recruiter organization sends a contact
//! request to a profile it found, addressed by the pseudonym it sees; the person answers it in
//! `/v1/me/contact-requests` (`crate::me::contact_requests`); the recruiter reads the contact
//! details the person chose to share only once accepted. The request, and every read of the
//! shared details, is journaled for the person (section `contact_request`).

mod get_contact_request;
mod send_contact_request;

use plateforme_model::contact_request::{RecruiterContactRequest, SharedContact};
use plateforme_model::person::PersonRecord;
use plateforme_store::profiles::contact_requests::StoredContactRequest;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::pseudonym::PseudonymKey;

pub fn configure(config: &mut ServiceConfig) {
    config.service(send_contact_request::send_contact_request).service(get_contact_request::get_contact_request);
}

fn location(id: Uuid) -> String {
    format!("/v1/contact-requests/{id}")
}

/// The request as its sender reads it, under the pseudonym its organization sees: the contact
/// details, from the dossier as it stands, only once the person accepted, and only those they
/// chose.
fn recruiter_view(
    request: &StoredContactRequest,
    pseudonyms: &PseudonymKey,
    person: Option<&PersonRecord>,
) -> RecruiterContactRequest {
    let accepted = request.status == plateforme_model::contact_request::ContactRequestStatus::Accepted;
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
