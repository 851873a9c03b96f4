//! Profile bank API (banque de profils): a person who consents (`profile_bank` consent) shows
//! recruiters their skills, not their identity. The profile is written by the person
//! (`/v1/me/profile`) or by the counsellor who follows them (`/v1/persons/{id}/profile`), and
//! exists only while the consent stands: withdrawing it deletes the profile in the same
//! transaction. One file per operation; the handler's name is the operationId.

mod access;
mod contact;
mod me;
mod persons;
mod pseudonym;
mod rank_candidates;
mod rank_my_offers;
mod recruiter_view;
mod save;
mod search_index;
mod search_profiles;
mod search_query;

use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;

pub use pseudonym::PseudonymKey;
pub use rank_my_offers::OffersSearch;
pub use search_index::ProfilesIndex;
// The demo data checks its profiles against the referentials as the API does.
pub use save::check_references;

pub const TAG: &str = "Profiles";

/// Registers the routes under the caller's scope (`/v1`).
pub fn configure(config: &mut ServiceConfig) {
    config.service(search_profiles::search_profiles).service(rank_candidates::rank_candidates);
    // `/me/offers` beside the person's other `/me` operations.
    config.service(rank_my_offers::rank_my_offers);
    me::configure(config);
    contact::configure(config);
    persons::configure(config);
}

/// The part of the contract this crate owns besides its paths: its tag, and the contact request
/// that `Created` and `ReadOne` name without bringing in.
#[derive(OpenApi)]
#[openapi(components(schemas(plateforme_model::contact_request::RecruiterContactRequest)), tags((name = "Profiles", description = "The profile bank (banque de profils): a person who gives the \
`profile_bank` consent becomes visible to recruiters with their skills, not their identity (name, contact, address, \
birth date, NIR and nationality are never part of a profile). The person reads, edits, pauses and deletes their profile \
at `/v1/me/profile`; the counsellor who follows them (mission locale, Cap emploi, France Travail) builds and updates it \
at `/v1/persons/{id}/profile`, each field keeping who set it last. The profile exists only while the consent stands: \
withdrawing it deletes the profile at once.")))]
pub struct ProfilesApi;

fn location(person_id: uuid::Uuid) -> String {
    format!("/v1/persons/{person_id}/profile")
}
