//! Job offers through HTTP: publication once for all, batches, search, lifecycle, access.

use plateforme_model::organization::OrganizationKind;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestClient, assert_problem, json as body_of, siret};

/// A publication from `system` of another job (its own employer), so that it joins no other.
fn job_of(system: &str, reference: &str, employer: u64) -> Value {
    let publication = with(publication(reference), "/source/system", json!(system));
    with(publication, "/offer/employer", json!({"name": format!("Employeur {employer}"), "siret": siret(employer)}))
}

/// The outcomes of a batch's results, and their offers.
fn outcomes_and_offers(result: &Value) -> Vec<(String, String)> {
    let results = result["results"].as_array().cloned().unwrap_or_default();
    results
        .iter()
        .map(|r| (r["outcome"].as_str().unwrap_or("").to_owned(), r["offer_id"].as_str().unwrap_or("").to_owned()))
        .collect()
}

crate::on_both_backends!(
    the_same_offer_from_two_job_boards_is_one_offer_with_two_sources,
    a_batch_is_answered_line_by_line_and_sending_it_again_changes_nothing,
    a_ten_megabyte_line_is_rejected_alone,
    lines_of_one_batch_see_the_lines_before_them,
    a_batch_matches_each_source_by_its_own_system_and_reference,
    offers_a_batch_joins_move_to_their_next_version_with_their_events,
    bad_offers_are_refused_with_the_rule_and_change_nothing,
    search_finds_french_words_and_respects_every_filter,
    bad_searches_are_refused_with_the_rule,
    expired_offers_leave_the_search_and_the_sweep_records_it,
    status_changes_follow_the_life_of_an_offer,
    withdrawing_the_last_source_deletes_the_offer_with_a_change_event,
    only_publishers_publish_and_anyone_searches,
);

const WRITE: &[&str] = &["offers:write", "offers:read"];

async fn job_board(app: &TestApp) -> TestClient {
    app.register(OrganizationKind::Partner, WRITE).await
}

/// A valid publication: a developer job in Villeurbanne.
fn publication(reference: &str) -> Value {
    json!({
        "source": {"system": "jobboard", "reference": reference},
        "offer": {
            "title": "Développeur web",
            "description": "Vous développez les services en ligne de nos clients.",
            "rome_code": "M1805",
            "contract_type": "cdd", "contract_months": 12,
            "salary": {"min": 2400.0, "max": 2900.0, "period": "month"},
            "workplace": {"commune": "69266"},
            "employer": {"name": "Atelier Numérique", "siret": siret(4242), "naf": "62.01Z"},
            "skills": ["Rust", "PostgreSQL"]
        }
    })
}

fn with(mut base: Value, pointer: &str, value: Value) -> Value {
    if let Some(slot) = base.pointer_mut(pointer) {
        *slot = value;
    } else if let Some((parent, key)) = pointer.rsplit_once('/')
        && let Some(Value::Object(object)) = base.pointer_mut(parent)
    {
        object.insert(key.to_owned(), value);
    }
    base
}

async fn publish(app: &TestApp, client: &TestClient, body: &Value) -> Response {
    app.client.post(app.url("/v1/offers")).bearer_auth(&client.token).json(body).send().await.expect("POST /v1/offers")
}

async fn batch(app: &TestApp, client: &TestClient, lines: &[String]) -> Response {
    let body = lines.join("\n") + "\n";
    app.client
        .post(app.url("/v1/offers/batch"))
        .bearer_auth(&client.token)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .expect("POST /v1/offers/batch")
}

async fn get_as(app: &TestApp, client: &TestClient, path: &str) -> Response {
    app.client.get(app.url(path)).bearer_auth(&client.token).send().await.expect("GET")
}

async fn search(app: &TestApp, query: &str) -> Value {
    let response = app.client.get(app.url(&format!("/v1/offers?{query}"))).send().await.expect("GET /v1/offers");
    assert_eq!(response.status().as_u16(), 200, "search {query}");
    body_of(response).await
}

fn titles(results: &Value) -> Vec<String> {
    let items = results["items"].as_array().cloned().unwrap_or_default();
    let mut titles: Vec<String> = items.iter().map(|item| item["title"].as_str().unwrap_or("").to_owned()).collect();
    titles.sort();
    titles
}

async fn the_same_offer_from_two_job_boards_is_one_offer_with_two_sources(app: TestApp) {
    let (first, second) = (job_board(&app).await, job_board(&app).await);
    let response = publish(&app, &first, &publication("A-1")).await;
    assert_eq!(response.status().as_u16(), 201);
    assert!(response.headers().contains_key("location") && response.headers().contains_key("etag"));
    let created = body_of(response).await;
    assert_eq!(created["outcome"], "created");
    let id = created["offer"]["id"].as_str().expect("id").to_owned();
    assert_eq!(created["offer"]["location"]["departement"], "69");
    assert_eq!(created["offer"]["location"]["precise"], false);

    // The same job, spelled otherwise, with another description and reference.
    let mut copy = publication("B-77");
    copy["offer"]["title"] = json!("DEVELOPPEUR  WEB");
    copy["offer"]["employer"]["name"] = json!("atelier numérique");
    copy["offer"]["description"] = json!("Une autre rédaction de la même annonce.");
    let response = publish(&app, &second, &copy).await;
    assert_eq!(response.status().as_u16(), 200);
    let merged = body_of(response).await;
    assert_eq!(merged["outcome"], "merged", "{merged}");
    assert_eq!(merged["offer"]["id"], id.as_str());
    let sources = merged["offer"]["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0]["organization_id"], first.organization_id.to_string());
    assert_eq!(sources[1]["reference"], "B-77");
    assert_eq!(merged["offer"]["description"], publication("A-1")["offer"]["description"], "the first copy stays");

    // Publishing the same document again changes nothing; a changed one updates.
    let again = body_of(publish(&app, &first, &publication("A-1")).await).await;
    assert_eq!((again["outcome"].as_str(), again["offer"]["version"].as_i64()), (Some("unchanged"), Some(2)));
    let changed = with(publication("A-1"), "/offer/positions", json!(3));
    let updated = body_of(publish(&app, &first, &changed).await).await;
    assert_eq!((updated["outcome"].as_str(), updated["offer"]["positions"].as_i64()), (Some("updated"), Some(3)));
    assert_eq!(search(&app, "q=developpeur").await["total"], 1);

    // Without an employer, offers are never merged: nothing says they are the same job.
    let anonymous = |reference: &str| with(publication(reference), "/offer/employer", json!({}));
    let one = body_of(publish(&app, &first, &anonymous("A-2")).await).await;
    let other = body_of(publish(&app, &second, &anonymous("B-2")).await).await;
    assert_eq!((one["outcome"].as_str(), other["outcome"].as_str()), (Some("created"), Some("created")));
    assert_ne!(one["offer"]["id"], other["offer"]["id"]);

    let history = body_of(get_as(&app, &first, &format!("/v1/offers/{id}/history")).await).await;
    let actions: Vec<&str> =
        history["items"].as_array().expect("items").iter().filter_map(|v| v["action"].as_str()).collect();
    assert_eq!(actions, ["created", "updated", "updated"], "{history}");
}

async fn a_batch_is_answered_line_by_line_and_sending_it_again_changes_nothing(app: TestApp) {
    let board = job_board(&app).await;
    let lines = vec![
        publication("L-1").to_string(),
        with(publication("L-2"), "/offer/rome_code", json!("Z9999")).to_string(),
        "{not json".to_owned(),
        with(with(publication("L-4"), "/offer/title", json!("Boulanger")), "/offer/rome_code", json!("D1102"))
            .to_string(),
        with(publication("L-5"), "/offer/rome_code", json!("A9999")).to_string(),
        String::new(),
        with(publication("L-7"), "/offer/title", json!("Développeuse web")).to_string(),
    ];
    let response = batch(&app, &board, &lines).await;
    assert_eq!(response.status().as_u16(), 200);
    let result = body_of(response).await;
    assert_eq!(
        result["summary"],
        json!({"lines": 6, "created": 3, "merged": 0, "updated": 0, "unchanged": 0, "rejected": 3}),
        "{result}"
    );
    let results = result["results"].as_array().expect("results");
    let outcomes: Vec<(u64, &str)> =
        results.iter().map(|r| (r["line"].as_u64().unwrap_or(0), r["outcome"].as_str().unwrap_or(""))).collect();
    assert_eq!(
        outcomes,
        [(1, "created"), (2, "rejected"), (3, "rejected"), (4, "created"), (5, "rejected"), (7, "created")]
    );
    assert_eq!(results[1]["errors"][0]["rule"], "rome.format", "{result}");
    assert_eq!(results[1]["source"]["reference"], "L-2");
    assert_eq!(results[2]["errors"][0]["rule"], "malformed_json");
    assert_eq!(results[4]["errors"][0]["rule"], "rome.unknown");

    let again = body_of(batch(&app, &board, &lines).await).await;
    assert_eq!(
        again["summary"],
        json!({"lines": 6, "created": 0, "merged": 0, "updated": 0, "unchanged": 3, "rejected": 3}),
        "{again}"
    );
    assert_eq!(again["results"][0]["offer_id"], results[0]["offer_id"]);
    assert_eq!(search(&app, "").await["total"], 3);

    let response = app
        .client
        .post(app.url("/v1/offers/batch"))
        .bearer_auth(&board.token)
        .json(&publication("L-1"))
        .send()
        .await
        .expect("POST");
    assert_problem(response, 415, "unsupported_media_type").await;
    let problem = assert_problem(batch(&app, &board, &[String::new()]).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "batch.empty");
}

async fn a_ten_megabyte_line_is_rejected_alone(app: TestApp) {
    let board = job_board(&app).await;
    let huge = with(publication("BIG"), "/offer/description", json!("x".repeat(10 * 1024 * 1024)));
    let lines = vec![
        publication("OK-1").to_string(),
        huge.to_string(),
        with(publication("OK-2"), "/offer/contract_type", json!("interim")).to_string(),
    ];
    let result = body_of(batch(&app, &board, &lines).await).await;
    let outcomes: Vec<&str> =
        result["results"].as_array().expect("results").iter().filter_map(|r| r["outcome"].as_str()).collect();
    assert_eq!(outcomes, ["created", "rejected", "created"], "{}", result["summary"]);
    assert_eq!(result["results"][1]["errors"][0]["rule"], "line.too_long");
    assert_eq!(result["results"][1]["line"], 2);
}

async fn lines_of_one_batch_see_the_lines_before_them(app: TestApp) {
    let board = job_board(&app).await;
    let changed = with(publication("IN-1"), "/offer/positions", json!(4));
    let lines = vec![
        publication("IN-1").to_string(),
        publication("IN-1").to_string(),
        publication("IN-2").to_string(),
        changed.to_string(),
    ];
    let result = body_of(batch(&app, &board, &lines).await).await;
    let results = result["results"].as_array().expect("results");
    let outcomes: Vec<(&str, i64)> =
        results.iter().map(|r| (r["outcome"].as_str().unwrap_or(""), r["version"].as_i64().unwrap_or(0))).collect();
    assert_eq!(outcomes, [("created", 1), ("unchanged", 1), ("merged", 2), ("updated", 3)], "{result}");
    let id = results[0]["offer_id"].as_str().expect("id");
    assert!(results.iter().all(|r| r["offer_id"] == id));
    let offer = body_of(get_as(&app, &board, &format!("/v1/offers/{id}")).await).await;
    assert_eq!((offer["version"].as_i64(), offer["positions"].as_i64()), (Some(3), Some(4)));
    assert_eq!(offer["sources"].as_array().map(Vec::len), Some(2));
    let history = body_of(get_as(&app, &board, &format!("/v1/offers/{id}/history")).await).await;
    assert_eq!(history["items"].as_array().map(Vec::len), Some(3));
}

async fn bad_offers_are_refused_with_the_rule_and_change_nothing(app: TestApp) {
    let board = job_board(&app).await;
    let cases = [
        ("/offer/rome_code", json!("M9999"), "rome.unknown"),
        ("/offer/workplace/commune", json!("69999"), "commune.unknown"),
        ("/offer/salary", json!({"min": -10.0, "period": "month"}), "salary.negative"),
        ("/offer/salary", json!({"min": 3000.0, "max": 2000.0, "period": "month"}), "salary.min_above_max"),
        ("/offer/employer/siret", json!("73282932000075"), "siret.luhn"),
        ("/offer/employer/naf", json!("99.99Z"), "naf.unknown"),
        ("/offer/contract_type", json!("freelance"), "enum"),
    ];
    for (pointer, value, rule) in cases {
        let body = with(publication("BAD"), pointer, value);
        let problem = assert_problem(publish(&app, &board, &body).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["rule"], rule, "{pointer}: {problem}");
    }
    let dated = with(
        with(publication("BAD"), "/offer/published_at", json!("2026-11-20T09:00:00Z")),
        "/offer/expires_at",
        json!("2026-11-19T09:00:00Z"),
    );
    let problem = assert_problem(publish(&app, &board, &dated).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "expires_at.before_publication");
    assert_eq!(problem["errors"][0]["field"], "offer.expires_at");
    let response = app
        .client
        .post(app.url("/v1/offers"))
        .bearer_auth(&board.token)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .expect("POST");
    assert_problem(response, 400, "malformed_json").await;
    assert_eq!(search(&app, "").await["total"], 0, "nothing was published");
}

/// Offers for the search tests, published in one batch.
fn search_corpus() -> Vec<String> {
    let offer = |reference: &str, title: &str, rome: &str, contract: &str, commune: &str| {
        let mut body = publication(reference);
        body["offer"]["title"] = json!(title);
        body["offer"]["rome_code"] = json!(rome);
        body["offer"]["contract_type"] = json!(contract);
        body["offer"]["workplace"] = json!({"commune": commune});
        if contract == "cdi" {
            body["offer"].as_object_mut().map(|offer| offer.remove("contract_months"));
        }
        body
    };
    let mut lyon = offer("S-1", "Développeur backend", "M1805", "cdi", "69123");
    lyon["offer"]["published_at"] = json!("2026-11-01T08:00:00Z");
    lyon["offer"]["expires_at"] = json!("2027-10-01T08:00:00Z");
    let mut villeurbanne = offer("S-2", "Développeurs mobiles (H/F)", "M1805", "cdd", "69266");
    villeurbanne["offer"]["salary"] = json!({"min": 15.0, "period": "hour"});
    villeurbanne["offer"]["inclusive_hiring"] = json!({"disability_committed": true, "without_cv": true});
    let mut marseille = offer("S-3", "Développeur Java", "M1805", "cdi", "13055");
    marseille["offer"]["inclusive_hiring"] = json!({"open_to_iae": true});
    let mut bakery = offer("S-4", "Boulanger", "D1102", "apprenticeship", "69123");
    bakery["offer"]["skills"] = json!(["Pétrissage", "Façonnage", "Cuisson"]);
    bakery["offer"]["description"] = json!("Fabrication du pain. ".repeat(30));
    bakery["offer"]["salary"] = json!({"min": 18000.0, "max": 20000.0, "period": "year"});
    [lyon, villeurbanne, marseille, bakery].iter().map(Value::to_string).collect()
}

async fn search_finds_french_words_and_respects_every_filter(app: TestApp) {
    let board = job_board(&app).await;
    let published = body_of(batch(&app, &board, &search_corpus()).await).await;
    assert_eq!(published["summary"]["created"], 4, "{published}");

    assert_eq!(
        titles(&search(&app, "q=developpeurs").await),
        ["Développeur Java", "Développeur backend", "Développeurs mobiles (H/F)"]
    );
    assert_eq!(titles(&search(&app, "q=D%C3%89VELOPPEUR%20mobile").await), ["Développeurs mobiles (H/F)"]);
    assert_eq!(titles(&search(&app, "q=cuisson").await), ["Boulanger"], "skills are searched");
    assert_eq!(titles(&search(&app, "q=fabrication%20pains").await), ["Boulanger"], "descriptions are searched");
    assert_eq!(search(&app, "q=plombier").await["total"], 0);
    assert_eq!(titles(&search(&app, "rome=D1102").await), ["Boulanger"]);
    assert_eq!(search(&app, "rome=M1805,D1102").await["total"], 4);
    assert_eq!(
        titles(&search(&app, "contract_type=cdd,apprenticeship").await),
        ["Boulanger", "Développeurs mobiles (H/F)"]
    );
    assert_eq!(titles(&search(&app, "commune=13055").await), ["Développeur Java"]);
    assert_eq!(search(&app, "departement=69").await["total"], 3);
    assert_eq!(search(&app, "region=93").await["total"], 1);
    assert_eq!(search(&app, "region=84&q=developpeur").await["total"], 2);

    // Around Lyon: Villeurbanne (about 5 km), not Marseille (about 280 km).
    let near = search(&app, "near_commune=69123&radius_km=10&q=developpeur&sort=distance").await;
    assert_eq!(titles(&near), ["Développeur backend", "Développeurs mobiles (H/F)"]);
    assert_eq!(near["items"][0]["title"], "Développeur backend", "nearest first");
    let distance = near["items"][1]["distance_km"].as_f64().expect("distance");
    assert!((1.0..10.0).contains(&distance), "{distance}");
    let point = search(&app, "latitude=43.2965&longitude=5.3698&radius_km=20").await;
    assert_eq!(titles(&point), ["Développeur Java"]);

    assert_eq!(titles(&search(&app, "published_since=2026-11-15").await).len(), 3, "Lyon was published on 1 November");
    assert_eq!(
        titles(&search(&app, "disability_committed=true&without_cv=true").await),
        ["Développeurs mobiles (H/F)"]
    );
    assert_eq!(titles(&search(&app, "open_to_iae=true").await), ["Développeur Java"]);
    // 15 €/h is 2,275 €/month; the bakery's 20,000 €/year is 1,667 €/month.
    assert_eq!(search(&app, "min_monthly_salary=2000").await["total"], 3);
    assert_eq!(titles(&search(&app, "min_monthly_salary=2500").await).len(), 2);
    assert_eq!(titles(&search(&app, "min_quality=60").await), ["Boulanger"]);

    // Facets cover every match and add up to the total.
    let all = search(&app, "limit=1&sort=date").await;
    assert_eq!(all["total"], 4);
    for facet in ["contract_types", "departements"] {
        let sum: i64 = all["facets"][facet].as_array().expect("facet").iter().filter_map(|f| f["count"].as_i64()).sum();
        assert_eq!(sum, 4, "{facet}: {}", all["facets"]);
    }
    assert_eq!(all["facets"]["departements"][0], json!({"value": "69", "count": 3}));
    assert_eq!(all["items"].as_array().map(Vec::len), Some(1));
    // Pages follow the cursor without repeating an offer.
    let mut seen = Vec::new();
    let mut cursor = all["next_cursor"].as_str().map(str::to_owned);
    seen.push(all["items"][0]["id"].clone());
    while let Some(next) = cursor {
        let page = search(&app, &format!("limit=1&sort=date&cursor={next}")).await;
        seen.push(page["items"][0]["id"].clone());
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    seen.dedup();
    assert_eq!(seen.len(), 4);
}

async fn bad_searches_are_refused_with_the_rule(app: TestApp) {
    let cases = [
        ("rome=m1805", "rome[0]", "rome.format"),
        ("rome=Z9999", "rome[0]", "rome.format"),
        ("rome=A9999", "rome[0]", "rome.unknown"),
        ("contract_type=cdi,freelance", "contract_type[1]", "contract_type.unknown"),
        ("near_commune=69999", "near_commune", "commune.unknown"),
        ("near_commune=69123&radius_km=500", "radius_km", "radius.range"),
        ("radius_km=5", "radius_km", "radius.without_center"),
        ("sort=distance", "sort", "sort.distance_without_center"),
        ("sort=price", "sort", "sort.unknown"),
        ("min_monthly_salary=-5", "min_monthly_salary", "salary.negative"),
        ("published_since=yesterday", "published_since", "date.format"),
        ("limit=0", "limit", "limit.range"),
        ("cursor=abc", "cursor", "cursor.invalid"),
        ("latitude=45.7", "near_commune", "near.ambiguous"),
    ];
    for (query, field, rule) in cases {
        let response = app.client.get(app.url(&format!("/v1/offers?{query}"))).send().await.expect("GET");
        let problem = assert_problem(response, 400, "invalid_query").await;
        assert_eq!(
            (problem["errors"][0]["field"].as_str(), problem["errors"][0]["rule"].as_str()),
            (Some(field), Some(rule)),
            "{query}: {problem}"
        );
    }
    let response = app.client.get(app.url("/v1/offers?colour=blue")).send().await.expect("GET");
    assert_problem(response, 400, "invalid_query").await;
}

async fn expired_offers_leave_the_search_and_the_sweep_records_it(app: TestApp) {
    let board = job_board(&app).await;
    let now = chrono::Utc::now();
    let soon = with(
        with(publication("SOON"), "/offer/published_at", json!(now - chrono::Duration::days(1))),
        "/offer/expires_at",
        json!(now + chrono::Duration::seconds(2)),
    );
    let offer = body_of(publish(&app, &board, &soon).await).await;
    let id = offer["offer"]["id"].as_str().expect("id").to_owned();
    assert_eq!(search(&app, "q=developpeur").await["total"], 1);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(search(&app, "q=developpeur").await["total"], 0, "gone at its expiry time, before any sweep");

    let expired = plateforme_offers::expiry::sweep(&app.store).await.expect("sweep");
    assert_eq!(expired, 1);
    let read = body_of(
        app.client.get(app.url(&format!("/v1/offers/{id}"))).bearer_auth(&board.token).send().await.expect("GET"),
    )
    .await;
    assert_eq!(read["status"], "expired");
    let history = body_of(get_as(&app, &board, &format!("/v1/offers/{id}/history")).await).await;
    assert_eq!(history["items"][1]["changes"], json!({"status": "expired"}), "{history}");
    assert_eq!(history["items"][1]["actor"], "plateforme");
    let anonymous = app.client.get(app.url(&format!("/v1/offers/{id}"))).send().await.expect("GET");
    assert_problem(anonymous, 404, "not_found").await;

    // Published again with a later expiry, it reopens.
    let later = with(soon, "/offer/expires_at", json!(now + chrono::Duration::days(30)));
    let reopened = body_of(publish(&app, &board, &later).await).await;
    assert_eq!((reopened["outcome"].as_str(), reopened["offer"]["status"].as_str()), (Some("updated"), Some("open")));
    assert_eq!(plateforme_offers::expiry::sweep(&app.store).await.expect("sweep"), 0);
}

async fn put_status(app: &TestApp, client: &TestClient, id: &str, version: Option<i64>, status: &str) -> Response {
    let mut request = app
        .client
        .put(app.url(&format!("/v1/offers/{id}/status")))
        .bearer_auth(&client.token)
        .json(&json!({"status": status, "reason": "test"}));
    if let Some(version) = version {
        request = request.header("if-match", format!("\"{version}\""));
    }
    request.send().await.expect("PUT status")
}

async fn status_changes_follow_the_life_of_an_offer(app: TestApp) {
    let (board, stranger) = (job_board(&app).await, app.register(OrganizationKind::Employer, WRITE).await);
    let offer = body_of(publish(&app, &board, &publication("LIFE")).await).await["offer"].clone();
    let id = offer["id"].as_str().expect("id").to_owned();

    assert_problem(put_status(&app, &board, &id, None, "suspended").await, 428, "precondition_required").await;
    assert_problem(put_status(&app, &board, &id, Some(9), "suspended").await, 412, "precondition_failed").await;
    assert_problem(put_status(&app, &stranger, &id, Some(1), "filled").await, 403, "forbidden").await;
    let problem =
        assert_problem(put_status(&app, &board, &id, Some(1), "expired").await, 409, "invalid_transition").await;
    assert_eq!(problem["errors"][0]["rule"], "status.not_settable");

    let suspended = body_of(put_status(&app, &board, &id, Some(1), "suspended").await).await;
    assert_eq!((suspended["status"].as_str(), suspended["version"].as_i64()), (Some("suspended"), Some(2)));
    assert_eq!(search(&app, "q=developpeur").await["total"], 0, "suspended offers are not searched");
    let filled = body_of(put_status(&app, &board, &id, Some(2), "filled").await).await;
    assert_eq!((filled["status"].as_str(), filled["status_reason"].as_str()), (Some("filled"), Some("test")));
    let problem = assert_problem(put_status(&app, &board, &id, Some(3), "open").await, 409, "invalid_transition").await;
    assert_eq!(problem["errors"][0]["rule"], "status.transition");
    assert!(problem["detail"].as_str().unwrap_or("").contains("filled is final"), "{problem}");

    // A filled offer takes no more publications from its source.
    let again = with(publication("LIFE"), "/offer/positions", json!(2));
    assert_problem(publish(&app, &board, &again).await, 409, "invalid_transition").await;
    let reader = app.register(OrganizationKind::MissionLocale, &["offers:read"]).await;
    let read =
        app.client.get(app.url(&format!("/v1/offers/{id}"))).bearer_auth(&reader.token).send().await.expect("GET");
    assert_eq!(read.status().as_u16(), 200, "offers:read sees filled offers");
    let anonymous = app.client.get(app.url(&format!("/v1/offers/{id}"))).send().await.expect("GET");
    assert_problem(anonymous, 404, "not_found").await;
}

async fn withdrawing_the_last_source_deletes_the_offer_with_a_change_event(app: TestApp) {
    let (first, second) = (job_board(&app).await, job_board(&app).await);
    let id =
        body_of(publish(&app, &first, &publication("W-1")).await).await["offer"]["id"].as_str().expect("id").to_owned();
    let merged = body_of(publish(&app, &second, &publication("W-2")).await).await;
    assert_eq!(merged["outcome"], "merged");
    let delete = |client: &TestClient, version: i64| {
        app.client
            .delete(app.url(&format!("/v1/offers/{id}")))
            .bearer_auth(&client.token)
            .header("if-match", format!("\"{version}\""))
            .send()
    };
    assert_eq!(delete(&first, 2).await.expect("DELETE").status().as_u16(), 204);
    let offer = body_of(app.get(&format!("/v1/offers/{id}")).await).await;
    assert_eq!(offer["sources"].as_array().map(Vec::len), Some(1));
    assert_problem(delete(&first, 3).await.expect("DELETE"), 403, "forbidden").await;
    assert_eq!(delete(&second, 3).await.expect("DELETE").status().as_u16(), 204);
    assert_problem(app.get(&format!("/v1/offers/{id}")).await, 404, "not_found").await;

    let store = app.store.clone();
    let offer_id = id.parse().expect("a UUID");
    let events =
        store.run(move |conn| plateforme_store::changes::of_resource(conn, "offer", offer_id)).await.expect("changes");
    let actions: Vec<&str> = events.iter().map(|event| event.action.as_str()).collect();
    assert_eq!(actions, ["created", "updated", "updated", "deleted"]);
    assert_eq!(search(&app, "").await["total"], 0);
}

async fn only_publishers_publish_and_anyone_searches(app: TestApp) {
    // The network's members publish what their employer-relations teams collect (#69, #72); a
    // State service publishes nothing.
    let mission_locale = app.register(OrganizationKind::MissionLocale, WRITE).await;
    assert_eq!(publish(&app, &mission_locale, &publication("M-1")).await.status().as_u16(), 201);
    let state_service = app.register(OrganizationKind::StateService, WRITE).await;
    assert_problem(publish(&app, &state_service, &publication("X")).await, 403, "forbidden").await;
    let reader = app.register(OrganizationKind::Partner, &["offers:read"]).await;
    assert_problem(publish(&app, &reader, &publication("X")).await, 403, "forbidden").await;
    let response = app.client.post(app.url("/v1/offers")).json(&publication("X")).send().await.expect("POST");
    assert_problem(response, 401, "unauthorized").await;
    let employer = app.register(OrganizationKind::Employer, WRITE).await;
    // An employer publishes its own jobs: under its own SIRET (docs/offers.md, Ownership).
    let own = body_of(app.get(&format!("/v1/organizations/{}", employer.organization_id)).await).await;
    let own_job = with(publication("E-1"), "/offer/employer/siret", own["siret"].clone());
    assert_eq!(publish(&app, &employer, &own_job).await.status().as_u16(), 201);

    // The public search needs no token and counts against the anonymous limit.
    let response = app.client.get(app.url("/v1/offers?q=developpeur")).send().await.expect("GET");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().contains_key("ratelimit-limit"));
    // A token of any scope works too.
    let response = app.client.get(app.url("/v1/offers")).bearer_auth(&mission_locale.token).send().await.expect("GET");
    assert_eq!(body_of(response).await["total"], 2);
    let response = app.client.get(app.url("/v1/offers")).bearer_auth("not-a-token").send().await.expect("GET");
    assert_problem(response, 401, "unauthorized").await;
}

async fn a_batch_matches_each_source_by_its_own_system_and_reference(app: TestApp) {
    let board = job_board(&app).await;
    let first =
        body_of(batch(&app, &board, &[job_of("A", "1", 501).to_string(), job_of("B", "2", 502).to_string()]).await)
            .await;
    let known = outcomes_and_offers(&first);
    assert!(known.iter().all(|(outcome, _)| outcome == "created"), "{first}");
    let (a1, b2) = (known[0].1.clone(), known[1].1.clone());

    // A/2 and B/1 cross A/1 and B/2: system of one, reference of the other. They are new
    // sources of new jobs; A/1 and B/2, sent again as they were, are unchanged.
    let lines = [
        job_of("A", "2", 503).to_string(),
        job_of("B", "1", 504).to_string(),
        job_of("A", "1", 501).to_string(),
        job_of("B", "2", 502).to_string(),
    ];
    let second = body_of(batch(&app, &board, &lines).await).await;
    let answers = outcomes_and_offers(&second);
    let outcomes: Vec<&str> = answers.iter().map(|(outcome, _)| outcome.as_str()).collect();
    assert_eq!(outcomes, ["created", "created", "unchanged", "unchanged"], "{second}");
    assert_eq!((answers[2].1.as_str(), answers[3].1.as_str()), (a1.as_str(), b2.as_str()));
    let ids: std::collections::BTreeSet<&str> = answers.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(ids.len(), 4, "four offers: {second}");
    for (index, (system, reference)) in [("A", "2"), ("B", "1"), ("A", "1"), ("B", "2")].into_iter().enumerate() {
        let offer = body_of(get_as(&app, &board, &format!("/v1/offers/{}", answers[index].1)).await).await;
        let sources = offer["sources"].as_array().cloned().unwrap_or_default();
        let pairs: Vec<(&str, &str)> = sources
            .iter()
            .map(|source| (source["system"].as_str().unwrap_or(""), source["reference"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(pairs, [(system, reference)], "{offer}");
    }
}

async fn offers_a_batch_joins_move_to_their_next_version_with_their_events(app: TestApp) {
    let (first, second) = (job_board(&app).await, job_board(&app).await);
    let jobs = [job_of("jobboard", "J-1", 601), job_of("jobboard", "J-2", 602), job_of("jobboard", "J-3", 603)];
    let created = body_of(batch(&app, &first, &jobs.iter().map(Value::to_string).collect::<Vec<_>>()).await).await;
    let ids: Vec<String> = outcomes_and_offers(&created).into_iter().map(|(_, id)| id).collect();
    let before = body_of(get_as(&app, &first, &format!("/v1/offers/{}", ids[0])).await).await;

    // The second board publishes the same jobs in its own words; the third twice (two references).
    let twin = |reference: &str, employer: u64| {
        with(job_of("other", reference, employer), "/offer/description", json!("Notre rédaction de l'annonce."))
    };
    let lines = [twin("T-1", 601), twin("T-2", 602), twin("T-3", 603), twin("T-3bis", 603)];
    let merged = body_of(batch(&app, &second, &lines.iter().map(Value::to_string).collect::<Vec<_>>()).await).await;
    let results = merged["results"].as_array().cloned().unwrap_or_default();
    let answers: Vec<(&str, i64, &str)> = results
        .iter()
        .map(|r| {
            (
                r["outcome"].as_str().unwrap_or(""),
                r["version"].as_i64().unwrap_or(0),
                r["offer_id"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        answers,
        [
            ("merged", 2, ids[0].as_str()),
            ("merged", 2, ids[1].as_str()),
            ("merged", 2, ids[2].as_str()),
            ("merged", 3, ids[2].as_str())
        ],
        "{merged}"
    );

    // Each offer is at its new version, its document the first publisher's, its time moved.
    let after = body_of(get_as(&app, &first, &format!("/v1/offers/{}", ids[0])).await).await;
    assert_eq!(after["version"], 2);
    assert_eq!(after["description"], before["description"], "the owner's document stays");
    assert_eq!(after["title"], before["title"]);
    assert_eq!(after["sources"].as_array().map(Vec::len), Some(2));
    let time = |offer: &Value| {
        offer["updated_at"].as_str().and_then(|time| time.parse::<chrono::DateTime<chrono::Utc>>().ok())
    };
    assert!(time(&after).is_some() && time(&after) > time(&before), "{before} {after}");
    let third = body_of(get_as(&app, &first, &format!("/v1/offers/{}", ids[2])).await).await;
    assert_eq!((third["version"].as_i64(), third["sources"].as_array().map(Vec::len)), (Some(3), Some(3)));

    // One version, one history entry and one change event per merge, as published one by one.
    let history = body_of(get_as(&app, &first, &format!("/v1/offers/{}/history", ids[2])).await).await;
    let items = history["items"].as_array().cloned().unwrap_or_default();
    let entries: Vec<(i64, &str)> = items
        .iter()
        .map(|item| (item["version"].as_i64().unwrap_or(0), item["action"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(entries, [(1, "created"), (2, "updated"), (3, "updated")], "{history}");
    assert_eq!(items[1]["changes"]["sources"].as_array().map(Vec::len), Some(2), "{history}");
    let references = |sources: &Value| {
        let mut references: Vec<String> = sources
            .as_array()
            .map(|sources| {
                sources.iter().filter_map(|source| source["reference"].as_str().map(str::to_owned)).collect()
            })
            .unwrap_or_default();
        references.sort();
        references
    };
    assert_eq!(references(&items[2]["changes"]["sources"]), ["J-3", "T-3", "T-3bis"], "{history}");
    assert_eq!(references(&third["sources"]), ["J-3", "T-3", "T-3bis"], "{third}");
    crate::change_feed::settle(&app).await;
    let events = app
        .store
        .run(|conn| plateforme_store::changes::read(conn, plateforme_store::changes::FeedPosition::START, 10_000))
        .await
        .expect("the change feed");
    for (index, expected) in [
        vec![(1, "created"), (2, "updated")],
        vec![(1, "created"), (2, "updated")],
        vec![(1, "created"), (2, "updated"), (3, "updated")],
    ]
    .into_iter()
    .enumerate()
    {
        let of_offer: Vec<(i64, &str)> = events
            .iter()
            .filter(|event| event.resource_type == "offer" && event.resource_id.to_string() == ids[index])
            .map(|event| (event.version, event.action.as_str()))
            .collect();
        assert_eq!(of_offer, expected, "the events of offer {index}");
    }

    // The version moved in the database: the owner's update from it is taken.
    let changed = with(jobs[0].clone(), "/offer/positions", json!(2));
    let updated = body_of(publish(&app, &first, &changed).await).await;
    assert_eq!(
        (updated["outcome"].as_str(), updated["offer"]["version"].as_i64()),
        (Some("updated"), Some(3)),
        "{updated}"
    );
}
