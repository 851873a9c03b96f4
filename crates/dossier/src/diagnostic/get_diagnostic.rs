use actix_web::{HttpResponse, get};
use plateforme_api::openapi::{LimitedProblems, ReadProblems};
use plateforme_api::{ApiError, ErrorCode, IfNoneMatch, Read, ReadOne};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::diagnostic::Diagnostic;
use plateforme_store::{access::journal, dossier::diagnostics};
use uuid::Uuid;

use crate::access;

/// Read the diagnostic
///
/// The person's diagnostic socio-professionnel: the professional part (target jobs as ROME
/// codes, skills, qualification level, experience, autonomy) and, with `dossier.social:read`,
/// the social part (freins périphériques: mobility, housing, health, childcare, illiteracy,
/// digital exclusion, finances). Without that scope the diagnostic is still returned, without
/// its social part and with `social_withheld: true`. The read is journaled as `diagnostic`, or
/// `diagnostic+social` when the social part is returned. 404 until a diagnostic is recorded.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IfNoneMatch),
    responses(ReadOne<Diagnostic>, ReadProblems, LimitedProblems)
)]
#[get("/persons/{id}/diagnostic")]
pub async fn get_diagnostic(read: Read<Caller, Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (read.path, read.caller.clone());
    let view = read
        .store
        .run(move |conn| {
            let person = access::load(conn, &caller, id, Operation::Read)?;
            let sees_social = access::discloses_sensitive(conn, &caller, &person)?;
            let diagnostic = diagnostics::find(conn, id)?;
            let view = diagnostic.map(|found| found.record.view(id, found.version, found.times(), sees_social));
            // Learning that there is no diagnostic yet is a read of the dossier too.
            let social = view.as_ref().is_some_and(|view| view.social.is_some());
            journal::append(conn, &[caller.access(id, JournalSection::diagnostic(social), Operation::Read)])?;
            Ok(view)
        })
        .await
        .map_err(|error| access::not_found_as_person(error, id))?;
    let view: Diagnostic = view.ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound, format!("person {id} has no diagnostic yet; PUT one to record it"))
    })?;
    Ok(read.answer(view.version, &view))
}
