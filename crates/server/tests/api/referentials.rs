//! Reference data through HTTP: communes and ROME codes, searched and read by code.

use plateforme_model::organization::OrganizationKind;

use crate::helpers::{TestApp, assert_problem, json};

crate::on_both_backends!(
    communes_are_searched_by_name_most_populous_first,
    a_commune_is_read_by_code_with_its_position,
    an_unknown_commune_is_not_found,
    bad_searches_are_refused_with_the_rule,
    rome_codes_are_searched_and_read,
    a_token_is_required,
    any_of_the_reading_scopes_is_enough,
);

async fn communes_are_searched_by_name_most_populous_first(app: TestApp) {
    let response = app.get("/v1/referentials/communes?q=lyon").await;
    assert_eq!(response.status().as_u16(), 200);
    let body = json(response).await;
    let items = body["items"].as_array().expect("items");
    assert_eq!(items[0]["code"], "69123", "{body}");
    assert_eq!(items[0]["name"], "Lyon");
    assert!(items.len() <= 20);

    let body = json(app.get("/v1/referentials/communes?q=Villeurb&limit=1").await).await;
    assert_eq!(body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["items"][0]["code"], "69266");

    let body = json(app.get("/v1/referentials/communes?q=saint-%C3%A9tienne&limit=3").await).await;
    assert_eq!(body["items"][0]["code"], "42218", "{body}");
}

async fn a_commune_is_read_by_code_with_its_position(app: TestApp) {
    let response = app.get("/v1/referentials/communes/69266").await;
    assert_eq!(response.status().as_u16(), 200);
    let commune = json(response).await;
    assert_eq!(commune["name"], "Villeurbanne");
    assert_eq!(commune["departement"], "69");
    assert_eq!(commune["region"], "84");
    assert_eq!(commune["postal_codes"], serde_json::json!(["69100"]));
    let latitude = commune["latitude"].as_f64().expect("latitude");
    let longitude = commune["longitude"].as_f64().expect("longitude");
    assert!((latitude - 45.77).abs() < 0.05 && (longitude - 4.88).abs() < 0.05, "{commune}");
}

async fn an_unknown_commune_is_not_found(app: TestApp) {
    assert_problem(app.get("/v1/referentials/communes/69999").await, 404, "not_found").await;
    let problem = assert_problem(app.get("/v1/referentials/communes/lyon").await, 400, "invalid_path").await;
    assert_eq!(problem["errors"][0]["rule"], "commune.format", "{problem}");
}

async fn bad_searches_are_refused_with_the_rule(app: TestApp) {
    let problem = assert_problem(app.get("/v1/referentials/communes?q=l").await, 400, "invalid_query").await;
    assert_eq!(problem["errors"][0]["field"], "q", "{problem}");
    assert_eq!(problem["errors"][0]["rule"], "q.length", "{problem}");

    let problem = assert_problem(app.get("/v1/referentials/communes").await, 400, "invalid_query").await;
    assert_eq!(problem["errors"][0]["rule"], "required", "{problem}");

    let problem = assert_problem(app.get("/v1/referentials/rome?q=dev&limit=51").await, 400, "invalid_query").await;
    assert_eq!(problem["errors"][0]["rule"], "limit.range", "{problem}");

    let problem = assert_problem(app.get("/v1/referentials/communes?q=lyon&page=2").await, 400, "invalid_query").await;
    assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains("page")), "{problem}");
}

async fn rome_codes_are_searched_and_read(app: TestApp) {
    let body = json(app.get("/v1/referentials/rome?q=d%C3%A9veloppeur").await).await;
    let items = body["items"].as_array().expect("items");
    assert!(items.iter().any(|item| item["code"] == "M1805"), "{body}");

    let body = json(app.get("/v1/referentials/rome?q=M18").await).await;
    let items = body["items"].as_array().expect("items");
    assert!(!items.is_empty() && items.iter().all(|item| item["code"].as_str().is_some_and(|c| c.starts_with("M18"))));

    let response = app.get("/v1/referentials/rome/M1805").await;
    assert_eq!(response.status().as_u16(), 200);
    let rome = json(response).await;
    assert_eq!(rome["code"], "M1805");
    assert!(rome["label"].as_str().is_some_and(|label| label.starts_with("Développeur")), "{rome}");

    assert_problem(app.get("/v1/referentials/rome/A0000").await, 404, "not_found").await;
    let problem = assert_problem(app.get("/v1/referentials/rome/m1805").await, 400, "invalid_path").await;
    assert_eq!(problem["errors"][0]["rule"], "rome.format", "{problem}");
}

async fn a_token_is_required(app: TestApp) {
    for path in [
        "/v1/referentials/communes?q=lyon",
        "/v1/referentials/communes/69123",
        "/v1/referentials/rome?q=dev",
        "/v1/referentials/rome/M1805",
    ] {
        let response = app.client.get(app.url(path)).send().await.expect("GET");
        assert_problem(response, 401, "unauthorized").await;
    }
}

async fn any_of_the_reading_scopes_is_enough(app: TestApp) {
    let reader = app.register(OrganizationKind::MissionLocale, &["dossier:read"]).await;
    let response = app.client.get(app.url("/v1/referentials/rome/M1805")).bearer_auth(&reader.token).send().await;
    assert_eq!(response.expect("GET").status().as_u16(), 200);

    let outsider = app.register(OrganizationKind::Partner, &["journal:read"]).await;
    let response = app.client.get(app.url("/v1/referentials/communes/69123")).bearer_auth(&outsider.token).send().await;
    assert_problem(response.expect("GET"), 403, "forbidden").await;
}

crate::on_both_backends!(naf_codes_are_searched_and_read, bad_naf_codes_are_refused_with_the_rule);

async fn naf_codes_are_searched_and_read(app: TestApp) {
    let response = app.get("/v1/referentials/naf?q=boulangerie").await;
    assert_eq!(response.status().as_u16(), 200);
    let body = json(response).await;
    assert_eq!(body["items"][0]["code"], "10.71C", "{body}");
    assert_eq!(body["items"][0]["label"], "Boulangerie et boulangerie-pâtisserie", "{body}");

    let body = json(app.get("/v1/referentials/naf?q=6201").await).await;
    let items = body["items"].as_array().expect("items");
    assert!(
        !items.is_empty() && items.iter().all(|item| item["code"].as_str().is_some_and(|c| c.starts_with("62.01")))
    );

    let response = app.get("/v1/referentials/naf/62.01Z").await;
    assert_eq!(response.status().as_u16(), 200);
    let naf = json(response).await;
    assert_eq!(
        naf,
        serde_json::json!({"code": "62.01Z", "label": "Programmation informatique", "section": "J", "division": "62"})
    );

    let naf = json(app.get("/v1/referentials/naf/6201Z").await).await;
    assert_eq!(naf["code"], "62.01Z", "the form without the dot is normalized: {naf}");

    let response = app.client.get(app.url("/v1/referentials/naf/62.01Z")).send().await.expect("GET");
    assert_problem(response, 401, "unauthorized").await;
}

async fn bad_naf_codes_are_refused_with_the_rule(app: TestApp) {
    assert_problem(app.get("/v1/referentials/naf/99.99Z").await, 404, "not_found").await;
    for code in ["62.01z", "6201", "62-01Z"] {
        let problem = assert_problem(app.get(&format!("/v1/referentials/naf/{code}")).await, 400, "invalid_path").await;
        assert_eq!(problem["errors"][0]["field"], "code", "{problem}");
        assert_eq!(problem["errors"][0]["rule"], "naf.format", "{problem}");
    }
    let problem = assert_problem(app.get("/v1/referentials/naf?q=6").await, 400, "invalid_query").await;
    assert_eq!(problem["errors"][0]["rule"], "q.length", "{problem}");
}
