//! The indicators' live figures (issue 16, item 3): kept current from the change feed between
//! two vintages, they equal what a full computation as of today gives once the follower caught
//! up; a replica that starts resumes from the position the follower persisted; a rebuild from
//! the records gives the same figures; they are served to the committees under the same
//! secrecy (`?vintage=live`), never as open data.

use std::time::Duration;

use chrono::Utc;
use plateforme_indicators::compute::compute_cells;
use plateforme_indicators::live;
use plateforme_model::organization::OrganizationKind::*;
use plateforme_server::config::Config;
use plateforme_store::changes;
use plateforme_store::indicators::live::{self as store_live, LiveState};
use plateforme_store::indicators::vintages::Cell;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::indicator_vintages::population;
use crate::on_both_backends;

on_both_backends!(with crate::indicators::committee_config();
    live_figures_equal_a_full_computation_after_writes,
    a_rebuild_from_the_records_gives_the_same_figures,
    the_committees_read_the_live_figures_under_the_same_secrecy,
);

on_both_backends!(with crate::indicators_live::not_following();
    a_replica_that_starts_catches_up_from_the_persisted_position,
);

/// A server that does not follow the feed for the live figures.
pub fn not_following() -> Config {
    Config { indicators_live_follower: false, ..crate::indicators::committee_config() }
}

/// Follows the feed to its end (the server's own follower may be stepping too: one at a time).
/// On PostgreSQL a transaction still open (the journal's, the server's follower's) holds back the
/// events committed after it, which the feed serves once it ends: caught up means every event
/// committed is applied, not only those the feed serves at that instant.
async fn catch_up(app: &TestApp) {
    for _ in 0..1_000 {
        let caught_up = app.store.run(|conn| live::catch_up(conn, Duration::from_secs(60))).await.expect("catch up");
        assert!(caught_up, "the live figures catch up");
        let (applied, committed) = app
            .store
            .run(|conn| Ok((store_live::state(conn)?.position, changes::last_committed(conn)?)))
            .await
            .expect("positions");
        if applied >= committed {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the live figures never reached the last event committed");
}

async fn live_cells(app: &TestApp) -> Vec<Cell> {
    app.store.run(live::all_cells).await.expect("live cells")
}

async fn full_computation(app: &TestApp) -> Vec<Cell> {
    let today = Utc::now().date_naive();
    app.store.run(move |conn| compute_cells(conn, today)).await.expect("full computation")
}

async fn state(app: &TestApp) -> LiveState {
    app.store.run(store_live::state).await.expect("state")
}

/// The same cells, told apart by indicator when they differ.
fn assert_same(live: &[Cell], full: &[Cell]) {
    let differing: Vec<String> = live
        .iter()
        .zip(full)
        .filter(|(live, full)| live != full)
        .take(5)
        .map(|(live, full)| format!("live {live:?} ≠ full {full:?}"))
        .collect();
    assert!(differing.is_empty() && live.len() == full.len(), "{} ≠ {} cells: {differing:#?}", live.len(), full.len());
}

/// An offer in Villeurbanne (69266), its title its own (the same offer twice is one offer).
fn publication(reference: &str, title: &str) -> Value {
    json!({
        "source": {"system": "jobboard", "reference": reference},
        "offer": {
            "title": title,
            "description": "Vous développez les services en ligne de nos clients.",
            "rome_code": "M1805",
            "contract_type": "cdd", "contract_months": 12,
            "workplace": {"commune": "69266"},
            "employer": {"name": "Atelier Numérique"}
        }
    })
}

/// Publishes two offers and fills the first; answers their ids.
async fn offers(app: &TestApp) -> Vec<String> {
    let board = app.register(Partner, &["offers:write", "offers:read"]).await;
    let mut ids = Vec::new();
    for (reference, title) in [("live-1", "Développeur web"), ("live-2", "Technicien réseau")] {
        let published = app
            .client
            .post(app.url("/v1/offers"))
            .bearer_auth(&board.token)
            .json(&publication(reference, title))
            .send()
            .await
            .expect("POST /v1/offers");
        assert_eq!(published.status().as_u16(), 201, "publish {reference}");
        ids.push(json(published).await["offer"]["id"].as_str().expect("id").to_owned());
    }
    let filled = app
        .client
        .put(app.url(&format!("/v1/offers/{}/status", ids[0])))
        .bearer_auth(&board.token)
        .header("if-match", "\"1\"")
        .json(&json!({"status": "filled", "reason": "recruté"}))
        .send()
        .await
        .expect("PUT status");
    assert_eq!(filled.status().as_u16(), 200, "fill");
    ids
}

/// Moves a person to Grenoble (another département and commune).
async fn move_to_grenoble(app: &TestApp, ft: &TestClient, person: &Value) {
    let path = format!("/v1/persons/{}", person["id"].as_str().expect("id"));
    let current = app.client.get(app.url(&path)).bearer_auth(&ft.token).send().await.expect("GET");
    let etag = header(&current, "etag").expect("ETag");
    let body =
        json!({"contact": {"address": {"line": "2 rue de la Gare", "postal_code": "38000", "commune": "38185"}}});
    let moved = app.patch_as(&ft.token, &path, Some(&etag), &body).await;
    assert_eq!(moved.status().as_u16(), 200, "move: {}", moved.text().await.unwrap_or_default());
}

/// Erases a person's dossier.
async fn erase(app: &TestApp, ft: &TestClient, person: &Value) {
    let path = format!("/v1/persons/{}", person["id"].as_str().expect("id"));
    let current = app.client.get(app.url(&path)).bearer_auth(&ft.token).send().await.expect("GET");
    let etag = header(&current, "etag").expect("ETag");
    let erased =
        app.client.delete(app.url(&path)).bearer_auth(&ft.token).header("if-match", etag).send().await.expect("DELETE");
    assert_eq!(erased.status().as_u16(), 204, "erase");
}

/// Registrations, orientations, contracts, a review, offers published and filled, a move and an
/// erasure: the live figures follow them all.
async fn writes(app: &TestApp) {
    let (ft, persons) = population(app).await;
    offers(app).await;
    move_to_grenoble(app, &ft, &persons[0]).await;
    erase(app, &ft, &persons[3]).await;
}

async fn live_figures_equal_a_full_computation_after_writes(app: TestApp) {
    catch_up(&app).await;
    assert!(live_cells(&app).await.is_empty(), "nothing to count yet");
    let built = state(&app).await;
    assert_eq!(built.as_of, Some(Utc::now().date_naive()));

    writes(&app).await;
    catch_up(&app).await;
    let (live, full) = (live_cells(&app).await, full_computation(&app).await);
    assert!(full.iter().any(|cell| cell.indicator == "contrats_signes"), "the writes count");
    assert!(full.iter().any(|cell| cell.indicator == "offres_pourvues"), "the filled offer counts");
    assert_same(&live, &full);

    let followed = state(&app).await;
    assert!(followed.position > built.position, "the position moved with the feed");
    assert_eq!(followed.built_at, built.built_at, "followed from the feed, not rebuilt");
    let lag = app.store.run(store_live::lag).await.expect("lag");
    assert_eq!((lag.events_behind, lag.decisions_behind, lag.waiting_since), (0, 0, None));
}

async fn a_rebuild_from_the_records_gives_the_same_figures(app: TestApp) {
    writes(&app).await;
    catch_up(&app).await;
    let followed = live_cells(&app).await;
    let before = state(&app).await;

    app.store.run(store_live::rebuild).await.expect("rebuild");
    catch_up(&app).await;
    let rebuilt = state(&app).await;
    assert!(rebuilt.built_at > before.built_at, "built anew");
    assert!(rebuilt.position >= before.position);
    assert_same(&live_cells(&app).await, &followed);
    assert_same(&followed, &full_computation(&app).await);
}

async fn a_replica_that_starts_catches_up_from_the_persisted_position(app: TestApp) {
    // This server follows nothing: the figures wait at the position persisted.
    catch_up(&app).await;
    let stopped = state(&app).await;
    writes(&app).await;
    let ready = json(app.get("/health/ready").await).await;
    let figures = &ready["indicators"];
    assert!(figures["events_behind"].as_i64().is_some_and(|events| events > 0), "{ready}");
    assert_eq!(figures["decisions_behind"], 12, "the population's 12 decisions wait: {ready}");
    assert!(figures["lag_seconds"].as_f64().is_some_and(|lag| lag >= 0.0), "{ready}");
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    assert!(metrics.contains("# TYPE plateforme_indicators_live_lag_seconds gauge"), "{metrics}");
    assert_eq!(state(&app).await.position, stopped.position, "nothing followed meanwhile");

    // A replica that follows starts: it resumes from the position, without a rebuild.
    let replica = app.replica(&crate::indicators::committee_config()).await;
    let mut caught_up = Value::Null;
    for _ in 0..600 {
        let ready: Value =
            app.client.get(format!("{replica}/health/ready")).send().await.expect("ready").json().await.expect("JSON");
        if ready["indicators"]["events_behind"] == 0 && ready["indicators"]["decisions_behind"] == 0 {
            caught_up = ready;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(caught_up["indicators"]["lag_seconds"], 0.0, "the replica caught up: {caught_up}");
    let resumed = state(&app).await;
    assert!(resumed.position > stopped.position);
    assert_eq!(resumed.built_at, stopped.built_at, "resumed from the position, not rebuilt");
    assert_same(&live_cells(&app).await, &full_computation(&app).await);
}

async fn the_committees_read_the_live_figures_under_the_same_secrecy(app: TestApp) {
    let (ft, _) = population(&app).await;
    catch_up(&app).await;
    let today = Utc::now().date_naive();
    app.compute_vintage(today).await.expect("vintage");
    for code in ["inscriptions", "orientations_par_parcours", "personnes_par_situation"] {
        for level in ["national", "departement"] {
            let read = |vintage: &str| format!("/v1/indicators/{code}?level={level}&vintage={vintage}");
            let live =
                json(app.client.get(app.url(&read("live"))).bearer_auth(&ft.token).send().await.expect("GET")).await;
            let latest =
                json(app.client.get(app.url(&read("latest"))).bearer_auth(&ft.token).send().await.expect("GET")).await;
            assert_eq!(live["vintage"]["id"], "live", "{live}");
            assert_eq!(live["vintage"]["as_of"], today.to_string());
            assert_eq!(live["threshold"], latest["threshold"]);
            assert_eq!(live["cells"], latest["cells"], "{code} at {level}: the same cells as a vintage of today");
            assert!(live["cells"].as_array().is_some_and(|cells| !cells.is_empty()), "{code}: {live}");
        }
    }
    // Paris counts 2 decisions: hidden to the committees (threshold 3) live as in the vintage.
    let paris = json(
        app.client
            .get(app.url("/v1/indicators/orientations_par_parcours?level=departement&departement=75&vintage=live"))
            .bearer_auth(&ft.token)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    let social = paris["cells"].as_array().and_then(|cells| cells.iter().find(|cell| cell["category"] == "social"));
    assert_eq!(social.map(|cell| &cell["hidden"]), Some(&json!(true)), "{paris}");

    // A stranger with a valid token: the same refusals as for a vintage.
    let stranger = app.register(Partner, &["offers:read"]).await;
    let refused =
        app.client.get(app.url("/v1/indicators/inscriptions?vintage=live")).bearer_auth(&stranger.token).send().await;
    assert_eq!(refused.expect("GET").status().as_u16(), 403, "no indicators:read");
    let unknown = app.client.get(app.url("/v1/indicators/inscriptions?vintage=tomorrow")).bearer_auth(&ft.token).send();
    assert_problem(unknown.await.expect("GET"), 400, "invalid_query").await;
    // Open data stays vintages only.
    let open = json(app.get("/v1/open-data/indicators/inscriptions.json?vintage=live").await).await;
    assert_eq!(open["vintage"]["id"], format!("{today}.r1"), "open data serves the vintage: {open}");
}
