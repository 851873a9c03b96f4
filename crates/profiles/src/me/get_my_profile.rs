use actix_web::{HttpResponse, get, web};
use plateforme_api::ApiError;
use plateforme_api::openapi::ReadProblems;
use plateforme_api::responses::current_response;
use plateforme_auth::person::PersonCaller;
use plateforme_model::profile::Profile;
use plateforme_store::{Store, StoreError, dossier::persons, profiles};

use crate::access::{no_profile, not_found_as_person};

/// My profile
///
/// The profile of the person holding the token in the profile bank, with who set each field
/// last; 404 when they have none (no profile yet, deleted, or removed with the `profile_bank`
/// consent). For person tokens (scope `me`) only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    responses((status = 200, description = "My profile.", body = Profile,
        headers(("ETag" = String, description = "The profile's version, for If-Match"))), ReadProblems)
)]
#[get("/me/profile")]
pub async fn get_my_profile(store: web::Data<Store>, me: PersonCaller) -> Result<HttpResponse, ApiError> {
    let id = me.person_id;
    let profile = store
        .run(move |conn| {
            // A token that outlived an erased dossier reaches nothing.
            persons::find(conn, id)?.ok_or(StoreError::NotFound)?;
            profiles::find(conn, id)
        })
        .await
        .map_err(|error| not_found_as_person(error, id))?
        .ok_or_else(|| no_profile(id))?;
    Ok(current_response(profile.version, &profile.view()))
}
