use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use plateforme_api::openapi::CreateProblems;
use plateforme_api::{ApiError, ErrorCode, NoQuery, ValidJson, ValidQuery};
use plateforme_auth::Caller;
use plateforme_store::exports::{self, NewExport};
use plateforme_store::{Store, write};

use super::view::{ExportView, location};
use super::{EXPIRY_DAYS, ExportRequest, job};

/// Start a bulk export
///
/// A first load of every record you may see, for a partner system that mirrors them: one
/// NDJSON file per resource type, the same representations and the same access policy as the
/// change feed's `embed=resource` (a région exports no person, a mission locale only its remit,
/// the sensitive parts only with `dossier.social:read` where the policy opens them; reading a
/// dossier's part is journaled for the person, section `change_feed`). The export runs in the
/// background: the answer is `202` with its `Location`; poll it until `done`. The finished
/// export holds the change feed's `cursor` at the export's snapshot: follow `GET /v1/changes`
/// from it and you receive exactly the changes the files do not hold — no gap, no overlap. With
/// `since`, only the records changed since then, and the file `deleted` of those deleted or gone
/// out of your remit. An export and its files are kept 7 days.
///
/// A client runs one export at a time and asks for at most 10 in 24 hours: beyond, `429` with
/// `Retry-After` (an export copies the whole of what you may see; the change feed keeps a
/// mirror current between exports).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read"])),
    request_body = ExportRequest,
    responses(
        (status = 202, description = "Accepted: the export runs; poll the `Location` until `done`.", body = ExportView,
            headers(("Location" = String, description = "Where to read the export: `/v1/exports/{id}`."))),
        CreateProblems,
    )
)]
#[post("/exports")]
pub async fn create_export(
    store: web::Data<Store>,
    caller: Caller,
    _: ValidQuery<NoQuery>,
    ValidJson(request): ValidJson<ExportRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = plateforme_model::ids::now();
    let export = NewExport {
        id: plateforme_model::ids::new_id(),
        client_id: caller.client_id().to_owned(),
        types: request.types(),
        since: request.since(),
        created_at: now,
        expires_at: now + chrono::Duration::days(EXPIRY_DAYS),
    };
    let (id, client_id) = (export.id, export.client_id.clone());
    let stored = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                write::serialize_on(conn, &format!("exports:{client_id}"))?;
                let usage = exports::usage(conn, &client_id, now - chrono::Duration::days(1))?;
                if let Some(refusal) = Bound::exceeded_by(usage) {
                    return Ok(Err(refusal));
                }
                exports::create(conn, &export)?;
                exports::find(conn, export.id, &client_id, now).map(Ok)
            })
        })
        .await?
        .map_err(Bound::problem)?
        .ok_or_else(|| ApiError::internal("an export just recorded is not found"))?;
    actix_web::rt::spawn(job::run(store.get_ref().clone(), caller, id));
    Ok(HttpResponse::Accepted().insert_header((header::LOCATION, location(id))).json(ExportView::of(&stored)))
}

/// The bounds on a client's exports: each copies the client's whole view into the database and
/// keeps it 7 days, so a client with a valid token must not be able to fill the disk or the
/// workers by asking again and again.
#[derive(Debug, Clone, Copy)]
enum Bound {
    /// At most [`IN_FLIGHT`] export queued or running per client.
    InFlight,
    /// At most [`PER_DAY`] exports asked for per client in 24 hours.
    PerDay,
}

const IN_FLIGHT: i64 = 1;
const PER_DAY: i64 = 10;

impl Bound {
    fn exceeded_by(usage: exports::ExportUsage) -> Option<Bound> {
        if usage.in_flight >= IN_FLIGHT {
            Some(Bound::InFlight)
        } else if usage.asked_since >= PER_DAY {
            Some(Bound::PerDay)
        } else {
            None
        }
    }

    fn problem(self) -> ApiError {
        let (detail, retry_after) = match self {
            Bound::InFlight => (
                format!("a client runs at most {IN_FLIGHT} export at a time: wait until yours is done or failed"),
                "60",
            ),
            Bound::PerDay => (
                format!(
                    "a client asks for at most {PER_DAY} exports in 24 hours: follow the change feed from the last export's cursor"
                ),
                "3600",
            ),
        };
        ApiError::new(ErrorCode::TooManyRequests, detail)
            .with_header(header::RETRY_AFTER, header::HeaderValue::from_static(retry_after))
    }
}
