use actix_web::{HttpResponse, get};
use plateforme_api::openapi::{LimitedProblems, ReadProblems};
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::Caller;
use plateforme_auth::policy::Operation;
use plateforme_store::StoreError;
use plateforme_store::access::journal;
use plateforme_store::training::positionings;
use uuid::Uuid;

use super::access;
use super::model::Positioning;

plateforme_api::paging_query! {
    pub struct PersonPositioningsQuery {}
    limit: "Positionings per page, 1 to 100 (20 by default)."
}

/// List a person's positionings
///
/// The person's positionings on training sessions, oldest first, each with its steps: their
/// path into training as every follower of the person sees it. Needs `dossier:read` and the
/// person in the caller's remit (404 otherwise); a provider or a région reads the positionings
/// it sees through `GET /v1/trainings/positionings`. Journaled as `training`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), PersonPositioningsQuery),
    responses((status = 200, description = "One page of positionings.", body = PageBody<Positioning>),
        ReadProblems, LimitedProblems)
)]
#[get("/persons/{id}/trainings")]
pub async fn list_person_positionings(
    list: List<Caller, PersonPositioningsQuery, Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, page) = (list.path, list.query.page_request()?);
    let caller = list.caller.clone();
    let (listed, entry) = list
        .store
        .run(move |conn| {
            let person = access::person_in_remit(conn, &caller, id, Operation::Read)?;
            let entry = access::journal_entry(conn, &caller, &person, Operation::Read)?;
            Ok((positionings::list_of_person(conn, id, &page)?.try_map(access::view)?, entry))
        })
        .await
        .map_err(|error| match error {
            StoreError::NotFound => ApiError::not_found(format!("person {id}")),
            other => other.into(),
        })?;
    journal::append_durably(&list.store, vec![entry]).await?;
    Ok(list.page(listed))
}
