//! The network's roles through the typed client, against the real server with the demo data:
//! delegations, the RSA status and its orientation, co-accompaniment, breaches and their steps,
//! reception sites and the nearest organizations, each write naming its counsellor.

mod support;

use plateforme_client::{ClientError, DelegationFilter, OrganizationKind};
use plateforme_server::config::Config;
use serde_json::json;

use support::{Recorder, TestServer, id_of, organization_id};

#[actix_web::test]
async fn the_roles_of_the_network_through_the_client() {
    let server = TestServer::start(Config::default()).await;
    let recorder = Recorder::new();
    let france_travail = server.client("france-travail", &recorder).as_counsellor("FT-0042");
    let departement = server.client("departement", &recorder).as_counsellor("CD69-7");
    let partner = server.client("partner", &recorder);
    let today = plateforme_model::ids::now().date_naive();
    let (ft, partner_id) = (organization_id(&france_travail).await, organization_id(&partner).await);

    // The demo data has the département delegate its RSA beneficiaries' orientation to France
    // Travail, and France Travail mandate the partner; the département mandates it too.
    let held = france_travail.delegations(&DelegationFilter { to_organization_id: Some(ft), ..Default::default() });
    assert_eq!(held.all().await.expect("list").len(), 1);
    let mandate = json!({"kind": "accompaniment", "to_organization_id": partner_id, "since": today});
    let granted = departement.create_delegation(&mandate, Some("roles-mandate")).await.expect("mandate");
    let replayed = departement.create_delegation(&mandate, Some("roles-mandate")).await.expect("again");
    assert!(replayed.replayed && replayed.value == granted.value, "the retry gets the first answer");
    let overlapping = departement.create_delegation(&mandate, None).await;
    assert!(matches!(overlapping, Err(ClientError::Problem(ref problem)) if problem.status == 409), "{overlapping:?}");

    // An RSA beneficiary, her status confirmed from the CAF, oriented under the delegation.
    let person = json!({
        "identity": {"family_name": "Client", "given_names": "Rôles", "birth_date": "1980-05-02", "birth_commune": "69123"},
        "contact": {"address": {"line": "1 rue de la République", "postal_code": "69002", "commune": "69123"}},
        "statuses": {"rsa_beneficiary": true},
        "registration": {"registered_on": today, "channel": "counter"}
    });
    let created = france_travail.create_person(&person, None).await.expect("register");
    let id = id_of(&created.value);
    let status = json!({"rsa_beneficiary": true, "source": "caf", "since": today});
    let confirmed = france_travail.set_rsa_status(id, &status, &created.etag).await.expect("rsa status");
    assert_eq!(confirmed.value["rsa_status"]["source"], "caf");
    let orientation = json!({"path_type": "emploi", "referent_organization_id": ft, "decided_on": today});
    let oriented = france_travail.set_orientation(id, &orientation, &confirmed.etag).await.expect("orient");
    assert_eq!(oriented.value["orientation"]["basis"], "delegation");

    // The partner co-accompanies for France Travail; a breach of the signed contract follows.
    let joined = json!({"organization_id": partner_id, "role": "delegated", "since": today});
    let joined = france_travail.record_co_accompaniment(id, &joined, None).await.expect("co-accompany");
    assert_eq!(joined.value["acting_for"], ft.to_string());
    assert_eq!(france_travail.co_accompaniments(id).all().await.expect("list").len(), 1);
    let contract = json!({"objectives": ["Reprendre"], "weekly_hours": 15,
        "obligations": [{"kind": "attendance", "description": "Rendez-vous mensuels"}]});
    let contract = france_travail.create_contract(id, &contract, None).await.expect("draft");
    let signature = json!({"status": "signed", "person_signed_on": today, "organization_signed_on": today});
    france_travail.update_contract(id, id_of(&contract.value), &signature, &contract.etag).await.expect("sign");
    let breach =
        json!({"contract_id": id_of(&contract.value), "obligation": 0, "observed_on": today, "statement": "Absente"});
    let breach = france_travail.record_breach(id, &breach, None).await.expect("breach");
    let notice =
        json!({"notice": {"sent_on": today, "answer_by": today.iter_days().nth(15), "statement": "Observations ?"}});
    let refused = france_travail.record_breach_steps(id, id_of(&breach.value), &notice, &breach.etag).await;
    assert!(matches!(refused, Err(ClientError::Problem(ref problem)) if problem.status == 403), "{refused:?}");
    let notified =
        departement.record_breach_steps(id, id_of(&breach.value), &notice, &breach.etag).await.expect("notice");
    assert_eq!(notified.value["status"], "notified");
    assert_eq!(france_travail.breaches(id).all().await.expect("list").len(), 1);

    // Each write names its counsellor in the history.
    let versions = france_travail.person_history(id).all().await.expect("history");
    assert!(versions.iter().all(|version| version["counsellor"] == "FT-0042"), "{versions:?}");

    // Where to meet a mission locale near Lyon: the demo sites.
    let mission_locale = server.client("mission-locale", &recorder);
    let nearby = mission_locale
        .nearest_organizations("69123", Some(10.0), Some(OrganizationKind::MissionLocale), None)
        .await
        .expect("nearest");
    assert_eq!(nearby.items.len(), 1, "{:?}", nearby.items);
    let site = nearby.items[0]["nearest_site"].clone();
    let own = organization_id(&mission_locale).await;
    let sites = mission_locale.sites(own).all().await.expect("sites");
    assert_eq!(sites.first().map(|first| &first["id"]), Some(&site["id"]));
}
