//! Who controls an offer once sources merge (docs/offers.md, Ownership): a stranger that
//! publishes a twin joins the offer as a source but cannot rewrite it nor change its status;
//! an employer speaks for its own SIRET; twins published at the same instant make one offer.

use diesel::connection::SimpleConnection;
use futures_util::future::join_all;
use plateforme_model::organization::OrganizationKind;
use plateforme_store::Backend;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestClient, assert_problem, json as body_of, siret};

crate::on_both_backends!(
    a_stranger_that_publishes_a_twin_cannot_rewrite_nor_cancel_the_offer,
    an_employer_takes_back_its_job_from_whoever_published_it_first,
    an_employer_publishes_only_for_its_own_siret,
    ten_twins_published_at_the_same_instant_make_one_offer,
    twins_from_before_the_unique_index_do_not_stop_the_migration,
);

const WRITE: &[&str] = &["offers:write", "offers:read"];

/// The bakery's baker job, with `siret` as the employer's.
fn baker(reference: &str, siret: &str) -> Value {
    json!({
        "source": {"system": "ats", "reference": reference},
        "offer": {
            "title": "Boulanger / Boulangère",
            "description": "Au fournil, vous préparez le pain de la journée.",
            "rome_code": "D1102",
            "contract_type": "cdi",
            "workplace": {"commune": "69266"},
            "employer": {"name": "Boulangerie des Pentes", "siret": siret}
        }
    })
}

const SCAM: &str = "Envoyez 50 € de frais de dossier par mandat pour obtenir ce poste.";

fn scam(mut publication: Value) -> Value {
    publication["offer"]["description"] = json!(SCAM);
    publication
}

async fn publish(app: &TestApp, client: &TestClient, body: &Value) -> Response {
    app.client.post(app.url("/v1/offers")).bearer_auth(&client.token).json(body).send().await.expect("POST /v1/offers")
}

async fn put_status(app: &TestApp, client: &TestClient, id: &str, version: i64, status: &str) -> Response {
    app.client
        .put(app.url(&format!("/v1/offers/{id}/status")))
        .bearer_auth(&client.token)
        .header("if-match", format!("\"{version}\""))
        .json(&json!({"status": status, "reason": "test"}))
        .send()
        .await
        .expect("PUT status")
}

async fn read(app: &TestApp, id: &str) -> Value {
    let response = app.client.get(app.url(&format!("/v1/offers/{id}"))).send().await.expect("GET offer");
    assert_eq!(response.status().as_u16(), 200);
    body_of(response).await
}

/// The SIRET of a registered organization.
async fn siret_of(app: &TestApp, client: &TestClient) -> String {
    let organization = body_of(app.get(&format!("/v1/organizations/{}", client.organization_id)).await).await;
    organization["siret"].as_str().expect("siret").to_owned()
}

async fn a_stranger_that_publishes_a_twin_cannot_rewrite_nor_cancel_the_offer(app: TestApp) {
    let employer = app.register(OrganizationKind::Employer, WRITE).await;
    let stranger = app.register(OrganizationKind::Partner, WRITE).await;
    let own_siret = siret_of(&app, &employer).await;
    let created = body_of(publish(&app, &employer, &baker("BDP-1", &own_siret)).await).await;
    assert_eq!(created["outcome"], "created", "{created}");
    let id = created["offer"]["id"].as_str().expect("id").to_owned();
    assert_eq!(created["offer"]["owner_organization_id"], employer.organization_id.to_string());

    // The stranger joins the offer: a source, not its owner.
    let twin = body_of(publish(&app, &stranger, &baker("X-1", &own_siret)).await).await;
    assert_eq!((twin["outcome"].as_str(), twin["offer"]["id"].as_str()), (Some("merged"), Some(id.as_str())));
    assert_eq!(twin["offer"]["owner_organization_id"], employer.organization_id.to_string());
    let version = twin["offer"]["version"].as_i64().expect("version");

    // Rewriting it is refused, and names the owner; nothing is written.
    let problem =
        assert_problem(publish(&app, &stranger, &scam(baker("X-1", &own_siret))).await, 403, "forbidden").await;
    assert!(problem["detail"].as_str().unwrap_or("").contains(&employer.organization_id.to_string()), "{problem}");
    let batch = app
        .client
        .post(app.url("/v1/offers/batch"))
        .bearer_auth(&stranger.token)
        .header("content-type", "application/x-ndjson")
        .body(scam(baker("X-1", &own_siret)).to_string() + "\n")
        .send()
        .await
        .expect("POST batch");
    let batch = body_of(batch).await;
    assert_eq!(batch["results"][0]["outcome"], "rejected", "{batch}");
    assert_eq!(batch["results"][0]["errors"][0]["rule"], "forbidden", "{batch}");

    // Changing its status too: only the owner and France Travail's moderation do.
    assert_problem(put_status(&app, &stranger, &id, version, "cancelled").await, 403, "forbidden").await;
    let offer = read(&app, &id).await;
    assert_eq!((offer["status"].as_str(), offer["version"].as_i64()), (Some("open"), Some(version)));
    assert_eq!(offer["description"], baker("BDP-1", &own_siret)["offer"]["description"]);

    // Its same document again is fine, and it may withdraw its own source.
    let again = body_of(publish(&app, &stranger, &baker("X-1", &own_siret)).await).await;
    assert_eq!(again["outcome"], "unchanged");
    let moderator = app.register(OrganizationKind::FranceTravail, WRITE).await;
    let suspended = body_of(put_status(&app, &moderator, &id, version, "suspended").await).await;
    assert_eq!(suspended["status"], "suspended", "France Travail moderates any offer");
    let owner_reopens = body_of(put_status(&app, &employer, &id, version + 1, "open").await).await;
    assert_eq!(owner_reopens["status"], "open");
    let withdrawn = app
        .client
        .delete(app.url(&format!("/v1/offers/{id}")))
        .bearer_auth(&stranger.token)
        .header("if-match", format!("\"{}\"", version + 2))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(withdrawn.status().as_u16(), 204);
    let offer = read(&app, &id).await;
    let sources: Vec<&str> =
        offer["sources"].as_array().expect("sources").iter().filter_map(|s| s["reference"].as_str()).collect();
    assert_eq!(sources, ["BDP-1"]);
    assert_eq!(offer["owner_organization_id"], employer.organization_id.to_string());
}

async fn an_employer_takes_back_its_job_from_whoever_published_it_first(app: TestApp) {
    let employer = app.register(OrganizationKind::Employer, WRITE).await;
    let stranger = app.register(OrganizationKind::Partner, WRITE).await;
    let own_siret = siret_of(&app, &employer).await;
    let first = body_of(publish(&app, &stranger, &scam(baker("X-9", &own_siret))).await).await;
    assert_eq!(first["outcome"], "created");
    let id = first["offer"]["id"].as_str().expect("id").to_owned();
    assert_eq!(first["offer"]["owner_organization_id"], stranger.organization_id.to_string());

    // The employer publishes its job: it joins the offer, owns it, and its text replaces the scam.
    let joined = body_of(publish(&app, &employer, &baker("BDP-9", &own_siret)).await).await;
    assert_eq!((joined["outcome"].as_str(), joined["offer"]["id"].as_str()), (Some("merged"), Some(id.as_str())));
    assert_eq!(joined["offer"]["owner_organization_id"], employer.organization_id.to_string());
    assert_eq!(joined["offer"]["description"], baker("BDP-9", &own_siret)["offer"]["description"]);
    let version = joined["offer"]["version"].as_i64().expect("version");

    // The first publisher no longer controls it.
    let rewrite = scam(baker("X-9", &own_siret));
    let mut rewrite_again = rewrite.clone();
    rewrite_again["offer"]["positions"] = json!(2);
    assert_problem(publish(&app, &stranger, &rewrite_again).await, 403, "forbidden").await;
    assert_problem(put_status(&app, &stranger, &id, version, "cancelled").await, 403, "forbidden").await;
    assert_eq!(read(&app, &id).await["description"], baker("BDP-9", &own_siret)["offer"]["description"]);

    // Another employer cannot claim the job by the bakery's name: its own offer is made beside it.
    let other_employer = app.register(OrganizationKind::Employer, WRITE).await;
    let other_siret = siret_of(&app, &other_employer).await;
    let beside = body_of(publish(&app, &other_employer, &scam(baker("OTHER-1", &other_siret))).await).await;
    assert_eq!(beside["outcome"], "created", "{beside}");
    assert_ne!(beside["offer"]["id"].as_str(), Some(id.as_str()));
    assert_eq!(read(&app, &id).await["description"], baker("BDP-9", &own_siret)["offer"]["description"]);
}

async fn an_employer_publishes_only_for_its_own_siret(app: TestApp) {
    let employer = app.register(OrganizationKind::Employer, WRITE).await;
    let problem =
        assert_problem(publish(&app, &employer, &baker("E-1", &siret(777_001))).await, 422, "validation_failed").await;
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["rule"].as_str()),
        (Some("offer.employer.siret"), Some("siret.not_own"))
    );
    let mut unnamed = baker("E-2", &siret(777_001));
    unnamed["offer"]["employer"] = json!({"name": "Boulangerie des Pentes"});
    let problem = assert_problem(publish(&app, &employer, &unnamed).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "siret.not_own");
    // A job board publishes for any employer.
    let board = app.register(OrganizationKind::Partner, WRITE).await;
    assert_eq!(publish(&app, &board, &baker("J-1", &siret(777_001))).await.status().as_u16(), 201);
}

async fn ten_twins_published_at_the_same_instant_make_one_offer(app: TestApp) {
    let mut boards = Vec::new();
    for _ in 0..10 {
        boards.push(app.register(OrganizationKind::Partner, WRITE).await);
    }
    // Several rounds, each a job of its own: one round may happen to run its publications one
    // after the other; together they meet the race.
    for round in 0..5 {
        let employer_siret = siret(777_010 + round);
        // Open the connections first, so that the publications leave together.
        join_all((0..10).map(|_| app.client.get(app.url("/v1/offers?limit=1")).send())).await;
        let answers = join_all(boards.iter().enumerate().map(|(n, board)| {
            let mut body = baker(&format!("TWIN-{round}-{n}"), &employer_siret);
            body["offer"]["employer"]["name"] = json!(format!("Boulangerie n°{round}"));
            let app = &app;
            async move {
                let response = publish(app, board, &body).await;
                let status = response.status().as_u16();
                (status, body_of(response).await)
            }
        }))
        .await;
        let mut created = 0;
        let mut ids = std::collections::HashSet::new();
        for (status, answer) in &answers {
            assert!(*status == 200 || *status == 201, "{status} {answer}");
            created += usize::from(answer["outcome"] == "created");
            ids.insert(answer["offer"]["id"].as_str().expect("id").to_owned());
        }
        assert_eq!((created, ids.len()), (1, 1), "round {round}: {answers:?}");
        let id = ids.into_iter().next().expect("one offer");
        assert_eq!(read(&app, &id).await["sources"].as_array().map(Vec::len), Some(10));
    }
    let search = app.client.get(app.url("/v1/offers?q=boulanger")).send().await.expect("search");
    assert_eq!(body_of(search).await["total"], 5);
}

/// Runs SQL statements on the test database.
async fn execute(app: &TestApp, sql: String) {
    app.store
        .run(move |conn| conn.batch_execute(&sql).map_err(plateforme_store::StoreError::from))
        .await
        .expect("SQL statements");
}

/// A database with live twins (as concurrent publications made them before the unique index)
/// migrates: the older twin keeps the fingerprint and takes the next twin, the younger one
/// lives on, refused (409) a change that would make it its twin's job again.
async fn twins_from_before_the_unique_index_do_not_stop_the_migration(app: TestApp) {
    let (first, second, third) = (
        app.register(OrganizationKind::Partner, WRITE).await,
        app.register(OrganizationKind::Partner, WRITE).await,
        app.register(OrganizationKind::Partner, WRITE).await,
    );
    let employer_siret = siret(777_020);
    let older = body_of(publish(&app, &first, &baker("OLD-1", &employer_siret)).await).await;
    let mut other_job = baker("OLD-2", &employer_siret);
    other_job["offer"]["title"] = json!("Pâtissier");
    let younger = body_of(publish(&app, &second, &other_job).await).await;
    let (older_id, younger_id) = (
        older["offer"]["id"].as_str().expect("id").to_owned(),
        younger["offer"]["id"].as_str().expect("id").to_owned(),
    );

    // Back to the schema before migration 17, where the younger offer becomes the older's twin.
    let down = match app.store.backend() {
        Backend::Postgres => include_str!("../../../../migrations/postgres/2026-11-24-000017_offer_ownership/down.sql"),
        Backend::Sqlite => include_str!("../../../../migrations/sqlite/2026-11-24-000017_offer_ownership/down.sql"),
    };
    execute(&app, down.to_owned()).await;
    execute(
        &app,
        format!(
            "DELETE FROM __diesel_schema_migrations WHERE version = '20261124000017';
             UPDATE offers SET dedup_siret = (SELECT dedup_siret FROM offers WHERE id = '{older_id}'),
                 dedup_name = (SELECT dedup_name FROM offers WHERE id = '{older_id}'),
                 created_at = (SELECT created_at FROM offers WHERE id = '{older_id}')
             WHERE id = '{younger_id}';"
        ),
    )
    .await;
    let store = app.store.clone();
    let migrated = actix_web::rt::task::spawn_blocking(move || store.migrate()).await.expect("task");
    assert_eq!(migrated.expect("the migration runs over live twins"), 1);

    // Owners come from the first sources; the younger twin is still there, readable.
    assert_eq!(read(&app, &older_id).await["owner_organization_id"], first.organization_id.to_string());
    assert_eq!(read(&app, &younger_id).await["owner_organization_id"], second.organization_id.to_string());
    // A new publication of the job joins the older twin, which holds the fingerprint.
    let joined = body_of(publish(&app, &third, &baker("NEW-1", &employer_siret)).await).await;
    assert_eq!((joined["outcome"].as_str(), joined["offer"]["id"].as_str()), (Some("merged"), Some(older_id.as_str())));
    // The younger twin's own changes would give it the fingerprint its twin holds: refused.
    let mut changed = baker("OLD-2", &employer_siret);
    changed["offer"]["positions"] = json!(2);
    assert_problem(publish(&app, &second, &changed).await, 409, "conflict").await;
}
