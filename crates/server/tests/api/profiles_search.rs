//! The profile bank as recruiters search it (issue 14, item 2): consenting persons are found,
//! withdrawn or paused ones are gone from the next search; the answer is an allow-list with a
//! pseudonym per recruiter organization; protected criteria are refused; every view journaled.

use std::time::Duration;

use plateforme_model::organization::OrganizationKind::*;
use serde_json::{Value, json};

use crate::dossier::post_as;
use crate::helpers::{TestApp, TestClient, assert_problem, json};
use crate::my_data::person_token;
use crate::on_both_backends;
use crate::profiles::{consent_to_the_bank, followed_person, profile};

on_both_backends!(
    a_consenting_person_is_found_and_leaves_at_once,
    recruiters_see_only_the_allow_list_under_their_own_pseudonym,
    protected_criteria_and_bad_parameters_are_refused,
    the_demo_recruiter_finds_the_demo_profiles,
);

async fn search(app: &TestApp, recruiter: &TestClient, query: &str) -> Value {
    let response = app
        .client
        .get(app.url(&format!("/v1/profiles{query}")))
        .bearer_auth(&recruiter.token)
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status().as_u16(), 200, "search {query}");
    json(response).await
}

/// Searches until `count` profiles are found: the index follows the change feed.
async fn search_until(app: &TestApp, recruiter: &TestClient, query: &str, count: usize) -> Value {
    for _ in 0..100 {
        let found = search(app, recruiter, query).await;
        if found["items"].as_array().map_or(0, Vec::len) == count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{query} never found {count} profiles");
}

async fn recruiter(app: &TestApp) -> TestClient {
    app.register(Employer, &["profiles:read"]).await
}

async fn a_consenting_person_is_found_and_leaves_at_once(app: TestApp) {
    let employer = recruiter(&app).await;
    let (ml, id) = followed_person(&app, "Trouvee").await;
    let consent = consent_to_the_bank(&app, &ml, &id).await;
    let path = format!("/v1/persons/{id}/profile");
    assert_eq!(app.put_as(&ml.token, &path, None, &profile()).await.status().as_u16(), 201);

    let found = search_until(&app, &employer, "?rome=M1805&near_commune=69266&radius_km=20", 1).await;
    assert_eq!(found["items"][0]["departement"], "69");
    assert!(found["items"][0]["distance_km"].as_f64().is_some_and(|km| km < 20.0), "{found}");
    search_until(&app, &employer, "?skills=sql&contract_type=cdi&available_by=2027-02-01", 1).await;
    assert_eq!(search(&app, &employer, "?rome=K2204").await["items"], json!([]), "another job");
    assert_eq!(search(&app, &employer, "?available_by=2026-12-01").await["items"], json!([]), "not available yet");
    assert_eq!(search(&app, &employer, "?near_commune=13055&radius_km=50").await["items"], json!([]), "Marseille");
    assert_eq!(search(&app, &employer, "?disability_recognition=true").await["items"], json!([]), "not shown");

    // Paused: gone from the very next search; resumed: back.
    let token = person_token(&app, &ml, &id).await;
    let pause = app.client.post(app.url("/v1/me/profile/pause")).bearer_auth(&token).send().await.expect("POST");
    assert_eq!(pause.status().as_u16(), 200);
    assert_eq!(search(&app, &employer, "?rome=M1805").await["items"], json!([]), "paused");
    app.client.post(app.url("/v1/me/profile/resume")).bearer_auth(&token).send().await.expect("POST");
    search_until(&app, &employer, "?rome=M1805", 1).await;

    // Consent withdrawn: gone from the very next search, whatever the index holds yet.
    let withdrawn = post_as(&app, &ml, &format!("/v1/persons/{id}/consents/{consent}/withdraw"), &json!({})).await;
    assert_eq!(withdrawn.status().as_u16(), 200);
    assert_eq!(search(&app, &employer, "?rome=M1805").await["items"], json!([]), "withdrawn");
}

async fn recruiters_see_only_the_allow_list_under_their_own_pseudonym(app: TestApp) {
    let (ml, id) = followed_person(&app, "Confidentielle").await;
    consent_to_the_bank(&app, &ml, &id).await;
    assert_eq!(
        app.put_as(&ml.token, &format!("/v1/persons/{id}/profile"), None, &profile()).await.status().as_u16(),
        201
    );
    let one = recruiter(&app).await;
    let other = recruiter(&app).await;
    let seen_by_one = search_until(&app, &one, "?rome=M1805", 1).await;
    let seen_by_other = search_until(&app, &other, "?rome=M1805", 1).await;

    let pseudonym = seen_by_one["items"][0]["pseudonym"].as_str().expect("pseudonym").to_owned();
    assert!(pseudonym.starts_with("pf_"), "{pseudonym}");
    assert_ne!(seen_by_other["items"][0]["pseudonym"], pseudonym.as_str(), "two organizations cannot correlate");
    assert_eq!(search(&app, &one, "?skills=SQL").await["items"][0]["pseudonym"], pseudonym.as_str(), "stable");

    // The allow-list: exactly these members, and nothing of the person's identity anywhere.
    let item = &seen_by_one["items"][0];
    let mut members: Vec<&str> = item.as_object().expect("object").keys().map(String::as_str).collect();
    members.sort_unstable();
    let allowed = [
        "available_from",
        "certifications",
        "contract_types",
        "departement",
        "driving_licences",
        "languages",
        "mobility_radius_km",
        "pseudonym",
        "qualification_level",
        "remote_work",
        "skills",
        "target_jobs",
        "working_time",
    ];
    assert_eq!(members, allowed);
    let text = seen_by_one.to_string();
    for forbidden in [
        id.as_str(),
        "Confidentielle",
        "Léa",
        "2006-03-14",
        "lea@example.org",
        "06 12 34 56 78",
        "République",
        "69002",
        "69123",
        "nir",
        "nationality",
        "birth",
        "family_name",
        "email",
        "phone",
        "address",
        "photo",
        "person_id",
    ] {
        assert!(!text.contains(forbidden), "{forbidden} appears in a recruiter's answer: {text}");
    }

    // Each view is journaled; the person sees which organizations saw their profile.
    let token = person_token(&app, &ml, &id).await;
    let journal =
        json(app.client.get(app.url("/v1/me/journal?limit=100")).bearer_auth(&token).send().await.expect("GET")).await;
    let viewers: Vec<&str> = journal["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|entry| entry["section"] == "profile" && entry["action"] == "read")
        .filter_map(|entry| entry["organization_id"].as_str())
        .collect();
    assert!(viewers.contains(&one.organization_id.to_string().as_str()), "{journal}");
    assert!(viewers.contains(&other.organization_id.to_string().as_str()), "{journal}");
}

async fn protected_criteria_and_bad_parameters_are_refused(app: TestApp) {
    let employer = recruiter(&app).await;
    let get = |query: &'static str| {
        app.client.get(app.url(&format!("/v1/profiles{query}"))).bearer_auth(&employer.token).send()
    };
    for criterion in
        ["?age=30", "?sex=F", "?nationality=FR", "?origin=x", "?disability=true", "?family_situation=single"]
    {
        let problem = assert_problem(get(criterion).await.expect("GET"), 400, "invalid_query").await;
        assert_eq!(problem["errors"][0]["rule"], "criterion.protected", "{criterion}");
        assert!(problem["errors"][0]["message"].as_str().is_some_and(|m| m.contains("L.1132-1")), "{problem}");
    }
    let both = assert_problem(get("?rome=M1805&max_age=40&gender=M").await.expect("GET"), 400, "invalid_query").await;
    assert_eq!(both["errors"].as_array().map(Vec::len), Some(2), "each protected criterion is named");

    for (query, rule) in [
        ("?rome=m1805", "rome.format"),
        ("?contract_type=cdx", "contract_type.unknown"),
        ("?near_commune=69999", "commune.unknown"),
        ("?near_commune=69123&radius_km=500", "radius.range"),
        ("?radius_km=5", "radius.without_center"),
        ("?available_by=demain", "date.format"),
        ("?limit=0", "limit.range"),
        ("?cursor=forged", "cursor.invalid"),
    ] {
        let problem = assert_problem(get(query).await.expect("GET"), 400, "invalid_query").await;
        assert_eq!(problem["errors"][0]["rule"], rule, "{query}: {problem}");
    }
    assert_problem(get("?colour=blue").await.expect("GET"), 400, "invalid_query").await;

    // Without profiles:read, no search.
    let other = app.register(Employer, &["offers:read"]).await;
    let refused = app.client.get(app.url("/v1/profiles")).bearer_auth(&other.token).send().await.expect("GET");
    assert_problem(refused, 403, "forbidden").await;
}

/// `serve --demo`: the demo employer (scope `profiles:read`) finds the demo persons' profiles,
/// bakers near its bakery among them, one of whom accepted its contact request; seeding again
/// writes no second person, profile nor request.
async fn the_demo_recruiter_finds_the_demo_profiles(app: TestApp) {
    let store = app.store.clone();
    let seed = move || plateforme_server::seed::seed_demo(&store, 1000).expect("seed the demo data");
    let first = actix_web::rt::task::spawn_blocking(seed.clone()).await.expect("seed");
    assert_eq!(first.profiles, 6, "the demo persons with a profile");
    let again = actix_web::rt::task::spawn_blocking(seed).await.expect("seed again");
    assert_eq!(again.profiles, 0, "seeding again writes nothing");

    let token = app.token_for("demo-employer", "demo-employer-secret", None).await;
    let employer = TestClient {
        client_id: "demo-employer".into(),
        secret: "demo-employer-secret".into(),
        organization_id: uuid::Uuid::nil(),
        token,
    };
    let bakers = search_until(&app, &employer, "?rome=D1102&near_commune=69123&radius_km=20", 2).await;
    for baker in bakers["items"].as_array().expect("items") {
        assert!(baker["pseudonym"].as_str().is_some_and(|p| p.starts_with("pf_")), "{baker}");
        assert!(baker.get("family_name").is_none() && baker.get("commune").is_none(), "{baker}");
    }
    search_until(&app, &employer, "?limit=50", 6).await;

    // The demo bakery's contact request, accepted by the first demo baker, seeded once.
    let sent = app
        .store
        .run(|conn| {
            let bakery = plateforme_store::organizations::find_by_siret(conn, "90000000600008")?.expect("the bakery");
            let since = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
            plateforme_store::profiles::contact_requests::sent_since(conn, bakery.id, since)
        })
        .await
        .expect("the bakery's requests");
    assert_eq!(sent.0, 1, "one demo contact request");
}
