use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, put, web};
use plateforme_api::openapi::{IfMatchOnceItExists, ProfileWriteProblems};
use plateforme_api::{ApiError, IfMatch, ValidJson};
use plateforme_auth::person::PersonCaller;
use plateforme_model::profile::{Profile, ProfileInput};
use plateforme_store::{Store, StoreError, dossier::persons, write};

use crate::access::not_found_as_person;
use crate::save::{Precondition, Writer, check_references, save};

/// Write my profile
///
/// Creates or replaces the whole profile of the person holding the token. It needs the person's
/// `profile_bank` consent standing (409 `invalid_transition`, rule `profile_bank_consent.missing`,
/// otherwise). The ROME codes and the commune must exist (422, rules `rome.unknown`,
/// `commune.unknown`); `show_disability_recognition` may be true only when the dossier records
/// a disability recognition (422, rule `show_disability_recognition.not_recognized`). The first
/// profile is created without `If-Match` (201); once one exists, `If-Match` must carry its ETag
/// (428 without it, 412 when stale). Each field changed records the person as its provenance.
/// Whether the profile is paused is kept. For person tokens (scope `me`) only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    params(IfMatchOnceItExists),
    request_body = ProfileInput,
    responses(
        (status = 200, description = "Replaced (or unchanged).", body = Profile,
            headers(("ETag" = String, description = "The profile's version"))),
        (status = 201, description = "The first profile, created.", body = Profile,
            headers(("Location" = String, description = "Path of the profile"), ("ETag" = String, description = "Version, for If-Match"))),
        ProfileWriteProblems,
    )
)]
#[put("/me/profile")]
pub async fn put_my_profile(
    req: HttpRequest,
    store: web::Data<Store>,
    me: PersonCaller,
    if_match: IfMatch,
    ValidJson(input): ValidJson<ProfileInput>,
) -> Result<HttpResponse, ApiError> {
    check_references(&input)?;
    let id = me.person_id;
    let precondition = Precondition { sent: req.headers().contains_key(header::IF_MATCH), if_match };
    let (profile, created) = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                let person = persons::find(conn, id)?.ok_or(StoreError::NotFound)?;
                save(conn, &Writer::Person, &person, &precondition, input)
            })
        })
        .await
        .map_err(|error| not_found_as_person(error, id))??;
    Ok(crate::persons::written(profile.version, &profile.view(), created))
}
