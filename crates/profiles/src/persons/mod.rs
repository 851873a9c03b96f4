//! A person's profile as the organizations following them read and write it
//! (`/v1/persons/{id}/profile`): under the access policy of the dossier, journaled as `profile`.

mod get_person_profile;
mod set_person_profile;

use actix_web::HttpResponse;
use actix_web::http::header;
use plateforme_api::etag;
use plateforme_api::responses::current_response;
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config.service(get_person_profile::get_person_profile).service(set_person_profile::set_person_profile);
}

/// The answer of a write: 201 with its location for the first profile, 200 otherwise.
pub fn written<T: Serialize + HasPerson>(version: i64, profile: &T, created: bool) -> HttpResponse {
    if !created {
        return current_response(version, profile);
    }
    HttpResponse::Created()
        .insert_header((header::LOCATION, crate::location(profile.person_id())))
        .insert_header((header::ETAG, etag(version)))
        .json(profile)
}

pub trait HasPerson {
    fn person_id(&self) -> uuid::Uuid;
}

impl HasPerson for plateforme_model::profile::Profile {
    fn person_id(&self) -> uuid::Uuid {
        self.person_id
    }
}
