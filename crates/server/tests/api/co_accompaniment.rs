//! Accompaniment by several (propositions #14, #16, #20, #21): one référent and any number of
//! co-accompanying organizations, each reading the dossier within its role and writing its own
//! actions of the contract; a delegated operator acts for its mandating organization and the
//! journal says so; an organization without a remit is refused with a precise problem.

use chrono::{Days, Utc};
use plateforme_model::organization::OrganizationKind::*;
use serde_json::{Value, json};

use crate::counsellor::my_journal;
use crate::dossier::{DOSSIER_SCOPES, get_as, person, post_as, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::my_data::person_token;
use crate::on_both_backends;

on_both_backends!(
    co_accompanying_organizations_read_within_their_role_and_write_their_own_actions,
    organizations_without_a_remit_do_not_co_accompany
);

pub const WITH_DELEGATIONS: &[&str] = &[
    "dossier:read",
    "dossier:write",
    "dossier.social:read",
    "dossier.social:write",
    "organizations:read",
    "organizations:write",
];

fn days_ago(days: u64) -> chrono::NaiveDate {
    Utc::now().date_naive().checked_sub_days(Days::new(days)).expect("date")
}

pub fn co_accompaniment(organization: &TestClient, role: &str) -> Value {
    json!({"organization_id": organization.organization_id, "role": role, "since": days_ago(5)})
}

/// A person registered by France Travail and oriented to the mission locale, with a diagnostic.
pub async fn accompanied_person(app: &TestApp, ft: &TestClient, ml: &TestClient) -> String {
    let id = register_person(app, ft, &person("Accompagnée", false)).await["id"].as_str().expect("id").to_owned();
    let orientation = json!({"path_type": "socio_professionnel", "referent_organization_id": ml.organization_id,
        "decided_on": Utc::now().date_naive()});
    assert_eq!(
        app.put_as(&ft.token, &format!("/v1/persons/{id}/orientation"), Some("\"1\""), &orientation)
            .await
            .status()
            .as_u16(),
        200
    );
    let diagnostic = json!({"professional": {"target_rome_codes": ["N1103"], "skills": [], "qualification_level": "cap_bep",
        "experience_months": 6, "autonomy_level": "medium"}, "social": {"mobility": {"severity": "high", "note": "Pas de permis"}}});
    assert_eq!(
        app.put_as(&ml.token, &format!("/v1/persons/{id}/diagnostic"), None, &diagnostic).await.status().as_u16(),
        201
    );
    id
}

async fn co_accompanying_organizations_read_within_their_role_and_write_their_own_actions(app: TestApp) {
    let ft = app.register(FranceTravail, WITH_DELEGATIONS).await;
    let ml = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let plie = app.register(Partner, DOSSIER_SCOPES).await;
    let rhone = app.register(Departement, DOSSIER_SCOPES).await;
    let id = accompanied_person(&app, &ft, &ml).await;
    let dossier = format!("/v1/persons/{id}");
    // Today only one organization accompanies: the PLIE sees nothing.
    assert_problem(get_as(&app, &plie, &dossier).await, 404, "not_found").await;

    // France Travail mandates the PLIE; the mission locale, the référent, records it as a delegated
    // co-accompaniment, for France Travail, and the département's social worker beside it.
    let mandate = json!({"kind": "accompaniment", "to_organization_id": plie.organization_id, "since": days_ago(30)});
    assert_eq!(post_as(&app, &ft, "/v1/delegations", &mandate).await.status().as_u16(), 201);
    let recorded =
        post_as(&app, &ml, &format!("{dossier}/co-accompaniments"), &co_accompaniment(&plie, "delegated")).await;
    assert_eq!(recorded.status().as_u16(), 201);
    let location = header(&recorded, "location").expect("Location");
    let recorded = json(recorded).await;
    assert_eq!(recorded["acting_for"], ft.organization_id.to_string());
    assert_eq!(recorded["recorded_by"], ml.organization_id.to_string());
    let again =
        post_as(&app, &ml, &format!("{dossier}/co-accompaniments"), &co_accompaniment(&plie, "delegated")).await;
    assert_eq!(assert_problem(again, 409, "conflict").await["existing_id"], recorded["id"]);
    let social = post_as(&app, &ml, &format!("{dossier}/co-accompaniments"), &co_accompaniment(&rhone, "social")).await;
    assert_eq!(social.status().as_u16(), 201);

    // Each reads the dossier within its role: the PLIE without the social part, the social
    // worker with it.
    assert_eq!(get_as(&app, &plie, &dossier).await.status().as_u16(), 200);
    let by_plie = json(get_as(&app, &plie, &format!("{dossier}/diagnostic")).await).await;
    assert!(by_plie.get("social").is_none() && by_plie["social_withheld"] == true, "{by_plie}");
    let by_rhone = json(get_as(&app, &rhone, &format!("{dossier}/diagnostic")).await).await;
    assert_eq!(by_rhone["social"]["mobility"]["severity"], "high");
    let listed = json(get_as(&app, &plie, &format!("{dossier}/co-accompaniments")).await).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(2));

    // The référent drafts the contract with an action the PLIE carries out; the PLIE writes that
    // action, and nothing else.
    let contract = json!({"objectives": ["Retrouver un emploi"], "weekly_hours": 15, "actions": [
        {"description": "Atelier PLIE", "owner": plie.organization_id},
        {"description": "Rendez-vous mission locale", "owner": ml.organization_id}]});
    let drafted = post_as(&app, &ml, &format!("{dossier}/contracts"), &contract).await;
    let contract_path = header(&drafted, "location").expect("Location");
    let done = json!({"actions": [{"description": "Atelier PLIE", "owner": plie.organization_id, "done": true},
        {"description": "Rendez-vous mission locale", "owner": ml.organization_id}]});
    let written = app
        .client
        .patch(app.url(&contract_path))
        .bearer_auth(&plie.token)
        .header("if-match", "\"1\"")
        .header("counsellor-id", "PLIE-07")
        .header("content-type", "application/merge-patch+json")
        .body(done.to_string())
        .send()
        .await
        .expect("PATCH");
    assert_eq!(written.status().as_u16(), 200);
    assert_eq!(json(written).await["actions"][0]["done"], true);
    let not_its_own = json!({"actions": [{"description": "Atelier PLIE", "owner": plie.organization_id, "done": true},
        {"description": "Rendez-vous mission locale", "owner": ml.organization_id, "done": true}]});
    assert_problem(app.patch_as(&plie.token, &contract_path, Some("\"2\""), &not_its_own).await, 403, "forbidden")
        .await;
    assert_problem(
        app.patch_as(&plie.token, &contract_path, Some("\"2\""), &json!({"weekly_hours": 20})).await,
        403,
        "forbidden",
    )
    .await;
    let phone = json!({"contact": {"phone": "07 00 00 00 09"}});
    assert_problem(app.patch_as(&plie.token, &dossier, Some("\"2\""), &phone).await, 404, "not_found").await;

    // The journal says the PLIE acted for France Travail, and which of its counsellors.
    let token = person_token(&app, &ft, &id).await;
    let entries = my_journal(&app, &token).await;
    let plie_write = entries
        .iter()
        .find(|e| e["organization_id"] == plie.organization_id.to_string() && e["action"] == "write")
        .expect("the PLIE's write");
    assert_eq!(plie_write["acting_for"], ft.organization_id.to_string());
    assert_eq!(plie_write["counsellor"], "PLIE-07");
    assert_eq!(plie_write["section"], "contract");

    // Once it ends, the PLIE no longer sees the dossier.
    let ended = app.patch_as(&ml.token, &location, Some("\"1\""), &json!({"until": days_ago(1)})).await;
    assert_eq!(ended.status().as_u16(), 200);
    assert_problem(get_as(&app, &plie, &dossier).await, 404, "not_found").await;
}

async fn organizations_without_a_remit_do_not_co_accompany(app: TestApp) {
    let ft = app.register(FranceTravail, WITH_DELEGATIONS).await;
    let ml = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let id = accompanied_person(&app, &ft, &ml).await;
    let path = format!("/v1/persons/{id}/co-accompaniments");
    let plie = app.register(Partner, DOSSIER_SCOPES).await;
    let employer = app.register(Employer, DOSSIER_SCOPES).await;
    let ain = app.register_in(Departement, json!({"regions": ["84"], "departements": ["01"]}), DOSSIER_SCOPES).await;
    let cases = [
        (co_accompaniment(&plie, "delegated"), "co_accompaniment.no_mandate"),
        (co_accompaniment(&employer, "specialised"), "co_accompaniment.kind"),
        (co_accompaniment(&ml, "specialised"), "co_accompaniment.referent"),
        (co_accompaniment(&ain, "social"), "co_accompaniment.outside_territory"),
        (co_accompaniment(&ft, "social"), "co_accompaniment.kind"),
        (
            json!({"organization_id": uuid::Uuid::now_v7(), "role": "social", "since": days_ago(1)}),
            "organization.unknown",
        ),
        (
            json!({"organization_id": plie.organization_id, "role": "training", "since": days_ago(1), "until": days_ago(2)}),
            "co_accompaniment.period",
        ),
    ];
    for (body, rule) in cases {
        let problem = assert_problem(post_as(&app, &ml, &path, &body).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["rule"], rule, "{body}");
    }
    // An organization that may not write the dossier records nobody.
    assert_problem(post_as(&app, &plie, &path, &co_accompaniment(&plie, "training")).await, 404, "not_found").await;
    let listed = json(get_as(&app, &ml, &path).await).await;
    assert_eq!(listed["items"], json!([]), "nothing written");
}
