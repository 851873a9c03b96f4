//! `POST /v1/trainings/lheo`: an LHEO catalogue in, a report out. The body is spooled to a
//! temporary file as it arrives (never held in memory), then read formation by formation.

use std::io::{BufReader, Seek, Write};

use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use plateforme_api::openapi::CreateProblems;
use plateforme_api::{ApiError, ErrorCode, ValidQuery};
use plateforme_auth::Caller;
use plateforme_model::FieldError;
use plateforme_store::Store;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::{fallback_region, may_import, may_place};
use crate::import::{self, Publisher};
use crate::lheo::read::ReadError;
use crate::report::ImportReport;
use crate::search_index::TrainingsIndex;

/// The largest LHEO document accepted, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct ImportLimit(pub u64);

impl Default for ImportLimit {
    fn default() -> Self {
        ImportLimit(512 * 1024 * 1024)
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true` (the default): the document is the publisher's whole catalogue, and its
    /// formations that the document lacks are closed (LHEO snapshots signal deletion by
    /// absence). `false`: an update of some formations, closing none.
    #[param(example = true)]
    pub snapshot: Option<bool>,
}

/// Import an LHEO catalogue
///
/// Reads an LHEO XML document (`application/xml`), version 2.3 (namespace
/// `http://lheo.gouv.fr/2.3`) or 2.2 (`http://www.lheo.org/2.2`), as a stream, and upserts its
/// formations into the caller's catalogue, keyed by the caller's organization and the LHEO
/// `@numero` of each formation, action (within its formation) and session (within its
/// action). Sending the same document again changes nothing and emits no event.
///
/// Each element is checked (docs/training.md lists every rule). An element is rejected, with
/// its rule and line, only for what makes it unusable: no `@numero` (rules
/// `formation.numero.required`, `action.numero.required`, `session.numero.required`) or a
/// repeated one (`….numero.duplicate`), no `intitule-formation` (`formation.title.required`),
/// a FORMACODE that is not 5 digits (`formacode.format`), an NSF, RNCP, RS or Certif Info
/// code of the wrong shape (`nsf.format`, `rncp.format`, `rs.format`, `certifinfo.format`),
/// more than 5 FORMACODE, 3 NSF or 5 ROME codes (`formacode.too_many`, `nsf.too_many`,
/// `rome.too_many`), a ROME code not in ROME 4.0 (`rome.format`, `rome.unknown`), a training
/// site in an unknown commune (`commune.unknown`), an action placed in a région the caller
/// does not write (`action.outside_region`), a session without its period
/// (`session.period.required`), a date LHEO does not allow (`date.format`; `00000000` is an
/// unknown start and `99999999` an unknown end only: `date.unknown_misplaced`; `AAAAMM00` is a
/// month), a session that ends before it starts (`session.ends_before_start`), an action with
/// no usable session (`action.no_session`), a formation with no usable action
/// (`formation.no_action`). What is odd but usable is kept with a data-quality warning, on the
/// report and on the record: a postal code given as the INSEE code (`commune.postal_code_given`),
/// a missing INSEE code (`commune.derived_from_postal_code`, `commune.missing`), coordinates at
/// zero, coarse or invalid (`position.zero`, `position.coarse`, `position.invalid`,
/// `position.incomplete`), a placeholder or invalid SIRET (`siret.placeholder`, `siret.luhn`,
/// `siret.length`, `siret.format`), a missing objective, expected results or content, texts
/// over LHEO's lengths, values outside LHEO's dictionaries. `extras` are kept as they came.
///
/// Who writes: France Travail any catalogue, a région the training placed in its région, a
/// training provider or a partner its own (403 `forbidden` for the other kinds). With
/// `snapshot` (the default), the formations of the caller's previous imports that the document
/// lacks are closed. The whole document is written in one transaction: a document that is not
/// well-formed XML, or breaks midway, is refused with 422 (rule `lheo.malformed`, with the line)
/// and nothing is written — the problem's detail says what the part before the break held.
/// A root other than `lheo` (`lheo.root`), another namespace (`lheo.namespace`), an empty
/// document (`lheo.empty`) and a formation of more than 20,000 elements
/// (`lheo.formation_too_large`) are refused the same way. The body is limited to 512 MiB
/// (413 `payload_too_large`).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["training:write"])),
    params(ImportQuery),
    request_body(content = String, content_type = "application/xml",
        description = "An LHEO 2.3 or 2.2 document: `lheo > offres > formation > action > session`.",
        example = json!("<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres><formation numero=\"F1\"><domaine-formation><code-FORMACODE ref=\"V14\">21538</code-FORMACODE></domaine-formation><intitule-formation>Boulanger</intitule-formation><objectif-formation>Devenir boulanger.</objectif-formation><resultats-attendus>CAP.</resultats-attendus><contenu-formation>Pétrissage, cuisson.</contenu-formation><certifiante>1</certifiante><action numero=\"A1\"><lieu-de-formation><coordonnees><adresse><codepostal>69003</codepostal><ville>Lyon</ville><code-INSEE-commune>69383</code-INSEE-commune></adresse></coordonnees></lieu-de-formation><session numero=\"S1\"><periode><debut>20270104</debut><fin>20270630</fin></periode><etat-recrutement>1</etat-recrutement></session></action></formation></offres></lheo>")),
    responses(
        (status = 200, description = "The document was imported: the count of each outcome and the entries.", body = ImportReport),
        CreateProblems,
        (status = 403, description = "Problem (RFC 9457). `forbidden`: the caller lacks `training:write`, or its kind of organization publishes no training.", body = plateforme_api::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Problem (RFC 9457). `payload_too_large`: the document exceeds 512 MiB.", body = plateforme_api::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Problem (RFC 9457). `unsupported_media_type`: the body is not sent as `application/xml` or `text/xml`.", body = plateforme_api::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/trainings/lheo")]
pub async fn import_lheo(
    req: HttpRequest,
    store: web::Data<Store>,
    index: web::Data<TrainingsIndex>,
    caller: Caller,
    ValidQuery(query): ValidQuery<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    plateforme_api::json::check_media_type(&req, crate::XML)?;
    may_import(&caller)?;
    let limit = req.app_data::<web::Data<ImportLimit>>().map(|limit| *limit.get_ref()).unwrap_or_default();
    let document = spool(payload, limit).await?;
    let context = caller.write_context();
    let snapshot = query.snapshot.unwrap_or(true);
    let outcome = store
        .run(move |conn| {
            let place = |region: Option<&str>| may_place(&caller, region);
            let publisher = Publisher {
                organization_id: caller.principal().organization_id,
                fallback_region: fallback_region(&caller),
                may_place: &place,
            };
            import::import(conn, &context, &publisher, BufReader::with_capacity(1 << 16, document), snapshot)
        })
        .await?;
    match outcome {
        Ok(report) => {
            // The importer's next search finds what it imported (and no longer what it closed).
            let written: Vec<_> =
                report.entries.iter().filter(|entry| entry.level == "formation").filter_map(|entry| entry.id).collect();
            index.holds_the_writes_before(&written).await;
            Ok(HttpResponse::Ok().json(report))
        }
        Err((error, report)) => Err(broken(&error, &report)),
    }
}

/// Writes the body to an anonymous temporary file as it arrives, up to `limit` bytes.
async fn spool(mut payload: web::Payload, limit: ImportLimit) -> Result<std::fs::File, ApiError> {
    let file = tempfile::tempfile().map_err(ApiError::internal)?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 16, file);
    let mut read = 0u64;
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|error| ApiError::new(ErrorCode::BadRequest, format!("reading the body failed: {error}")))?;
        read += chunk.len() as u64;
        if read > limit.0 {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "an LHEO document holds at most {} bytes; split the catalogue and import with snapshot=false",
                    limit.0
                ),
            ));
        }
        writer.write_all(&chunk).map_err(ApiError::internal)?;
    }
    let mut file = writer.into_inner().map_err(ApiError::internal)?;
    file.rewind().map_err(ApiError::internal)?;
    Ok(file)
}

/// 422 for a document that cannot be read to its end: where it broke, and what came before.
fn broken(error: &ReadError, report: &ImportReport) -> ApiError {
    let before = &report.summary.formations;
    let detail = format!(
        "the LHEO document breaks at line {}: {}; nothing was written (before the break: {} formations would have \
         been created, {} updated, {} unchanged, {} rejected)",
        error.line, error.message, before.created, before.updated, before.unchanged, before.rejected
    );
    let field = FieldError::new(format!("line {}", error.line), error.rule, error.message.clone());
    ApiError { detail, ..ApiError::validation(vec![field]) }
}
