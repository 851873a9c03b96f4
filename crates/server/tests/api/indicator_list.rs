//! `GET /v1/indicators` (issue 16): the committees' catalogue of indicators, paged in the order
//! of the codes, each computed one naming the latest vintage, each declared one saying why it
//! is not computed; and its misuses refused.

use chrono::Utc;
use plateforme_indicators::definitions::DEFINITIONS;
use plateforme_model::organization::OrganizationKind::*;
use serde_json::Value;

use crate::dossier::get_as;
use crate::helpers::{TestApp, TestClient, assert_problem, json, next_link};
use crate::on_both_backends;

on_both_backends!(the_committees_list_the_indicators_page_by_page, the_list_refuses_what_it_cannot_answer);

/// Every page of the list from `path`, following the `Link` headers.
async fn every_page(app: &TestApp, reader: &TestClient, path: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut next) = (Vec::new(), 0, Some(path.to_owned()));
    while let Some(path) = next {
        let response = get_as(app, reader, &path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        next = next_link(&response);
        let page = json(response).await;
        assert_eq!(page["next_cursor"].is_string(), next.is_some(), "{page}");
        items.extend(page["items"].as_array().cloned().unwrap_or_default());
        pages += 1;
    }
    (items, pages)
}

async fn the_committees_list_the_indicators_page_by_page(app: TestApp) {
    // A partner reads national indicators only: the list is national, so it may read it.
    let partner = app.register(Partner, &["indicators:read"]).await;
    let (before, _) = every_page(&app, &partner, "/v1/indicators").await;
    assert_eq!(before.len(), DEFINITIONS.len());
    assert!(before.iter().all(|item| item["latest_vintage"].is_null()), "no vintage yet");

    let today = Utc::now().date_naive();
    let (vintage, _) = app.compute_vintage(today).await.expect("compute");
    let (items, pages) = every_page(&app, &partner, "/v1/indicators?limit=5").await;
    assert_eq!(pages, DEFINITIONS.len().div_ceil(5));
    let codes: Vec<&str> = items.iter().filter_map(|item| item["code"].as_str()).collect();
    let mut expected: Vec<&str> = DEFINITIONS.iter().map(|definition| definition.code).collect();
    expected.sort_unstable();
    assert_eq!(codes, expected, "each once, in the order of the codes");

    let paths = items.iter().find(|item| item["code"] == "orientations_par_parcours").expect("listed");
    assert_eq!(paths["label"], "Orientations par parcours");
    assert_eq!(paths["unit"], "decisions");
    assert_eq!(paths["version"], 1);
    assert_eq!(paths["computed"], true);
    // The communes are computed, published to nobody: not listed.
    assert_eq!(paths["levels"], serde_json::json!(["national", "region", "departement"]));
    assert_eq!(paths["periods"], serde_json::json!(["month", "quarter"]));
    assert_eq!(paths["latest_vintage"]["id"], vintage.id);
    assert_eq!(paths["latest_vintage"]["as_of"], today.to_string());
    assert_eq!(paths["read"], "/v1/indicators/orientations_par_parcours");

    let declared = items.iter().find(|item| item["code"] == "retours_emploi").expect("listed");
    assert_eq!(declared["computed"], false);
    assert!(declared["not_computed_because"].as_str().is_some_and(|why| why.contains("reprise d'emploi")));
    assert!(declared["latest_vintage"].is_null() && declared["read"].is_null(), "{declared}");
    assert_eq!(declared["periods"], serde_json::json!([]));

    // Where the list says to read an indicator, it is read.
    let read = get_as(&app, &partner, paths["read"].as_str().expect("read")).await;
    assert_eq!(read.status().as_u16(), 200);
    assert_eq!(json(read).await["vintage"]["id"], vintage.id);
}

async fn the_list_refuses_what_it_cannot_answer(app: TestApp) {
    let reader = app.register(FranceTravail, &["indicators:read"]).await;
    for (query, rule) in [("limit=0", "limit.range"), ("limit=101", "limit.range"), ("cursor=forged", "cursor.invalid")]
    {
        let problem =
            assert_problem(get_as(&app, &reader, &format!("/v1/indicators?{query}")).await, 400, "invalid_query").await;
        assert_eq!(problem["errors"][0]["rule"], rule, "{query}: {problem}");
    }
    // The list takes no filter: a level or a territory is the read's, not the list's.
    assert_problem(get_as(&app, &reader, "/v1/indicators?level=national").await, 400, "invalid_query").await;

    // A token without the scope, and no token.
    let without_scope = app.register(FranceTravail, &["dossier:read"]).await;
    assert_problem(get_as(&app, &without_scope, "/v1/indicators").await, 403, "forbidden").await;
    let anonymous = app.client.get(app.url("/v1/indicators")).send().await.expect("GET");
    assert_eq!(anonymous.status().as_u16(), 401);
    // Nothing to write there.
    let post = app.client.post(app.url("/v1/indicators")).bearer_auth(&reader.token).send().await.expect("POST");
    assert_eq!(post.status().as_u16(), 405);
}
