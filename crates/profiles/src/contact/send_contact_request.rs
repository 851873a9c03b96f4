use std::sync::{Arc, Mutex, PoisonError};

use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Duration, Utc};
use plateforme_api::openapi::ContactRequestProblems;
use plateforme_api::{ApiError, Create, Created, ErrorCode, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::FieldError;
use plateforme_model::contact_request::{NewContactRequest, RecruiterContactRequest};
use plateforme_model::ids::now;
use plateforme_model::offer::OfferStatus;
use plateforme_store::profiles::contact_requests::{self, StoredContactRequest};
use plateforme_store::{DbConnection, StoreError, access::journal, offers, profiles, write};
use uuid::Uuid;

use super::{location, recruiter_view};
use crate::pseudonym::PseudonymKey;

/// How many contact requests one organization sends in 24 hours.
pub const PER_DAY: i64 = 50;

/// Send a contact request
///
/// Asks to meet the person behind a profile your organization found (`GET /v1/profiles`,
/// `GET /v1/offers/{id}/candidates`), addressed by the `pseudonym` you saw: about one of your
/// organization's open offers (`offer_id`: an offer it owns or publishes as a source, rule
/// `offer.not_yours`; open, rule `offer.not_open`), with a `message` (1 to 2,000 characters,
/// rule `message.length`; no control character but tab and line breaks, rule
/// `text.control_character`), or both (rule `contact_request.empty` for neither). The person
/// sees it in `/v1/me/contact-requests` and accepts, choosing the contact details to share, or
/// declines; read the answer at the `Location`. The request is journaled for the person
/// (section `contact_request`).
///
/// A pseudonym that is not of the form `pf_` and 32 lowercase hex digits is refused (422, rule
/// `pseudonym.format`); one your organization was not given, or whose profile is paused or gone
/// (deleted, consent withdrawn), answers 404. One pending request per organization and profile:
/// another answers 409 `conflict` naming the pending one in `existing_id`. An organization sends
/// at most 50 requests in 24 hours: beyond, 429 with `Retry-After` (seconds). Send an
/// `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["profiles:read"])),
    params(IdempotencyKey),
    request_body = NewContactRequest,
    responses(Created<RecruiterContactRequest>, ContactRequestProblems)
)]
#[post("/contact-requests")]
pub async fn send_contact_request(
    Create { store, caller, header: key, .. }: Create<Caller>,
    pseudonyms: web::Data<PseudonymKey>,
    ValidJson(new): ValidJson<NewContactRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization_id = caller.principal().organization_id;
    let person_id = pseudonyms.person_of(&new.pseudonym, organization_id).ok_or_else(|| {
        ApiError::validation(vec![FieldError::new(
            "pseudonym",
            "pseudonym.format",
            "a pseudonym is `pf_` and 32 lowercase hexadecimal digits, as the profile searches answer it",
        )])
    })?;
    // The pseudonym must be the one this organization was given: the same id under its key.
    if pseudonyms.pseudonym(person_id, organization_id) != new.pseudonym {
        return Err(no_profile(&new.pseudonym));
    }
    let claim = key.claim(caller.client_id(), &new)?;
    let refusal = Arc::new(Mutex::new(None));
    let refused = refusal.clone();
    let pseudonym = new.pseudonym.clone();
    let key = pseudonyms.into_inner();
    let created = create_once(&store, claim, move |conn| {
        let outcome = send(conn, &caller, person_id, new);
        match outcome? {
            Ok(request) => Ok(Located {
                location: location(request.id),
                version: request.version,
                resource: recruiter_view(&request, &key, None),
            }),
            Err(why) => {
                *refused.lock().unwrap_or_else(PoisonError::into_inner) = Some(why);
                // Rolls the transaction back: nothing was written.
                Err(StoreError::NotFound)
            }
        }
    })
    .await;
    let why = refusal.lock().unwrap_or_else(PoisonError::into_inner).take();
    match (created, why) {
        (Ok(response), _) => Ok(response),
        (Err(_), Some(why)) => Err(why.problem(&pseudonym)),
        (Err(error), None) => Err(error),
    }
}

/// Why a well-formed request is not sent.
#[derive(Debug)]
enum Refusal {
    /// The profile is paused or gone (or the person never had one).
    NoProfile,
    OfferNotYours(Uuid),
    OfferNotOpen(Uuid),
    /// The organization's daily bound is reached; it frees up at this time.
    DailyBound(DateTime<Utc>),
}

impl Refusal {
    fn problem(self, pseudonym: &str) -> ApiError {
        match self {
            Refusal::NoProfile => no_profile(pseudonym),
            Refusal::OfferNotYours(id) => ApiError::validation(vec![FieldError::new(
                "offer_id",
                "offer.not_yours",
                format!("offer {id} is not an offer your organization publishes"),
            )]),
            Refusal::OfferNotOpen(id) => ApiError::validation(vec![FieldError::new(
                "offer_id",
                "offer.not_open",
                format!("offer {id} is not open: contact requests name open offers only"),
            )]),
            Refusal::DailyBound(frees_at) => {
                let seconds = (frees_at - now()).num_seconds().max(1);
                ApiError::new(
                    ErrorCode::TooManyRequests,
                    format!("an organization sends at most {PER_DAY} contact requests in 24 hours"),
                )
                .with_header(header::RETRY_AFTER, header::HeaderValue::from(seconds))
            }
        }
    }
}

fn no_profile(pseudonym: &str) -> ApiError {
    ApiError::not_found(format!("profile {pseudonym}"))
}

/// The checks and the write, in one transaction serialized per organization, so the daily bound
/// holds under concurrent requests and the profile is still visible when the request is written.
fn send(
    conn: &mut DbConnection,
    caller: &Caller,
    person_id: Uuid,
    new: NewContactRequest,
) -> Result<Result<StoredContactRequest, Refusal>, StoreError> {
    let organization_id = caller.principal().organization_id;
    write::serialize_on(conn, &format!("contact_requests:{organization_id}"))?;
    if !profiles::visible_among(conn, &[person_id])?.iter().any(|profile| profile.person_id == person_id) {
        return Ok(Err(Refusal::NoProfile));
    }
    if let Some(offer_id) = new.offer_id {
        let offer = offers::find(conn, offer_id)?;
        let Some(offer) = offer.filter(|offer| {
            offer.owner_organization_id == organization_id || offer.source_organizations().contains(&organization_id)
        }) else {
            return Ok(Err(Refusal::OfferNotYours(offer_id)));
        };
        if offer.status != OfferStatus::Open {
            return Ok(Err(Refusal::OfferNotOpen(offer_id)));
        }
    }
    let (sent, oldest) = contact_requests::sent_since(conn, organization_id, now() - Duration::days(1))?;
    if sent >= PER_DAY {
        return Ok(Err(Refusal::DailyBound(oldest.unwrap_or_else(now) + Duration::days(1))));
    }
    let request = contact_requests::create(
        conn,
        contact_requests::NewContactRequest {
            person_id,
            organization_id,
            client_id: caller.client_id().to_owned(),
            offer_id: new.offer_id,
            message: new.message,
        },
    )?;
    journal::append(conn, &[caller.access(person_id, JournalSection::ContactRequest, Operation::Write)])?;
    Ok(Ok(request))
}
