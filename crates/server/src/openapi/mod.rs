//! The OpenAPI contract, generated from the code: the paths come from the registered
//! handlers, the rest (info, tags, shared schemas) from here and from each API crate.

mod flatten;

use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Document;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Plateforme",
        description = "The shared data platform of the French public employment network (SI plateforme): \
one data model and one set of REST APIs through which France Travail, missions locales, Cap emploi, \
départements, régions, partners and employers read and write the same records.\n\n\
Conventions: JSON in UTF-8 with `snake_case` fields; identifiers are UUIDv7; dates are \
`YYYY-MM-DD` (rule `date.format`) and times RFC 3339 with a four-digit year (rule `timestamp.format`), \
answered in UTC. \
Errors are RFC 9457 problems (`application/problem+json`) with a stable `code` and per-field `errors`; \
`GET /problems` lists them. Each field error names its `rule`: a body that breaks its schema \
is refused under the keyword broken (`required`, `unknown_field` for a property the schema does not list, \
`type`, `enum`, `invalid_value`), a merge patch that is not a JSON object under `merge_patch.not_object`, \
and every other rule is named, as `(rule …)`, where the schema of the field or the operation states it. \
No text may hold a control character (U+0000–U+001F, U+007F–U+009F), \
except tabs and line breaks in JSON string values: such a request is refused with the rule \
`text.control_character` in `errors` (422 `validation_failed` in a body or a batch line, \
400 `invalid_query` in a query parameter, 400 `invalid_path` in the path, `invalid_request` at the token endpoint). Every resource has a `version` carried by `ETag`; writes need `If-Match` \
(428 without, 412 when stale); `If-None-Match` answers 304. POST accepts `Idempotency-Key`. \
Lists are cursor-paginated (`limit`, `cursor`, `Link: rel=\"next\"`). Every response carries `X-Request-Id`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
        version = "0.1.0",
    ),
    tags(
        (name = "Health", description = "Liveness and readiness probes."),
        (name = "Problems", description = "The problem types of error responses."),
    ),
    servers((url = "/", description = "This deployment")),
    components(schemas(plateforme_api::Problem, plateforme_model::FieldError)),
)]
struct BaseApi;

/// The document the app starts from, before its handlers add their paths.
pub fn base() -> Document {
    let mut document = BaseApi::openapi();
    document.merge(plateforme_organizations::OrganizationsApi::openapi());
    document.merge(plateforme_dossier::DossierApi::openapi());
    document.merge(plateforme_offers::OffersApi::openapi());
    document.merge(plateforme_sync::SyncApi::openapi());
    document.merge(plateforme_referentials::ReferentialsApi::openapi());
    document.merge(plateforme_auth::AccessApi::openapi());
    document.merge(plateforme_profiles::ProfilesApi::openapi());
    document.merge(plateforme_training::TrainingApi::openapi());
    document.merge(plateforme_indicators::IndicatorsApi::openapi());
    document
}

/// The whole contract, as `openapi/openapi.json` holds it.
pub fn document() -> Document {
    let mut document = crate::app::documented_routes().1;
    plateforme_auth::route_scopes::state_person_headers(&mut document);
    if let Some(components) = document.components.as_mut() {
        flatten::merge_all_of(&mut components.schemas);
    }
    crate::deprecations::mark(&mut document, &crate::deprecations::declared());
    document
}

/// The contract as pretty JSON with a final newline.
pub fn to_json(document: &Document) -> Result<String, serde_json::Error> {
    Ok(document.to_pretty_json()? + "\n")
}
