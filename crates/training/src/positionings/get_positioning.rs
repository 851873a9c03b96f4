use actix_web::{HttpResponse, get};
use plateforme_api::openapi::{LimitedProblems, ReadProblems};
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::Caller;
use plateforme_auth::policy::Operation;
use plateforme_store::StoreError;
use plateforme_store::access::journal;

use super::model::Positioning;
use super::{PositioningPath, access, not_found};

/// Read a positioning
///
/// One positioning of a person on a training session, with its steps: the provider's answer,
/// the entry, the exit and its outcome, and its `ETag`. Read by the person's followers
/// (`dossier:read`), by the provider of the session (only on its own sessions) and by the
/// région that funds the session (`training:read`); to anyone else it does not exist (404).
/// Journaled as `training`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"]), ("oauth2" = ["training:read"])),
    params(PositioningPath, IfNoneMatch),
    responses(ReadOne<Positioning>, ReadProblems, LimitedProblems)
)]
#[get("/persons/{id}/trainings/{positioning_id}")]
pub async fn get_positioning(read: Read<Caller, PositioningPath>) -> Result<HttpResponse, ApiError> {
    let PositioningPath { id, positioning_id } = read.path;
    let caller = read.caller.clone();
    let found =
        read.store.run(move |conn| access::load(conn, &caller, id, positioning_id, Operation::Read)).await.map_err(
            |error| match error {
                StoreError::NotFound => not_found(id, positioning_id),
                other => other.into(),
            },
        )?;
    let access::Loaded { positioning, journal: entry } = found.map_err(|_| not_found(id, positioning_id))?;
    journal::append_durably(&read.store, vec![entry]).await?;
    let version = positioning.version;
    Ok(read.answer(version, &access::view(positioning)?))
}
