//! Lenient parsing refused (issue 20, defect 6): a cursor is opaque and signed, so a forged,
//! unsigned or mangled one answers 400 `cursor.invalid` on every list instead of a page; and
//! dates are read only as `YYYY-MM-DD` and times only as RFC 3339, within plausible ranges; and
//! the contract states the minimum of a client's rate limit the server enforces.

use plateforme_model::organization::OrganizationKind;
use serde_json::{Value, json};

use crate::dossier::{france_travail, get_as, person, post_as, register_person};
use crate::helpers::{TestApp, assert_problem, create_organization, json, next_link, siret, unique_number};

crate::on_both_backends!(
    forged_cursors_are_refused_on_every_list,
    forged_cursors_are_refused_on_the_dossier_lists,
    forged_offset_cursors_are_refused_by_the_offer_search,
    the_cursors_handed_out_still_page,
    the_contract_states_the_rate_limit_the_server_enforces,
    lenient_dates_are_refused_in_the_dossier,
    lenient_or_implausible_offer_dates_are_refused,
);

/// Cursors no deployment signed: base64url of `k1:` (an empty key, once read as the first
/// page), of `k1:0`, arbitrary text, the offer search's old offset form with and without a sign.
const FORGED: [&str; 6] = ["azE6", "azE6MA", "abc", "o+5", "o5", "not a cursor"];

async fn assert_cursor_refused(response: reqwest::Response, context: &str) {
    let problem = assert_problem(response, 400, "invalid_query").await;
    assert_eq!(problem["errors"][0]["field"], "cursor", "{context}: {problem}");
    assert_eq!(problem["errors"][0]["rule"], "cursor.invalid", "{context}: {problem}");
}

fn with_cursor(path: &str, cursor: &str) -> String {
    // The forged cursors' only characters a query must escape.
    let encoded = cursor.replace('+', "%2B").replace(' ', "%20");
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}cursor={encoded}")
}

async fn forged_cursors_are_refused_on_every_list(app: TestApp) {
    let organization = create_organization(&app, unique_number()).await;
    let id = organization["id"].as_str().expect("id");
    let lists = [
        "/v1/organizations".to_owned(),
        format!("/v1/organizations/{id}/history"),
        "/v1/admin/clients".to_owned(),
        "/v1/admin/journal".to_owned(),
    ];
    for list in &lists {
        for forged in FORGED {
            let path = with_cursor(list, forged);
            assert_cursor_refused(app.get(&path).await, &path).await;
        }
    }
}

async fn forged_cursors_are_refused_on_the_dossier_lists(app: TestApp) {
    let ft = france_travail(&app).await;
    let created = register_person(&app, &ft, &person("Martin", false)).await;
    let id = created["id"].as_str().expect("id");
    let lists = ["/v1/persons?unoriented_for_days=30".to_owned()]
        .into_iter()
        .chain(["history", "timeline", "contracts", "consents"].map(|list| format!("/v1/persons/{id}/{list}")));
    for list in lists {
        for forged in FORGED {
            let path = with_cursor(&list, forged);
            assert_cursor_refused(get_as(&app, &ft, &path).await, &path).await;
        }
    }
}

async fn forged_offset_cursors_are_refused_by_the_offer_search(app: TestApp) {
    for forged in FORGED {
        let path = with_cursor("/v1/offers", forged);
        let response = app.client.get(app.url(&path)).send().await.expect("GET /v1/offers");
        assert_cursor_refused(response, &path).await;
    }
    // A keyset cursor the API handed out is signed, but is not a position in a search.
    for _ in 0..3 {
        create_organization(&app, unique_number()).await;
    }
    let first = app.get("/v1/organizations?limit=1").await;
    let next = json(first).await["next_cursor"].as_str().expect("a next page").to_owned();
    let response = app.client.get(app.url(&with_cursor("/v1/offers", &next))).send().await.expect("GET");
    assert_cursor_refused(response, "a keyset cursor in the offer search").await;
}

async fn the_cursors_handed_out_still_page(app: TestApp) {
    for _ in 0..3 {
        create_organization(&app, unique_number()).await;
    }
    let first = app.get("/v1/organizations?limit=2&kind=mission_locale").await;
    assert_eq!(first.status().as_u16(), 200);
    let next = next_link(&first).expect("a second page");
    let first = json(first).await;
    let second = app.get(&next).await;
    assert_eq!(second.status().as_u16(), 200);
    let second = json(second).await;
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
    // One character more or less and the MAC no longer holds.
    let cursor = first["next_cursor"].as_str().expect("next_cursor");
    for mangled in [format!("{cursor}A"), cursor[1..].to_owned(), format!(" {cursor}")] {
        let path = with_cursor("/v1/organizations?limit=2&kind=mission_locale", &mangled);
        assert_cursor_refused(app.get(&path).await, &mangled).await;
    }
}

async fn the_contract_states_the_rate_limit_the_server_enforces(app: TestApp) {
    let contract = json(app.client.get(app.url("/openapi.json")).send().await.expect("GET /openapi.json")).await;
    for schema in ["ClientRegistration", "Client"] {
        let limit = &contract["components"]["schemas"][schema]["properties"]["rate_limit_per_minute"];
        assert_eq!(limit["minimum"], 1, "{schema}: {limit}");
    }
    let admin = app.admin.clone().expect("admin");
    let zero = json!({"organization_id": admin.organization_id, "name": "x", "scopes": ["offers:read"],
        "rate_limit_per_minute": 0});
    let problem = assert_problem(app.post_json("/v1/admin/clients", &zero).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "rate_limit.range", "{problem}");
}

/// Asserts a 422 naming `field` with `rule`.
async fn assert_invalid(response: reqwest::Response, field: &str, rule: &str, context: &str) {
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["rule"].as_str()),
        (Some(field), Some(rule)),
        "{context}: {problem}"
    );
}

async fn lenient_dates_are_refused_in_the_dossier(app: TestApp) {
    let ft = france_travail(&app).await;
    for lenient in ["1990-1-1", "+002006-03-14", "2006-03-14T00:00:00Z"] {
        let probe = json!({"family_name": "MARTIN", "given_names": "Lea", "birth_date": lenient});
        let response = post_as(&app, &ft, "/v1/persons/match", &probe).await;
        assert_invalid(response, "birth_date", "date.format", lenient).await;
        let mut body = person("Martin", false);
        body["identity"]["birth_date"] = json!(lenient);
        let response = post_as(&app, &ft, "/v1/persons", &body).await;
        assert_invalid(response, "identity.birth_date", "date.format", lenient).await;
    }
    let mut body = person("Martin", false);
    body["registration"]["registered_on"] = json!("2026-1-05");
    let response = post_as(&app, &ft, "/v1/persons", &body).await;
    assert_invalid(response, "registration.registered_on", "date.format", "registered_on").await;
}

/// A valid publication of a developer job in Villeurbanne, published at `published_at`.
fn publication(published_at: &str) -> Value {
    json!({
        "source": {"system": "jobboard", "reference": format!("strict-{}", unique_number())},
        "offer": {
            "title": "Développeur web", "description": "Vous développez les services en ligne de nos clients.",
            "rome_code": "M1805", "contract_type": "cdd", "contract_months": 12,
            "workplace": {"commune": "69266"},
            "employer": {"name": "Atelier Numérique", "siret": siret(4243), "naf": "62.01Z"},
            "published_at": published_at
        }
    })
}

async fn lenient_or_implausible_offer_dates_are_refused(app: TestApp) {
    let board = app.register(OrganizationKind::Partner, &["offers:write", "offers:read"]).await;
    let publish = |body: Value| {
        let request = app.client.post(app.url("/v1/offers")).bearer_auth(&board.token).json(&body);
        async move { request.send().await.expect("POST /v1/offers") }
    };
    let cases = [
        ("+002026-11-20T09:00:00Z", "timestamp.format"),
        ("2026-11-20", "timestamp.format"),
        ("2026-11-20 09:00:00Z", "timestamp.format"),
        ("1000-01-01T00:00:00Z", "published_at.too_early"),
        ("2999-01-01T00:00:00Z", "published_at.too_late"),
    ];
    for (published_at, rule) in cases {
        let response = publish(publication(published_at)).await;
        assert_invalid(response, "offer.published_at", rule, published_at).await;
    }
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let response = publish(publication(&now)).await;
    assert_eq!(response.status().as_u16(), 201, "{}", json(response).await);
    // The search's own date filter reads dates as strictly.
    for lenient in ["2026-1-1", "+002026-01-01"] {
        let path = format!("/v1/offers?published_since={}", lenient.replace('+', "%2B"));
        let response = app.client.get(app.url(&path)).send().await.expect("GET /v1/offers");
        let problem = assert_problem(response, 400, "invalid_query").await;
        assert_eq!(problem["errors"][0]["rule"], "date.format", "{lenient}: {problem}");
    }
}
