//! The search engine behind the offers: both backends answer alike, words meet whatever their
//! form, completions, read-your-writes, the index's health, and a server killed during a bulk
//! import restarting with exactly the offers the database holds.

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use plateforme_model::organization::OrganizationKind;
use plateforme_store::{Store, StoreOptions};
use serde_json::{Value, json};

use crate::helpers::{FreshDatabase, TestApp, TestClient, assert_problem, json as body_of, search_folder, siret};

crate::on_both_backends!(
    french_forms_and_typos_meet_and_completions_answer,
    a_publication_is_found_by_the_next_search_and_leaves_it_when_closed,
    readiness_and_metrics_show_the_index,
    an_imported_offer_is_indexed_once,
);

const WRITE: &[&str] = &["offers:write", "offers:read"];

/// Sixty offers over a few titles, communes, contracts and dates: enough ties and shared
/// words that an order differing between backends would show.
fn fixture() -> Vec<String> {
    let titles = [
        "Développeur web",
        "Développeuse Java",
        "Développeurs mobiles",
        "Boulangère",
        "Boulanger pâtissier",
        "Conseillère clientèle",
        "Conseiller en insertion professionnelle",
        "Directrice d'agence",
    ];
    let communes = ["69123", "69266", "13055", "75056", "33063"];
    let contracts = ["cdi", "cdd", "interim"];
    (0..60)
        .map(|n| {
            let mut offer = json!({
                "title": titles[n % titles.len()],
                "description": format!("Poste {n} : vous rejoignez une équipe de développement et de service client."),
                "rome_code": if n % 2 == 0 { "M1805" } else { "D1102" },
                "contract_type": contracts[n % contracts.len()],
                "workplace": {"commune": communes[n % communes.len()]},
                "employer": {"name": format!("Employeur {n}"), "siret": siret(7000 + n as u64)},
                "skills": if n % 3 == 0 { json!(["Relation client"]) } else { json!(["Rust"]) },
                "published_at": format!("2026-11-{:02}T08:00:00Z", 1 + n % 20),
                "expires_at": "2027-11-01T08:00:00Z"
            });
            if offer["contract_type"] != "cdi" {
                offer["contract_months"] = json!(6);
            }
            json!({"source": {"system": "fixture", "reference": format!("F-{n}")}, "offer": offer}).to_string()
        })
        .collect()
}

const SEARCHES: &[&str] = &[
    "q=developpeur",
    "q=d%C3%A9veloppeuses&limit=5",
    "q=devloppeur",
    "q=boulanger&sort=date",
    "q=conseiller%20client",
    "q=service",
    "q=equipe&limit=7",
    "rome=M1805&sort=date&limit=50",
    "near_commune=69123&radius_km=20&sort=distance",
    "near_commune=69123&radius_km=30&q=developpeur",
    "contract_type=cdd,interim&departement=69,13",
    "published_since=2026-11-10&q=poste",
    "limit=100&sort=date",
];

async fn publish_fixture(app: &TestApp) {
    let board = app.register(OrganizationKind::Partner, WRITE).await;
    let body = fixture().join("\n") + "\n";
    let response = app
        .client
        .post(app.url("/v1/offers/batch"))
        .bearer_auth(&board.token)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .expect("POST /v1/offers/batch");
    let published = body_of(response).await;
    assert_eq!(published["summary"]["created"], 60, "{published}");
}

/// What a search answers, without what differs by database (ids, times of writing).
fn answer_of(results: &Value) -> Value {
    let items: Vec<Value> = results["items"]
        .as_array()
        .map(|items| items.iter().map(|item| json!([item["sources"][0]["reference"], item["distance_km"]])).collect())
        .unwrap_or_default();
    json!({"items": items, "total": results["total"], "facets": results["facets"], "more": results["next_cursor"].is_string()})
}

async fn answers(app: &TestApp) -> Vec<Value> {
    let mut answers = Vec::new();
    for query in SEARCHES {
        let response = app.client.get(app.url(&format!("/v1/offers?{query}"))).send().await.expect("search");
        assert_eq!(response.status().as_u16(), 200, "{query}");
        answers.push(answer_of(&body_of(response).await));
    }
    answers
}

#[actix_web::test]
async fn both_backends_answer_the_same_results_in_the_same_order() {
    let sqlite = TestApp::sqlite_with(plateforme_server::config::Config::default()).await;
    let Some(postgres) = TestApp::postgres_with(plateforme_server::config::Config::default()).await else { return };
    publish_fixture(&sqlite).await;
    publish_fixture(&postgres).await;
    let (on_sqlite, on_postgres) = (answers(&sqlite).await, answers(&postgres).await);
    for ((query, sqlite), postgres) in SEARCHES.iter().zip(&on_sqlite).zip(&on_postgres) {
        assert!(sqlite["total"].as_i64().unwrap_or(0) > 0, "{query} finds something");
        assert_eq!(sqlite, postgres, "{query}: the same answer on SQLite and on PostgreSQL");
    }
}

async fn search(app: &TestApp, query: &str) -> Value {
    let response = app.client.get(app.url(&format!("/v1/offers?{query}"))).send().await.expect("GET /v1/offers");
    assert_eq!(response.status().as_u16(), 200, "search {query}");
    body_of(response).await
}

fn titles(results: &Value) -> BTreeSet<String> {
    results["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["title"].as_str().map(str::to_owned))
        .collect()
}

async fn french_forms_and_typos_meet_and_completions_answer(app: TestApp) {
    publish_fixture(&app).await;
    let developers: BTreeSet<String> =
        ["Développeur web", "Développeuse Java", "Développeurs mobiles"].map(str::to_owned).into();
    for query in ["q=d%C3%A9veloppeuse", "q=DEVELOPPEURS", "q=devloppeur", "q=developeur"] {
        let found = search(&app, &format!("{query}&limit=100")).await;
        assert_eq!(titles(&found), developers, "{query}");
        assert_eq!(found["total"], 24, "{query}");
    }
    let advisers = search(&app, "q=conseill%C3%A8res&limit=100").await;
    assert_eq!(
        titles(&advisers),
        ["Conseiller en insertion professionnelle", "Conseillère clientèle"].map(str::to_owned).into()
    );
    assert_eq!(titles(&search(&app, "q=directeur").await), ["Directrice d'agence".to_owned()].into());
    assert_eq!(search(&app, "q=devl").await["total"], 0, "a word of four letters is not corrected");
    // The title weighs more than the description: "Boulanger…" first for a word of both.
    let bakers = search(&app, "q=boulangers").await;
    assert_eq!(bakers["total"], 15);

    let suggest = |query: &'static str| {
        let app = &app;
        async move { app.client.get(app.url(&format!("/v1/offers/suggest?{query}"))).send().await.expect("suggest") }
    };
    let completions = body_of(suggest("q=d%C3%A9v").await).await;
    let texts: Vec<&str> =
        completions["titles"].as_array().into_iter().flatten().filter_map(|t| t["text"].as_str()).collect();
    assert_eq!(texts, ["Développeur web", "Développeurs mobiles", "Développeuse Java"], "{completions}");
    assert_eq!(completions["titles"][0]["count"], 8);
    let romes: Vec<&str> =
        completions["rome"].as_array().into_iter().flatten().filter_map(|r| r["code"].as_str()).collect();
    assert!(romes.contains(&"M1805"), "{completions}");
    let one = body_of(suggest("q=BOULANGER&limit=1").await).await;
    assert_eq!(one["titles"], json!([{"text": "Boulangère", "count": 8}]), "the most offers first");
    assert_problem(suggest("").await, 400, "invalid_query").await;
    assert_problem(suggest("q=%20%20").await, 400, "invalid_query").await;
    let limit = assert_problem(suggest("q=dev&limit=21").await, 400, "invalid_query").await;
    assert_eq!(limit["errors"][0]["rule"], "limit.range");
    assert_problem(suggest("q=dev&sort=date").await, 400, "invalid_query").await;
}

async fn a_publication_is_found_by_the_next_search_and_leaves_it_when_closed(app: TestApp) {
    let board = app.register(OrganizationKind::Partner, WRITE).await;
    let publication = json!({
        "source": {"system": "jobboard", "reference": "RYW-1"},
        "offer": {"title": "Soudeur", "description": "Soudure TIG.", "rome_code": "H2913", "contract_type": "cdi",
                  "workplace": {"commune": "69123"}, "employer": {"name": "Atelier", "siret": siret(8080)}}
    });
    for round in 0..5 {
        let mut body = publication.clone();
        body["source"]["reference"] = json!(format!("RYW-{round}"));
        body["offer"]["employer"] = json!({"name": format!("Atelier {round}"), "siret": siret(8080 + round)});
        let response =
            app.client.post(app.url("/v1/offers")).bearer_auth(&board.token).json(&body).send().await.expect("publish");
        assert_eq!(response.status().as_u16(), 201);
        let etag = response.headers().get("etag").and_then(|value| value.to_str().ok()).map(str::to_owned);
        let offer = body_of(response).await;
        let found = search(&app, "q=soudeur&limit=100").await;
        assert_eq!(found["total"], round + 1, "publication {round} is found by the next search");
        if round == 4 {
            let id = offer["offer"]["id"].as_str().expect("id").to_owned();
            let closed = close(&app, &board, &id, &etag.clone().expect("ETag")).await;
            assert_eq!(closed.status().as_u16(), 200);
            assert_eq!(search(&app, "q=soudeur").await["total"], 4, "a filled offer leaves the next search");
        }
    }
}

async fn close(app: &TestApp, board: &TestClient, id: &str, etag: &str) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/v1/offers/{id}/status")))
        .bearer_auth(&board.token)
        .header("if-match", etag)
        .json(&json!({"status": "filled"}))
        .send()
        .await
        .expect("PUT status")
}

async fn readiness_and_metrics_show_the_index(app: TestApp) {
    publish_fixture(&app).await;
    let ready = body_of(app.client.get(app.url("/health/ready")).send().await.expect("ready")).await;
    assert_eq!(ready["search"][0]["kind"], "offers", "{ready}");
    assert_eq!(ready["search"][0]["documents"], 60, "{ready}");
    assert_eq!(ready["search"][0]["rebuilding"], false);
    assert!(ready["search"][0]["lag_seconds"].as_f64().is_some_and(|lag| lag < 5.0), "{ready}");
    let metrics = app.client.get(app.url("/metrics")).send().await.expect("metrics");
    assert_eq!(metrics.status().as_u16(), 200);
    let text = metrics.text().await.expect("text");
    assert!(text.contains("plateforme_search_documents{kind=\"offers\"} 60"), "{text}");
    assert!(text.contains("# TYPE plateforme_search_lag_seconds gauge"), "{text}");
    assert!(text.contains("plateforme_search_rebuilding{kind=\"offers\"} 0"), "{text}");
}

/// Documents the offers' index has written (upserted or deleted) since the server started.
async fn documents_written(app: &TestApp) -> u64 {
    let text = app.client.get(app.url("/metrics")).send().await.expect("metrics").text().await.expect("text");
    let prefix = "plateforme_search_documents_written_total{kind=\"offers\"} ";
    text.lines()
        .find_map(|line| line.strip_prefix(prefix))
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no {prefix} in {text}"))
}

async fn an_imported_offer_is_indexed_once(app: TestApp) {
    let start = documents_written(&app).await;
    // The import answers once the index holds its 60 offers (read-your-writes).
    publish_fixture(&app).await;
    assert_eq!(documents_written(&app).await - start, 60, "each offer loaded once for its writer");
    // Once the feed serves their events, a pass of the indexer reads them: one that a later
    // publication asks for reads the feed to its end. The imported offers are not indexed again.
    crate::change_feed::settle(&app).await;
    let board = app.register(OrganizationKind::Partner, WRITE).await;
    let publication = json!({
        "source": {"system": "jobboard", "reference": "ONCE-1"},
        "offer": {"title": "Soudeur", "description": "Soudure TIG.", "rome_code": "H2913", "contract_type": "cdi",
                  "workplace": {"commune": "69123"}, "employer": {"name": "Atelier", "siret": siret(9191)}}
    });
    let response = app
        .client
        .post(app.url("/v1/offers"))
        .bearer_auth(&board.token)
        .json(&publication)
        .send()
        .await
        .expect("publish");
    assert_eq!(response.status().as_u16(), 201);
    // A few polls of the feed: the last event is served and skipped too.
    crate::change_feed::settle(&app).await;
    actix_web::rt::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(documents_written(&app).await - start, 61, "61 offers published, 61 documents written");
    assert_eq!(search(&app, "q=soudeur").await["total"], 1);
}

// --- A server killed during a bulk import --------------------------------------------------

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn serve(database_url: &str, index: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_plateforme"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("PLATEFORME_LISTEN", format!("127.0.0.1:{port}"))
        .env("PLATEFORME_SEARCH_INDEX_DIR", index)
        .env("PLATEFORME_WORKERS", "2")
        .env("PLATEFORME_DEFAULT_RATE_LIMIT_PER_MINUTE", "1000000")
        .env("PLATEFORME_ANONYMOUS_RATE_LIMIT_PER_MINUTE", "1000000")
        .env("PLATEFORME_PUBLIC_READ_RATE_LIMIT_PER_MINUTE", "1000000")
        .env_remove("PLATEFORME_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("plateforme serve")
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let started = Instant::now();
    while !client.get(format!("{base}/health/ready")).send().await.is_ok_and(|r| r.status().is_success()) {
        assert!(started.elapsed() < Duration::from_secs(60), "{base} is not ready");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every open offer of the database, by id.
fn database_offers(store: &Store) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut after = None;
    loop {
        let page = store.run_blocking(|conn| plateforme_store::offers::open_page(conn, after, 1000)).expect("offers");
        let Some(last) = page.last() else { return ids };
        after = Some(last.id);
        ids.extend(page.iter().map(|offer| offer.id.to_string()));
    }
}

/// Every offer the search answers, page after page, with duplicates kept.
async fn indexed_offers(client: &reqwest::Client, base: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut query = "limit=100&sort=date".to_owned();
    loop {
        let page: Value =
            client.get(format!("{base}/v1/offers?{query}")).send().await.expect("search").json().await.expect("json");
        ids.extend(
            page["items"].as_array().into_iter().flatten().filter_map(|item| item["id"].as_str().map(str::to_owned)),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("limit=100&sort=date&cursor={cursor}"),
            None => return ids,
        }
    }
}

fn import_body(batch: usize) -> String {
    (0..250)
        .map(|line| {
            let n = batch * 250 + line;
            json!({"source": {"system": "kill-test", "reference": format!("K-{n}")}, "offer": {
                "title": format!("Technicien {}", n % 40), "description": "Maintenance des équipements.",
                "rome_code": "I1304", "contract_type": "cdi", "workplace": {"commune": "69123"},
                "employer": {"name": format!("Entreprise {n}")}}})
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn killed_during_a_bulk_import(database_url: &str) {
    let seeded = Command::new(env!("CARGO_BIN_EXE_plateforme"))
        .arg("seed")
        .env("DATABASE_URL", database_url)
        .env_remove("PLATEFORME_CONFIG")
        .output()
        .expect("plateforme seed");
    assert!(seeded.status.success(), "seed: {}", String::from_utf8_lossy(&seeded.stderr));
    let store = Store::connect(database_url, &StoreOptions::default()).expect("store");
    let folder = search_folder();
    let index = folder.path();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
    let mut server = serve(database_url, index, port);
    wait_ready(&client, &base).await;
    let token: Value = client
        .post(format!("{base}/oauth/token"))
        .basic_auth("demo-france-travail", Some("demo-france-travail-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token json");
    let token = token["access_token"].as_str().expect("access_token").to_owned();
    let importer_token = token.clone();
    let before = database_offers(&store).len();

    let importer = {
        let (client, base) = (client.clone(), base.clone());
        actix_web::rt::spawn(async move {
            for batch in 0..40 {
                let sent = client
                    .post(format!("{base}/v1/offers/batch"))
                    .bearer_auth(&importer_token)
                    .header("content-type", "application/x-ndjson")
                    .body(import_body(batch))
                    .send()
                    .await;
                match sent {
                    Err(_) => return batch,
                    Ok(response) => match response.json::<Value>().await {
                        Ok(answer) => assert_eq!(answer["summary"]["created"], 250, "batch {batch}: {answer}"),
                        Err(_) => return batch,
                    },
                }
            }
            40
        })
    };
    // Killed once part of the import is committed, while batches still arrive.
    let started = Instant::now();
    while database_offers(&store).len() < before + 600 {
        assert!(started.elapsed() < Duration::from_secs(60), "the import does not progress");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    let killed = Command::new("kill").arg("-KILL").arg(server.id().to_string()).status().expect("kill -9");
    assert!(killed.success());
    let _ = server.wait();
    let batches = importer.await.expect("importer");
    assert!(batches < 40, "the server was killed before the import ended");

    let mut server = serve(database_url, index, port);
    wait_ready(&client, &base).await;
    // A publication answers once the index holds every write before it: the catch-up is done.
    let after_restart = client
        .post(format!("{base}/v1/offers/batch"))
        .bearer_auth(&token)
        .header("content-type", "application/x-ndjson")
        .body(import_body(1000))
        .send()
        .await
        .expect("a batch after the restart");
    assert_eq!(after_restart.status().as_u16(), 200);
    let expected = database_offers(&store);
    assert!(expected.len() > before + 250 && expected.len() < before + 41 * 250, "part of the import was committed");
    let indexed = indexed_offers(&client, &base).await;
    let _ = server.kill();
    let _ = server.wait();
    let unique: BTreeSet<String> = indexed.iter().cloned().collect();
    assert_eq!(unique.len(), indexed.len(), "no offer is indexed twice");
    let lost: Vec<&String> = expected.difference(&unique).take(5).collect();
    let ghosts: Vec<&String> = unique.difference(&expected).take(5).collect();
    assert!(lost.is_empty() && ghosts.is_empty(), "lost {lost:?}, ghosts {ghosts:?} (of {} offers)", expected.len());
}

mod a_server_killed_during_a_bulk_import_restarts_with_the_offers_of_the_database {
    #[actix_web::test]
    async fn sqlite() {
        let database = super::FreshDatabase::sqlite();
        super::killed_during_a_bulk_import(&database.url).await;
    }

    #[actix_web::test]
    async fn postgres() {
        if let Some(database) = super::FreshDatabase::postgres() {
            super::killed_during_a_bulk_import(&database.url).await;
        }
    }
}
