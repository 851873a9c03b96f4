//! Every organization kind against every operation, on records inside and outside its remit.
//! Each kind calls with the scopes its demo client has (what its mission needs); the expected
//! answers are written out here, not derived from the code under test.

use plateforme_model::organization::OrganizationKind::{self, *};
use plateforme_server::seed::demo_scopes;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, TestClient, create_organization};
use crate::on_both_backends;

on_both_backends!(every_kind_is_held_to_its_remit);

/// The operations that exist today, each on a record inside or outside the caller's remit.
#[derive(Debug, Clone, Copy)]
enum Operation {
    ListOrganizations,
    ReadOtherOrganization,
    ReadOwnHistory,
    UpdateOwnOrganization,
    UpdateOtherOrganization,
    CreateOrganization,
    ListClients,
    ReadJournal,
    RotateKeys,
    PromoteOwnKind,
    ChangeOwnTerritory,
}

use Operation::*;

/// Who calls: each kind with the scopes of its demo client, then the administrator (France
/// Travail with `admin` and `journal:read`), who may do everything.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Kind(OrganizationKind),
    Admin,
}

/// The columns of `MATRIX`, in order.
const CALLERS: [Caller; 10] = [
    Caller::Kind(FranceTravail),
    Caller::Kind(MissionLocale),
    Caller::Kind(CapEmploi),
    Caller::Kind(Departement),
    Caller::Kind(Region),
    Caller::Kind(Partner),
    Caller::Kind(Employer),
    Caller::Kind(StateService),
    Caller::Kind(TrainingProvider),
    Caller::Admin,
];

/// Expected status per operation, one column per caller of `CALLERS`.
#[rustfmt::skip]
const MATRIX: [(Operation, [u16; 10]); 11] = [
    //                          FT   ML   CE   Dép  Rég  Part Empl État OF   Admin
    (ListOrganizations,       [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    (ReadOtherOrganization,   [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    (ReadOwnHistory,          [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    (UpdateOwnOrganization,   [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    (UpdateOtherOrganization, [403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    (CreateOrganization,      [403, 403, 403, 403, 403, 403, 403, 403, 403, 201]),
    (ListClients,             [403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    (ReadJournal,             [403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    (RotateKeys,              [403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    (PromoteOwnKind,          [403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    (ChangeOwnTerritory,      [403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
];

async fn every_kind_is_held_to_its_remit(app: TestApp) {
    let other = create_organization(&app, 1).await;
    let other_id = other["id"].as_str().expect("id").to_owned();
    let mut failures = Vec::new();
    for (column, who) in CALLERS.into_iter().enumerate() {
        let (caller, name) = match who {
            Caller::Kind(kind) => (app.register(kind, &demo_scopes(kind)).await, format!("{kind:?}")),
            Caller::Admin => (app.admin.clone().expect("admin client"), "admin".to_owned()),
        };
        for (operation, expected) in MATRIX {
            let expected = expected[column];
            let status = call(&app, &caller, &other_id, operation).await;
            if status != expected {
                failures.push(format!("{name} {operation:?}: expected {expected}, got {status}"));
            }
        }
    }
    assert!(failures.is_empty(), "access matrix:\n{}", failures.join("\n"));
}

async fn call(app: &TestApp, caller: &TestClient, other_id: &str, operation: Operation) -> u16 {
    let own = format!("/v1/organizations/{}", caller.organization_id);
    let other = format!("/v1/organizations/{other_id}");
    let rename = json!({"name": format!("Renamed by {}", caller.client_id)});
    let (method, path, body) = match operation {
        ListOrganizations => (Method::GET, "/v1/organizations".to_owned(), None),
        ReadOtherOrganization => (Method::GET, other, None),
        ReadOwnHistory => (Method::GET, format!("{own}/history"), None),
        UpdateOwnOrganization => (Method::PATCH, own, Some(rename)),
        UpdateOtherOrganization => (Method::PATCH, other, Some(rename)),
        CreateOrganization => (
            Method::POST,
            "/v1/organizations".to_owned(),
            Some(crate::helpers::organization(crate::helpers::unique_number())),
        ),
        ListClients => (Method::GET, "/v1/admin/clients".to_owned(), None),
        ReadJournal => (Method::GET, "/v1/admin/journal".to_owned(), None),
        RotateKeys => (Method::POST, "/v1/admin/keys/rotate".to_owned(), None),
        // What an organization is decides what it sees: it may not change it itself.
        PromoteOwnKind => {
            (Method::PATCH, own, Some(json!({"kind": "france_travail", "territory": {"departements": []}})))
        }
        ChangeOwnTerritory => (Method::PATCH, own, Some(json!({"territory": {"departements": ["01"]}}))),
    };
    let mut request = app.client.request(method.clone(), app.url(&path)).bearer_auth(&caller.token);
    if method == Method::PATCH {
        // The current version, so that only the access decision can refuse the write.
        let current = app.get(&path).await;
        let tag = crate::helpers::header(&current, "etag").unwrap_or_default();
        request = request.header("if-match", tag).header("content-type", "application/merge-patch+json");
        request = request.body(body.unwrap_or_default().to_string());
    } else if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request").status().as_u16()
}

on_both_backends!(every_kind_sees_exactly_the_persons_of_its_remit, every_desk_registers);

/// (kind, read inside, write inside, read outside, write outside). Every caller holds the
/// dossier scopes here, so that the answers are the policy's: 404 outside the remit.
const PERSON_MATRIX: &[(OrganizationKind, u16, u16, u16, u16)] = &[
    (FranceTravail, 200, 200, 200, 200),
    (MissionLocale, 200, 200, 404, 404),
    (CapEmploi, 200, 200, 404, 404),
    (Departement, 200, 200, 404, 404),
    (Region, 200, 404, 404, 404),
    (Partner, 200, 404, 404, 404),
    (Employer, 404, 404, 404, 404),
    (StateService, 404, 404, 404, 404),
    (TrainingProvider, 200, 404, 404, 404),
];

const DOSSIER: &[&str] = &["dossier:read", "dossier:write", "organizations:read"];

async fn every_kind_sees_exactly_the_persons_of_its_remit(app: TestApp) {
    let france_travail = app.register(FranceTravail, DOSSIER).await;
    let mut failures = Vec::new();
    for (n, (kind, read_in, write_in, read_out, write_out)) in PERSON_MATRIX.iter().enumerate() {
        let caller = app.register(*kind, DOSSIER).await;
        let inside = person_in_remit_of(&app, &france_travail, &caller, *kind, n).await;
        let outside = registered(&app, &france_travail, &format!("Dehors{n}"), false).await;
        let checks = [
            ("read inside", inside.as_deref(), Method::GET, *read_in),
            ("write inside", inside.as_deref(), Method::PATCH, *write_in),
            ("read outside", Some(outside.as_str()), Method::GET, *read_out),
            ("write outside", Some(outside.as_str()), Method::PATCH, *write_out),
        ];
        for (what, person, method, expected) in checks {
            let person = person.unwrap_or(outside.as_str());
            let status = person_call(&app, &caller, &france_travail, person, method).await;
            if status != expected {
                failures.push(format!("{kind:?} {what}: expected {expected}, got {status}"));
            }
        }
    }
    assert!(failures.is_empty(), "person access matrix:\n{}", failures.join("\n"));
}

/// A person inside the caller's remit, made the way the network makes it: registered by the
/// caller, oriented to it, an RSA beneficiary of its département, shared with it by consent, or
/// co-accompanied by it.
/// `None` for kinds with no person in their remit.
async fn person_in_remit_of(
    app: &TestApp,
    ft: &TestClient,
    caller: &TestClient,
    kind: OrganizationKind,
    n: usize,
) -> Option<String> {
    let name = format!("Dedans{n}");
    match kind {
        FranceTravail => Some(registered(app, ft, &name, false).await),
        MissionLocale => Some(registered(app, caller, &name, false).await),
        Departement => Some(registered(app, ft, &name, true).await),
        CapEmploi => {
            let id = registered(app, ft, &name, false).await;
            let body = json!({"path_type": "emploi", "referent_organization_id": caller.organization_id,
                "decided_on": chrono::Utc::now().date_naive()});
            let response = app.put_as(&ft.token, &format!("/v1/persons/{id}/orientation"), Some("\"1\""), &body).await;
            assert_eq!(response.status().as_u16(), 200, "orient to Cap emploi");
            Some(id)
        }
        Partner => {
            let id = registered(app, ft, &name, false).await;
            let consent = json!({"kind": "dossier_sharing", "partner_organization_id": caller.organization_id});
            let response = crate::dossier::post_as(app, ft, &format!("/v1/persons/{id}/consents"), &consent).await;
            assert_eq!(response.status().as_u16(), 201, "share with the partner");
            Some(id)
        }
        Region => {
            // A région co-accompanies the person during the training it runs.
            let id = registered(app, ft, &name, false).await;
            let body = json!({"organization_id": caller.organization_id, "role": "training",
                "since": chrono::Utc::now().date_naive()});
            let response =
                crate::dossier::post_as(app, ft, &format!("/v1/persons/{id}/co-accompaniments"), &body).await;
            assert_eq!(response.status().as_u16(), 201, "the région co-accompanies");
            Some(id)
        }
        TrainingProvider => {
            // A training provider co-accompanies the person it trains.
            let id = registered(app, ft, &name, false).await;
            let body = json!({"organization_id": caller.organization_id, "role": "training",
                "since": chrono::Utc::now().date_naive()});
            let response =
                crate::dossier::post_as(app, ft, &format!("/v1/persons/{id}/co-accompaniments"), &body).await;
            assert_eq!(response.status().as_u16(), 201, "the training provider co-accompanies");
            Some(id)
        }
        Employer | StateService => None,
    }
}

async fn registered(app: &TestApp, client: &TestClient, family_name: &str, rsa: bool) -> String {
    let person = crate::dossier::register_person(app, client, &crate::dossier::person(family_name, rsa)).await;
    person["id"].as_str().expect("id").to_owned()
}

async fn person_call(app: &TestApp, caller: &TestClient, ft: &TestClient, person: &str, method: Method) -> u16 {
    let path = format!("/v1/persons/{person}");
    let mut request = app.client.request(method.clone(), app.url(&path)).bearer_auth(&caller.token);
    if method == Method::PATCH {
        // The current version, read by France Travail, so that only the policy can refuse.
        let current = crate::dossier::get_as(app, ft, &path).await;
        let tag = crate::helpers::header(&current, "etag").unwrap_or_default();
        let flip = json!({"contact": {"phone": "07 00 00 00 01"}});
        request = request
            .header("if-match", tag)
            .header("content-type", "application/merge-patch+json")
            .body(flip.to_string());
    }
    request.send().await.expect("request").status().as_u16()
}

/// Who registers (principle 1: at every operator's desk, "voire de ses partenaires"): the status
/// of `POST /v1/persons` per kind, for a person who is not an RSA beneficiary and for one who is
/// (resident in the Rhône, the territory every test organization covers). A partner registers
/// only under an accompaniment mandate: without one, then with one from France Travail.
#[rustfmt::skip]
const REGISTRATION_MATRIX: &[(OrganizationKind, bool, u16, u16)] = &[
    // kind          mandated  not RSA  RSA
    (FranceTravail,  false,    201,     201),
    (MissionLocale,  false,    201,     201),
    (CapEmploi,      false,    201,     201),
    (Departement,    false,    403,     201),
    (Region,         false,    403,     403),
    (Partner,        false,    403,     403),
    (Partner,        true,     201,     201),
    (Employer,       false,    403,     403),
    (StateService,   false,    403,     403),
    (TrainingProvider, false,  403,     403),
];

async fn every_desk_registers(app: TestApp) {
    let france_travail = app.register(FranceTravail, &["dossier:read", "dossier:write", "organizations:write"]).await;
    let mut failures = Vec::new();
    for (n, (kind, mandated, plain, rsa)) in REGISTRATION_MATRIX.iter().enumerate() {
        let caller = app.register(*kind, DOSSIER).await;
        if *mandated {
            let mandate = json!({"kind": "accompaniment", "to_organization_id": caller.organization_id,
                "since": chrono::Utc::now().date_naive()});
            let granted = crate::dossier::post_as(&app, &france_travail, "/v1/delegations", &mandate).await;
            assert_eq!(granted.status().as_u16(), 201, "mandate the partner");
        }
        for (rsa_beneficiary, expected) in [(false, *plain), (true, *rsa)] {
            let body = crate::dossier::person(&format!("Guichet{n}{rsa_beneficiary}"), rsa_beneficiary);
            let response = crate::dossier::post_as(&app, &caller, "/v1/persons", &body).await;
            let status = response.status().as_u16();
            if status != expected {
                failures.push(format!(
                    "{kind:?} (mandated: {mandated}) RSA {rsa_beneficiary}: expected {expected}, got {status}"
                ));
                continue;
            }
            if status == 201 {
                let person = crate::helpers::json(response).await;
                let on_behalf_of = mandated.then(|| france_travail.organization_id.to_string());
                assert_eq!(person["registration"]["on_behalf_of"].as_str(), on_behalf_of.as_deref(), "{kind:?}");
                let read = crate::dossier::get_as(
                    &app,
                    &caller,
                    &format!("/v1/persons/{}", person["id"].as_str().unwrap_or_default()),
                )
                .await;
                assert_eq!(read.status().as_u16(), 200, "{kind:?} follows whom it registered");
            }
        }
    }
    assert!(failures.is_empty(), "registration matrix:\n{}", failures.join("\n"));
}
