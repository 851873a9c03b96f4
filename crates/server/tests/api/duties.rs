//! Rights and duties (principle 3, propositions #65–#68): the contract states its kind and the
//! obligations agreed; a breach is recorded with its contradictory exchange and the progressive
//! measure decided by the organization holding the power for the person — a sensitive part,
//! under its own scope, shown to no one without it, read by the person.

use chrono::{Days, Utc};
use plateforme_model::organization::OrganizationKind::*;
use serde_json::{Value, json};

use crate::dossier::{get_as, person, post_as, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::my_data::person_token;
use crate::on_both_backends;

on_both_backends!(a_breach_goes_through_the_exchange_to_a_progressive_measure, the_contract_states_its_kind_and_duties);

pub const SANCTIONS_SCOPES: &[&str] = &[
    "dossier:read",
    "dossier:write",
    "dossier.social:read",
    "dossier.social:write",
    "dossier.sanctions:read",
    "dossier.sanctions:write",
];

pub fn days_ago(days: u64) -> chrono::NaiveDate {
    Utc::now().date_naive().checked_sub_days(Days::new(days)).expect("date")
}

/// A person registered by France Travail, oriented to `referent`, with a signed contract binding
/// them to attend and to 15 hours of activity a week, drafted by `referent`. Answers the dossier's
/// path and the contract's.
pub async fn bound_person(
    app: &TestApp,
    ft: &TestClient,
    referent: &TestClient,
    name: &str,
    rsa: bool,
) -> (String, String) {
    let id = register_person(app, ft, &person(name, rsa)).await["id"].as_str().expect("id").to_owned();
    let dossier = format!("/v1/persons/{id}");
    let orientation =
        json!({"path_type": "emploi", "referent_organization_id": referent.organization_id, "decided_on": days_ago(0)});
    let decider = if rsa { referent } else { ft };
    assert_eq!(
        app.put_as(&decider.token, &format!("{dossier}/orientation"), Some("\"1\""), &orientation)
            .await
            .status()
            .as_u16(),
        200
    );
    let contract = json!({"objectives": ["Retrouver un emploi"], "weekly_hours": 15, "obligations": [
        {"kind": "attendance", "description": "Participer aux ateliers collectifs"},
        {"kind": "activity_hours", "description": "Activités d'insertion", "weekly_hours": 15}]});
    let drafted = post_as(app, referent, &format!("{dossier}/contracts"), &contract).await;
    assert_eq!(drafted.status().as_u16(), 201, "draft the contract");
    let contract_path = header(&drafted, "location").expect("Location");
    let signature = json!({"status": "signed", "person_signed_on": days_ago(0), "organization_signed_on": days_ago(0)});
    assert_eq!(app.patch_as(&referent.token, &contract_path, Some("\"1\""), &signature).await.status().as_u16(), 200);
    (dossier, contract_path)
}

pub fn breach_of(contract: &Value, obligation: usize) -> Value {
    json!({"contract_id": contract["id"], "obligation": obligation, "observed_on": days_ago(0),
        "statement": "Absent aux trois ateliers, sans nouvelles."})
}

async fn step(app: &TestApp, by: &TestClient, path: &str, version: i64, body: &Value) -> reqwest::Response {
    app.patch_as(&by.token, path, Some(&format!("\"{version}\"")), body).await
}

async fn a_breach_goes_through_the_exchange_to_a_progressive_measure(app: TestApp) {
    let ft = app.register(FranceTravail, SANCTIONS_SCOPES).await;
    let ml = app.register(MissionLocale, SANCTIONS_SCOPES).await;
    let (dossier, contract_path) = bound_person(&app, &ft, &ml, "Engagée", false).await;
    let contract = json(get_as(&app, &ml, &contract_path).await).await;
    assert_eq!(contract["kind"], "cej", "a mission locale's own contract");

    // The référent records what it observed; an obligation the contract does not state is refused.
    let unknown = post_as(&app, &ml, &format!("{dossier}/breaches"), &breach_of(&contract, 5)).await;
    assert_eq!(
        assert_problem(unknown, 422, "validation_failed").await["errors"][0]["rule"],
        "breach.obligation_unknown"
    );
    let recorded = post_as(&app, &ml, &format!("{dossier}/breaches"), &breach_of(&contract, 0)).await;
    assert_eq!(recorded.status().as_u16(), 201);
    let path = header(&recorded, "location").expect("Location");
    let breach = json(recorded).await;
    assert_eq!(
        (breach["status"].as_str(), breach["obligation_agreed"]["kind"].as_str()),
        (Some("observed"), Some("attendance"))
    );

    // The notice is France Travail's to send (the person is not an RSA beneficiary), not the référent's.
    let notice = json!({"notice": {"sent_on": days_ago(0), "answer_by": Utc::now().date_naive().checked_add_days(Days::new(15)),
        "statement": "Vous pouvez présenter vos observations sous quinze jours."}});
    let refused = assert_problem(step(&app, &ml, &path, 1, &notice).await, 403, "forbidden").await;
    assert!(refused["detail"].as_str().is_some_and(|detail| detail.contains("France Travail")), "{refused}");
    assert_eq!(step(&app, &ft, &path, 1, &notice).await.status().as_u16(), 200);
    // No decision while the person may still answer.
    let hasty = json!({"decision": {"decided_on": days_ago(0), "measure": "remobilisation", "statement": "Trop tôt"}});
    assert_eq!(
        assert_problem(step(&app, &ft, &path, 2, &hasty).await, 422, "validation_failed").await["errors"][0]["rule"],
        "decision.answer_pending"
    );
    // The référent records the person's answer; a recorded step no longer changes.
    let answer = json!({"answer": {"received_on": days_ago(0), "statement": "J'étais malade, j'ai un certificat."}});
    assert_eq!(step(&app, &ml, &path, 2, &answer).await.status().as_u16(), 200);
    let rewrite = json!({"notice": {"sent_on": days_ago(0), "answer_by": Utc::now().date_naive().checked_add_days(Days::new(20)), "statement": "Autre"}});
    assert_eq!(
        assert_problem(step(&app, &ft, &path, 3, &rewrite).await, 422, "validation_failed").await["errors"][0]["rule"],
        "breach.step_fixed"
    );
    // Progressive: a suspension comes after an earlier measure, not first.
    let suspension =
        json!({"decision": {"decided_on": days_ago(0), "measure": "suspension", "statement": "Suspension"}});
    assert_eq!(
        assert_problem(step(&app, &ft, &path, 3, &suspension).await, 422, "validation_failed").await["errors"][0]["rule"],
        "measure.progressive"
    );
    let remobilisation = json!({"decision": {"decided_on": days_ago(0), "measure": "remobilisation",
        "statement": "Suspension-remobilisation jusqu'à la reprise des ateliers."}});
    let decided = json(step(&app, &ft, &path, 3, &remobilisation).await).await;
    assert_eq!(decided["status"], "measure_in_force");
    assert_eq!(decided["decision"]["decided_by"], ft.organization_id.to_string());
    let lifted =
        json(step(&app, &ft, &path, 4, &json!({"lifted": {"lifted_on": days_ago(0), "reason": "resumption"}})).await)
            .await;
    assert_eq!(lifted["status"], "closed");

    // Never shown without the scope, not even as an event of the timeline; the person reads it all.
    let blind = app.register(MissionLocale, &["dossier:read", "dossier:write"]).await;
    assert_problem(get_as(&app, &blind, &format!("{dossier}/breaches")).await, 403, "forbidden").await;
    let events = |timeline: Value| -> Vec<String> {
        timeline["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|e| e["resource_type"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let orient_blind =
        json!({"path_type": "emploi", "referent_organization_id": blind.organization_id, "decided_on": days_ago(0)});
    assert_eq!(
        app.put_as(&ft.token, &format!("{dossier}/orientation"), Some("\"2\""), &orient_blind).await.status().as_u16(),
        200
    );
    assert!(
        !events(json(get_as(&app, &blind, &format!("{dossier}/timeline?limit=100")).await).await)
            .contains(&"breach".to_owned())
    );
    assert!(
        events(json(get_as(&app, &ft, &format!("{dossier}/timeline?limit=100")).await).await)
            .contains(&"breach".to_owned())
    );
    let token = person_token(&app, &ft, dossier.trim_start_matches("/v1/persons/")).await;
    let mine = json(app.client.get(app.url("/v1/me")).bearer_auth(&token).send().await.expect("GET")).await;
    let read = &mine["breaches"][0];
    assert_eq!(
        (read["status"].as_str(), read["answer"]["statement"].as_str()),
        (Some("closed"), Some("J'étais malade, j'ai un certificat."))
    );
    assert!(mine["history"].as_array().expect("history").iter().any(|h| h["resource_type"] == "breach"));
}

async fn the_contract_states_its_kind_and_duties(app: TestApp) {
    let ft = app.register(FranceTravail, SANCTIONS_SCOPES).await;
    let id = register_person(&app, &ft, &person("Contrat", false)).await["id"].as_str().expect("id").to_owned();
    let path = format!("/v1/persons/{id}/contracts");
    let base = json!({"objectives": ["Retrouver un emploi"], "weekly_hours": 15});
    let with = |extra: Value| {
        let mut body = base.clone();
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        body
    };
    let cases = [
        (with(json!({"kind": "cer"})), "contract.kind_rsa"),
        (with(json!({"kind": "cap_emploi"})), "contract.kind_drafter"),
        (with(json!({"obligations": [{"kind": "activity_hours", "description": "Activités"}]})), "obligation.hours"),
        (with(json!({"obligations": [{"kind": "step", "description": " "}]})), "obligation.description"),
    ];
    for (body, rule) in cases {
        let problem = assert_problem(post_as(&app, &ft, &path, &body).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["rule"], rule, "{body}");
    }
    let drafted = post_as(
        &app,
        &ft,
        &path,
        &with(json!({"obligations": [{"kind": "step", "description": "Envoyer 5 candidatures",
        "due_on": Utc::now().date_naive().checked_add_days(Days::new(30))}]})),
    )
    .await;
    assert_eq!(drafted.status().as_u16(), 201);
    let location = header(&drafted, "location").expect("Location");
    let contract = json(drafted).await;
    assert_eq!(contract["kind"], "ppae", "France Travail's own");
    assert_eq!(contract["obligations"][0]["kind"], "step");
    // A breach of a draft: the contract does not bind yet.
    let draft_breach = post_as(&app, &ft, &format!("/v1/persons/{id}/breaches"), &breach_of(&contract, 0)).await;
    assert_eq!(
        assert_problem(draft_breach, 422, "validation_failed").await["errors"][0]["rule"],
        "breach.contract_not_binding"
    );
    let signature = json!({"status": "signed", "person_signed_on": days_ago(0), "organization_signed_on": days_ago(0)});
    assert_eq!(app.patch_as(&ft.token, &location, Some("\"1\""), &signature).await.status().as_u16(), 200);
    let changed = json!({"obligations": []});
    let fixed =
        assert_problem(app.patch_as(&ft.token, &location, Some("\"2\""), &changed).await, 422, "validation_failed")
            .await;
    assert_eq!(fixed["errors"][0]["rule"], "contract.obligations_fixed");
    let no_scope = app.register(FranceTravail, &["dossier:read", "dossier:write"]).await;
    assert_problem(
        post_as(&app, &no_scope, &format!("/v1/persons/{id}/breaches"), &breach_of(&contract, 0)).await,
        403,
        "forbidden",
    )
    .await;
    let listed = json(get_as(&app, &ft, &format!("/v1/persons/{id}/breaches")).await).await;
    assert_eq!(listed["items"], json!([]), "nothing recorded by the refusals");
}
