//! A person's path into training (issue 15, item 5): a counsellor positions a person on a
//! session, the provider answers, then records the entry and the exit; each step on the
//! person's timeline and on the change feed; who sees what per organization kind (the provider
//! its own sessions only, the région the sessions it funds), the forbidden transitions with
//! their rules, and the sessions that take no positioning.

use plateforme_model::organization::OrganizationKind::{
    CapEmploi, Departement, Employer, FranceTravail, MissionLocale, Partner, Region, StateService, TrainingProvider,
};
use reqwest::Response;
use serde_json::{Value, json};

use crate::dossier::{DOSSIER_SCOPES, person, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, header, json as body_of};

crate::on_both_backends!(
    a_person_goes_from_positioning_to_exit_on_the_timeline_and_the_feed,
    forbidden_transitions_are_refused_with_their_rule,
    sessions_that_take_no_positioning_refuse_it_precisely,
    a_positioning_is_created_once_and_changed_under_if_match,
    each_kind_sees_the_positionings_its_rows_give_it,
    strangers_with_valid_tokens_neither_read_nor_write_positionings,
);

pub(crate) const PROVIDER_SCOPES: &[&str] = &["training:read", "training:write", "dossier:read", "changes:read"];

/// A catalogue with, in Lyon (région 84), an action funded by the région with one place and its
/// sessions in every state, and an action nobody funds.
fn catalogue(numero: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<lheo xmlns="http://lheo.gouv.fr/2.3">
<offres>
<formation numero="{numero}">
<domaine-formation><code-FORMACODE ref="V14">21538</code-FORMACODE></domaine-formation>
<intitule-formation>Boulanger</intitule-formation>
<objectif-formation>Devenir boulanger.</objectif-formation>
<resultats-attendus>CAP boulanger.</resultats-attendus>
<contenu-formation>Pétrissage, façonnage, cuisson.</contenu-formation>
<certifiante>1</certifiante>
<action numero="A1">
<lieu-de-formation><coordonnees><adresse><codepostal>69001</codepostal><ville>Lyon</ville><code-INSEE-commune>69123</code-INSEE-commune></adresse></coordonnees></lieu-de-formation>
<session numero="OPEN"><periode><debut>20260105</debut><fin>20291231</fin></periode><etat-recrutement>1</etat-recrutement></session>
<session numero="CLOSED"><periode><debut>20260105</debut><fin>20291231</fin></periode><etat-recrutement>2</etat-recrutement></session>
<session numero="SUSPENDED"><periode><debut>20260105</debut><fin>20291231</fin></periode><etat-recrutement>3</etat-recrutement></session>
<session numero="OVER"><periode><debut>20200105</debut><fin>20201231</fin></periode><etat-recrutement>1</etat-recrutement></session>
<organisme-financeur><code-financeur>2</code-financeur><nb-places-financees>1</nb-places-financees></organisme-financeur>
</action>
<action numero="A2">
<lieu-de-formation><coordonnees><adresse><codepostal>69001</codepostal><ville>Lyon</ville><code-INSEE-commune>69123</code-INSEE-commune></adresse></coordonnees></lieu-de-formation>
<session numero="UNFUNDED"><periode><debut>20260105</debut><fin>20291231</fin></periode></session>
</action>
</formation>
</offres>
</lheo>"#
    )
}

/// The provider's catalogue, imported: the training's id and its sessions' ids by numero.
pub(crate) struct Catalogue {
    pub(crate) training_id: String,
    pub(crate) sessions: Value,
}

impl Catalogue {
    pub(crate) fn session(&self, numero: &str) -> &str {
        self.sessions[numero].as_str().unwrap_or_else(|| panic!("session {numero}"))
    }

    pub(crate) fn positioning(&self, numero: &str) -> Value {
        json!({"training_id": self.training_id, "session_id": self.session(numero), "comment": "Projet validé."})
    }
}

pub(crate) async fn publish(app: &TestApp, provider: &TestClient, numero: &str) -> Catalogue {
    let response = app
        .client
        .post(app.url("/v1/trainings/lheo?snapshot=false"))
        .bearer_auth(&provider.token)
        .header("content-type", "application/xml")
        .body(catalogue(numero))
        .send()
        .await
        .expect("POST /v1/trainings/lheo");
    assert_eq!(response.status().as_u16(), 200, "import");
    let report = body_of(response).await;
    let training_id = report["entries"]
        .as_array()
        .and_then(|entries| entries.iter().find(|entry| entry["level"] == "formation"))
        .and_then(|entry| entry["id"].as_str())
        .expect("the formation's id")
        .to_owned();
    let training =
        body_of(app.client.get(app.url(&format!("/v1/trainings/{training_id}"))).send().await.expect("GET")).await;
    let mut sessions = json!({});
    for action in training["actions"].as_array().expect("actions") {
        for session in action["sessions"].as_array().expect("sessions") {
            sessions[session["numero"].as_str().expect("numero")] = session["id"].clone();
        }
    }
    Catalogue { training_id, sessions }
}

pub(crate) async fn send(
    app: &TestApp,
    client: &TestClient,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> Response {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(&client.token);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request")
}

pub(crate) async fn position(app: &TestApp, client: &TestClient, person_id: &str, body: &Value) -> Response {
    send(app, client, reqwest::Method::POST, &format!("/v1/persons/{person_id}/trainings"), Some(body)).await
}

pub(crate) async fn positioned(app: &TestApp, client: &TestClient, person_id: &str, body: &Value) -> Value {
    let response = position(app, client, person_id, body).await;
    assert_eq!(response.status().as_u16(), 201, "position");
    body_of(response).await
}

pub(crate) fn path_of(positioning: &Value) -> String {
    format!(
        "/v1/persons/{}/trainings/{}",
        positioning["person_id"].as_str().expect("person"),
        positioning["id"].as_str().expect("id")
    )
}

pub(crate) fn tag_of(positioning: &Value) -> String {
    format!("\"{}\"", positioning["version"])
}

/// Records `steps` as `client`, with the positioning's current ETag.
pub(crate) async fn step(app: &TestApp, client: &TestClient, positioning: &Value, steps: &Value) -> Response {
    app.patch_as(&client.token, &path_of(positioning), Some(&tag_of(positioning)), steps).await
}

pub(crate) async fn stepped(app: &TestApp, client: &TestClient, positioning: &Value, steps: &Value) -> Value {
    let response = step(app, client, positioning, steps).await;
    assert_eq!(response.status().as_u16(), 200, "step {steps}");
    body_of(response).await
}

pub(crate) fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

pub(crate) fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("id").to_owned()
}

/// France Travail registers a person (it follows every person); a provider publishes.
pub(crate) async fn setting(app: &TestApp) -> (TestClient, TestClient, Catalogue, String) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, &["changes:read"]].concat()).await;
    let provider = app.register(TrainingProvider, PROVIDER_SCOPES).await;
    let catalogue = publish(app, &provider, "POS-1").await;
    let person_id = id_of(&register_person(app, &ft, &person("Martin", false)).await);
    (ft, provider, catalogue, person_id)
}

async fn a_person_goes_from_positioning_to_exit_on_the_timeline_and_the_feed(app: TestApp) {
    let (ft, provider, catalogue, person_id) = setting(&app).await;
    let response = position(&app, &ft, &person_id, &catalogue.positioning("OPEN")).await;
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(header(&response, "etag").as_deref(), Some("\"1\""));
    let location = header(&response, "location").expect("Location");
    let created = body_of(response).await;
    assert_eq!(location, path_of(&created));
    assert_eq!(created["status"], "positioned");
    assert_eq!(created["provider_organization_id"], provider.organization_id.to_string());
    assert_eq!(created["funding_region"], "84");
    assert_eq!(created["training_title"], "Boulanger");
    assert_eq!(created["session_numero"], "OPEN");
    assert_eq!(created["comment"], "Projet validé.");

    let day = today();
    let accepted =
        stepped(&app, &provider, &created, &json!({"answer": {"decision": "accepted", "answered_on": day}})).await;
    assert_eq!(accepted["status"], "accepted");
    let entered = stepped(&app, &provider, &accepted, &json!({"entry": {"entered_on": day}})).await;
    assert_eq!(entered["status"], "in_training");
    let exited =
        stepped(&app, &provider, &entered, &json!({"exit": {"exited_on": day, "outcome": "certification_obtained"}}))
            .await;
    assert_eq!(exited["status"], "exited");
    assert_eq!(exited["version"], 4);
    assert_eq!(exited["exit"]["outcome"], "certification_obtained");

    // The counsellor reads the whole path, under the person and one by one.
    let listed =
        body_of(send(&app, &ft, reqwest::Method::GET, &format!("/v1/persons/{person_id}/trainings"), None).await).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed["items"][0]["status"], "exited");
    let read = send(&app, &ft, reqwest::Method::GET, &path_of(&created), None).await;
    assert_eq!(header(&read, "etag").as_deref(), Some("\"4\""));

    // Each step on the person's timeline...
    let timeline = body_of(
        send(&app, &ft, reqwest::Method::GET, &format!("/v1/persons/{person_id}/timeline?limit=100"), None).await,
    )
    .await;
    let steps: Vec<(String, i64)> = timeline["items"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["resource_type"] == "training_positioning")
        .map(|event| (event["action"].as_str().unwrap_or_default().to_owned(), event["version"].as_i64().unwrap_or(0)))
        .collect();
    let expected: Vec<(String, i64)> =
        [("created", 1), ("updated", 2), ("updated", 3), ("updated", 4)].map(|(a, v)| (a.to_owned(), v)).to_vec();
    assert_eq!(steps, expected);
    // ... and on the change feed, to the person's follower and to the session's provider.
    for follower in [&ft, &provider] {
        let mut follower = follower.clone();
        follower.token = app.token_for(&follower.client_id, &follower.secret, None).await;
        // The feed serves a transaction once every one before it ended (PostgreSQL's horizon):
        // read again until the steps show, for a few seconds.
        let mut seen = 0;
        for _ in 0..40 {
            let feed = feed_of(&app, &follower).await;
            seen = feed.iter().filter(|event| event["type"] == "fr.plateforme.training_positioning.updated").count();
            if seen >= 3 {
                break;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        assert_eq!(seen, 3, "{} sees the three steps", follower.client_id);
    }
}

/// The types of the events the caller receives from the start of the feed.
pub(crate) async fn feed_of(app: &TestApp, client: &TestClient) -> Vec<Value> {
    let response =
        app.client.get(app.url("/v1/changes?limit=1000")).bearer_auth(&client.token).send().await.expect("feed");
    assert_eq!(response.status().as_u16(), 200, "feed");
    body_of(response).await["events"].as_array().cloned().unwrap_or_default()
}

async fn forbidden_transitions_are_refused_with_their_rule(app: TestApp) {
    let (ft, provider, catalogue, person_id) = setting(&app).await;
    let created = positioned(&app, &ft, &person_id, &catalogue.positioning("OPEN")).await;
    let day = today();
    let refusal = |response: Response, status: u16, code: &'static str, rule: &'static str| async move {
        let problem = assert_problem(response, status, code).await;
        assert_eq!(problem["errors"][0]["rule"], rule, "{problem}");
    };
    refusal(
        step(&app, &provider, &created, &json!({"entry": {"entered_on": day}})).await,
        409,
        "invalid_transition",
        "positioning.entry_before_acceptance",
    )
    .await;
    refusal(
        step(&app, &provider, &created, &json!({"exit": {"exited_on": day, "outcome": "completed"}})).await,
        409,
        "invalid_transition",
        "positioning.exit_before_entry",
    )
    .await;
    refusal(
        step(&app, &provider, &created, &json!({"answer": {"decision": "refused", "answered_on": day}})).await,
        422,
        "validation_failed",
        "answer.reason.required",
    )
    .await;
    refusal(
        step(&app, &provider, &created, &json!({"answer": {"decision": "accepted", "answered_on": "2999-01-01"}}))
            .await,
        422,
        "validation_failed",
        "step.future",
    )
    .await;
    // The waiting list is answered once more; an acceptance is final.
    let waiting =
        stepped(&app, &provider, &created, &json!({"answer": {"decision": "waiting_list", "answered_on": day}})).await;
    assert_eq!(waiting["status"], "waiting_list");
    refusal(
        step(&app, &provider, &waiting, &json!({"answer": {"decision": "waiting_list", "answered_on": "2020-01-01"}}))
            .await,
        409,
        "invalid_transition",
        "positioning.already_answered",
    )
    .await;
    let accepted =
        stepped(&app, &provider, &waiting, &json!({"answer": {"decision": "accepted", "answered_on": day}})).await;
    refusal(
        step(
            &app,
            &provider,
            &accepted,
            &json!({"answer": {"decision": "refused", "reason": "session_full", "answered_on": day}}),
        )
        .await,
        409,
        "invalid_transition",
        "positioning.already_answered",
    )
    .await;
    refusal(
        step(&app, &provider, &accepted, &json!({"answer": null})).await,
        409,
        "invalid_transition",
        "positioning.step_fixed",
    )
    .await;
    // Nothing was written by the refusals: the version is the acceptance's.
    let read = body_of(send(&app, &ft, reqwest::Method::GET, &path_of(&created), None).await).await;
    assert_eq!(read["version"], 3);
    assert_eq!(read["status"], "accepted");
    // The same patch again changes nothing.
    let same =
        stepped(&app, &provider, &accepted, &json!({"answer": {"decision": "accepted", "answered_on": day}})).await;
    assert_eq!(same["version"], 3);

    // A refusal with its reason is final too: the entry never follows.
    let other = positioned(&app, &ft, &person_id, &catalogue.positioning("UNFUNDED")).await;
    let refused = stepped(
        &app,
        &provider,
        &other,
        &json!({"answer": {"decision": "refused", "reason": "prerequisites_not_met", "answered_on": day}}),
    )
    .await;
    assert_eq!(refused["status"], "refused");
    refusal(
        step(&app, &provider, &refused, &json!({"entry": {"entered_on": day}})).await,
        409,
        "invalid_transition",
        "positioning.entry_before_acceptance",
    )
    .await;
}

async fn sessions_that_take_no_positioning_refuse_it_precisely(app: TestApp) {
    let (ft, provider, catalogue, person_id) = setting(&app).await;
    for (numero, rule) in [
        ("CLOSED", "positioning.session_closed"),
        ("SUSPENDED", "positioning.session_closed"),
        ("OVER", "positioning.session_over"),
    ] {
        let problem = assert_problem(
            position(&app, &ft, &person_id, &catalogue.positioning(numero)).await,
            409,
            "invalid_transition",
        )
        .await;
        assert_eq!(problem["errors"][0]["rule"], rule, "{numero}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "session_id");
    }
    // The one funded place, once accepted, fills the session.
    let first = positioned(&app, &ft, &person_id, &catalogue.positioning("OPEN")).await;
    stepped(&app, &provider, &first, &json!({"answer": {"decision": "accepted", "answered_on": today()}})).await;
    let second_person = id_of(&register_person(&app, &ft, &person("Bernard", false)).await);
    let problem = assert_problem(
        position(&app, &ft, &second_person, &catalogue.positioning("OPEN")).await,
        409,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["errors"][0]["rule"], "positioning.session_full");
    // Unknown training or session, and a long comment.
    let mut unknown = catalogue.positioning("OPEN");
    unknown["session_id"] = json!(uuid::Uuid::now_v7());
    let problem = assert_problem(position(&app, &ft, &second_person, &unknown).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "positioning.session_unknown");
    unknown["training_id"] = json!(uuid::Uuid::now_v7());
    let problem = assert_problem(position(&app, &ft, &second_person, &unknown).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "positioning.training_unknown");
    let mut long = catalogue.positioning("UNFUNDED");
    long["comment"] = json!("x".repeat(1001));
    let problem = assert_problem(position(&app, &ft, &second_person, &long).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "comment.length");
    // None of the refusals wrote anything.
    let listed =
        body_of(send(&app, &ft, reqwest::Method::GET, &format!("/v1/persons/{second_person}/trainings"), None).await)
            .await;
    assert_eq!(listed["items"], json!([]));
}

async fn a_positioning_is_created_once_and_changed_under_if_match(app: TestApp) {
    let (ft, provider, catalogue, person_id) = setting(&app).await;
    let body = catalogue.positioning("OPEN");
    let post = |key: &'static str| {
        app.client
            .post(app.url(&format!("/v1/persons/{person_id}/trainings")))
            .bearer_auth(&ft.token)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let first = post("positioning-1").await.expect("POST");
    assert_eq!(first.status().as_u16(), 201);
    let created = body_of(first).await;
    let replay = post("positioning-1").await.expect("POST");
    assert_eq!(replay.status().as_u16(), 201);
    assert_eq!(header(&replay, "idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(body_of(replay).await["id"], created["id"]);
    // Another request for the same session while the first is under way: the existing one.
    let problem = assert_problem(post("positioning-2").await.expect("POST"), 409, "conflict").await;
    assert_eq!(problem["existing_id"], created["id"]);

    let answer = json!({"answer": {"decision": "accepted", "answered_on": today()}});
    assert_problem(
        app.patch_as(&provider.token, &path_of(&created), None, &answer).await,
        428,
        "precondition_required",
    )
    .await;
    stepped(&app, &provider, &created, &answer).await;
    // The ETag of version 1 is stale now.
    let stale = json!({"entry": {"entered_on": today()}});
    assert_problem(step(&app, &provider, &created, &stale).await, 412, "precondition_failed").await;
}

/// One person followed by a mission locale, positioned by it on the provider's session funded
/// by the région; then what every kind reads and writes of that positioning.
async fn each_kind_sees_the_positionings_its_rows_give_it(app: TestApp) {
    let provider = app.register(TrainingProvider, PROVIDER_SCOPES).await;
    let catalogue = publish(&app, &provider, "POS-K").await;
    let counsellor = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let person_id = id_of(&register_person(&app, &counsellor, &person("Petit", false)).await);
    let created = positioned(&app, &counsellor, &person_id, &catalogue.positioning("OPEN")).await;
    let path = path_of(&created);
    // The région of the session reads it, and its funded list holds it; another région's does not.
    let region = app.register(Region, &["training:read", "dossier:read"]).await;
    let other_region = app.register_in(Region, json!({"regions": ["11"]}), &["training:read", "dossier:read"]).await;
    let read_by = |client: TestClient| {
        let path = path.clone();
        let app = &app;
        async move { send(app, &client, reqwest::Method::GET, &path, None).await.status().as_u16() }
    };
    assert_eq!(read_by(region.clone()).await, 200);
    assert_eq!(read_by(other_region.clone()).await, 404);
    assert_eq!(listed_ids(&app, &region).await, vec![id_of(&created)]);
    assert_eq!(listed_ids(&app, &other_region).await, Vec::<String>::new());
    assert_eq!(listed_ids(&app, &provider).await, vec![id_of(&created)]);
    // The provider answers; the counsellor reads the answer but does not record it (403).
    assert_eq!(read_by(provider.clone()).await, 200);
    let answer = json!({"answer": {"decision": "accepted", "answered_on": today()}});
    assert_problem(step(&app, &counsellor, &created, &answer).await, 403, "forbidden").await;
    assert_eq!(read_by(counsellor.clone()).await, 200);
    // A région reads but records no step.
    assert_problem(app.patch_as(&region.token, &path, Some("\"1\""), &answer).await, 403, "forbidden").await;
    // A kind that follows persons lists them under each person.
    assert_problem(
        send(&app, &counsellor, reqwest::Method::GET, "/v1/trainings/positionings", None).await,
        403,
        "forbidden",
    )
    .await;
    // The kinds that neither follow the person nor train nor fund: 404.
    for kind in [CapEmploi, Departement, Partner, Employer, StateService] {
        let stranger = app.register(kind, &["dossier:read", "training:read"]).await;
        assert_eq!(read_by(stranger).await, 404, "{kind:?}");
    }
    // A partner that published the session reads and answers on it, as a provider does.
    let partner = app.register(Partner, PROVIDER_SCOPES).await;
    let partner_catalogue = publish(&app, &partner, "POS-P").await;
    let on_partner = positioned(&app, &counsellor, &person_id, &partner_catalogue.positioning("UNFUNDED")).await;
    assert_eq!(on_partner["funding_region"], Value::Null);
    stepped(&app, &partner, &on_partner, &answer).await;
    assert_eq!(listed_ids(&app, &partner).await, vec![id_of(&on_partner)]);
    assert_eq!(
        listed_ids(&app, &region).await,
        vec![id_of(&created)],
        "the partner's session is not funded by the région"
    );
}

pub(crate) async fn listed_ids(app: &TestApp, client: &TestClient) -> Vec<String> {
    let response = send(app, client, reqwest::Method::GET, "/v1/trainings/positionings", None).await;
    assert_eq!(response.status().as_u16(), 200, "list of {}", client.client_id);
    body_of(response).await["items"].as_array().expect("items").iter().map(id_of).collect()
}

/// The misuse a valid token allows: a provider reading another provider's positionings, a
/// counsellor positioning a person it does not follow, a région outside its funding.
async fn strangers_with_valid_tokens_neither_read_nor_write_positionings(app: TestApp) {
    let (ft, provider, catalogue, person_id) = setting(&app).await;
    let created = positioned(&app, &ft, &person_id, &catalogue.positioning("OPEN")).await;
    let answer = json!({"answer": {"decision": "accepted", "answered_on": today()}});

    let rival = app.register(TrainingProvider, PROVIDER_SCOPES).await;
    publish(&app, &rival, "RIVAL-1").await;
    assert_problem(send(&app, &rival, reqwest::Method::GET, &path_of(&created), None).await, 404, "not_found").await;
    assert_problem(step(&app, &rival, &created, &answer).await, 404, "not_found").await;
    assert_eq!(listed_ids(&app, &rival).await, Vec::<String>::new());
    let rival_feed = feed_of(&app, &rival).await;
    assert!(rival_feed.iter().all(|event| event["type"] != "fr.plateforme.training_positioning.created"));

    // A mission locale that does not follow the person: the person does not exist for it.
    let counsellor = app.register(MissionLocale, DOSSIER_SCOPES).await;
    assert_problem(position(&app, &counsellor, &person_id, &catalogue.positioning("UNFUNDED")).await, 404, "not_found")
        .await;
    assert_problem(send(&app, &counsellor, reqwest::Method::GET, &path_of(&created), None).await, 404, "not_found")
        .await;
    assert_problem(
        send(&app, &counsellor, reqwest::Method::GET, &format!("/v1/persons/{person_id}/trainings"), None).await,
        404,
        "not_found",
    )
    .await;
    // A région that does not fund the session.
    let far_region = app.register_in(Region, json!({"regions": ["11"]}), &["training:read"]).await;
    assert_problem(send(&app, &far_region, reqwest::Method::GET, &path_of(&created), None).await, 404, "not_found")
        .await;
    // A positioning under another person's path is not found either.
    let other_person = id_of(&register_person(&app, &ft, &person("Durand", false)).await);
    let wrong = format!("/v1/persons/{other_person}/trainings/{}", id_of(&created));
    assert_problem(send(&app, &ft, reqwest::Method::GET, &wrong, None).await, 404, "not_found").await;
    // The provider's token lacks dossier:write: it positions nobody.
    assert_problem(position(&app, &provider, &person_id, &catalogue.positioning("UNFUNDED")).await, 403, "forbidden")
        .await;
    // Nothing changed.
    let read = body_of(send(&app, &ft, reqwest::Method::GET, &path_of(&created), None).await).await;
    assert_eq!(read["version"], 1);
}
