use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::MaybeCaller;
use plateforme_store::StoreError;
use plateforme_store::training::{self, StoredTraining, TrainingStatus};
use uuid::Uuid;

use crate::model::Training;

/// Read a training
///
/// Answers the formation with its actions and their sessions, in LHEO's terms (docs/training.md
/// maps each field to its LHEO element), its data-quality `warnings` from the last import,
/// the `extras` kept as they came, and its `ETag`. The catalogue is public: no token is needed
/// for an `active` formation; a `closed` one (no longer in its publisher's catalogue) is read
/// with `training:read` (404 to others). With `If-None-Match` naming the current version,
/// answers 304.
#[utoipa::path(
    tag = crate::TAG,
    security((), ("oauth2" = ["training:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the training (formation)"), IfNoneMatch),
    responses(ReadOne<Training>, ReadProblems)
)]
#[get("/trainings/{id}")]
pub async fn get_training(read: Read<MaybeCaller, Uuid>) -> Result<HttpResponse, ApiError> {
    let id = read.path;
    let stored = read.store.run(move |conn| training::find(conn, id)).await?.ok_or(StoreError::NotFound)?;
    let granted = read.caller.0.as_ref().is_some_and(|caller| caller.has_scope("training:read"));
    if stored.status != TrainingStatus::Active && !granted {
        return Err(StoreError::NotFound.into());
    }
    let version = stored.version;
    Ok(read.answer(version, &training_of(stored)?))
}

/// The JSON of a stored formation.
pub fn training_of(stored: StoredTraining) -> Result<Training, ApiError> {
    let formation = serde_json::from_value(stored.record)
        .map_err(|error| ApiError::internal(format!("training {} does not read back: {error}", stored.id)))?;
    Ok(Training {
        id: stored.id,
        status: stored.status.as_str().to_owned(),
        publisher_organization_id: stored.organization_id,
        region: stored.region,
        formation,
        version: stored.version,
        created_at: stored.created_at,
        updated_at: stored.updated_at,
    })
}
