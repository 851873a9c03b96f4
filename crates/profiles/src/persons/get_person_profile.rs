use actix_web::{HttpResponse, get, web};
use plateforme_api::ApiError;
use plateforme_api::openapi::{LimitedProblems, ReadProblems};
use plateforme_api::responses::current_response;
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::profile::Profile;
use plateforme_store::{Store, access::journal, profiles};
use uuid::Uuid;

use crate::access::{load_person, no_profile, not_found_as_person};

/// A person's profile
///
/// The profile bank profile of a person the caller follows (the same access policy as the
/// dossier: outside it the person answers 404), with who set each field last; 404 when the
/// person has none. Journaled as `profile`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the person")),
    responses((status = 200, description = "The profile.", body = Profile,
        headers(("ETag" = String, description = "The profile's version, for If-Match"))), ReadProblems, LimitedProblems)
)]
#[get("/persons/{id}/profile")]
pub async fn get_person_profile(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let reader = caller.clone();
    let profile = store
        .run(move |conn| {
            load_person(conn, &reader, id, Operation::Read)?;
            profiles::find(conn, id)
        })
        .await
        .map_err(|error| not_found_as_person(error, id))?
        .ok_or_else(|| no_profile(id))?;
    journal::append_durably(&store, vec![caller.access(id, JournalSection::Profile, Operation::Read)]).await?;
    Ok(current_response(profile.version, &profile.view()))
}
