//! The orientation of RSA beneficiaries as the report and the law set it: the département of
//! residence decides; France Travail by the département's delegation or by default once the
//! delay has lapsed — never unconditionally; each decision records its ground. The RSA status
//! records its source, and only a département or France Travail changes it.

use chrono::{Days, Utc};
use plateforme_model::organization::OrganizationKind::*;
use serde_json::{Value, json};

use crate::dossier::{DOSSIER_SCOPES, get_as, person, post_as, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, json};
use crate::on_both_backends;

on_both_backends!(
    france_travail_orients_an_rsa_beneficiary_only_by_delegation_or_after_the_delay,
    only_a_departement_or_france_travail_records_the_rsa_status,
);

const WITH_DELEGATIONS: &[&str] =
    &["dossier:read", "dossier:write", "dossier.social:read", "organizations:read", "organizations:write"];

fn days_ago(days: u64) -> chrono::NaiveDate {
    Utc::now().date_naive().checked_sub_days(Days::new(days)).expect("date")
}

/// An RSA beneficiary of Lyon (Rhône), registered `days` ago by `by`.
async fn beneficiary(app: &TestApp, by: &TestClient, name: &str, days: u64) -> Value {
    let mut body = person(name, true);
    body["registration"]["registered_on"] = json!(days_ago(days));
    register_person(app, by, &body).await
}

async fn orient(app: &TestApp, by: &TestClient, person: &Value, referent: &TestClient) -> reqwest::Response {
    let body = json!({"path_type": "social", "referent_organization_id": referent.organization_id,
        "decided_on": Utc::now().date_naive()});
    let path = format!("/v1/persons/{}/orientation", person["id"].as_str().expect("id"));
    app.put_as(&by.token, &path, Some(&format!("\"{}\"", person["version"])), &body).await
}

async fn france_travail_orients_an_rsa_beneficiary_only_by_delegation_or_after_the_delay(app: TestApp) {
    let ft = app.register(FranceTravail, WITH_DELEGATIONS).await;
    let rhone = app.register(Departement, WITH_DELEGATIONS).await;
    let ain = app.register_in(Departement, json!({"regions": ["84"], "departements": ["01"]}), WITH_DELEGATIONS).await;
    let recent = beneficiary(&app, &ft, "Récente", 3).await;
    assert_eq!(recent["rsa_status"]["source"], "declaration", "at the desk, the person's declaration");

    // Today France Travail orients any RSA beneficiary: no more, within the département's delay.
    let refused = assert_problem(orient(&app, &ft, &recent, &ft).await, 403, "forbidden").await;
    assert!(refused["detail"].as_str().is_some_and(|d| d.contains("département")), "{refused}");
    // Another département's delegation covers nobody here.
    let elsewhere = json!({"kind": "rsa_orientation", "to_organization_id": ft.organization_id, "since": days_ago(1)});
    assert_eq!(post_as(&app, &ain, "/v1/delegations", &elsewhere).await.status().as_u16(), 201);
    assert_problem(orient(&app, &ft, &recent, &ft).await, 403, "forbidden").await;

    // The Rhône delegates: France Travail decides, for the département, and the record says so.
    let delegation = json!({"kind": "rsa_orientation", "to_organization_id": ft.organization_id, "since": days_ago(1)});
    let delegation = json(post_as(&app, &rhone, "/v1/delegations", &delegation).await).await;
    let oriented = orient(&app, &ft, &recent, &ft).await;
    assert_eq!(oriented.status().as_u16(), 200);
    let orientation = json(oriented).await["orientation"].clone();
    assert_eq!(orientation["basis"], "delegation");
    assert_eq!(orientation["delegation_id"], delegation["id"]);
    assert_eq!(orientation["on_behalf_of"], rhone.organization_id.to_string());
    assert_eq!(orientation["decided_by"], ft.organization_id.to_string());

    // The département decides on its own ground.
    let own = beneficiary(&app, &ft, "Départementale", 3).await;
    let decided = json(orient(&app, &rhone, &own, &rhone).await).await;
    assert_eq!(decided["orientation"]["basis"], "departement");
    assert!(decided["orientation"].get("on_behalf_of").is_none());

    // Past the delay, without a delegation covering the person, France Travail orients by default.
    let mut waiting = person("Attente", true);
    waiting["registration"]["registered_on"] = json!(days_ago(31));
    waiting["contact"]["address"] =
        json!({"line": "11 boulevard Jean Pain", "postal_code": "38000", "commune": "38185"});
    let waiting = register_person(&app, &ft, &waiting).await;
    let by_default = json(orient(&app, &ft, &waiting, &ft).await).await;
    assert_eq!(by_default["orientation"]["basis"], "default_after_delay");

    // The mission locale, referent of a non-RSA person it registered, decides within its remit,
    // but not for an RSA beneficiary.
    let ml = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let young = register_person(&app, &ml, &person("Jeune", false)).await;
    assert_eq!(json(orient(&app, &ml, &young, &ml).await).await["orientation"]["basis"], "remit");
    let declared = beneficiary(&app, &ml, "Déclarée", 40).await;
    assert_problem(orient(&app, &ml, &declared, &ml).await, 403, "forbidden").await;
    let unchanged =
        json(get_as(&app, &ml, &format!("/v1/persons/{}", declared["id"].as_str().expect("id"))).await).await;
    assert_eq!(unchanged["version"], 1, "a refused orientation writes nothing");
}

async fn only_a_departement_or_france_travail_records_the_rsa_status(app: TestApp) {
    let ft = app.register(FranceTravail, DOSSIER_SCOPES).await;
    let rhone = app.register(Departement, DOSSIER_SCOPES).await;
    let ml = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let cap_emploi = app.register(CapEmploi, DOSSIER_SCOPES).await;
    let registered = register_person(&app, &ml, &person("Statut", false)).await;
    let path = format!("/v1/persons/{}", registered["id"].as_str().expect("id"));

    // Today any writer flips it, and with it who orients and what the département sees.
    let flip = app.patch_as(&ml.token, &path, Some("\"1\""), &json!({"statuses": {"rsa_beneficiary": true}})).await;
    let problem = assert_problem(flip, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "rsa_beneficiary.by_rsa_status");
    let status = |source: &str| json!({"rsa_beneficiary": true, "source": source, "since": days_ago(10)});
    // Neither the mission locale that registered the person nor Cap emploi records it.
    for (client, expected) in [(&ml, 403), (&cap_emploi, 403)] {
        let response = app.put_as(&client.token, &format!("{path}/rsa-status"), Some("\"1\""), &status("caf")).await;
        assert_eq!(response.status().as_u16(), expected);
    }
    let by_ft = app.put_as(&ft.token, &format!("{path}/rsa-status"), Some("\"1\""), &status("departement")).await;
    assert_eq!(assert_problem(by_ft, 422, "validation_failed").await["errors"][0]["rule"], "rsa_source.departement");
    let future = json!({"rsa_beneficiary": true, "source": "caf", "since": Utc::now().date_naive().checked_add_days(Days::new(1))});
    let by_ft = app.put_as(&ft.token, &format!("{path}/rsa-status"), Some("\"1\""), &future).await;
    assert_eq!(assert_problem(by_ft, 422, "validation_failed").await["errors"][0]["rule"], "rsa_status.since_future");
    assert_problem(get_as(&app, &rhone, &path).await, 404, "not_found").await;

    let recorded = app.put_as(&ft.token, &format!("{path}/rsa-status"), Some("\"1\""), &status("caf")).await;
    assert_eq!(recorded.status().as_u16(), 200);
    let recorded = json(recorded).await;
    assert_eq!(recorded["statuses"]["rsa_beneficiary"], true);
    assert_eq!(
        recorded["rsa_status"],
        json!({"source": "caf", "since": days_ago(10), "recorded_by": ft.organization_id})
    );
    assert_eq!(recorded["provenance"]["statuses.rsa_beneficiary"]["organization_id"], ft.organization_id.to_string());
    // The département now sees its RSA beneficiary, and records the status from its own source.
    assert_eq!(get_as(&app, &rhone, &path).await.status().as_u16(), 200);
    let by_rhone = app.put_as(&rhone.token, &format!("{path}/rsa-status"), Some("\"2\""), &status("departement")).await;
    assert_eq!(json(by_rhone).await["rsa_status"]["source"], "departement");
    let again = app.put_as(&rhone.token, &format!("{path}/rsa-status"), Some("\"3\""), &status("departement")).await;
    assert_eq!(json(again).await["version"], 3, "the same status again writes nothing");
}
