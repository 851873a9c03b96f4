//! The API portal at `/docs/`: Swagger UI shipped inside the binary, public, reading the
//! served contract, and rendering it in a real browser with the network cut.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use plateforme_server::config::Config;
use plateforme_server::openapi;
use reqwest::redirect::Policy;

use crate::helpers::{TestApp, assert_problem, header};

/// The files the index loads, with their content types.
const ASSETS: &[(&str, &str)] = &[
    ("/docs/", "text/html; charset=utf-8"),
    ("/docs/index.html", "text/html; charset=utf-8"),
    ("/docs/swagger-ui.css", "text/css; charset=utf-8"),
    ("/docs/index.css", "text/css; charset=utf-8"),
    ("/docs/swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    ("/docs/swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8"),
    ("/docs/swagger-initializer.js", "text/javascript; charset=utf-8"),
    ("/docs/favicon-32x32.png", "image/png"),
    ("/docs/favicon-16x16.png", "image/png"),
];

/// Hosts a page could load code, styles or fonts from.
const CDNS: &[&str] = &["unpkg.com", "jsdelivr", "cdnjs", "fonts.googleapis", "fonts.gstatic", "cdn."];

/// What the rendered page must show: tags, summaries and operation ids of the contract.
const RENDERED: &[&str] = &[
    "Plateforme",
    "Dossier",
    "Organizations",
    "Administration",
    "Register a person",
    "List organizations",
    "Draft a contract",
    "create_person",
    "list_unoriented_persons",
    "Authorize",
];

#[actix_web::test]
async fn the_portal_is_public_and_serves_its_files_from_the_binary() {
    let app = TestApp::sqlite_with(Config::default()).await;
    let client = reqwest::Client::builder().redirect(Policy::none()).build().expect("HTTP client");

    let response = client.get(app.url("/docs")).send().await.expect("GET /docs");
    assert_eq!(response.status().as_u16(), 308);
    assert_eq!(header(&response, "location").as_deref(), Some("/docs/"));

    for (path, content_type) in ASSETS {
        let response = client.get(app.url(path)).send().await.expect("GET a portal file");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(header(&response, "content-type").as_deref(), Some(*content_type), "{path}");
        let policy = header(&response, "content-security-policy").unwrap_or_default();
        assert!(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"), "{path}: {policy}");
        let body = response.text().await.expect("body");
        for cdn in CDNS {
            assert!(!body.contains(cdn), "{path} names {cdn}");
        }
    }

    // The index loads only its own files, and the UI reads the served contract.
    let index = client.get(app.url("/docs/")).send().await.expect("GET /docs/").text().await.expect("index");
    assert!(index.contains("<title>Plateforme — API reference</title>"), "{index}");
    let links: Vec<&str> = ["src=\"", "href=\""]
        .iter()
        .flat_map(|attribute| index.split(attribute).skip(1))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(links.len() >= 6, "{links:?}");
    for link in &links {
        assert!(!link.contains("//") && !link.starts_with('/'), "the index loads {link}");
    }
    let initializer = client
        .get(app.url("/docs/swagger-initializer.js"))
        .send()
        .await
        .expect("GET the initializer")
        .text()
        .await
        .expect("initializer");
    assert!(initializer.contains("\"url\": \"/openapi.json\""), "{initializer}");
    assert!(initializer.contains("\"validatorUrl\": \"none\""), "{initializer}");
    assert!(!initializer.contains("http://") && !initializer.contains("https://"), "{initializer}");

    // The one contract, and the token URL "Authorize" posts to, are served and public.
    let contract = client.get(app.url("/openapi.json")).send().await.expect("GET /openapi.json");
    assert_eq!(contract.status().as_u16(), 200);
    let contract: serde_json::Value = contract.json().await.expect("the contract");
    let token_url = &contract["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["tokenUrl"];
    assert_eq!(token_url, "/oauth/token");
}

#[actix_web::test]
async fn the_portal_answers_problems_outside_its_files() {
    let app = TestApp::sqlite_with(Config::default()).await;

    let response = app.client.get(app.url("/docs/no-such-file.js")).send().await.expect("GET");
    let problem = assert_problem(response, 404, "route_not_found").await;
    assert_eq!(problem["instance"], "/docs/no-such-file.js");

    let response = app.client.post(app.url("/docs/")).send().await.expect("POST");
    assert_eq!(header(&response, "allow").as_deref(), Some("GET, HEAD"));
    assert_problem(response, 405, "method_not_allowed").await;

    let response = app.client.head(app.url("/docs/swagger-ui.css")).send().await.expect("HEAD");
    assert_eq!(response.status().as_u16(), 200);

    // Not an operation of the contract, and the fallback still knows the contract's routes.
    let document = openapi::document();
    assert!(document.paths.paths.keys().all(|path| !path.starts_with("/docs")));
    let response = app.client.delete(app.url("/openapi.json")).send().await.expect("DELETE");
    assert_problem(response, 404, "route_not_found").await;
    let response = app.client.delete(app.url("/v1/organizations")).send().await.expect("DELETE");
    assert_problem(response, 405, "method_not_allowed").await;
}

/// Chromium renders the contract with every other host unreachable. Without a Chromium the
/// test says it was skipped; with `REQUIRE_BROWSER=1` (as CI sets) it fails instead.
#[actix_web::test]
async fn the_portal_renders_the_operations_in_a_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("REQUIRE_BROWSER").as_deref() != Ok("1"),
            "REQUIRE_BROWSER=1 but chromium is not installed (apt-get install chromium)"
        );
        eprintln!("skipped: chromium not installed");
        return;
    };
    let app = TestApp::sqlite_with(Config::default()).await;
    let url = app.url("/docs/");
    let dom = actix_web::rt::task::spawn_blocking(move || dump_dom(&browser, &url))
        .await
        .expect("the browser task")
        .unwrap_or_else(|error| panic!("{error}"));
    for expected in RENDERED {
        assert!(dom.contains(expected), "the rendered page lacks {expected:?}:\n{}", excerpt(&dom));
    }
    let operations = dom.matches("class=\"opblock opblock-").count();
    assert!(operations >= 40, "{operations} operations rendered:\n{}", excerpt(&dom));
    for tag in ["<script", "<link"] {
        for element in dom.split(tag).skip(1) {
            let element = element.split('>').next().unwrap_or_default();
            assert!(!element.contains("http://") && !element.contains("https://"), "{tag}{element}>");
        }
    }
}

/// Chromium headless with a fresh state, every host but 127.0.0.1 unreachable.
pub(crate) const HEADLESS_ON_LOOPBACK: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

/// `CHROMIUM`, else `chromium` or `chromium-browser` on the `PATH`.
pub(crate) fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Loads `url` in headless Chromium with a fresh profile and only 127.0.0.1 reachable, and
/// returns the DOM once the page has settled; kills the browser after 60 s.
fn dump_dom(browser: &Path, url: &str) -> Result<String, String> {
    let folder = tempfile::tempdir().map_err(|error| format!("temporary folder: {error}"))?;
    let profile = folder.path().join("profile");
    let dom_path = folder.path().join("dom.html");
    let log_path = folder.path().join("chromium.log");
    let dom = std::fs::File::create(&dom_path).map_err(|error| format!("{error}"))?;
    let log = std::fs::File::create(&log_path).map_err(|error| format!("{error}"))?;
    let mut child = Command::new(browser)
        .args(HEADLESS_ON_LOOPBACK)
        .args(["--virtual-time-budget=10000", "--dump-dom"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(dom)
        .stderr(log)
        .spawn()
        .map_err(|error| format!("cannot start {}: {error}", browser.display()))?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        match child.try_wait().map_err(|error| format!("waiting for chromium: {error}"))? {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                // Best effort: the test fails either way.
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("chromium did not finish within 60 s; its log:\n{}", read(&log_path)));
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    let dom = read(&dom_path);
    if !status.success() || dom.is_empty() {
        return Err(format!("chromium ended with {status} and {} bytes; its log:\n{}", dom.len(), read(&log_path)));
    }
    Ok(dom)
}

fn read(path: &Path) -> String {
    std::fs::read(path).map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default()
}

fn excerpt(text: &str) -> String {
    text.chars().take(4000).collect()
}
