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

/// A domain of `/v1`: the routes its crate registers, and the document (tags, schemas) it
/// declares beside them. One list serves the app, the contract's base and the test that no two
/// domains give one schema name two meanings.
pub struct Domain {
    pub name: &'static str,
    pub configure: fn(&mut utoipa_actix_web::service_config::ServiceConfig),
    pub document: fn() -> Document,
}

pub const DOMAINS: [Domain; 9] = [
    Domain {
        name: "organizations",
        configure: plateforme_organizations::configure,
        document: plateforme_organizations::OrganizationsApi::openapi,
    },
    Domain {
        name: "dossier",
        configure: plateforme_dossier::configure,
        document: plateforme_dossier::DossierApi::openapi,
    },
    Domain { name: "offers", configure: plateforme_offers::configure, document: plateforme_offers::OffersApi::openapi },
    Domain { name: "sync", configure: plateforme_sync::configure, document: plateforme_sync::SyncApi::openapi },
    Domain {
        name: "referentials",
        configure: plateforme_referentials::configure,
        document: plateforme_referentials::ReferentialsApi::openapi,
    },
    Domain {
        name: "access",
        configure: plateforme_auth::configure_admin,
        document: plateforme_auth::AccessApi::openapi,
    },
    Domain {
        name: "profiles",
        configure: plateforme_profiles::configure,
        document: plateforme_profiles::ProfilesApi::openapi,
    },
    Domain {
        name: "training",
        configure: plateforme_training::configure,
        document: plateforme_training::TrainingApi::openapi,
    },
    Domain {
        name: "indicators",
        configure: plateforme_indicators::configure,
        document: plateforme_indicators::IndicatorsApi::openapi,
    },
];

/// The document the app starts from, before its handlers add their paths.
pub fn base() -> Document {
    let mut document = BaseApi::openapi();
    for domain in &DOMAINS {
        document.merge((domain.document)());
    }
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

#[cfg(test)]
mod tests {
    use actix_web::App;
    use serde_json::json;
    use utoipa_actix_web::{AppExt, scope};

    use super::*;

    /// The schema names that two of `documents` declare with different schemas, as
    /// `"Name: first and second"`. Components are merged by name, the last one winning, so such a
    /// name would silently drop one of the two types from the contract.
    fn schema_name_clashes(documents: impl IntoIterator<Item = (&'static str, Document)>) -> Vec<String> {
        let mut first_seen: std::collections::BTreeMap<String, (&str, serde_json::Value)> = Default::default();
        let mut clashes = Vec::new();
        for (domain, document) in documents {
            for (name, schema) in document.components.map(|components| components.schemas).unwrap_or_default() {
                let schema = serde_json::to_value(schema).unwrap_or_default();
                match first_seen.get(&name) {
                    Some((first, earlier)) if *earlier != schema => {
                        clashes.push(format!("{name}: {first} and {domain}"))
                    }
                    Some(_) => {}
                    None => {
                        first_seen.insert(name, (domain, schema));
                    }
                }
            }
        }
        clashes
    }

    /// Each domain alone: what it declares and what its handlers bring.
    fn domain_document(domain: &Domain) -> Document {
        App::new()
            .into_utoipa_app()
            .openapi((domain.document)())
            .service(scope("/v1").configure(domain.configure))
            .split_for_parts()
            .1
    }

    #[test]
    fn no_two_domains_give_a_schema_name_two_meanings() {
        let clashes = schema_name_clashes(DOMAINS.iter().map(|domain| (domain.name, domain_document(domain))));
        assert!(clashes.is_empty(), "rename one of each (#[schema(as = …)]): {clashes:#?}");
    }

    #[test]
    fn a_name_given_to_two_schemas_is_a_clash_and_the_same_schema_twice_is_not() {
        let document = |schemas: serde_json::Value| -> Document {
            serde_json::from_value(json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                "paths": {}, "components": {"schemas": schemas}}))
            .expect("a document")
        };
        let answer = json!({"type": "object", "properties": {"accepted": {"type": "boolean"}}});
        let breach_answer = json!({"type": "object", "properties": {"notified": {"type": "boolean"}}});
        assert_eq!(
            schema_name_clashes([
                ("training", document(json!({"Answer": answer, "Problem": {"type": "object"}}))),
                ("dossier", document(json!({"Answer": breach_answer, "Problem": {"type": "object"}}))),
            ]),
            ["Answer: training and dossier"]
        );
        assert!(
            schema_name_clashes([
                ("training", document(json!({"Answer": answer}))),
                ("profiles", document(json!({"Answer": answer})))
            ])
            .is_empty()
        );
    }
}
