//! The developer portal (`/portail/`): French first with an English switch, a page per API
//! family with samples generated from the contract, the guides of `docs/`, the sandbox of a
//! demo server — and the getting-started guide's curl and Python samples run for real.

use std::collections::BTreeSet;
use std::process::Command;

use plateforme_server::config::Config;
use plateforme_server::in_process::start_demo;
use plateforme_server::openapi;
use reqwest::redirect::Policy;
use serde_json::Value;

use plateforme_server::seed;

use crate::helpers::{TestApp, assert_problem, header};
use crate::on_both_backends;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().expect("HTTP client")
}

async fn page(client: &reqwest::Client, url: String) -> String {
    let response = client.get(&url).send().await.expect("GET a portal page");
    assert_eq!(response.status().as_u16(), 200, "{url}");
    assert_eq!(header(&response, "content-type").as_deref(), Some("text/html; charset=utf-8"), "{url}");
    let policy = header(&response, "content-security-policy").unwrap_or_default();
    assert!(policy.contains("default-src 'none'") && !policy.contains("script-src"), "{url}: {policy}");
    response.text().await.expect("the page")
}

/// The `href`s of a page that lead inside the portal.
fn portal_links(html: &str) -> BTreeSet<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|link| link.starts_with("/portail/"))
        .map(|link| unescape(link.split('#').next().unwrap_or(link)))
        .collect()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

#[actix_web::test]
async fn the_portal_is_french_first_covers_every_operation_and_has_no_dead_link() {
    let app = TestApp::sqlite_with(Config::default()).await;
    let client = no_redirects();

    let response = client.get(app.url("/")).send().await.expect("GET /");
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(header(&response, "location").as_deref(), Some("/portail/"));
    let response = client.get(app.url("/?lang=en")).send().await.expect("GET /?lang=en");
    assert_eq!(header(&response, "location").as_deref(), Some("/portail/?lang=en"));

    let home = page(&client, app.url("/portail/")).await;
    assert!(home.contains("<html lang=\"fr\">") && home.contains("Portail des développeurs"), "{home}");
    assert!(home.contains("href=\"/portail/?lang=en\""), "the switch to English: {home}");
    assert!(!home.contains("Bac à sable"), "no sandbox outside a demo server");
    let english = page(&client, app.url("/portail/?lang=en")).await;
    assert!(english.contains("<html lang=\"en\">") && english.contains("Developer portal"), "{english}");
    assert!(english.contains("href=\"/portail/api/dossier?lang=en\""), "links keep the language");
    for page_html in [&home, &english] {
        assert!(!page_html.contains("<script"), "no script");
        assert!(!page_html.contains("http://") && !page_html.contains("https://"), "nothing from elsewhere");
    }

    // Every operation of the contract shows on exactly one family page, with its scopes.
    let contract: Value = serde_json::to_value(openapi::document()).expect("the contract");
    let mut shown = Vec::new();
    let mut links = portal_links(&home);
    for family in plateforme_portal::families::FAMILIES {
        let html = page(&client, app.url(&format!("/portail/api/{}", family.slug))).await;
        shown.extend(
            html.split("<section class=\"operation\" id=\"")
                .skip(1)
                .filter_map(|rest| rest.split('"').next())
                .map(str::to_owned),
        );
        links.extend(portal_links(&html));
        assert!(
            html.contains("href=\"/portail/guides/integration#3-first-calls-per-partner\""),
            "{}: the guide per partner kind",
            family.slug
        );
    }
    let mut expected: Vec<String> = contract["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|methods| methods.as_object().expect("methods").values())
        .filter_map(|operation| operation["operationId"].as_str().map(str::to_owned))
        .collect();
    expected.sort();
    shown.sort();
    assert_eq!(shown, expected, "each operation on one family page");
    let dossier = page(&client, app.url("/portail/api/dossier")).await;
    assert!(dossier.contains("<code>dossier:write</code>"), "scopes are shown");
    assert!(dossier.contains("curl -sS -X POST &quot;$PLATEFORME/v1/persons&quot;"), "samples are shown");
    assert!(dossier.contains("href=\"/docs/#/Dossier/create_person\""), "links into the reference");

    // Every guide of docs/ is served, the getting-started guide first, and no link is dead.
    let guides = page(&client, app.url("/portail/guides/")).await;
    let listed = guides.split("<main").nth(1).unwrap_or_default();
    let first = listed.split("<li><a href=\"").nth(1).and_then(|rest| rest.split('"').next());
    assert_eq!(first, Some("/portail/guides/demarrage"));
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs")).expect("docs/") {
        let name = entry.expect("an entry").file_name().into_string().expect("a name");
        if let Some(slug) = name.strip_suffix(".md").filter(|slug| *slug != "README") {
            assert!(guides.contains(&format!("/portail/guides/{slug}\"")), "{slug} is listed");
        }
    }
    links.extend(portal_links(&guides));
    let mut checked = BTreeSet::new();
    while let Some(link) = links.iter().find(|link| !checked.contains(*link)).cloned() {
        checked.insert(link.clone());
        if link.starts_with("/portail/portail.css") {
            continue;
        }
        let response = client.get(app.url(&link)).send().await.expect("GET a linked page");
        assert_eq!(response.status().as_u16(), 200, "a dead link: {link}");
        if link.starts_with("/portail/guides/") {
            links.extend(portal_links(&response.text().await.expect("the guide")));
        }
    }
    assert!(checked.len() > 20, "{checked:?}");

    let getting_started = page(&client, app.url("/portail/guides/demarrage")).await;
    assert!(!getting_started.contains("unknown operation"), "every sample names an operation of the contract");
    assert_eq!(getting_started.matches("<details open><summary>curl</summary>").count(), 6);

    for missing in
        ["/portail/api/nothing", "/portail/guides/nothing", "/portail/bac-a-sable", "/portail/bac-a-sable/demo-admin"]
    {
        assert_problem(client.get(app.url(missing)).send().await.expect("GET"), 404, "route_not_found").await;
    }
    // The changelog, drawn from the history of openapi/openapi.json at build time.
    let changes = page(&client, app.url("/portail/changements")).await;
    assert!(changes.contains("Politique de compatibilité"), "the policy: {changes}");
    assert!(changes.matches("<h3>20").count() >= 10, "one entry per version of the contract: {changes}");
    assert_eq!(plateforme_portal::CHANGELOG.len(), changes.matches("<h3>20").count());

    let response = client.get(app.url("/portail/portail.css")).send().await.expect("GET the style");
    assert_eq!(header(&response, "content-type").as_deref(), Some("text/css; charset=utf-8"));
}

#[actix_web::test]
async fn a_demo_server_s_sandbox_prefills_the_reference_with_the_chosen_client() {
    let folder = tempfile::tempdir().expect("a folder");
    let server = start_demo(folder.path(), Config::default()).await.expect("the demo server");
    let client = no_redirects();
    let url = |path: &str| format!("{}{path}", server.base_url);

    let sandbox = page(&client, url("/portail/bac-a-sable")).await;
    for kind in ["mission_locale", "cap_emploi", "departement", "region", "employer"] {
        assert!(
            sandbox.contains(&format!("/portail/bac-a-sable/demo-{}", kind.replace('_', "-"))),
            "{kind}: {sandbox}"
        );
    }
    let response = client.get(url("/portail/bac-a-sable/demo-cap-emploi")).send().await.expect("choose");
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(header(&response, "location").as_deref(), Some("/docs/"));
    let cookie = header(&response, "set-cookie").expect("the choice is remembered");
    assert!(cookie.starts_with("plateforme_bac_a_sable=demo-cap-emploi;") && cookie.contains("HttpOnly"), "{cookie}");
    let chosen = cookie.split(';').next().expect("the pair").to_owned();

    let initializer = |cookie: Option<String>| {
        let mut request = client.get(url("/docs/swagger-initializer.js"));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        async move { request.send().await.expect("GET the initializer").text().await.expect("the script") }
    };
    let prefilled = initializer(Some(chosen)).await;
    assert!(prefilled.contains("demo-cap-emploi-secret"), "{prefilled}");
    let plain = initializer(None).await;
    assert!(!plain.contains("demo-"), "without a choice nothing is prefilled: {plain}");
    let forged = initializer(Some("plateforme_bac_a_sable=demo-admin".into())).await;
    assert!(!forged.contains("demo-admin"), "only the offered clients: {forged}");
}

/// A server of the production profile never offers the sandbox, even when given demo clients.
async fn the_production_profile_never_offers_the_sandbox(app: TestApp) {
    let production = Config { profile: plateforme_auth::Profile::Production, ..Config::default() };
    let server = app
        .replica_of(&production, |store, config| {
            Ok(plateforme_server::app::Services::new(store, config)?.with_sandbox(config, seed::demo_clients()))
        })
        .await;
    let client = no_redirects();
    let home = page(&client, format!("{server}/portail/")).await;
    assert!(!home.contains("bac-a-sable") && !home.contains("Bac à sable"), "{home}");
    for path in ["/portail/bac-a-sable", "/portail/bac-a-sable/demo-cap-emploi"] {
        let response = client.get(format!("{server}{path}")).send().await.expect("GET the sandbox");
        assert_problem(response, 404, "route_not_found").await;
    }
    let initializer = client
        .get(format!("{server}/docs/swagger-initializer.js"))
        .header("cookie", "plateforme_bac_a_sable=demo-cap-emploi")
        .send()
        .await
        .expect("GET the initializer")
        .text()
        .await
        .expect("the script");
    assert!(!initializer.contains("demo-"), "nothing prefilled: {initializer}");
}

on_both_backends!(the_production_profile_never_offers_the_sandbox);

/// The code blocks of one language in a rendered page, unescaped, in order.
fn code_blocks(html: &str, language: &str) -> Vec<String> {
    html.split(&format!("<code class=\"language-{language}\">"))
        .skip(1)
        .filter_map(|rest| rest.split("</code>").next())
        .map(unescape)
        .collect()
}

/// Runs a sample with `program` and the guide's variables; answers what it printed.
fn run(program: &str, sample: &str, variables: &[(&str, String)]) -> String {
    let output = Command::new(program)
        .arg("-c")
        .arg(sample)
        .envs(variables.iter().map(|(name, value)| (*name, value.as_str())))
        .output()
        .unwrap_or_else(|error| panic!("cannot run {program}: {error}"));
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{program} failed on\n{sample}\n{printed}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    printed
}

/// The status a sample printed (`HTTP 200`) and the JSON body before it.
fn answer(printed: &str) -> (u16, Value) {
    let (body, status) = printed.trim_end().rsplit_once('\n').unwrap_or(("", printed));
    let status =
        status.trim().trim_start_matches("HTTP").trim().parse().unwrap_or_else(|_| panic!("a status in {printed}"));
    (status, serde_json::from_str(body.trim()).unwrap_or(Value::Null))
}

/// The getting-started guide, run as a reader would: its curl samples, then its Python ones,
/// against a live demo server, the variables set between steps as the guide says.
#[actix_web::test]
async fn the_getting_started_samples_run_against_a_demo_server() {
    let folder = tempfile::tempdir().expect("a folder");
    let server = start_demo(folder.path(), Config::default()).await.expect("the demo server");
    let html = page(&no_redirects(), format!("{}/portail/guides/demarrage", server.base_url)).await;
    let curl: Vec<String> = code_blocks(&html, "sh").into_iter().filter(|block| block.starts_with("curl ")).collect();
    let python = code_blocks(&html, "python");
    assert_eq!((curl.len(), python.len()), (6, 6), "six steps in each language");

    let base_url = server.base_url.clone();
    let idempotency_key = uuid::Uuid::new_v4().to_string();
    for (program, samples) in [("bash", curl), ("python3", python)] {
        let base_url = base_url.clone();
        let idempotency_key = idempotency_key.clone();
        actix_web::rt::task::spawn_blocking(move || run_guide(program, &samples, &base_url, &idempotency_key))
            .await
            .expect("the guide's run");
    }
}

fn run_guide(program: &str, samples: &[String], base_url: &str, idempotency_key: &str) {
    let mut variables = vec![
        ("PLATEFORME", base_url.to_owned()),
        ("CLIENT_ID", "demo-mission-locale".to_owned()),
        ("CLIENT_SECRET", "demo-mission-locale-secret".to_owned()),
    ];
    let step = |index: usize, variables: &[(&str, String)], expected: u16| {
        let (status, body) = answer(&run(program, &samples[index], variables));
        assert_eq!(status, expected, "{program}, step {index}: {body}");
        body
    };
    let token = step(0, &variables, 200)["access_token"].as_str().expect("a token").to_owned();
    variables.push(("TOKEN", token.clone()));
    let organizations = step(1, &variables, 200);
    assert!(organizations["items"].as_array().is_some_and(|items| !items.is_empty()), "{organizations}");
    variables.push(("ID", "pas-un-identifiant".to_owned()));
    assert_eq!(step(2, &variables, 400)["code"], "invalid_path");
    variables.push(("IDEMPOTENCY_KEY", idempotency_key.to_owned()));
    // The Python run sends the curl run's key again: the same person, answered again.
    let person = step(3, &variables, 201);
    let id = person["id"].as_str().expect("the person's id").to_owned();
    let etag = current_etag(base_url, &token, &id);
    variables.retain(|(name, _)| *name != "ID");
    variables.extend([("ID", id), ("ETAG", etag)]);
    step(4, &variables, 200);
    step(5, &variables, 200);
}

/// What the reader reads in the `ETag` header (`curl -i`).
fn current_etag(base_url: &str, token: &str, id: &str) -> String {
    let output = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-D", "-", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(format!("{base_url}/v1/persons/{id}"))
        .output()
        .expect("curl");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("etag: ").or_else(|| line.strip_prefix("ETag: ")))
        .map(|etag| etag.trim().to_owned())
        .unwrap_or_else(|| panic!("no ETag for {id}"))
}

/// `plateforme openapi --check-against` (run by CI against the previous commit's contract)
/// refuses a contract that dropped an operation unless it was deprecated with a sunset day now
/// past.
#[test]
fn the_contract_check_refuses_a_removal_before_the_sunset() {
    let folder = tempfile::tempdir().expect("a folder");
    let mut contract: Value = serde_json::to_value(openapi::document()).expect("the contract");
    let check = |contract: &Value| {
        let base = folder.path().join("base.json");
        std::fs::write(&base, contract.to_string()).expect("write the base");
        Command::new(env!("CARGO_BIN_EXE_plateforme"))
            .args(["openapi", "--check-against"])
            .arg(&base)
            .output()
            .expect("run the check")
    };
    let refusal = |contract: &Value| {
        let refused = check(contract);
        assert!(!refused.status.success(), "refused");
        String::from_utf8_lossy(&refused.stderr).into_owned()
    };
    assert!(check(&contract).status.success(), "the contract keeps its own promises");
    contract["paths"]["/v1/retired"] = serde_json::json!({"get": {"responses": {}}});
    let said = refusal(&contract);
    assert!(said.contains("operation GET /v1/retired removed without being deprecated first"), "{said}");
    contract["paths"]["/v1/retired"]["get"]["deprecated"] = Value::Bool(true);
    let said = refusal(&contract);
    assert!(said.contains("operation GET /v1/retired removed while deprecated without a sunset day"), "{said}");
    contract["paths"]["/v1/retired"]["get"]["x-sunset"] = Value::from("2999-12-31");
    let said = refusal(&contract);
    assert!(said.contains("operation GET /v1/retired removed before its sunset day"), "{said}");
    contract["paths"]["/v1/retired"]["get"]["x-sunset"] = Value::from("2026-01-01");
    let accepted = check(&contract);
    assert!(accepted.status.success(), "deprecated, its sunset past, it may go");
    let said = String::from_utf8_lossy(&accepted.stdout);
    assert!(said.contains("removed: operation GET /v1/retired"), "{said}");
}
