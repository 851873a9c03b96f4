//! The network's roles end to end, as the report sets them: Cap emploi registers a person at its
//! desk (principle 1); the département delegates the orientation of its RSA beneficiary to France
//! Travail, which orients for it; a PLIE mandated by France Travail co-accompanies (#14, #20);
//! a breach of the contract's duties is recorded, contradicted and lifted, decided by the
//! département (principle 3, #65–#68); the person reads it all in `/v1/me`, and the journal names
//! each step's counsellor.

use chrono::{Days, Utc};
use plateforme_model::organization::OrganizationKind::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::co_accompaniment::co_accompaniment;
use crate::duties::SANCTIONS_SCOPES;
use crate::helpers::{TestApp, TestClient, assert_problem, json};
use crate::my_data::person_token;
use crate::on_both_backends;

on_both_backends!(a_person_accompanied_by_the_whole_network);

/// A request of `client`'s counsellor `counsellor`, with `If-Match` when given.
async fn by(
    app: &TestApp,
    method: Method,
    client: &TestClient,
    counsellor: &str,
    path: &str,
    if_match: Option<i64>,
    body: &Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .request(method.clone(), app.url(path))
        .bearer_auth(&client.token)
        .header("counsellor-id", counsellor);
    if let Some(version) = if_match {
        request = request.header("if-match", format!("\"{version}\""));
    }
    request = match method {
        Method::PATCH => request.header("content-type", "application/merge-patch+json").body(body.to_string()),
        Method::GET => request,
        _ => request.json(body),
    };
    request.send().await.expect("request")
}

async fn created(response: reqwest::Response, what: &str) -> Value {
    assert_eq!(response.status().as_u16(), 201, "{what}");
    json(response).await
}

async fn done(response: reqwest::Response, what: &str) -> Value {
    assert_eq!(response.status().as_u16(), 200, "{what}");
    json(response).await
}

async fn a_person_accompanied_by_the_whole_network(app: TestApp) {
    let today = Utc::now().date_naive();
    let in_15_days = today.checked_add_days(Days::new(15)).expect("date");
    let mut scopes = SANCTIONS_SCOPES.to_vec();
    scopes.extend(["organizations:read", "organizations:write"]);
    let france_travail = app.register(FranceTravail, &scopes).await;
    let rhone = app.register(Departement, &scopes).await;
    let cap_emploi = app.register(CapEmploi, &scopes).await;
    let plie = app.register(Partner, &scopes).await;
    let (ft, dep, ce, pl) = ("FT-0042", "CD69-ASE-7", "CE69-3", "PLIE-07");

    // Cap emploi registers, at its desk, an RSA beneficiary (her declaration) of the Rhône.
    let body = json!({
        "identity": {"family_name": "Morel", "given_names": "Inès", "birth_date": "1985-02-11", "birth_commune": "69123"},
        "contact": {"address": {"line": "5 rue Mercière", "postal_code": "69002", "commune": "69123"}},
        "statuses": {"rsa_beneficiary": true, "rqth": true},
        "registration": {"registered_on": today, "channel": "counter"}
    });
    let person = created(by(&app, Method::POST, &cap_emploi, ce, "/v1/persons", None, &body).await, "register").await;
    let id = person["id"].as_str().expect("id").to_owned();
    let dossier = format!("/v1/persons/{id}");

    // France Travail may not orient her on its own; the département delegates, then it does, for it.
    let orientation = json!({"path_type": "socio_professionnel", "intensive": true,
        "referent_organization_id": france_travail.organization_id, "referent_counsellor": "Karim Diallo", "decided_on": today});
    let on_its_own =
        by(&app, Method::PUT, &france_travail, ft, &format!("{dossier}/orientation"), Some(1), &orientation).await;
    assert_problem(on_its_own, 403, "forbidden").await;
    let delegation =
        json!({"kind": "rsa_orientation", "to_organization_id": france_travail.organization_id, "since": today});
    created(by(&app, Method::POST, &rhone, dep, "/v1/delegations", None, &delegation).await, "delegate").await;
    let oriented = done(
        by(&app, Method::PUT, &france_travail, ft, &format!("{dossier}/orientation"), Some(1), &orientation).await,
        "orient",
    )
    .await;
    assert_eq!(oriented["orientation"]["basis"], "delegation");
    assert_eq!(oriented["orientation"]["on_behalf_of"], rhone.organization_id.to_string());

    // France Travail mandates the PLIE, which co-accompanies her for it.
    let mandate = json!({"kind": "accompaniment", "to_organization_id": plie.organization_id, "since": today});
    created(by(&app, Method::POST, &france_travail, ft, "/v1/delegations", None, &mandate).await, "mandate").await;
    let mut joined = co_accompaniment(&plie, "delegated");
    joined["since"] = json!(today);
    let joined = created(
        by(&app, Method::POST, &france_travail, ft, &format!("{dossier}/co-accompaniments"), None, &joined).await,
        "co-accompany",
    )
    .await;
    assert_eq!(joined["acting_for"], france_travail.organization_id.to_string());

    // The référent drafts her contract (a CER: she receives the RSA) and both sign it.
    let contract = json!({"objectives": ["Reprendre une activité"], "weekly_hours": 15,
        "obligations": [{"kind": "attendance", "description": "Participer aux ateliers du PLIE"}],
        "actions": [{"description": "Ateliers de remobilisation", "owner": plie.organization_id}]});
    let contract = created(
        by(&app, Method::POST, &france_travail, ft, &format!("{dossier}/contracts"), None, &contract).await,
        "draft",
    )
    .await;
    assert_eq!(contract["kind"], "cer");
    let contract_path = format!("{dossier}/contracts/{}", contract["id"].as_str().expect("id"));
    let signature = json!({"status": "signed", "person_signed_on": today, "organization_signed_on": today});
    done(by(&app, Method::PATCH, &france_travail, ft, &contract_path, Some(1), &signature).await, "sign").await;
    // The PLIE marks its own action done.
    let action = json!({"actions": [{"description": "Ateliers de remobilisation", "owner": plie.organization_id, "done": true}]});
    done(by(&app, Method::PATCH, &plie, pl, &contract_path, Some(2), &action).await, "the PLIE's action").await;

    // A breach: observed by the référent, notified and decided by the département (she receives
    // the RSA), contradicted by her answer, lifted when she resumes.
    let breach = json!({"contract_id": contract["id"], "obligation": 0, "observed_on": today,
        "statement": "Absente aux ateliers du PLIE depuis trois semaines."});
    let breach = created(
        by(&app, Method::POST, &france_travail, ft, &format!("{dossier}/breaches"), None, &breach).await,
        "breach",
    )
    .await;
    let breach_path = format!("{dossier}/breaches/{}", breach["id"].as_str().expect("id"));
    let notice = json!({"notice": {"sent_on": today, "answer_by": in_15_days, "statement": "Vous pouvez présenter vos observations."}});
    assert_problem(
        by(&app, Method::PATCH, &france_travail, ft, &breach_path, Some(1), &notice).await,
        403,
        "forbidden",
    )
    .await;
    done(by(&app, Method::PATCH, &rhone, dep, &breach_path, Some(1), &notice).await, "notice").await;
    let answer = json!({"answer": {"received_on": today, "statement": "Je gardais mon fils malade."}});
    done(by(&app, Method::PATCH, &france_travail, ft, &breach_path, Some(2), &answer).await, "answer").await;
    let decision = json!({"decision": {"decided_on": today, "measure": "remobilisation", "statement": "Reprise des ateliers attendue."}});
    done(by(&app, Method::PATCH, &rhone, dep, &breach_path, Some(3), &decision).await, "decision").await;
    let lifted = json!({"lifted": {"lifted_on": today, "reason": "resumption"}});
    let closed = done(by(&app, Method::PATCH, &rhone, dep, &breach_path, Some(4), &lifted).await, "lifting").await;
    assert_eq!(closed["status"], "closed");

    // She reads it all.
    let token = person_token(&app, &france_travail, &id).await;
    let mine = json(app.client.get(app.url("/v1/me")).bearer_auth(&token).send().await.expect("GET")).await;
    assert_eq!(mine["dossier"]["registration"]["registered_by"], cap_emploi.organization_id.to_string());
    assert_eq!(mine["dossier"]["orientation"]["basis"], "delegation");
    assert_eq!(mine["co_accompaniments"][0]["acting_for"], france_travail.organization_id.to_string());
    assert_eq!(mine["contracts"][0]["kind"], "cer");
    let read = &mine["breaches"][0];
    assert_eq!(read["answer"]["statement"], "Je gardais mon fils malade.");
    assert_eq!(
        (read["decision"]["measure"].as_str(), read["lifted"]["reason"].as_str()),
        (Some("remobilisation"), Some("resumption"))
    );

    // Each step is in her journal, by whom, for whom, and which counsellor.
    let writes: Vec<(String, String, String, String)> = mine["journal"]
        .as_array()
        .expect("journal")
        .iter()
        .filter(|entry| entry["action"] == "write" && entry["section"] != "access_code")
        .map(|entry| {
            let text = |key: &str| entry[key].as_str().unwrap_or("-").to_owned();
            (text("organization_id"), text("section"), text("counsellor"), text("acting_for"))
        })
        .collect();
    let (ft_id, dep_id, ce_id, plie_id) = (
        france_travail.organization_id.to_string(),
        rhone.organization_id.to_string(),
        cap_emploi.organization_id.to_string(),
        plie.organization_id.to_string(),
    );
    let step = |organization: &str, section: &str, counsellor: &str, acting_for: &str| {
        (organization.to_owned(), section.to_owned(), counsellor.to_owned(), acting_for.to_owned())
    };
    assert_eq!(
        writes,
        [
            step(&ce_id, "dossier", ce, "-"),
            step(&ft_id, "orientation", ft, "-"),
            step(&ft_id, "co_accompaniment", ft, "-"),
            step(&ft_id, "contract", ft, "-"),
            step(&ft_id, "contract", ft, "-"),
            step(&plie_id, "contract", pl, &ft_id),
            step(&ft_id, "duties", ft, "-"),
            step(&dep_id, "duties", dep, "-"),
            step(&ft_id, "duties", ft, "-"),
            step(&dep_id, "duties", dep, "-"),
            step(&dep_id, "duties", dep, "-"),
        ]
    );
    let history = mine["history"].as_array().expect("history");
    let breach_versions = history.iter().find(|h| h["resource_type"] == "breach").expect("the breach's history");
    let counsellors: Vec<&str> = breach_versions["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter_map(|v| v["counsellor"].as_str())
        .collect();
    assert_eq!(counsellors, [ft, dep, ft, dep, dep], "the history names each step's counsellor too");
}
