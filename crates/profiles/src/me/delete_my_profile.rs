use actix_web::{HttpResponse, delete, web};
use plateforme_api::ApiError;
use plateforme_api::openapi::ReadProblems;
use plateforme_auth::person::PersonCaller;
use plateforme_store::{Store, StoreError, dossier::persons, profiles, write};

use crate::access::{no_profile, not_found_as_person, person_context};

/// Delete my profile
///
/// Deletes the profile of the person holding the token, at once: no recruiter finds it from the
/// next request on. The `profile_bank` consent is kept (withdraw it with the counsellor to leave
/// the profile bank for good); a new profile can be written later. 404 when there is none. For
/// person tokens (scope `me`) only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    responses((status = 204, description = "Deleted."), ReadProblems)
)]
#[delete("/me/profile")]
pub async fn delete_my_profile(store: web::Data<Store>, me: PersonCaller) -> Result<HttpResponse, ApiError> {
    let id = me.person_id;
    let deleted = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                persons::find(conn, id)?.ok_or(StoreError::NotFound)?;
                let Some(current) = profiles::find(conn, id)? else { return Ok(false) };
                profiles::delete(conn, &person_context(), id, current.version)?;
                Ok(true)
            })
        })
        .await
        .map_err(|error| not_found_as_person(error, id))?;
    if !deleted {
        return Err(no_profile(id));
    }
    Ok(HttpResponse::NoContent().finish())
}
