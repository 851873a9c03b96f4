use actix_web::{HttpResponse, get};
use plateforme_api::openapi::{LimitedProblems, ReadProblems};
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::Person;
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
    responses(ReadOne<Person>, ReadProblems, LimitedProblems)
)]
#[get("/persons/{id}")]
pub async fn get_person(read: Read<Caller, Uuid>) -> Result<HttpResponse, ApiError> {
    let person = access::read_person_view(&read.store, &read.caller, read.path, JournalSection::Dossier).await?;
    Ok(read.answer(person.version, &person))
}
