//! A person's path across the network, end to end: registered by France Travail, found again
//! by another organization, oriented by the département to a mission locale, accompanied there
//! (diagnostic, contract, review), kept out of everybody else's sight, and able to read their
//! own dossier and who accessed it.

use chrono::Utc;
use plateforme_model::organization::OrganizationKind::*;
use serde_json::{Value, json};

use crate::dossier::{DOSSIER_SCOPES, get_as, post_as};
use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::on_both_backends;

on_both_backends!(a_path_back_to_work_across_the_network);

async fn a_path_back_to_work_across_the_network(app: TestApp) {
    let today = Utc::now().date_naive();
    let france_travail = app.register(FranceTravail, DOSSIER_SCOPES).await;
    let rhone = app.register(Departement, DOSSIER_SCOPES).await;
    let ain = app.register_in(Departement, json!({"regions": ["84"], "departements": ["01"]}), DOSSIER_SCOPES).await;
    let mission_locale = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let cap_emploi = app.register(CapEmploi, DOSSIER_SCOPES).await;

    // France Travail registers a young RSA beneficiary of the Rhône.
    let young = json!({
        "identity": {"family_name": "Nguyen", "given_names": "Thomas", "birth_date": "2001-06-01", "birth_commune": "69123"},
        "contact": {"email": "thomas@example.org", "address": {"line": "3 place Bellecour", "postal_code": "69002", "commune": "69123"}},
        "statuses": {"rsa_beneficiary": true},
        "registration": {"registered_on": today, "channel": "counter"}
    });
    let registered = post_as(&app, &france_travail, "/v1/persons", &young).await;
    assert_eq!(registered.status().as_u16(), 201);
    let person = json(registered).await;
    let id = person["id"].as_str().expect("id").to_owned();
    let dossier = format!("/v1/persons/{id}");
    assert_eq!(person["statuses"]["under_26"], true);

    // The mission locale, asked by the same young man, finds him instead of registering him twice.
    let probe =
        json!({"family_name": "NGUYEN", "given_names": "thomas", "birth_date": "2001-06-01", "birth_commune": "69123"});
    let found = json(post_as(&app, &mission_locale, "/v1/persons/match", &probe).await).await;
    assert_eq!(found["matches"][0]["person_id"], id.as_str());
    assert_eq!(found["matches"][0]["in_remit"], false, "not his dossier yet");
    assert_problem(post_as(&app, &mission_locale, "/v1/persons", &young).await, 409, "conflict").await;

    // The département decides the orientation: an intensive path at the mission locale.
    let orientation = json!({"path_type": "socio_professionnel", "intensive": true,
        "referent_organization_id": mission_locale.organization_id, "referent_counsellor": "Camille Durand", "decided_on": today});
    let oriented = app.put_as(&rhone.token, &format!("{dossier}/orientation"), Some("\"1\""), &orientation).await;
    assert_eq!(oriented.status().as_u16(), 200);

    // The mission locale now follows him: diagnostic, contract, review.
    assert_eq!(get_as(&app, &mission_locale, &dossier).await.status().as_u16(), 200);
    let diagnostic = json!({
        "professional": {"target_rome_codes": ["N1103"], "skills": ["Conduite de chariot"], "qualification_level": "cap_bep",
            "experience_months": 6, "autonomy_level": "medium"},
        "social": {"mobility": {"severity": "high", "note": "Pas de permis B"}}
    });
    let written = app.put_as(&mission_locale.token, &format!("{dossier}/diagnostic"), None, &diagnostic).await;
    assert_eq!(written.status().as_u16(), 201);
    let contract = json!({"objectives": ["Trouver un emploi de cariste"],
        "actions": [{"description": "Préparer le CACES R489", "owner": "person"}], "weekly_hours": 15});
    let drafted = post_as(&app, &mission_locale, &format!("{dossier}/contracts"), &contract).await;
    assert_eq!(drafted.status().as_u16(), 201);
    let contract_path = header(&drafted, "location").expect("Location");
    let signature = json!({"status": "signed", "person_signed_on": today, "organization_signed_on": today});
    let signed = app.patch_as(&mission_locale.token, &contract_path, Some("\"1\""), &signature).await;
    assert_eq!(signed.status().as_u16(), 200);
    assert_eq!(json(signed).await["status"], "signed");
    let review = json!({"held_on": today, "participants": [{"name": "Thomas Nguyen", "role": "personne accompagnée"}],
        "outcome": "Inscription à la formation CACES faite.", "next_steps": ["Passer le CACES"]});
    assert_eq!(
        post_as(&app, &mission_locale, &format!("{contract_path}/reviews"), &review).await.status().as_u16(),
        201
    );

    // Nobody else sees him.
    assert_problem(get_as(&app, &cap_emploi, &dossier).await, 404, "not_found").await;
    assert_problem(get_as(&app, &ain, &dossier).await, 404, "not_found").await;
    assert_problem(get_as(&app, &cap_emploi, &format!("{dossier}/diagnostic")).await, 404, "not_found").await;

    // A client of the mission locale without the social scope reads the diagnostic without it.
    let restricted =
        json(get_as(&app, &social_blind_client(&app, &mission_locale).await, &format!("{dossier}/diagnostic")).await)
            .await;
    assert!(restricted.get("social").is_none(), "{restricted}");
    assert_eq!(restricted["social_withheld"], true);
    assert_eq!(restricted["professional"]["target_rome_codes"], json!(["N1103"]));
    let full = json(get_as(&app, &mission_locale, &format!("{dossier}/diagnostic")).await).await;
    assert_eq!(full["social"]["mobility"]["severity"], "high");

    // The person reads his dossier, and who accessed it.
    let code = json(post_as(&app, &mission_locale, &format!("{dossier}/access-codes"), &json!({})).await).await;
    let form = [
        ("grant_type", "urn:plateforme:params:oauth:grant-type:person-access-code"),
        ("code", code["code"].as_str().expect("code")),
    ];
    let token = json(app.client.post(app.url("/oauth/token")).form(&form).send().await.expect("POST")).await;
    let token = token["access_token"].as_str().expect("token").to_owned();
    let mine = json(app.client.get(app.url("/v1/me/dossier")).bearer_auth(&token).send().await.expect("GET")).await;
    assert_eq!(mine["orientation"]["referent_organization_id"], mission_locale.organization_id.to_string());
    let journal =
        json(app.client.get(app.url("/v1/me/journal?limit=100")).bearer_auth(&token).send().await.expect("GET")).await;
    let entries: Vec<(String, String, String)> = journal["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| (text(e, "organization_id"), text(e, "section"), text(e, "action")))
        .collect();
    let (ft, rh, ml) = (
        france_travail.organization_id.to_string(),
        rhone.organization_id.to_string(),
        mission_locale.organization_id.to_string(),
    );
    let expected = [
        (ft.as_str(), "dossier", "write"),
        (ml.as_str(), "match", "read"),
        (rh.as_str(), "orientation", "write"),
        (ml.as_str(), "dossier", "read"),
        (ml.as_str(), "diagnostic+social", "write"),
        (ml.as_str(), "contract", "write"),
        (ml.as_str(), "contract", "write"),
        (ml.as_str(), "review", "write"),
    ];
    let head: Vec<(&str, &str, &str)> =
        entries.iter().take(expected.len()).map(|(o, s, a)| (o.as_str(), s.as_str(), a.as_str())).collect();
    assert_eq!(head, expected, "each access, in order, by whom");
    assert!(
        entries.iter().all(|(organization, _, _)| *organization != cap_emploi.organization_id.to_string()),
        "refused reads are not accesses"
    );
    let blind_read = entries.iter().any(|(_, section, _)| section == "diagnostic");
    assert!(blind_read, "the read without the social part is journaled as such: {entries:?}");
}

/// A client of the same mission locale that may read dossiers but not their social part.
async fn social_blind_client(app: &TestApp, mission_locale: &TestClient) -> TestClient {
    let registration =
        json!({"organization_id": mission_locale.organization_id, "name": "Accueil", "scopes": ["dossier:read"]});
    let created = json(app.post_json("/v1/admin/clients", &registration).await).await;
    let client_id = created["client"]["client_id"].as_str().expect("id").to_owned();
    let secret = created["client_secret"].as_str().expect("secret").to_owned();
    let token = app.token_for(&client_id, &secret, None).await;
    TestClient { client_id, secret, organization_id: mission_locale.organization_id, token }
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_owned()
}
