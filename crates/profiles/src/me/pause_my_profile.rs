use actix_web::{HttpResponse, post, web};
use plateforme_api::ApiError;
use plateforme_api::openapi::ReadProblems;
use plateforme_api::responses::current_response;
use plateforme_auth::person::PersonCaller;
use plateforme_model::profile::Profile;
use plateforme_store::{Store, StoreError, dossier::persons, profiles, write};
use uuid::Uuid;

use crate::access::{no_profile, not_found_as_person, person_context};

/// Pause my profile
///
/// Pauses the profile of the person holding the token: it is kept, but no recruiter finds it
/// from the next request on, until the person resumes it. Pausing a paused profile changes
/// nothing (200, same version). 404 when there is none. For person tokens (scope `me`) only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    responses((status = 200, description = "Paused.", body = Profile,
        headers(("ETag" = String, description = "The profile's version"))), ReadProblems)
)]
#[post("/me/profile/pause")]
pub async fn pause_my_profile(store: web::Data<Store>, me: PersonCaller) -> Result<HttpResponse, ApiError> {
    set_paused(&store, me.person_id, true).await
}

/// Resume my profile
///
/// Makes a paused profile visible to recruiters again. Resuming a visible profile changes
/// nothing (200, same version). 404 when there is none. For person tokens (scope `me`) only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    responses((status = 200, description = "Visible again.", body = Profile,
        headers(("ETag" = String, description = "The profile's version"))), ReadProblems)
)]
#[post("/me/profile/resume")]
pub async fn resume_my_profile(store: web::Data<Store>, me: PersonCaller) -> Result<HttpResponse, ApiError> {
    set_paused(&store, me.person_id, false).await
}

async fn set_paused(store: &Store, id: Uuid, paused: bool) -> Result<HttpResponse, ApiError> {
    let profile = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                persons::find(conn, id)?.ok_or(StoreError::NotFound)?;
                let Some(current) = profiles::find(conn, id)? else { return Ok(None) };
                if current.paused == paused {
                    return Ok(Some(current));
                }
                let record = current.record.clone();
                let version = current.version;
                Ok(Some(profiles::replace(conn, &person_context(), &current, version, record, paused)?))
            })
        })
        .await
        .map_err(|error| not_found_as_person(error, id))?
        .ok_or_else(|| no_profile(id))?;
    Ok(current_response(profile.version, &profile.view()))
}
