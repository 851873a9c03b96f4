//! A person's consents (consentements): to appear in the profile bank, and to share the dossier
//! with a named partner. A `dossier_sharing` consent opens the dossier to the partner through
//! the policy, and its withdrawal closes it from the next request on.

mod get_consent;
mod give_consent;
mod list_consents;
mod withdraw_consent;

use plateforme_api::{ApiError, ErrorCode};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(give_consent::give_consent)
        .service(list_consents::list_consents)
        .service(get_consent::get_consent)
        .service(withdraw_consent::withdraw_consent);
}

/// The path of one consent of a person: what the handlers extract, and what the contract
/// documents, from one declaration.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct ConsentPath {
    /// Identifier of the person
    id: Uuid,
    /// Identifier of the consent
    consent_id: Uuid,
}

fn location(person_id: Uuid, consent_id: Uuid) -> String {
    format!("{}/consents/{consent_id}", crate::location(person_id))
}

/// A consent the person does not have (or that is another person's), named in the problem.
fn not_found(person_id: Uuid, consent_id: Uuid) -> ApiError {
    ApiError::new(ErrorCode::NotFound, format!("person {person_id} has no consent {consent_id}"))
}
