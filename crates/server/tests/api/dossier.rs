//! The person dossier's core: registration once for the network, matching, updates with
//! provenance, orientation, the list for action, the access journal and the person's own view.

use chrono::{Days, Utc};
use plateforme_model::organization::OrganizationKind::*;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::on_both_backends;

on_both_backends!(
    a_person_is_registered_once_for_the_network,
    matching_prefills_only_what_the_caller_may_see,
    bad_registrations_are_refused_with_the_rule_broken,
    updates_keep_provenance_and_need_the_current_etag,
    the_departement_orients_its_rsa_beneficiaries,
    unoriented_persons_are_listed_for_action_within_the_remit,
    every_access_to_a_person_writes_exactly_one_journal_entry,
    a_person_reads_their_dossier_and_who_accessed_it,
    organizations_register_only_persons_they_follow,
    disability_recognition_is_a_sensitive_part,
);

pub const DOSSIER_SCOPES: &[&str] = &["dossier:read", "dossier:write", "dossier.social:read", "dossier.social:write"];

/// A valid NIR for a 13-digit body (its key is 97 minus the body modulo 97).
pub fn nir(body: &str) -> String {
    let number: u64 = body.parse().expect("13 digits");
    format!("{body}{:02}", 97 - number % 97)
}

/// A person born in Lyon on 2006-03-14 (so under 26), resident in Lyon, registered 40 days ago.
pub fn person(family_name: &str, rsa: bool) -> Value {
    let registered_on = Utc::now().date_naive().checked_sub_days(Days::new(40)).expect("date");
    json!({
        "identity": {"family_name": family_name, "given_names": "Léa Marie", "birth_date": "2006-03-14", "birth_commune": "69123"},
        "contact": {"email": "lea@example.org", "phone": "06 12 34 56 78",
            "address": {"line": "12 rue de la République", "postal_code": "69002", "commune": "69123"}},
        "statuses": {"rsa_beneficiary": rsa, "rqth": false},
        "registration": {"registered_on": registered_on, "channel": "counter"}
    })
}

pub async fn france_travail(app: &TestApp) -> TestClient {
    app.register(FranceTravail, DOSSIER_SCOPES).await
}

pub async fn post_as(app: &TestApp, client: &TestClient, path: &str, body: &Value) -> reqwest::Response {
    app.client.post(app.url(path)).bearer_auth(&client.token).json(body).send().await.expect("POST")
}

pub async fn get_as(app: &TestApp, client: &TestClient, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).bearer_auth(&client.token).send().await.expect("GET")
}

/// Registers a person and returns its JSON.
pub async fn register_person(app: &TestApp, client: &TestClient, body: &Value) -> Value {
    let response = post_as(app, client, "/v1/persons", body).await;
    assert_eq!(response.status().as_u16(), 201, "register a person");
    json(response).await
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("id").to_owned()
}

async fn a_person_is_registered_once_for_the_network(app: TestApp) {
    let ft = france_travail(&app).await;
    let mut body = person("Lefèvre", false);
    body["nir"] = json!(nir("2060369123045"));
    let response = post_as(&app, &ft, "/v1/persons", &body).await;
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(header(&response, "etag").as_deref(), Some("\"1\""));
    let location = header(&response, "location").expect("Location");
    let created = json(response).await;
    assert_eq!(location, format!("/v1/persons/{}", id_of(&created)));
    assert_eq!(created["has_nir"], true);
    assert!(!created.to_string().contains("2060369123045"), "the NIR never comes back");
    assert_eq!(created["statuses"]["under_26"], true, "derived from the birth date");
    assert_eq!(created["registration"]["registered_by"], ft.organization_id.to_string());
    assert_eq!(created["provenance"]["identity.family_name"]["organization_id"], ft.organization_id.to_string());

    let ml = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let mut same_nir = person("Autre", false);
    same_nir["nir"] = json!(nir("2060369123045"));
    let problem = assert_problem(post_as(&app, &ml, "/v1/persons", &same_nir).await, 409, "conflict").await;
    assert_eq!(problem["existing_id"], created["id"]);
    let respelled = person("LEFEVRE", false);
    let problem = assert_problem(post_as(&app, &ml, "/v1/persons", &respelled).await, 409, "conflict").await;
    assert_eq!(problem["existing_id"], created["id"], "the same identity, written differently");
}

async fn matching_prefills_only_what_the_caller_may_see(app: TestApp) {
    let ft = france_travail(&app).await;
    let mut body = person("Martin", false);
    body["nir"] = json!(nir("2060369123045"));
    let created = register_person(&app, &ft, &body).await;

    let ml = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let probe = json!({"family_name": "MARTIN", "given_names": "lea", "birth_date": "2006-03-14"});
    let found = json(post_as(&app, &ml, "/v1/persons/match", &probe).await).await;
    let first = &found["matches"][0];
    assert_eq!(first["person_id"], created["id"]);
    assert_eq!(first["matched_on"], "identity");
    assert_eq!(first["in_remit"], false);
    assert_eq!(first["prefill"]["identity"]["family_name"], "Martin");
    assert!(first["prefill"].get("contact").is_none(), "no contact outside the remit: {first}");

    let by_nir =
        json!({"nir": nir("2060369123045"), "family_name": "X", "given_names": "Y", "birth_date": "2006-03-14"});
    let found = json(post_as(&app, &ft, "/v1/persons/match", &by_nir).await).await;
    assert_eq!(found["matches"][0]["matched_on"], "nir");
    assert_eq!(found["matches"][0]["in_remit"], true);
    assert_eq!(found["matches"][0]["prefill"]["contact"]["email"], "lea@example.org");

    let nobody = json!({"family_name": "Personne", "given_names": "Jean", "birth_date": "1990-01-01"});
    assert_eq!(json(post_as(&app, &ft, "/v1/persons/match", &nobody).await).await["matches"], json!([]));
    let elsewhere =
        json!({"family_name": "Martin", "given_names": "Léa", "birth_date": "2006-03-14", "birth_commune": "13055"});
    assert_eq!(json(post_as(&app, &ft, "/v1/persons/match", &elsewhere).await).await["matches"], json!([]));
}

async fn bad_registrations_are_refused_with_the_rule_broken(app: TestApp) {
    let ft = france_travail(&app).await;
    let future = Utc::now().date_naive().checked_add_days(Days::new(3)).expect("date");
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"nir": "206036912304512"}), "nir", "nir.key"),
        (json!({"nir": nir("1850369123045")}), "nir", "nir.birth_date_mismatch"),
        (
            json!({"identity": {"family_name": "X", "given_names": "Y", "birth_date": future, "birth_commune": "69123"}}),
            "identity.birth_date",
            "birth_date.future",
        ),
        (
            json!({"identity": {"family_name": "X", "given_names": "Y", "birth_date": "2000-01-01"}}),
            "identity.birth_commune",
            "birth_place.required",
        ),
        (
            json!({"registration": {"registered_on": future, "channel": "counter"}}),
            "registration.registered_on",
            "registered_on.future",
        ),
        (json!({"registration": {"registered_on": "2020-01-01", "channel": "fax"}}), "registration.channel", "enum"),
        (json!({"contact": {"email": "not-an-email"}}), "contact.email", "email.format"),
        (json!({"hobby": "chess"}), "hobby", "unknown_field"),
    ];
    for (overrides, field, rule) in cases {
        let mut body = person("Valide", false);
        for (key, value) in overrides.as_object().expect("object") {
            body[key] = value.clone();
        }
        let problem = assert_problem(post_as(&app, &ft, "/v1/persons", &body).await, 422, "validation_failed").await;
        let errors = problem["errors"].as_array().expect("errors");
        assert!(errors.iter().any(|e| e["field"] == field && e["rule"] == rule), "{field} {rule}: {problem}");
    }
    let nobody = json(
        post_as(
            &app,
            &ft,
            "/v1/persons/match",
            &json!({"family_name": "Valide", "given_names": "Léa", "birth_date": "2006-03-14"}),
        )
        .await,
    )
    .await;
    assert_eq!(nobody["matches"], json!([]), "nothing was written");
}

async fn patch(
    app: &TestApp,
    client: &TestClient,
    path: &str,
    if_match: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    app.patch_as(&client.token, path, if_match, body).await
}

async fn updates_keep_provenance_and_need_the_current_etag(app: TestApp) {
    let ft = france_travail(&app).await;
    let created = register_person(&app, &ft, &person("Durand", false)).await;
    let path = format!("/v1/persons/{}", id_of(&created));
    let change = json!({"contact": {"phone": "07 11 22 33 44"}});
    assert_problem(patch(&app, &ft, &path, None, &change).await, 428, "precondition_required").await;
    assert_problem(patch(&app, &ft, &path, Some("\"9\""), &change).await, 412, "precondition_failed").await;
    let bad = json!({"identity": {"birth_date": "2999-01-01"}});
    assert_problem(patch(&app, &ft, &path, Some("\"1\""), &bad).await, 422, "validation_failed").await;

    let other = app.register(FranceTravail, DOSSIER_SCOPES).await;
    let updated = patch(&app, &other, &path, Some("\"1\""), &change).await;
    assert_eq!(updated.status().as_u16(), 200);
    let updated = json(updated).await;
    assert_eq!(updated["contact"]["phone"], "+33711223344");
    assert_eq!(updated["provenance"]["contact.phone"]["organization_id"], other.organization_id.to_string());
    assert_eq!(
        updated["provenance"]["contact.email"]["organization_id"],
        ft.organization_id.to_string(),
        "untouched fields keep theirs"
    );

    let history = json(get_as(&app, &ft, &format!("{path}/history")).await).await;
    let versions = history["items"].as_array().expect("items");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["changes"], json!({"contact": {"phone": "+33711223344"}}));
    assert_eq!(versions[1]["actor_organization"], other.organization_id.to_string());
}

async fn orient(
    app: &TestApp,
    client: &TestClient,
    person: &Value,
    referent: &TestClient,
    etag: &str,
) -> reqwest::Response {
    let body = json!({"path_type": "socio_professionnel", "intensive": true, "referent_organization_id": referent.organization_id,
        "referent_counsellor": "Camille Durand", "decided_on": Utc::now().date_naive()});
    app.put_as(&client.token, &format!("/v1/persons/{}/orientation", id_of(person)), Some(etag), &body).await
}

async fn the_departement_orients_its_rsa_beneficiaries(app: TestApp) {
    let ft = france_travail(&app).await;
    let created = register_person(&app, &ft, &person("Bernard", true)).await;
    let path = format!("/v1/persons/{}", id_of(&created));
    let rhone = app.register(Departement, DOSSIER_SCOPES).await;
    let ain = app.register_in(Departement, json!({"regions": ["84"], "departements": ["01"]}), DOSSIER_SCOPES).await;
    let ml = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let cap_emploi = app.register(CapEmploi, DOSSIER_SCOPES).await;
    assert_eq!(get_as(&app, &rhone, &path).await.status().as_u16(), 200, "an RSA beneficiary resident in the Rhône");
    assert_problem(get_as(&app, &ain, &path).await, 404, "not_found").await;
    assert_problem(get_as(&app, &ml, &path).await, 404, "not_found").await;

    let partner = app.register(Partner, &["dossier:read"]).await;
    let to_partner = orient(&app, &rhone, &created, &partner, "\"1\"").await;
    let problem = assert_problem(to_partner, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "referent.kind");
    assert_problem(orient(&app, &ml, &created, &ml, "\"1\"").await, 404, "not_found").await;

    let oriented = orient(&app, &rhone, &created, &ml, "\"1\"").await;
    assert_eq!(oriented.status().as_u16(), 200);
    let oriented = json(oriented).await;
    assert_eq!(oriented["orientation"]["referent_organization_id"], ml.organization_id.to_string());
    assert_eq!(oriented["orientation"]["decided_by"], rhone.organization_id.to_string());
    assert_eq!(oriented["provenance"]["orientation"]["organization_id"], rhone.organization_id.to_string());
    assert_eq!(get_as(&app, &ml, &path).await.status().as_u16(), 200, "the referent now sees the dossier");
    assert_problem(get_as(&app, &cap_emploi, &path).await, 404, "not_found").await;
    assert_problem(orient(&app, &ml, &oriented, &cap_emploi, "\"2\"").await, 403, "forbidden").await;

    let timeline = json(get_as(&app, &ml, &format!("{path}/timeline")).await).await;
    let actions: Vec<&str> =
        timeline["items"].as_array().expect("items").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["created", "updated"]);
}

async fn unoriented_persons_are_listed_for_action_within_the_remit(app: TestApp) {
    let ft = france_travail(&app).await;
    let ml = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let by_ft = register_person(&app, &ft, &person("Petit", false)).await;
    let by_ml = register_person(&app, &ml, &person("Grand", false)).await;
    let mut recent = person("Récent", false);
    recent["registration"]["registered_on"] = json!(Utc::now().date_naive());
    register_person(&app, &ft, &recent).await;

    let ids = |page: &Value| -> Vec<String> {
        page["items"].as_array().expect("items").iter().map(|p| p["id"].as_str().unwrap_or("").to_owned()).collect()
    };
    let all = json(get_as(&app, &ft, "/v1/persons?unoriented_for_days=30").await).await;
    assert_eq!(ids(&all).len(), 2, "registered 40 days ago, not the one registered today");
    assert!(ids(&all).contains(&id_of(&by_ft)) && ids(&all).contains(&id_of(&by_ml)));
    let own = json(get_as(&app, &ml, "/v1/persons?unoriented_for_days=30").await).await;
    assert_eq!(ids(&own), [id_of(&by_ml)], "a mission locale lists only its own");
    let paged = get_as(&app, &ft, "/v1/persons?unoriented_for_days=30&limit=1").await;
    assert!(header(&paged, "link").is_some());
    assert_problem(get_as(&app, &ft, "/v1/persons").await, 400, "invalid_query").await;
    assert_problem(get_as(&app, &ft, "/v1/persons?unoriented_for_days=-1").await, 400, "invalid_query").await;
    let too_far =
        assert_problem(get_as(&app, &ft, "/v1/persons?unoriented_for_days=5000").await, 400, "invalid_query").await;
    assert_eq!(too_far["errors"][0]["rule"], "unoriented_for_days.range");
}

async fn journal_of(app: &TestApp, person_id: &str) -> Vec<Value> {
    let page = json(app.get(&format!("/v1/admin/journal?person_id={person_id}&limit=100")).await).await;
    page["items"].as_array().cloned().unwrap_or_default()
}

async fn every_access_to_a_person_writes_exactly_one_journal_entry(app: TestApp) {
    let ft = france_travail(&app).await;
    let created = register_person(&app, &ft, &person("Roux", false)).await;
    let id = id_of(&created);
    let path = format!("/v1/persons/{id}");
    get_as(&app, &ft, &path).await;
    get_as(&app, &ft, &format!("{path}/history")).await;
    patch(&app, &ft, &path, Some("\"1\""), &json!({"statuses": {"rqth": true}})).await;
    get_as(&app, &ft, &format!("{path}/timeline")).await;
    post_as(
        &app,
        &ft,
        "/v1/persons/match",
        &json!({"family_name": "Roux", "given_names": "Léa", "birth_date": "2006-03-14"}),
    )
    .await;
    // Refused accesses are not accesses: nothing is read or written.
    let outsider = app.register(MissionLocale, DOSSIER_SCOPES).await;
    get_as(&app, &outsider, &path).await;
    patch(&app, &ft, &path, Some("\"1\""), &json!({"statuses": {"rqth": false}})).await;

    let entries = journal_of(&app, &id).await;
    let made: Vec<(&str, &str)> =
        entries.iter().map(|e| (e["section"].as_str().unwrap_or(""), e["action"].as_str().unwrap_or(""))).collect();
    assert_eq!(
        made,
        [
            ("dossier", "write"),
            ("dossier", "read"),
            ("history", "read"),
            ("dossier", "write"),
            ("timeline", "read"),
            ("match", "read")
        ]
    );
    assert!(entries.iter().all(|e| e["client_id"] == ft.client_id.as_str() && e["request_id"].is_string()));
}

async fn a_person_reads_their_dossier_and_who_accessed_it(app: TestApp) {
    let ft = france_travail(&app).await;
    let created = register_person(&app, &ft, &person("Moreau", false)).await;
    let id = id_of(&created);
    let code = json(post_as(&app, &ft, &format!("/v1/persons/{id}/access-codes"), &json!({})).await).await;
    let code = code["code"].as_str().expect("code").to_owned();
    let exchange = |code: String| {
        let form =
            [("grant_type", "urn:plateforme:params:oauth:grant-type:person-access-code".to_owned()), ("code", code)];
        app.client.post(app.url("/oauth/token")).form(&form).send()
    };
    let token = json(exchange(code.clone()).await.expect("POST")).await;
    assert_eq!(token["scope"], "me");
    let token = token["access_token"].as_str().expect("token").to_owned();
    let reused = exchange(code).await.expect("POST");
    assert_eq!(reused.status().as_u16(), 400);
    assert_eq!(json(reused).await["error"], "invalid_grant", "a code works once");

    let me = |path: &'static str| app.client.get(app.url(path)).bearer_auth(&token).send();
    let dossier = json(me("/v1/me/dossier").await.expect("GET")).await;
    assert_eq!(dossier["id"], id.as_str());
    let journal = json(me("/v1/me/journal").await.expect("GET")).await;
    let sections: Vec<&str> =
        journal["items"].as_array().expect("items").iter().filter_map(|e| e["section"].as_str()).collect();
    assert_eq!(sections, ["dossier", "access_code"], "who registered me, who gave me access");
    assert!(journal["items"][0]["organization_id"] == ft.organization_id.to_string());

    let person_on_org_route =
        app.client.get(app.url(&format!("/v1/persons/{id}"))).bearer_auth(&token).send().await.expect("GET");
    assert_problem(person_on_org_route, 403, "forbidden").await;
    assert_problem(get_as(&app, &ft, "/v1/me/dossier").await, 403, "forbidden").await;
    assert_problem(app.client.get(app.url("/v1/me/journal")).send().await.expect("GET"), 401, "unauthorized").await;
}

async fn organizations_register_only_persons_they_follow(app: TestApp) {
    // Cap emploi registers at its desk (principle 1), then follows whom it registered.
    let cap_emploi = app.register(CapEmploi, DOSSIER_SCOPES).await;
    let registered = register_person(&app, &cap_emploi, &person("Suivi", false)).await;
    assert_eq!(registered["registration"]["registered_by"], cap_emploi.organization_id.to_string());
    let path = format!("/v1/persons/{}", id_of(&registered));
    assert_eq!(get_as(&app, &cap_emploi, &path).await.status().as_u16(), 200);
    let region = app.register(Region, DOSSIER_SCOPES).await;
    assert_problem(post_as(&app, &region, "/v1/persons", &person("Autre", false)).await, 403, "forbidden").await;
    let departement = app.register(Departement, DOSSIER_SCOPES).await;
    assert_problem(post_as(&app, &departement, "/v1/persons", &person("Suivi", false)).await, 403, "forbidden").await;
    let beneficiary = post_as(&app, &departement, "/v1/persons", &person("Allocataire", true)).await;
    assert_eq!(beneficiary.status().as_u16(), 201, "a département registers its RSA beneficiaries");
}

async fn disability_recognition_is_a_sensitive_part(app: TestApp) {
    let ft = france_travail(&app).await;
    let mut body = person("Sensible", false);
    body["statuses"]["rqth"] = json!(true);
    let created = register_person(&app, &ft, &body).await;
    assert_eq!(created["statuses"]["rqth"], true);
    let path = format!("/v1/persons/{}", id_of(&created));

    let plain = app.register(FranceTravail, &["dossier:read", "dossier:write"]).await;
    let read = json(get_as(&app, &plain, &path).await).await;
    assert!(read["statuses"].get("rqth").is_none(), "withheld without dossier.social:read: {read}");
    assert!(read["provenance"].get("statuses.rqth").is_none());
    assert_eq!(read["statuses"]["rsa_beneficiary"], false);
    let write = patch(&app, &plain, &path, Some("\"1\""), &json!({"statuses": {"rqth": false}})).await;
    assert_problem(write, 403, "forbidden").await;
    let mut undeclared = person("Autre", false);
    undeclared["statuses"]["rqth"] = json!(true);
    assert_problem(post_as(&app, &plain, "/v1/persons", &undeclared).await, 403, "forbidden").await;
    let other_field = patch(&app, &plain, &path, Some("\"1\""), &json!({"contact": {"phone": "07 00 00 00 02"}})).await;
    assert_eq!(other_field.status().as_u16(), 200, "the rest of the dossier stays writable");
}
