//! Limitation of the processing of a dossier (RGPD article 18): while an organization examines
//! a request of the person (an accuracy contested, an objection…), the dossier is kept but
//! organizations neither read nor write it; only lifting the limitation and the erasure pass
//! (`access::load_for_rights`), and the person still reads their own dossier at `/v1/me`.

use actix_web::{HttpResponse, delete, put};
use chrono::{DateTime, Utc};
use plateforme_api::openapi::UpdateProblems;
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, IfMatch, NoQuery, ValidQuery};
use plateforme_auth::{Caller, JournalSection};
use plateforme_store::dossier::persons::{self, StoredPerson};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access;

/// Whether the processing of a person's dossier is limited, and the dossier's version (its
/// `ETag`), which lifting the limitation or the erasure names in `If-Match`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"person_id": "0190a5c4-7e1f-7a2b-9c3d-4e5f60718293", "limited_at": "2026-12-05T09:30:00Z", "version": 4}))]
pub struct Limitation {
    pub person_id: Uuid,
    /// Since when the processing is limited; `null` when it is not.
    pub limited_at: Option<DateTime<Utc>>,
    /// The dossier's version.
    pub version: i64,
}

/// Limit the processing of a dossier
///
/// Limits the processing of the person's dossier at the request of an organization that may
/// write it (RGPD right to restriction of processing, article 18), while a request of the person
/// is examined: the dossier is kept, the daily retention job does not erase it, but every read
/// and write of it by an organization answers 423 `processing_limited` (whose `current_version`
/// names the dossier's version), but lifting the limitation and the erasure; the list for action
/// and the match leave it out. The person still reads their own dossier at `/v1/me`. A new
/// version of the person and an `updated` event on the change feed (`{"limited_at": …}`) tell
/// partners' mirrors. `If-Match` must carry the dossier's current ETag; a dossier limited
/// already answers 200 unchanged.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IfMatch),
    responses(
        (status = 200, description = "Limited (or limited already, unchanged).", body = Limitation,
            headers(("ETag" = String, description = "The dossier's version"))),
        UpdateProblems,
    )
)]
#[put("/persons/{id}/limitation")]
pub async fn limit_processing(change: Change<Caller, Uuid>, _: ValidQuery<NoQuery>) -> Result<HttpResponse, ApiError> {
    set_limitation(change, true).await
}

/// Lift the limitation of a dossier
///
/// Lifts the limitation of the processing of the person's dossier once the request is examined:
/// organizations read and write it again under the policy. A new version of the person and an
/// `updated` event on the change feed (`{"limited_at": null}`) tell partners' mirrors. `If-Match`
/// must carry the dossier's current ETag (the `current_version` of a `processing_limited`
/// problem); a dossier that is not limited answers 200 unchanged.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IfMatch),
    responses(
        (status = 200, description = "Lifted (or not limited, unchanged).", body = Limitation,
            headers(("ETag" = String, description = "The dossier's version"))),
        UpdateProblems,
    )
)]
#[delete("/persons/{id}/limitation")]
pub async fn lift_limitation(change: Change<Caller, Uuid>, _: ValidQuery<NoQuery>) -> Result<HttpResponse, ApiError> {
    set_limitation(change, false).await
}

/// Limits (`limited`) or lifts, journaled as the section `limitation`: the one path of both.
async fn set_limitation(
    Change { store, caller, path: id, header: if_match }: Change<Caller, Uuid>,
    limited: bool,
) -> Result<HttpResponse, ApiError> {
    let current = access::load_for_rights(&store, &caller, id).await?;
    let expected = if_match.check(current.version)?;
    let context = caller.write_context();
    let person = access::commit_for_rights(&store, &caller, id, JournalSection::Limitation, move |conn| {
        persons::set_limitation(conn, &context, &current, expected, limited)
    })
    .await?;
    Ok(current_response(person.version, &limitation_of(&person)))
}

fn limitation_of(person: &StoredPerson) -> Limitation {
    Limitation { person_id: person.id, limited_at: person.limited_at, version: person.version }
}
