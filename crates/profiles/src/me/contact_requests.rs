//! The person's contact requests (`/v1/me/contact-requests`): the recruiters who asked to meet
//! them through the profile bank, and their answer. Accepting shares the contact details the
//! person chooses (email, phone) with that recruiter alone; declining shares nothing.

use actix_web::{HttpResponse, get, post, web};
use plateforme_api::openapi::{ContactDecisionProblems, ReadProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, ErrorCode, List, PageBody, ValidJson};
use plateforme_auth::person::PersonCaller;
use plateforme_model::FieldError;
use plateforme_model::contact_request::{ContactAcceptance, ContactRequestStatus, MyContactRequest};
use plateforme_store::profiles::contact_requests::{self, StoredContactRequest, Whose};
use plateforme_store::{DbConnection, Store, StoreError, dossier::persons, organizations, write};
use uuid::Uuid;

use crate::access::not_found_as_person;

plateforme_api::paging_query! {
    pub struct MyContactRequestsQuery {}
    limit: "Contact requests per page, 1 to 100 (20 by default)."
}

/// My contact requests
///
/// The contact requests recruiters sent to the profile of the person holding the token, newest
/// first, a page at a time (`limit`, `cursor`, and the `Link` of the next page), each with the
/// recruiter's organization, the offer or the message, and where it stands (`pending`,
/// `accepted`, `declined`, `cancelled` when the profile went). Answer a pending one with
/// `POST /v1/me/contact-requests/{id}/accept` or `…/decline`. For person tokens (scope `me`)
/// only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    params(MyContactRequestsQuery),
    responses((status = 200, description = "One page of my contact requests.", body = PageBody<MyContactRequest>), ReadProblems)
)]
#[get("/me/contact-requests")]
pub async fn list_my_contact_requests(
    list: List<PersonCaller, MyContactRequestsQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = list.query.page_request()?;
    let id = list.caller.person_id;
    let requests = list
        .store
        .run(move |conn| {
            persons::find(conn, id)?.ok_or(StoreError::NotFound)?;
            let requests = contact_requests::list(conn, Whose::ReceivedBy { person_id: id }, &page)?;
            requests.try_map(|request| my_view(conn, &request))
        })
        .await
        .map_err(|error| not_found_as_person(error, id))?;
    Ok(list.page(requests))
}

/// Accept a contact request
///
/// Accepts a pending contact request and shares with its recruiter the contact details chosen:
/// `share_email`, `share_phone` or both (rule `contact_acceptance.nothing_shared` for neither),
/// among those the dossier holds (rule `contact.missing`). The recruiter reads them from then
/// on at `GET /v1/contact-requests/{id}`, each read journaled for the person. A request
/// answered already, or cancelled, answers 409 `invalid_transition` (rule
/// `contact_request.answered`); another person's request 404. For person tokens (scope `me`).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    params(("id" = Uuid, Path, description = "Identifier of the contact request")),
    request_body = ContactAcceptance,
    responses((status = 200, description = "Accepted.", body = MyContactRequest,
        headers(("ETag" = String, description = "The request's version"))), ContactDecisionProblems)
)]
#[post("/me/contact-requests/{id}/accept")]
pub async fn accept_contact_request(
    store: web::Data<Store>,
    me: PersonCaller,
    id: web::Path<Uuid>,
    ValidJson(acceptance): ValidJson<ContactAcceptance>,
) -> Result<HttpResponse, ApiError> {
    answer(&store, me.person_id, id.into_inner(), Some(acceptance)).await
}

/// Decline a contact request
///
/// Declines a pending contact request: the recruiter learns nothing more than `declined`. A
/// request answered already, or cancelled, answers 409 `invalid_transition` (rule
/// `contact_request.answered`); another person's request 404. For person tokens (scope `me`).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    params(("id" = Uuid, Path, description = "Identifier of the contact request")),
    responses((status = 200, description = "Declined.", body = MyContactRequest,
        headers(("ETag" = String, description = "The request's version"))), ContactDecisionProblems)
)]
#[post("/me/contact-requests/{id}/decline")]
pub async fn decline_contact_request(
    store: web::Data<Store>,
    me: PersonCaller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    answer(&store, me.person_id, id.into_inner(), None).await
}

/// Records the person's answer: an acceptance with what it shares, or a refusal.
async fn answer(
    store: &Store,
    person_id: Uuid,
    id: Uuid,
    acceptance: Option<ContactAcceptance>,
) -> Result<HttpResponse, ApiError> {
    let answered = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                let person = persons::find(conn, person_id)?.ok_or(StoreError::NotFound)?;
                let request = contact_requests::find(conn, id)?
                    .filter(|request| request.person_id == person_id)
                    .ok_or(StoreError::NotFound)?;
                if request.status != ContactRequestStatus::Pending {
                    return Ok(Err(answered_already(&request)));
                }
                let decided = match &acceptance {
                    Some(acceptance) => {
                        if let Err(missing) = check_shared(acceptance, &person.record.contact) {
                            return Ok(Err(missing));
                        }
                        let (email, phone) = (acceptance.share_email, acceptance.share_phone);
                        contact_requests::decide(conn, &request, ContactRequestStatus::Accepted, email, phone)?
                    }
                    None => contact_requests::decide(conn, &request, ContactRequestStatus::Declined, false, false)?,
                };
                my_view(conn, &decided).map(Ok)
            })
        })
        .await
        .map_err(|error| match error {
            StoreError::NotFound => ApiError::not_found(format!("contact request {id}")),
            StoreError::VersionMismatch { .. } => {
                ApiError::new(ErrorCode::InvalidTransition, format!("contact request {id} was answered meanwhile"))
            }
            other => other.into(),
        })??;
    Ok(current_response(answered.version, &answered))
}

fn answered_already(request: &StoredContactRequest) -> ApiError {
    let detail = format!("contact request {} is {} already", request.id, request.status.as_str());
    ApiError::new(ErrorCode::InvalidTransition, detail.clone()).with_errors(vec![FieldError::new(
        "status",
        "contact_request.answered",
        detail,
    )])
}

/// Only the details the dossier holds can be shared.
fn check_shared(acceptance: &ContactAcceptance, contact: &plateforme_model::person::Contact) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if acceptance.share_email && contact.email.is_none() {
        errors.push(FieldError::new("share_email", "contact.missing", "the dossier holds no email to share"));
    }
    if acceptance.share_phone && contact.phone.is_none() {
        errors.push(FieldError::new("share_phone", "contact.missing", "the dossier holds no phone number to share"));
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::validation(errors)) }
}

fn my_view(conn: &mut DbConnection, request: &StoredContactRequest) -> Result<MyContactRequest, StoreError> {
    let organization = organizations::find(conn, request.organization_id)?;
    Ok(MyContactRequest {
        id: request.id,
        organization_id: request.organization_id,
        organization_name: organization.map(|organization| organization.name),
        offer_id: request.offer_id,
        message: request.message.clone(),
        status: request.status,
        share_email: request.share_email,
        share_phone: request.share_phone,
        created_at: request.created_at,
        decided_at: request.decided_at,
        version: request.version,
    })
}
