use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::responses::resource_response;
use plateforme_api::{ApiError, IfNoneMatch, NoQuery, ValidQuery};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::Person;
use plateforme_store::Store;
use uuid::Uuid;

use crate::access;

/// Read a dossier
///
/// The person's identity, contact, statuses (with `under_26` derived from the birth date),
/// registration, current orientation and the provenance of each field. The read is journaled
/// (the person can see who read their dossier). A person outside your remit answers 404.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IfNoneMatch),
    responses(
        (status = 200, description = "The dossier.", body = Person, headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 304, description = "Not modified."),
        ReadProblems,
    )
)]
#[get("/persons/{id}")]
pub async fn get_person(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
    _: ValidQuery<NoQuery>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let person = access::read_person(&store, &caller, id, JournalSection::Dossier).await?;
    let view = access::view_for(&caller, &person);
    Ok(resource_response(&if_none_match, person.version, &view))
}
