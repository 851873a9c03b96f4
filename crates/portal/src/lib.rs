//! The developer portal (issue 21): what a partner's team reads to integrate, served by the
//! binary with nothing loaded from elsewhere.
//!
//! - `/portail/`: the home, French first (`?lang=en` for English): what the platform is and
//!   one page per API family (`/portail/api/{family}`) with its use cases per partner kind, its
//!   scopes, its operations linked into the reference (`/docs/`), and for each operation code
//!   samples in curl, Python and Rust generated from the served contract ([`samples`]);
//! - `/portail/guides/{guide}`: the Markdown of `docs/`, rendered at build time (`build.rs`), the
//!   getting-started guide (`demarrage`) first; a `<!-- samples: operation_id -->` line in a
//!   guide becomes that operation's generated samples;
//! - `/portail/bac-a-sable`: with `serve --demo` only (never under the production profile), a
//!   demo client per partner kind to try every operation in the reference on demo data;
//! - `/portail/changements`: the compatibility and deprecation policy.
//!
//! Pages carry no script: tabs are `<details>`, the language switch a link.

pub mod changes;
pub mod contract;
pub mod families;
pub mod page;
pub mod samples;
mod sandbox;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use plateforme_api::{ApiError, ErrorCode};
use serde_json::Value;

use contract::Operation;
use families::{FAMILIES, Family};
use page::{Lang, escape, layout};
pub use sandbox::{DemoClient, Sandbox};

mod rendered {
    include!(concat!(env!("OUT_DIR"), "/guides.rs"));
}
pub use rendered::GUIDES;

/// One commit that changed the contract, and what changed (`changes::compare` with the one before).
#[derive(Debug)]
pub struct ContractVersion {
    pub date: &'static str,
    pub commit: &'static str,
    pub added: &'static [&'static str],
    pub deprecated: &'static [&'static str],
    pub removed: &'static [&'static str],
    pub breaking: &'static [&'static str],
}

mod history {
    use super::ContractVersion;
    include!(concat!(env!("OUT_DIR"), "/changelog.rs"));
}
pub use history::CHANGELOG;

/// Pages, styles and forms of this origin only; no script at all.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'self'; frame-ancestors 'none'";

const STYLE: &str = include_str!("../assets/portail.css");

/// What the pages read: the served contract's operations and the sandbox, if any.
pub struct Portal {
    operations: Vec<Operation>,
    sandbox: Sandbox,
}

impl Portal {
    pub fn new(contract: &Value, sandbox: Sandbox) -> Portal {
        Portal { operations: contract::operations(contract), sandbox }
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    fn family_operations<'a>(&'a self, family: &'a Family) -> impl Iterator<Item = &'a Operation> {
        self.operations.iter().filter(|operation| family.tags.contains(&operation.tag.as_str()))
    }
}

/// Registers `/`, `/portail` and the portal's pages.
pub fn configure(cfg: &mut web::ServiceConfig, portal: web::Data<Portal>) {
    let sandbox = web::Data::new(portal.sandbox.clone());
    let page = |path: &str| web::resource(path.to_owned()).app_data(portal.clone());
    cfg.service(web::resource("/").route(web::get().to(to_home)))
        .service(web::resource("/portail").route(web::get().to(to_home)))
        .service(page("/portail/").route(web::get().to(home)))
        .service(web::resource("/portail/portail.css").route(web::get().to(style)))
        .service(page("/portail/api/{family}").route(web::get().to(family_page)))
        .service(page("/portail/guides/").route(web::get().to(guides)))
        .service(page("/portail/guides/{guide}").route(web::get().to(guide_page)))
        .service(page("/portail/changements").route(web::get().to(changes)))
        .service(page("/portail/bac-a-sable").app_data(sandbox.clone()).route(web::get().to(sandbox::page)))
        .service(
            web::resource("/portail/bac-a-sable/{client}").app_data(sandbox).route(web::get().to(sandbox::choose)),
        );
}

async fn to_home(request: HttpRequest) -> HttpResponse {
    let lang = Lang::of_query(request.query_string());
    HttpResponse::SeeOther().insert_header((header::LOCATION, lang.link("/portail/"))).finish()
}

/// A page of the portal: HTML, its security headers, revalidated (it follows the contract).
pub fn html(body: String) -> HttpResponse {
    html_with_status(actix_web::http::StatusCode::OK, body)
}

/// The same with another status: a page that explains an error to a person in a browser.
pub fn html_with_status(status: actix_web::http::StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .insert_header((header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .body(body)
}

fn not_found(what: &str) -> ApiError {
    ApiError::new(ErrorCode::RouteNotFound, format!("the portal has no {what}; the portal is at /portail/"))
}

async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .body(STYLE)
}

async fn home(request: HttpRequest, portal: web::Data<Portal>) -> HttpResponse {
    let lang = Lang::of_query(request.query_string());
    let t = |fr: &'static str, en: &'static str| lang.pick(families::Text { fr, en });
    let mut body = format!(
        "<p>{}</p>\n<p>{}</p>\n<p><a href=\"{}\">{}</a></p>\n<h2>{}</h2>\n<ul class=\"families\">\n",
        t(
            "Plateforme est le socle de données partagé du réseau pour l'emploi : France Travail, missions locales, Cap emploi, départements, régions, organismes de formation et employeurs lisent et écrivent les mêmes dossiers par les mêmes API REST, pour qu'une personne ou une entreprise ne dise les choses qu'une fois.",
            "Plateforme is the shared data platform of the employment network: France Travail, missions locales, Cap emploi, départements, régions, training providers and employers read and write the same records through the same REST APIs, so that a person or a firm says things once.",
        ),
        t(
            "Chaque partenaire accède avec un client OAuth2 (identifiants délivrés par l'administrateur de la plateforme) ; les portées du jeton et la politique d'accès décident de ce qu'il voit.",
            "Each partner accesses with an OAuth2 client (credentials issued by the platform's administrator); the token's scopes and the access policy decide what it sees.",
        ),
        lang.link("/portail/guides/demarrage"),
        t("Démarrer : votre premier appel en cinq minutes", "Get started: your first call in five minutes"),
        t("Les API", "The APIs"),
    );
    for family in FAMILIES {
        let count = portal.family_operations(family).count();
        body.push_str(&format!(
            "<li><h3><a href=\"{}\">{}</a></h3><p>{}</p><p>{count} {}</p></li>\n",
            lang.link(&format!("/portail/api/{}", family.slug)),
            escape(lang.pick(family.name)),
            escape(lang.pick(family.summary)),
            t("opérations", "operations"),
        ));
    }
    body.push_str("</ul>\n");
    html(layout(lang, "/portail/", t("Portail des développeurs", "Developer portal"), &body, portal.sandbox.enabled()))
}

async fn family_page(
    request: HttpRequest,
    slug: web::Path<String>,
    portal: web::Data<Portal>,
) -> Result<HttpResponse, ApiError> {
    let lang = Lang::of_query(request.query_string());
    let family = families::family(&slug).ok_or_else(|| not_found(&format!("API family {slug}")))?;
    let t = |fr: &'static str, en: &'static str| lang.pick(families::Text { fr, en });
    let mut body = format!(
        "<p>{}</p>\n<h2>{}</h2>\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        escape(lang.pick(family.summary)),
        t("Pour qui, pour quoi", "Who uses it, for what"),
        t("Partenaire", "Partner"),
        t("Usage", "Use")
    );
    for (kind, usage) in family.uses {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>\n",
            escape(lang.pick(*kind)),
            escape(lang.pick(*usage))
        ));
    }
    body.push_str("</tbody>\n</table>\n");
    // docs/integration.md is the guide per partner kind: every family leads to its first calls.
    body.push_str(&format!(
        "<p><a href=\"{}#3-first-calls-per-partner\">{}</a></p>\n",
        lang.link("/portail/guides/integration"),
        t(
            "Le guide d'intégration, pas à pas pour chaque partenaire",
            "The integration guide, step by step for each partner"
        )
    ));
    if let Some(guide) = family.guide.filter(|guide| GUIDES.iter().any(|(slug, _, _)| slug == guide)) {
        body.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>\n",
            lang.link(&format!("/portail/guides/{guide}")),
            t("Lire le guide", "Read the guide")
        ));
    }
    let operations: Vec<&Operation> = portal.family_operations(family).collect();
    let mut scopes: Vec<&str> =
        operations.iter().flat_map(|operation| operation.scopes.iter().map(String::as_str)).collect();
    scopes.sort_unstable();
    scopes.dedup();
    body.push_str(&format!(
        "<h2>{}</h2>\n<p>{}</p>\n",
        t("Portées", "Scopes"),
        if scopes.is_empty() {
            t("Aucune : ces opérations sont publiques.", "None: these operations are public.").to_owned()
        } else {
            scopes.iter().map(|scope| format!("<code>{}</code>", escape(scope))).collect::<Vec<_>>().join(", ")
        }
    ));
    body.push_str(&format!("<h2>{}</h2>\n", t("Opérations", "Operations")));
    if operations.is_empty() {
        body.push_str(&format!(
            "<p>{}</p>\n",
            t("Cette famille n'a pas encore d'opération publiée.", "This family has no published operation yet.")
        ));
    }
    for operation in operations {
        body.push_str(&operation_section(lang, operation));
    }
    Ok(html(layout(
        lang,
        &format!("/portail/api/{}", family.slug),
        lang.pick(family.name),
        &body,
        portal.sandbox.enabled(),
    )))
}

/// One operation: method, path, summary, scopes, the link into the reference and its samples.
fn operation_section(lang: Lang, operation: &Operation) -> String {
    let t = |fr: &'static str, en: &'static str| lang.pick(families::Text { fr, en });
    let scopes = if operation.public {
        t("publique", "public").to_owned()
    } else {
        operation.scopes.iter().map(|scope| format!("<code>{}</code>", escape(scope))).collect::<Vec<_>>().join(" + ")
    };
    let deprecated = if operation.deprecated {
        format!(" <span class=\"deprecated\">{}</span>", t("dépréciée", "deprecated"))
    } else {
        String::new()
    };
    format!(
        "<section class=\"operation\" id=\"{id}\">\n<h3><span class=\"method\">{method}</span> <code>{path}</code>{deprecated}</h3>\n\
         <p>{summary}</p>\n<p>{scope_label} : {scopes} — <a href=\"/docs/#/{tag}/{id}\">{reference}</a></p>\n{samples}</section>\n",
        id = escape(&operation.id),
        method = escape(&operation.method),
        path = escape(&operation.path),
        summary = escape(&operation.summary),
        scope_label = t("Portées", "Scopes"),
        tag = escape(&operation.tag),
        reference = t("dans la référence", "in the reference"),
        samples = samples_html(operation),
    )
}

/// The three samples, each in a `<details>` (no script): curl open, the others on demand.
pub fn samples_html(operation: &Operation) -> String {
    let samples = samples::samples_of(operation);
    format!(
        "<details open><summary>curl</summary><pre><code class=\"language-sh\">{}</code></pre></details>\n\
         <details><summary>Python (requests)</summary><pre><code class=\"language-python\">{}</code></pre></details>\n\
         <details><summary>Rust (plateforme-client)</summary><pre><code class=\"language-rust\">{}</code></pre></details>\n",
        escape(&samples.curl),
        escape(&samples.python),
        escape(&samples.rust)
    )
}

async fn guides(request: HttpRequest, portal: web::Data<Portal>) -> HttpResponse {
    let lang = Lang::of_query(request.query_string());
    let mut body = String::from("<ul>\n");
    for (slug, title, _) in GUIDES {
        body.push_str(&format!(
            "<li><a href=\"{}\">{}</a></li>\n",
            lang.link(&format!("/portail/guides/{slug}")),
            escape(title)
        ));
    }
    body.push_str("</ul>\n");
    let title = lang.pick(families::Text { fr: "Guides", en: "Guides" });
    html(layout(lang, "/portail/guides/", title, &body, portal.sandbox.enabled()))
}

async fn guide_page(
    request: HttpRequest,
    slug: web::Path<String>,
    portal: web::Data<Portal>,
) -> Result<HttpResponse, ApiError> {
    let lang = Lang::of_query(request.query_string());
    let (slug, title, rendered) =
        GUIDES.iter().find(|(name, _, _)| *name == slug.as_str()).ok_or_else(|| not_found(&format!("guide {slug}")))?;
    let body = with_samples(rendered, &portal.operations);
    // The guide's own first heading is the page's title.
    let body = body.split_once("</h1>").map_or(body.as_str(), |(_, rest)| rest).to_owned();
    Ok(html(layout(lang, &format!("/portail/guides/{slug}"), title, &body, portal.sandbox.enabled())))
}

/// Replaces each `<!-- samples: operation_id -->` of a rendered guide by the operation's samples.
pub fn with_samples(rendered: &str, operations: &[Operation]) -> String {
    const MARK: &str = "<!-- samples: ";
    let mut out = String::with_capacity(rendered.len());
    let mut rest = rendered;
    while let Some(start) = rest.find(MARK) {
        out.push_str(&rest[..start]);
        let after = &rest[start + MARK.len()..];
        let Some(end) = after.find("-->") else { break };
        let id = after[..end].trim();
        match operations.iter().find(|operation| operation.id == id) {
            Some(operation) => out.push_str(&samples_html(operation)),
            None => out.push_str(&format!("<p><strong>{}</strong></p>", escape(&format!("unknown operation {id}")))),
        }
        rest = &after[end + 3..];
    }
    out.push_str(rest);
    out
}

async fn changes(request: HttpRequest, portal: web::Data<Portal>) -> HttpResponse {
    let lang = Lang::of_query(request.query_string());
    let body = match GUIDES.iter().find(|(slug, _, _)| *slug == "versions") {
        Some((_, _, rendered)) => rendered.split_once("</h1>").map_or(*rendered, |(_, rest)| rest).to_owned(),
        None => String::new(),
    };
    let body = body + &changelog_html(lang);
    let title = lang.pick(families::Text { fr: "Versions et changements", en: "Versions and changes" });
    html(layout(lang, "/portail/changements", title, &body, portal.sandbox.enabled()))
}

/// The contract's changelog, built from the history of `openapi/openapi.json` (`build.rs`).
fn changelog_html(lang: Lang) -> String {
    let t = |fr: &'static str, en: &'static str| lang.pick(families::Text { fr, en });
    let mut html = format!("<h2>{}</h2>\n", t("Journal des changements du contrat", "Changelog of the contract"));
    if CHANGELOG.is_empty() {
        html.push_str(&format!(
            "<p>{}</p>\n",
            t(
                "Ce binaire a été construit sans l'historique du dépôt.",
                "This binary was built without the repository's history."
            )
        ));
    }
    for version in CHANGELOG {
        html.push_str(&format!("<h3>{} — <code>{}</code></h3>\n<ul>\n", version.date, version.commit));
        let groups = [
            (t("Ajouté", "Added"), version.added),
            (t("Déprécié", "Deprecated"), version.deprecated),
            (t("Retiré", "Removed"), version.removed),
            (t("Incompatible", "Breaking"), version.breaking),
        ];
        for (label, items) in groups.into_iter().filter(|(_, items)| !items.is_empty()) {
            let items: Vec<String> = items.iter().map(|item| format!("<code>{}</code>", escape(item))).collect();
            html.push_str(&format!("<li><strong>{label}</strong> : {}</li>\n", items.join(", ")));
        }
        html.push_str("</ul>\n");
    }
    html
}
