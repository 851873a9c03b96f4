use actix_web::{HttpResponse, get, web};
use plateforme_api::ApiError;
use plateforme_api::openapi::ReadProblems;
use plateforme_auth::person::PersonCaller;
use plateforme_model::person::Person;
use plateforme_store::{Store, StoreError, dossier::persons};

use crate::access::{self, today};

/// My dossier
///
/// The dossier of the person holding the token: identity, contact, statuses, registration and
/// orientation. For person tokens (scope `me`) only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    responses((status = 200, description = "My dossier.", body = Person), ReadProblems)
)]
#[get("/me/dossier")]
pub async fn get_my_dossier(store: web::Data<Store>, me: PersonCaller) -> Result<HttpResponse, ApiError> {
    let id = me.person_id;
    let person = store
        .run(move |conn| persons::find(conn, id)?.ok_or(StoreError::NotFound))
        .await
        .map_err(|error| access::not_found_as_person(error, id))?;
    Ok(HttpResponse::Ok().json(person.record.view(id, person.has_nir, person.version, person.times(), today())))
}
