use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, put, web};
use plateforme_api::openapi::{IfMatchOnceItExists, LimitedProblems, ProfileWriteProblems};
use plateforme_api::{ApiError, IfMatch, ValidJson};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::profile::{Profile, ProfileInput};
use plateforme_store::{Store, access::journal, write};
use uuid::Uuid;

use super::written;
use crate::access::{load_person, not_found_as_person};
use crate::save::{Precondition, Writer, check_references, save};

/// Build or update a person's profile
///
/// Creates or replaces the whole profile bank profile of a person the caller follows (a mission
/// locale, Cap emploi or France Travail: the same access policy as writing the dossier; outside
/// it the person answers 404). The person's consent must be recorded first: the profile exists
/// only while their `profile_bank` consent stands (409 `invalid_transition`, rule
/// `profile_bank_consent.missing`). The ROME codes and the commune must exist (422, rules
/// `rome.unknown`, `commune.unknown`). Whether recruiters see the disability recognition is the
/// person's choice alone: `show_disability_recognition` must be sent as it stands (403
/// otherwise). The first profile is created without `If-Match` (201); once one exists,
/// `If-Match` must carry its ETag (428 without it, 412 when stale). Each field changed records
/// the caller's organization as its provenance. Journaled as `profile`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IfMatchOnceItExists),
    request_body = ProfileInput,
    responses(
        (status = 200, description = "Replaced (or unchanged).", body = Profile,
            headers(("ETag" = String, description = "The profile's version"))),
        (status = 201, description = "The first profile, created.", body = Profile,
            headers(("Location" = String, description = "Path of the profile"), ("ETag" = String, description = "Version, for If-Match"))),
        ProfileWriteProblems,
        LimitedProblems,
    )
)]
#[put("/persons/{id}/profile")]
pub async fn set_person_profile(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    ValidJson(input): ValidJson<ProfileInput>,
) -> Result<HttpResponse, ApiError> {
    check_references(&input)?;
    let id = id.into_inner();
    let precondition = Precondition { sent: req.headers().contains_key(header::IF_MATCH), if_match };
    let (profile, created) = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                let person = load_person(conn, &caller, id, Operation::Write)?;
                let saved = save(conn, &Writer::Organization(&caller), &person, &precondition, input)?;
                if saved.is_ok() {
                    journal::append(conn, &[caller.access(id, JournalSection::Profile, Operation::Write)])?;
                }
                Ok(saved)
            })
        })
        .await
        .map_err(|error| not_found_as_person(error, id))??;
    Ok(written(profile.version, &profile.view(), created))
}
