//! The profile bank's profiles (issue 14): built by the counsellor who follows the person or by
//! the person, kept only while the `profile_bank` consent stands, with provenance per field; the
//! person reads, edits, pauses and deletes theirs.

use plateforme_model::organization::OrganizationKind::*;
use serde_json::{Value, json};

use crate::dossier::{DOSSIER_SCOPES, get_as, person, post_as, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::my_data::person_token;
use crate::on_both_backends;

on_both_backends!(
    a_counsellor_builds_the_profile_only_under_the_consent,
    the_person_reads_edits_pauses_and_deletes_their_profile,
    withdrawing_the_consent_removes_the_profile_at_once,
    bad_profiles_are_refused_with_the_rule_broken,
);

/// A profile for a web developer living in Lyon.
pub fn profile() -> Value {
    json!({
        "target_jobs": [{"rome": "M1805", "experience_years": 3}],
        "skills": ["Développement web", "SQL"],
        "qualification_level": "bac_plus_2",
        "certifications": ["RNCP31114"],
        "languages": ["fr", "en"],
        "driving_licences": ["B"],
        "commune": "69123",
        "mobility_radius_km": 30,
        "contract_types": ["cdi"],
        "working_time": "full_time",
        "available_from": "2027-01-04",
        "remote_work": "partial"
    })
}

/// A person registered by a mission locale, who follows them; returns the mission locale and
/// the person's id.
pub async fn followed_person(app: &TestApp, family_name: &str) -> (TestClient, String) {
    let ml = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let registered = register_person(app, &ml, &person(family_name, false)).await;
    (ml, registered["id"].as_str().expect("id").to_owned())
}

/// Records the person's `profile_bank` consent; returns its id.
pub async fn consent_to_the_bank(app: &TestApp, counsellor: &TestClient, id: &str) -> String {
    let response =
        post_as(app, counsellor, &format!("/v1/persons/{id}/consents"), &json!({"kind": "profile_bank"})).await;
    assert_eq!(response.status().as_u16(), 201, "consent");
    json(response).await["id"].as_str().expect("consent id").to_owned()
}

/// A followed person with a consent and a profile built by the mission locale.
pub async fn person_with_profile(app: &TestApp, family_name: &str) -> (TestClient, String) {
    let (ml, id) = followed_person(app, family_name).await;
    consent_to_the_bank(app, &ml, &id).await;
    let built = app.put_as(&ml.token, &format!("/v1/persons/{id}/profile"), None, &profile()).await;
    assert_eq!(built.status().as_u16(), 201, "profile built");
    (ml, id)
}

async fn a_counsellor_builds_the_profile_only_under_the_consent(app: TestApp) {
    let (ml, id) = followed_person(&app, "Profil").await;
    let path = format!("/v1/persons/{id}/profile");
    let refused = assert_problem(app.put_as(&ml.token, &path, None, &profile()).await, 409, "invalid_transition").await;
    assert_eq!(refused["errors"][0]["rule"], "profile_bank_consent.missing");
    assert_problem(get_as(&app, &ml, &path).await, 404, "not_found").await;

    consent_to_the_bank(&app, &ml, &id).await;
    let created = app.put_as(&ml.token, &path, None, &profile()).await;
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(header(&created, "location").as_deref(), Some(path.as_str()));
    assert_eq!(header(&created, "etag").as_deref(), Some("\"1\""));
    let body = json(created).await;
    assert_eq!(body["skills"], profile()["skills"]);
    assert_eq!(body["paused"], false);
    assert_eq!(body["provenance"]["skills"]["organization_id"], ml.organization_id.to_string());
    assert_eq!(body["provenance"]["commune"]["client_id"], ml.client_id.as_str());

    // An update needs the current ETag; only the fields it changes get a new provenance.
    let mut changed = profile();
    changed["mobility_radius_km"] = json!(50);
    assert_problem(app.put_as(&ml.token, &path, None, &changed).await, 428, "precondition_required").await;
    assert_problem(app.put_as(&ml.token, &path, Some("\"7\""), &changed).await, 412, "precondition_failed").await;
    let updated = json(app.put_as(&ml.token, &path, Some("\"1\""), &changed).await).await;
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["mobility_radius_km"], 50);
    let same = app.put_as(&ml.token, &path, Some("\"2\""), &changed).await;
    assert_eq!(header(&same, "etag").as_deref(), Some("\"2\""), "a write that changes nothing makes no version");

    // Another mission locale does not follow the person: the person does not exist for it.
    let outsider = app.register(MissionLocale, DOSSIER_SCOPES).await;
    assert_problem(get_as(&app, &outsider, &path).await, 404, "not_found").await;
    assert_problem(app.put_as(&outsider.token, &path, Some("\"2\""), &changed).await, 404, "not_found").await;

    let read = get_as(&app, &ml, &path).await;
    assert_eq!(read.status().as_u16(), 200);
    assert_eq!(json(read).await["mobility_radius_km"], 50);
    // The person sees who wrote and read their profile.
    let token = person_token(&app, &ml, &id).await;
    let journal =
        json(app.client.get(app.url("/v1/me/journal?limit=100")).bearer_auth(&token).send().await.expect("GET")).await;
    let profile_entries: Vec<&Value> =
        journal["items"].as_array().expect("items").iter().filter(|entry| entry["section"] == "profile").collect();
    let actions: Vec<&str> = profile_entries.iter().filter_map(|entry| entry["action"].as_str()).collect();
    // Every write is journaled, the one that changed nothing too.
    assert_eq!(actions, ["write", "write", "write", "read"], "{journal}");
    assert!(profile_entries.iter().all(|entry| entry["organization_id"] == ml.organization_id.to_string()));
}

async fn the_person_reads_edits_pauses_and_deletes_their_profile(app: TestApp) {
    let (ml, id) = person_with_profile(&app, "Moi").await;
    let token = person_token(&app, &ml, &id).await;
    let mine = app.client.get(app.url("/v1/me/profile")).bearer_auth(&token).send().await.expect("GET");
    assert_eq!(mine.status().as_u16(), 200);
    assert_eq!(header(&mine, "etag").as_deref(), Some("\"1\""));
    let mine = json(mine).await;
    assert_eq!(mine["person_id"], id.as_str());
    let text = mine.to_string();
    for identity in ["Moi", "Léa", "2006-03-14", "lea@example.org", "République"] {
        assert!(!text.contains(identity), "a profile holds no identity: {text}");
    }

    let mut edited = profile();
    edited["skills"] = json!(["Développement web", "SQL", "Rust"]);
    assert_problem(app.put_as(&token, "/v1/me/profile", None, &edited).await, 428, "precondition_required").await;
    let written = json(app.put_as(&token, "/v1/me/profile", Some("\"1\""), &edited).await).await;
    assert_eq!(written["version"], 2);
    assert_eq!(written["provenance"]["skills"]["client_id"], "person");
    assert!(written["provenance"]["skills"].get("organization_id").is_none_or(Value::is_null));
    assert_eq!(written["provenance"]["commune"]["organization_id"], ml.organization_id.to_string(), "kept");

    let pause = |path: &'static str| app.client.post(app.url(path)).bearer_auth(&token).send();
    let paused = json(pause("/v1/me/profile/pause").await.expect("POST")).await;
    assert_eq!((paused["paused"].clone(), paused["version"].clone()), (json!(true), json!(3)));
    let again = json(pause("/v1/me/profile/pause").await.expect("POST")).await;
    assert_eq!(again["version"], 3, "pausing a paused profile changes nothing");
    let resumed = json(pause("/v1/me/profile/resume").await.expect("POST")).await;
    assert_eq!((resumed["paused"].clone(), resumed["version"].clone()), (json!(false), json!(4)));
    // A write of the fields keeps the pause as it is.
    pause("/v1/me/profile/pause").await.expect("POST");
    edited["remote_work"] = json!("full");
    let kept = json(app.put_as(&token, "/v1/me/profile", Some("\"5\""), &edited).await).await;
    assert_eq!(kept["paused"], true);

    // Everything held about the person (RGPD article 15) holds the profile and its versions.
    let data = json(app.client.get(app.url("/v1/me")).bearer_auth(&token).send().await.expect("GET")).await;
    assert_eq!(data["profile"]["remote_work"], "full");
    assert!(data["history"].as_array().expect("history").iter().any(|h| h["resource_type"] == "profile"));

    let delete = app.client.delete(app.url("/v1/me/profile")).bearer_auth(&token).send().await.expect("DELETE");
    assert_eq!(delete.status().as_u16(), 204);
    let gone = app.client.get(app.url("/v1/me/profile")).bearer_auth(&token).send().await.expect("GET");
    assert_problem(gone, 404, "not_found").await;
    assert_problem(get_as(&app, &ml, &format!("/v1/persons/{id}/profile")).await, 404, "not_found").await;
    let twice = app.client.delete(app.url("/v1/me/profile")).bearer_auth(&token).send().await.expect("DELETE");
    assert_problem(twice, 404, "not_found").await;
    // The consent still stands: the person may write a new profile.
    let anew = app.put_as(&token, "/v1/me/profile", None, &profile()).await;
    assert_eq!(anew.status().as_u16(), 201);
    assert_eq!(header(&anew, "etag").as_deref(), Some("\"8\""), "versions continue after the deleted profile's");
    // The history keeps every version, the deletion included.
    let history = json(get_as(&app, &ml, &format!("/v1/persons/{id}/timeline?limit=100")).await).await;
    let profile_events =
        history["items"].as_array().map_or(0, |items| items.iter().filter(|e| e["resource_type"] == "profile").count());
    assert!(profile_events >= 7, "{history}");
}

async fn withdrawing_the_consent_removes_the_profile_at_once(app: TestApp) {
    let (ml, id) = followed_person(&app, "Retrait").await;
    let consent = consent_to_the_bank(&app, &ml, &id).await;
    let path = format!("/v1/persons/{id}/profile");
    assert_eq!(app.put_as(&ml.token, &path, None, &profile()).await.status().as_u16(), 201);
    let token = person_token(&app, &ml, &id).await;

    let withdrawn = post_as(&app, &ml, &format!("/v1/persons/{id}/consents/{consent}/withdraw"), &json!({})).await;
    assert_eq!(withdrawn.status().as_u16(), 200);
    assert_problem(get_as(&app, &ml, &path).await, 404, "not_found").await;
    let mine = app.client.get(app.url("/v1/me/profile")).bearer_auth(&token).send().await.expect("GET");
    assert_problem(mine, 404, "not_found").await;
    let refused = app.put_as(&token, "/v1/me/profile", None, &profile()).await;
    assert_eq!(
        assert_problem(refused, 409, "invalid_transition").await["errors"][0]["rule"],
        "profile_bank_consent.missing"
    );

    // A new consent lets a new profile be built.
    consent_to_the_bank(&app, &ml, &id).await;
    assert_eq!(app.put_as(&ml.token, &path, None, &profile()).await.status().as_u16(), 201);
}

async fn bad_profiles_are_refused_with_the_rule_broken(app: TestApp) {
    let (ml, id) = followed_person(&app, "Refus").await;
    consent_to_the_bank(&app, &ml, &id).await;
    let path = format!("/v1/persons/{id}/profile");
    let rules = |problem: Value| -> Vec<String> {
        problem["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["rule"].as_str().unwrap_or("").to_owned())
            .collect()
    };

    let mut unknown = profile();
    unknown["target_jobs"][0]["rome"] = json!("M9999");
    unknown["commune"] = json!("69999");
    let problem = assert_problem(app.put_as(&ml.token, &path, None, &unknown).await, 422, "validation_failed").await;
    assert_eq!(rules(problem), ["rome.unknown", "commune.unknown"]);

    let mut malformed = profile();
    malformed["skills"] = json!([""]);
    malformed["languages"] = json!(["French"]);
    malformed["mobility_radius_km"] = json!(500);
    let problem = assert_problem(app.put_as(&ml.token, &path, None, &malformed).await, 422, "validation_failed").await;
    assert_eq!(rules(problem), ["skill.empty", "language.format", "mobility_radius_km.range"]);

    let mut identity = profile();
    identity["family_name"] = json!("Refus");
    assert_eq!(app.put_as(&ml.token, &path, None, &identity).await.status().as_u16(), 422, "no identity field exists");

    // The disability recognition is shown only by the person's choice, and only when recorded.
    let mut shown = profile();
    shown["show_disability_recognition"] = json!(true);
    assert_problem(app.put_as(&ml.token, &path, None, &shown).await, 403, "forbidden").await;
    let token = person_token(&app, &ml, &id).await;
    let problem =
        assert_problem(app.put_as(&token, "/v1/me/profile", None, &shown).await, 422, "validation_failed").await;
    assert_eq!(rules(problem), ["show_disability_recognition.not_recognized"]);
    assert_problem(get_as(&app, &ml, &path).await, 404, "not_found").await;

    // An organization's token does not reach /v1/me; a person's does not reach /v1/persons.
    assert_problem(get_as(&app, &ml, "/v1/me/profile").await, 403, "forbidden").await;
    let other = app.client.put(app.url(&path)).bearer_auth(&token).json(&profile()).send().await.expect("PUT");
    assert!([401, 403].contains(&other.status().as_u16()));
}
