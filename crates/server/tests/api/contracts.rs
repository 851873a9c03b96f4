//! Contracts of reciprocal commitments and their reviews, end to end: the life cycle, versions
//! in the history and the person's timeline, concurrent writers, each rule with its code, and
//! the access policy. Every refused write is checked to leave no new version.

use chrono::{Days, NaiveDate, Utc};
use futures_util::future::join_all;
use plateforme_model::organization::OrganizationKind::{self, FranceTravail, MissionLocale};
use plateforme_store::PageRequest;
use plateforme_store::access::journal::{self, JournalFilter};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::on_both_backends;

on_both_backends!(
    a_draft_never_signed_can_be_abandoned,
    a_contract_lives_from_draft_to_closed,
    history_and_timeline_show_the_contract_versions,
    the_timeline_pages_in_feed_order,
    concurrent_patches_of_one_version_let_one_win,
    a_contract_signed_before_it_was_drafted_is_refused,
    bad_contracts_are_refused_with_the_rule_broken,
    illegal_transitions_are_refused,
    a_review_on_a_closed_contract_is_refused,
    writes_need_if_match_and_contracts_belong_to_their_person,
    a_mission_locale_outside_the_remit_gets_404_on_everything,
);

const SCOPES: &[&str] = &["dossier:read", "dossier:write", "organizations:read"];

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn days_from_today(days: i64) -> NaiveDate {
    let shift = Days::new(days.unsigned_abs());
    if days < 0 { today().checked_sub_days(shift) } else { today().checked_add_days(shift) }.expect("date")
}

async fn client(app: &TestApp, kind: OrganizationKind) -> TestClient {
    app.register(kind, SCOPES).await
}

/// Registers a person (born in Lyon, registered 40 days ago) and returns their path.
async fn person(app: &TestApp, client: &TestClient, family_name: &str) -> String {
    let body = json!({
        "identity": {"family_name": family_name, "given_names": "Léa", "birth_date": "2001-03-14", "birth_commune": "69123"},
        "contact": {"address": {"line": "12 rue de la République", "postal_code": "69002", "commune": "69123"}},
        "registration": {"registered_on": days_from_today(-40), "channel": "counter"}
    });
    let response = post(app, client, "/v1/persons", &body).await;
    assert_eq!(response.status().as_u16(), 201, "register a person");
    format!("/v1/persons/{}", json(response).await["id"].as_str().expect("id"))
}

pub fn contract() -> Value {
    json!({
        "objectives": ["Trouver un emploi de cariste", "Obtenir le CACES R489"],
        "actions": [{"description": "Atelier CV", "owner": "person", "due_on": days_from_today(20)}],
        "weekly_hours": 15,
        "next_review_on": days_from_today(30)
    })
}

pub fn review() -> Value {
    json!({
        "held_on": today(),
        "participants": [{"name": "Léa Martin", "role": "personne accompagnée"}],
        "outcome": "CV finalisé ; deux candidatures envoyées.",
        "next_steps": ["Session CACES de janvier"]
    })
}

async fn post(app: &TestApp, client: &TestClient, path: &str, body: &Value) -> reqwest::Response {
    app.client.post(app.url(path)).bearer_auth(&client.token).json(body).send().await.expect("POST")
}

async fn get(app: &TestApp, client: &TestClient, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).bearer_auth(&client.token).send().await.expect("GET")
}

async fn patch(app: &TestApp, client: &TestClient, path: &str, version: i64, body: Value) -> reqwest::Response {
    app.patch_as(&client.token, path, Some(&format!("\"{version}\"")), &body).await
}

/// Drafts the person's contract and returns its path.
async fn draft(app: &TestApp, client: &TestClient, person: &str) -> String {
    let response = post(app, client, &format!("{person}/contracts"), &contract()).await;
    assert_eq!(response.status().as_u16(), 201, "draft a contract");
    header(&response, "location").expect("Location")
}

/// Signs the drafted contract (version 1) by both parties today.
async fn sign(app: &TestApp, client: &TestClient, contract: &str) {
    let signatures = json!({"person_signed_on": today(), "organization_signed_on": today(), "status": "signed"});
    assert_eq!(patch(app, client, contract, 1, signatures).await.status().as_u16(), 200, "sign");
}

/// The current JSON of a resource, read as `client`.
async fn current(app: &TestApp, client: &TestClient, path: &str) -> Value {
    let response = get(app, client, path).await;
    assert_eq!(response.status().as_u16(), 200, "GET {path}");
    json(response).await
}

/// Asserts a 422 naming `rule` on `field`, and returns every (field, rule) of the problem.
async fn refused(response: reqwest::Response, field: &str, rule: &str) -> Vec<(String, String)> {
    let problem = assert_problem(response, 422, "validation_failed").await;
    let errors: Vec<(String, String)> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| {
            (error["field"].as_str().unwrap_or("").to_owned(), error["rule"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    assert!(errors.contains(&(field.to_owned(), rule.to_owned())), "{field} {rule} in {problem}");
    errors
}

async fn a_contract_lives_from_draft_to_closed(app: TestApp) {
    let ft = client(&app, FranceTravail).await;
    let person = person(&app, &ft, "Martin").await;
    let send = || {
        app.client
            .post(app.url(&format!("{person}/contracts")))
            .bearer_auth(&ft.token)
            .header("idempotency-key", "draft-1")
            .json(&contract())
            .send()
    };
    let response = send().await.expect("POST");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(header(&response, "etag").as_deref(), Some("\"1\""));
    let location = header(&response, "location").expect("Location");
    let drafted = json(response).await;
    assert_eq!(location, format!("{person}/contracts/{}", drafted["id"].as_str().expect("id")));
    assert_eq!((drafted["status"].as_str(), drafted["version"].as_i64()), (Some("draft"), Some(1)));
    assert_eq!(drafted["drafted_on"], json!(today()));
    assert_eq!(drafted["organization_id"], ft.organization_id.to_string());
    assert_eq!(drafted["person_signed_on"], Value::Null);
    let retry = send().await.expect("POST");
    assert_eq!(header(&retry, "idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(json(retry).await, drafted, "a retry returns the first response");

    assert_eq!(current(&app, &ft, &location).await, drafted);
    let unchanged = app.get_if_none_match(&ft.token, &location, "\"1\"").await;
    assert_eq!(unchanged.status().as_u16(), 304);
    let second = post(&app, &ft, &format!("{person}/contracts"), &contract()).await;
    let problem = assert_problem(second, 409, "conflict").await;
    assert_eq!(problem["existing_id"], drafted["id"], "one contract in force per person");

    let mut done = contract()["actions"].clone();
    done[0]["done"] = json!(true);
    let signing =
        json!({"person_signed_on": today(), "organization_signed_on": today(), "status": "signed", "actions": done});
    let signed = patch(&app, &ft, &location, 1, signing).await;
    assert_eq!(header(&signed, "etag").as_deref(), Some("\"2\""));
    let signed = json(signed).await;
    assert_eq!((signed["status"].as_str(), signed["version"].as_i64()), (Some("signed"), Some(2)));
    assert_eq!(signed["signing_organization_id"], ft.organization_id.to_string());
    assert_eq!(signed["actions"][0]["done"], true);

    let record = || {
        let path = app.url(&format!("{location}/reviews"));
        app.client.post(path).bearer_auth(&ft.token).header("idempotency-key", "review-1").json(&review()).send()
    };
    let recorded = record().await.expect("POST");
    assert_eq!(recorded.status().as_u16(), 201);
    let review_location = header(&recorded, "location").expect("Location");
    let recorded = json(recorded).await;
    assert_eq!(review_location, format!("{location}/reviews/{}", recorded["id"].as_str().expect("id")));
    assert_eq!(recorded["organization_id"], ft.organization_id.to_string());
    assert_eq!(current(&app, &ft, &review_location).await, recorded);
    assert_eq!(current(&app, &ft, &format!("{location}/reviews")).await["items"], json!([recorded]));

    for (version, status) in [(2, "suspended"), (3, "signed"), (4, "closed")] {
        let changed = patch(&app, &ft, &location, version, json!({"status": status})).await;
        assert_eq!(changed.status().as_u16(), 200, "{status}");
        assert_eq!(json(changed).await["status"], status);
    }
    let retry = record().await.expect("POST");
    assert_eq!(header(&retry, "idempotent-replayed").as_deref(), Some("true"), "a retry is answered, closed or not");
    assert_eq!(json(retry).await, recorded);
    let listed = current(&app, &ft, &format!("{person}/contracts")).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        (listed["items"][0]["status"].as_str(), listed["items"][0]["version"].as_i64()),
        (Some("closed"), Some(5))
    );
    assert_eq!(
        post(&app, &ft, &format!("{person}/contracts"), &contract()).await.status().as_u16(),
        201,
        "a new one once closed"
    );

    let person_id = person.rsplit('/').next().expect("id").parse().expect("uuid");
    let filter = JournalFilter { person_id: Some(person_id), ..JournalFilter::default() };
    let entries =
        app.store.run(move |conn| journal::list(conn, &filter, &PageRequest::first(100))).await.expect("journal");
    let sections: Vec<(String, String)> =
        entries.items.into_iter().map(|entry| (entry.access.section, entry.access.action)).collect();
    for (section, action) in [("contract", "write"), ("contract", "read"), ("review", "write"), ("review", "read")] {
        assert!(sections.contains(&(section.into(), action.into())), "{section} {action} journaled: {sections:?}");
    }
}

async fn history_and_timeline_show_the_contract_versions(app: TestApp) {
    let ft = client(&app, FranceTravail).await;
    let person = person(&app, &ft, "Martin").await;
    let contract = draft(&app, &ft, &person).await;
    let objectives = json!({"objectives": ["Trouver un emploi de cariste"]});
    assert_eq!(patch(&app, &ft, &contract, 1, objectives.clone()).await.status().as_u16(), 200);
    let signatures = json!({"person_signed_on": today(), "organization_signed_on": today(), "status": "signed"});
    assert_eq!(patch(&app, &ft, &contract, 2, signatures).await.status().as_u16(), 200);
    assert_eq!(post(&app, &ft, &format!("{contract}/reviews"), &review()).await.status().as_u16(), 201);

    let history = current(&app, &ft, &format!("{contract}/history")).await;
    let versions = history["items"].as_array().expect("items");
    let actions: Vec<(i64, &str)> =
        versions.iter().map(|v| (v["version"].as_i64().unwrap_or(0), v["action"].as_str().unwrap_or(""))).collect();
    assert_eq!(actions, [(1, "created"), (2, "updated"), (3, "updated")]);
    assert_eq!(versions[0]["changes"]["status"], "draft");
    assert_eq!(versions[1]["changes"], objectives, "what changed, as a merge patch");
    assert_eq!(versions[2]["changes"]["status"], "signed");
    assert_eq!(versions[2]["changes"]["signing_organization_id"], ft.organization_id.to_string());
    assert_eq!(versions[2]["actor"], ft.client_id.as_str());

    let timeline = current(&app, &ft, &format!("{person}/timeline")).await;
    let events: Vec<(String, i64)> = timeline["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| (e["resource_type"].as_str().unwrap_or("").to_owned(), e["version"].as_i64().unwrap_or(0)))
        .collect();
    let expected = [("person", 1), ("contract", 1), ("contract", 2), ("contract", 3), ("review", 1)];
    assert_eq!(events, expected.map(|(kind, version)| (kind.to_owned(), version)), "in order on the person's path");
}

/// The (resource type, version) of each event of a timeline page.
fn timeline_events(page: &Value) -> Vec<(String, i64)> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| (e["resource_type"].as_str().unwrap_or("").to_owned(), e["version"].as_i64().unwrap_or(0)))
        .collect()
}

async fn the_timeline_pages_in_feed_order(app: TestApp) {
    let ft = client(&app, FranceTravail).await;
    let person = person(&app, &ft, "Martin").await;
    let contract = draft(&app, &ft, &person).await;
    let objectives = json!({"objectives": ["Trouver un emploi de cariste"]});
    assert_eq!(patch(&app, &ft, &contract, 1, objectives).await.status().as_u16(), 200);
    let whole = timeline_events(&current(&app, &ft, &format!("{person}/timeline")).await);

    // One event a page, each page's cursor leading to the next: the same events, in order.
    let (mut paged, mut cursor) = (Vec::new(), None::<String>);
    for _ in 0..=whole.len() {
        let query = cursor.map_or(String::new(), |cursor| format!("&cursor={cursor}"));
        let page = current(&app, &ft, &format!("{person}/timeline?limit=1{query}")).await;
        paged.extend(timeline_events(&page));
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(paged, whole);
    assert!(cursor.is_none(), "the last page has no next cursor");
    assert_eq!(whole.len(), 3, "the person, the contract's two versions: {whole:?}");
    // A cursor of this API's form whose key is not a position in the feed.
    let not_a_position = get(&app, &ft, &format!("{person}/timeline?cursor=azE6bm90LWEtbnVtYmVy")).await;
    assert_problem(not_a_position, 400, "invalid_query").await;
}

async fn concurrent_patches_of_one_version_let_one_win(app: TestApp) {
    let (first, second) = (client(&app, FranceTravail).await, client(&app, FranceTravail).await);
    let person = person(&app, &first, "Martin").await;
    let contract = draft(&app, &first, &person).await;
    // Several rounds, so that the race is really run both ways.
    for round in 1..=3_i64 {
        let writers = [(&first, 20 - round), (&second, 10 + round)];
        let attempts = writers.map(|(client, hours)| {
            let (app, contract) = (&app, &contract);
            async move { (hours, patch(app, client, contract, round, json!({"weekly_hours": hours})).await) }
        });
        let mut winners = Vec::new();
        let mut losers = 0;
        for (hours, response) in join_all(attempts).await {
            match response.status().as_u16() {
                200 => winners.push(hours),
                412 => {
                    let problem = assert_problem(response, 412, "precondition_failed").await;
                    assert_eq!(problem["current_version"], round + 1);
                    losers += 1;
                }
                other => panic!("unexpected status {other}: {}", json(response).await),
            }
        }
        assert_eq!((winners.len(), losers), (1, 1), "round {round}: exactly one writer wins");
        let now = current(&app, &first, &contract).await;
        assert_eq!(now["version"], round + 1, "one version per accepted write");
        assert_eq!(now["weekly_hours"], winners[0], "the winner's change holds");
    }
    let history = current(&app, &first, &format!("{contract}/history")).await;
    assert_eq!(history["items"].as_array().map(Vec::len), Some(4), "nothing lost, nothing doubled");
}

async fn a_contract_signed_before_it_was_drafted_is_refused(app: TestApp) {
    let ft = client(&app, FranceTravail).await;
    let person = person(&app, &ft, "Martin").await;
    let contract = draft(&app, &ft, &person).await;
    let drafted = current(&app, &ft, &contract).await;
    let early = json!({"person_signed_on": days_from_today(-1), "organization_signed_on": today(), "status": "signed"});
    let errors =
        refused(patch(&app, &ft, &contract, 1, early).await, "person_signed_on", "contract.signed_before_drafted")
            .await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    let late = json!({"organization_signed_on": days_from_today(1)});
    refused(patch(&app, &ft, &contract, 1, late).await, "organization_signed_on", "contract.signed_in_future").await;
    assert_eq!(current(&app, &ft, &contract).await, drafted, "no new version");
    let history = current(&app, &ft, &format!("{contract}/history")).await;
    assert_eq!(history["items"].as_array().map(Vec::len), Some(1));
}

async fn bad_contracts_are_refused_with_the_rule_broken(app: TestApp) {
    let ft = client(&app, FranceTravail).await;
    let person = person(&app, &ft, "Martin").await;
    let contracts = format!("{person}/contracts");
    let with = |field: &str, value: Value| {
        let mut body = contract();
        body[field] = value;
        body
    };
    let stranger = uuid::Uuid::now_v7();
    let cases = [
        (with("weekly_hours", json!(36)), "weekly_hours", "weekly_hours.range"),
        (with("weekly_hours", json!(-1)), "weekly_hours", "weekly_hours.range"),
        (with("objectives", json!([])), "objectives", "objectives.count"),
        (with("objectives", json!([" "])), "objectives[0]", "objective.length"),
        (with("next_review_on", json!(days_from_today(-1))), "next_review_on", "next_review_on.before_drafted"),
        (
            with("actions", json!([{"description": "Atelier", "owner": stranger}])),
            "actions[0].owner",
            "organization.unknown",
        ),
        (with("actions", json!([{"description": "Atelier", "owner": "someone"}])), "actions[0].owner", "owner.format"),
        (with("status", json!("signed")), "status", "unknown_field"),
    ];
    for (body, field, rule) in cases {
        refused(post(&app, &ft, &contracts, &body).await, field, rule).await;
    }
    assert_eq!(current(&app, &ft, &contracts).await["items"], json!([]), "nothing written");

    // An organization of the network may own an action.
    let owned = with("actions", json!([{"description": "Atelier", "owner": ft.organization_id}]));
    let response = post(&app, &ft, &contracts, &owned).await;
    assert_eq!(response.status().as_u16(), 201);
    let contract = header(&response, "location").expect("Location");
    for (patch_body, field, rule) in [
        (json!({"weekly_hours": 36}), "weekly_hours", "weekly_hours.range"),
        (
            json!({"actions": [{"description": "Atelier", "owner": stranger}]}),
            "actions[0].owner",
            "organization.unknown",
        ),
        (json!({"next_review_on": days_from_today(-1)}), "next_review_on", "next_review_on.before_drafted"),
    ] {
        refused(patch(&app, &ft, &contract, 1, patch_body).await, field, rule).await;
    }
    assert_eq!(current(&app, &ft, &contract).await["version"], 1, "no new version");

    // An intensive accompaniment is 15 to 20 hours a week.
    let intensive = self::person(&app, &ft, "Durand").await;
    let orientation = json!({"path_type": "emploi", "intensive": true,
        "referent_organization_id": ft.organization_id, "decided_on": today()});
    let oriented = app.put_as(&ft.token, &format!("{intensive}/orientation"), Some("\"1\""), &orientation).await;
    assert_eq!(oriented.status().as_u16(), 200);
    let light = with("weekly_hours", json!(10));
    refused(post(&app, &ft, &format!("{intensive}/contracts"), &light).await, "weekly_hours", "weekly_hours.intensive")
        .await;
    let contract = draft(&app, &ft, &intensive).await;
    refused(
        patch(&app, &ft, &contract, 1, json!({"weekly_hours": 25})).await,
        "weekly_hours",
        "weekly_hours.intensive",
    )
    .await;
    assert_eq!(current(&app, &ft, &contract).await["weekly_hours"], 15);
}

async fn illegal_transitions_are_refused(app: TestApp) {
    let ft = client(&app, FranceTravail).await;
    let person = person(&app, &ft, "Martin").await;
    let contract = draft(&app, &ft, &person).await;
    for status in ["suspended"] {
        let response = patch(&app, &ft, &contract, 1, json!({"status": status})).await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["rule"], "contract.transition");
        let message = problem["errors"][0]["message"].as_str().unwrap_or("");
        assert!(message.contains("from draft to") && message.contains(status), "names from and to: {message}");
    }
    let unsigned = refused(
        patch(&app, &ft, &contract, 1, json!({"status": "signed"})).await,
        "person_signed_on",
        "contract.unsigned",
    )
    .await;
    assert_eq!(unsigned.len(), 2, "both signatures are missing: {unsigned:?}");
    assert_eq!(current(&app, &ft, &contract).await["version"], 1, "no new version");

    sign(&app, &ft, &contract).await;
    let same = patch(&app, &ft, &contract, 2, json!({"status": "signed"})).await;
    assert_eq!(header(&same, "etag").as_deref(), Some("\"2\""), "a patch that changes nothing makes no version");
    refused(patch(&app, &ft, &contract, 2, json!({"status": "draft"})).await, "status", "contract.transition").await;
    let unsign = json!({"person_signed_on": null});
    refused(patch(&app, &ft, &contract, 2, unsign).await, "person_signed_on", "contract.signatures_fixed").await;
    assert_eq!(patch(&app, &ft, &contract, 2, json!({"status": "closed"})).await.status().as_u16(), 200);

    let closed = current(&app, &ft, &contract).await;
    for status in ["signed", "suspended", "draft"] {
        refused(patch(&app, &ft, &contract, 3, json!({"status": status})).await, "status", "contract.transition").await;
    }
    refused(patch(&app, &ft, &contract, 3, json!({"weekly_hours": 20})).await, "status", "contract.closed").await;
    assert_eq!(current(&app, &ft, &contract).await, closed, "closed is final");
}

async fn a_review_on_a_closed_contract_is_refused(app: TestApp) {
    let ft = client(&app, FranceTravail).await;
    let person = person(&app, &ft, "Martin").await;
    let contract = draft(&app, &ft, &person).await;
    let reviews = format!("{contract}/reviews");
    let with = |field: &str, value: Value| {
        let mut body = review();
        body[field] = value;
        body
    };
    let stranger = json!([{"name": "Camille Durand", "role": "conseillère", "organization_id": uuid::Uuid::now_v7()}]);
    let cases = [
        (with("held_on", json!(days_from_today(1))), "held_on", "held_on.future"),
        (with("held_on", json!(days_from_today(-1))), "held_on", "held_on.before_drafted"),
        (with("participants", json!([])), "participants", "participants.count"),
        (with("outcome", json!("x".repeat(2001))), "outcome", "outcome.length"),
        (with("participants", stranger), "participants[0].organization_id", "organization.unknown"),
    ];
    for (body, field, rule) in cases {
        refused(post(&app, &ft, &reviews, &body).await, field, rule).await;
    }
    sign(&app, &ft, &contract).await;
    assert_eq!(patch(&app, &ft, &contract, 2, json!({"status": "closed"})).await.status().as_u16(), 200);

    let response = post(&app, &ft, &reviews, &review()).await;
    let errors = refused(response, "contract_id", "contract.closed").await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(current(&app, &ft, &reviews).await["items"], json!([]), "nothing recorded");
    assert_eq!(current(&app, &ft, &contract).await["version"], 3);
}

async fn writes_need_if_match_and_contracts_belong_to_their_person(app: TestApp) {
    let ft = client(&app, FranceTravail).await;
    let person = person(&app, &ft, "Martin").await;
    let contract = draft(&app, &ft, &person).await;
    let change = json!({"weekly_hours": 20});
    let missing = app.patch_as(&ft.token, &contract, None, &change).await;
    let problem = assert_problem(missing, 428, "precondition_required").await;
    assert!(problem["detail"].as_str().unwrap_or("").contains("\"1\""), "names the current ETag: {problem}");
    let stale = assert_problem(patch(&app, &ft, &contract, 7, change).await, 412, "precondition_failed").await;
    assert_eq!(stale["current_version"], 1);

    let unknown = format!("{person}/contracts/{}", uuid::Uuid::now_v7());
    let other = self::person(&app, &ft, "Durand").await;
    let elsewhere = contract.replace(&person, &other);
    for path in [&unknown, &elsewhere] {
        let review = format!("/reviews/{}", uuid::Uuid::now_v7());
        for suffix in ["", "/history", "/reviews", review.as_str()] {
            assert_problem(get(&app, &ft, &format!("{path}{suffix}")).await, 404, "not_found").await;
        }
        assert_problem(patch(&app, &ft, path, 1, json!({"weekly_hours": 20})).await, 404, "not_found").await;
        assert_problem(post(&app, &ft, &format!("{path}/reviews"), &self::review()).await, 404, "not_found").await;
    }
    let nobody = format!("/v1/persons/{}/contracts", uuid::Uuid::now_v7());
    assert_problem(post(&app, &ft, &nobody, &self::contract()).await, 404, "not_found").await;
    assert_problem(get(&app, &ft, &format!("{person}/contracts/not-a-uuid")).await, 400, "invalid_path").await;
    assert_eq!(current(&app, &ft, &contract).await["version"], 1, "no new version");
    assert_eq!(current(&app, &ft, &format!("{other}/contracts")).await["items"], json!([]));
}

async fn a_mission_locale_outside_the_remit_gets_404_on_everything(app: TestApp) {
    let ft = client(&app, FranceTravail).await;
    let ml = client(&app, MissionLocale).await;
    let person = person(&app, &ft, "Martin").await;
    let contract = draft(&app, &ft, &person).await;
    let recorded = post(&app, &ft, &format!("{contract}/reviews"), &review()).await;
    let review_path = header(&recorded, "location").expect("Location");

    for path in [
        format!("{person}/contracts"),
        contract.clone(),
        format!("{contract}/history"),
        format!("{contract}/reviews"),
        review_path.clone(),
    ] {
        assert_problem(get(&app, &ml, &path).await, 404, "not_found").await;
    }
    assert_problem(patch(&app, &ml, &contract, 1, json!({"weekly_hours": 20})).await, 404, "not_found").await;
    assert_problem(post(&app, &ml, &format!("{person}/contracts"), &self::contract()).await, 404, "not_found").await;
    assert_problem(post(&app, &ml, &format!("{contract}/reviews"), &review()).await, 404, "not_found").await;
    assert_eq!(current(&app, &ft, &contract).await["version"], 1, "no new version");
    assert_eq!(current(&app, &ft, &format!("{contract}/reviews")).await["items"].as_array().map(Vec::len), Some(1));

    // Once the person is oriented to the mission locale, the same calls are answered.
    let orientation = json!({"path_type": "socio_professionnel", "referent_organization_id": ml.organization_id,
        "decided_on": today()});
    let oriented = app.put_as(&ft.token, &format!("{person}/orientation"), Some("\"1\""), &orientation).await;
    assert_eq!(oriented.status().as_u16(), 200);
    assert_eq!(current(&app, &ml, &review_path).await["contract_id"], contract.rsplit('/').next().expect("id"));
    assert_eq!(patch(&app, &ml, &contract, 1, json!({"weekly_hours": 20})).await.status().as_u16(), 200);
}

async fn a_draft_never_signed_can_be_abandoned(app: TestApp) {
    let ft = client(&app, FranceTravail).await;
    let person = person(&app, &ft, "Abandon").await;
    let contract = draft(&app, &ft, &person).await;
    assert_eq!(patch(&app, &ft, &contract, 1, json!({"status": "closed"})).await.status().as_u16(), 200);
    assert_eq!(current(&app, &ft, &contract).await["status"], "closed");
    let again = draft(&app, &ft, &person).await;
    assert_ne!(again, contract, "the abandoned draft no longer blocks a new contract");
}
