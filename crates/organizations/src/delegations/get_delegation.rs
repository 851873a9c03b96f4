use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::Caller;
use plateforme_model::delegation::Delegation;
use plateforme_store::delegations;
use uuid::Uuid;

/// Read a delegation
///
/// One delegation: who delegates what to whom, since when, until when, and which persons (by
/// their residence). With `If-None-Match` naming the current version, answers 304.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the delegation"), IfNoneMatch),
    responses(ReadOne<Delegation>, ReadProblems)
)]
#[get("/delegations/{id}")]
pub async fn get_delegation(read: Read<Caller, Uuid>) -> Result<HttpResponse, ApiError> {
    let id = read.path;
    let delegation =
        read.store.run(move |conn| delegations::find(conn, id)).await?.ok_or_else(|| super::not_found(id))?;
    Ok(read.answer(delegation.version, &delegation))
}
