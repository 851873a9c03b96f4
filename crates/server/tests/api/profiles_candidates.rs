//! Candidates ranked for an offer, and offers ranked for a person (issue 14, item 3): each with a
//! score and its reasons; candidates for the offer's publishers only.

use plateforme_model::organization::OrganizationKind::*;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestClient, assert_problem, json};
use crate::my_data::person_token;
use crate::on_both_backends;
use crate::profiles::{consent_to_the_bank, followed_person, profile};

on_both_backends!(candidates_are_ranked_with_their_reasons_for_the_publisher_only);

fn offer(reference: &str, siret: &str) -> Value {
    json!({
        "source": {"system": "jobboard", "reference": reference},
        "offer": {
            "title": "Développeur web",
            "description": "Vous développez les services en ligne de nos clients.",
            "rome_code": "M1805",
            "contract_type": "cdi",
            "workplace": {"commune": "69266"},
            "employer": {"name": "Atelier Numérique", "siret": siret, "naf": "62.01Z"},
            "skills": ["SQL", "Java"]
        }
    })
}

async fn candidates(app: &TestApp, client: &TestClient, offer_id: &str, query: &str) -> reqwest::Response {
    let url = app.url(&format!("/v1/offers/{offer_id}/candidates{query}"));
    app.client.get(url).bearer_auth(&client.token).send().await.expect("GET")
}

async fn candidates_are_ranked_with_their_reasons_for_the_publisher_only(app: TestApp) {
    let board = app.register(Employer, &["offers:read", "offers:write", "profiles:read"]).await;
    // An employer publishes its own jobs, under its own SIRET.
    let organization = json(app.get(&format!("/v1/organizations/{}", board.organization_id)).await).await;
    let siret = organization["siret"].as_str().expect("siret").to_owned();
    let body = offer("C-1", &siret);
    let published = app.client.post(app.url("/v1/offers")).bearer_auth(&board.token).json(&body).send().await;
    let published = published.expect("POST");
    let status = published.status().as_u16();
    let published = json(published).await;
    assert_eq!(status, 201, "{published}");
    let offer_id = published["offer"]["id"].as_str().expect("id").to_owned();

    // Near with SQL (Lyon, next to Villeurbanne), and farther with nothing shared (Grenoble).
    let (ml, near) = followed_person(&app, "Proche").await;
    consent_to_the_bank(&app, &ml, &near).await;
    assert_eq!(
        app.put_as(&ml.token, &format!("/v1/persons/{near}/profile"), None, &profile()).await.status().as_u16(),
        201
    );
    let (other_ml, far) = followed_person(&app, "Loin").await;
    consent_to_the_bank(&app, &other_ml, &far).await;
    let mut distant = profile();
    distant["commune"] = json!("38185");
    distant["skills"] = json!(["Accueil"]);
    let path = format!("/v1/persons/{far}/profile");
    assert_eq!(app.put_as(&other_ml.token, &path, None, &distant).await.status().as_u16(), 201);

    let mut ranked = Value::Null;
    for _ in 0..100 {
        ranked = json(candidates(&app, &board, &offer_id, "?radius_km=150").await).await;
        if ranked["items"].as_array().map_or(0, Vec::len) == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let items = ranked["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{ranked}");
    let (best, second) = (&items[0], &items[1]);
    assert_eq!(best["reasons"]["jobs_matched"], json!(["M1805"]));
    assert_eq!(best["reasons"]["skills_shared"], json!(["SQL"]));
    assert_eq!(best["reasons"]["skills_missing"], json!(["Java"]));
    assert!(best["reasons"]["distance_km"].as_f64().is_some_and(|km| km < 10.0), "{best}");
    assert!(best["score"].as_u64() > second["score"].as_u64(), "{ranked}");
    assert_eq!(second["reasons"]["skills_shared"], json!([]));
    assert!(best["pseudonym"].as_str().is_some_and(|p| p.starts_with("pf_")));
    let text = ranked.to_string();
    for forbidden in [near.as_str(), far.as_str(), "Proche", "Loin", "69123", "38185", "lea@example.org"] {
        assert!(!text.contains(forbidden), "{forbidden} in {text}");
    }
    let near_only = json(candidates(&app, &board, &offer_id, "?radius_km=20").await).await;
    assert_eq!(near_only["items"].as_array().map(Vec::len), Some(1), "Grenoble is beyond 20 km");

    // The person sees that the publisher saw their profile.
    let token = person_token(&app, &ml, &near).await;
    let journal =
        json(app.client.get(app.url("/v1/me/journal?limit=100")).bearer_auth(&token).send().await.expect("GET")).await;
    let seen_by_board = journal["items"].as_array().expect("items").iter().any(|entry| {
        entry["section"] == "profile" && entry["organization_id"] == board.organization_id.to_string().as_str()
    });
    assert!(seen_by_board, "{journal}");

    // The same pseudonym as the profile search gives this organization for the same profile.
    let searched = app.client.get(app.url("/v1/profiles?rome=M1805")).bearer_auth(&board.token).send().await;
    let searched = json(searched.expect("GET")).await;
    let pseudonyms: Vec<&Value> =
        searched["items"].as_array().expect("items").iter().map(|item| &item["pseudonym"]).collect();
    assert!(pseudonyms.contains(&&best["pseudonym"]) && pseudonyms.contains(&&second["pseudonym"]), "{searched}");

    // Only the candidates answered are journaled, each once, by the time the answer comes: with
    // `limit=1` the best one, not the second, though both were ranked.
    let far_token = person_token(&app, &other_ml, &far).await;
    let (near_before, far_before) =
        (profile_reads_by(&app, &token, &board).await, profile_reads_by(&app, &far_token, &board).await);
    let best_only = json(candidates(&app, &board, &offer_id, "?radius_km=150&limit=1").await).await;
    assert_eq!(best_only["items"].as_array().map(Vec::len), Some(1), "{best_only}");
    assert_eq!(best_only["items"][0]["pseudonym"], best["pseudonym"]);
    assert_eq!(profile_reads_by(&app, &token, &board).await, near_before + 1);
    assert_eq!(profile_reads_by(&app, &far_token, &board).await, far_before);

    // The other way round: the offer ranked for the person, from their profile.
    let mine = app.client.get(app.url("/v1/me/offers")).bearer_auth(&token).send().await.expect("GET");
    assert_eq!(mine.status().as_u16(), 200);
    let mine = json(mine).await;
    let ranked_offer =
        mine["items"].as_array().expect("items").iter().find(|item| item["offer"]["id"] == offer_id.as_str());
    let ranked_offer = ranked_offer.unwrap_or_else(|| panic!("the offer is ranked for the person: {mine}"));
    assert_eq!(ranked_offer["reasons"]["skills_shared"], json!(["SQL"]));
    assert_eq!(ranked_offer["reasons"]["jobs_matched"], json!(["M1805"]));
    assert!(ranked_offer["score"].as_u64().is_some_and(|score| score >= 50), "{ranked_offer}");
    let bad = app.client.get(app.url("/v1/me/offers?limit=0")).bearer_auth(&token).send().await.expect("GET");
    assert_problem(bad, 400, "invalid_query").await;
    let organization_token = app.client.get(app.url("/v1/me/offers")).bearer_auth(&board.token).send().await;
    assert_problem(organization_token.expect("GET"), 403, "forbidden").await;

    // Another organization does not rank candidates for an offer it does not publish.
    let stranger = app.register(Employer, &["profiles:read"]).await;
    assert_problem(candidates(&app, &stranger, &offer_id, "").await, 403, "forbidden").await;
    assert_problem(candidates(&app, &board, &offer_id, "?radius_km=0").await, 400, "invalid_query").await;
    assert_problem(candidates(&app, &board, &offer_id, "?age=30").await, 400, "invalid_query").await;
    let missing = "01936b30-0000-7000-8000-000000000099";
    assert_problem(candidates(&app, &board, missing, "").await, 404, "not_found").await;
}

/// How many reads of the person's profile by `recruiter`'s organization their journal shows.
async fn profile_reads_by(app: &TestApp, person_token: &str, recruiter: &TestClient) -> usize {
    let url = app.url("/v1/me/journal?limit=100");
    let journal = json(app.client.get(url).bearer_auth(person_token).send().await.expect("GET")).await;
    let organization = recruiter.organization_id.to_string();
    let items = journal["items"].as_array().expect("items");
    assert!(journal.get("next_cursor").is_none_or(Value::is_null), "one page holds the journal: {journal}");
    items
        .iter()
        .filter(|entry| {
            entry["section"] == "profile"
                && entry["action"] == "read"
                && entry["organization_id"] == organization.as_str()
        })
        .count()
}
