//! Delegations between organizations: a département delegates the orientation of its RSA
//! beneficiaries to France Travail, France Travail mandates a partner operator; overlaps,
//! delegators and delegates of the wrong kind, and scopes outside the territory are refused with
//! a precise problem and change nothing; a delegation is ended by its delegator only.

use chrono::{Days, Utc};
use plateforme_model::organization::OrganizationKind::*;
use serde_json::{Value, json};

use crate::dossier::{get_as, post_as};
use crate::helpers::{TestApp, assert_problem, header, json};
use crate::on_both_backends;

on_both_backends!(a_departement_delegates_and_ends_its_delegation, bad_delegations_change_nothing);

pub const ORGANIZATION_SCOPES: &[&str] = &["organizations:read", "organizations:write"];

fn today() -> chrono::NaiveDate {
    Utc::now().date_naive()
}

async fn a_departement_delegates_and_ends_its_delegation(app: TestApp) {
    let rhone = app.register(Departement, ORGANIZATION_SCOPES).await;
    let france_travail = app.register(FranceTravail, ORGANIZATION_SCOPES).await;
    let body =
        json!({"kind": "rsa_orientation", "to_organization_id": france_travail.organization_id, "since": today()});
    let granted = post_as(&app, &rhone, "/v1/delegations", &body).await;
    assert_eq!(granted.status().as_u16(), 201);
    let location = header(&granted, "location").expect("Location");
    let delegation = json(granted).await;
    assert_eq!(delegation["from_organization_id"], rhone.organization_id.to_string());
    assert_eq!(
        delegation["scope"],
        json!({"departements": ["69"], "communes": []}),
        "the département's own, by default"
    );
    assert_eq!(json(get_as(&app, &france_travail, &location).await).await, delegation, "every organization reads it");

    let held = format!("/v1/delegations?to_organization_id={}&active_on={}", france_travail.organization_id, today());
    let page = json(get_as(&app, &rhone, &held).await).await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    let tomorrow = today().checked_add_days(Days::new(1)).expect("date");
    let yesterday = today().checked_sub_days(Days::new(1)).expect("date");
    let before = format!("/v1/delegations?to_organization_id={}&active_on={yesterday}", france_travail.organization_id);
    assert_eq!(json(get_as(&app, &rhone, &before).await).await["items"], json!([]));

    // Only the département ends it; France Travail, the delegate, may not.
    let end = json!({"until": tomorrow});
    let refused = app.patch_as(&france_travail.token, &location, Some("\"1\""), &end).await;
    assert_problem(refused, 403, "forbidden").await;
    let before_start = app.patch_as(&rhone.token, &location, Some("\"1\""), &json!({"until": yesterday})).await;
    let problem = assert_problem(before_start, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "delegation.period");
    let ended = app.patch_as(&rhone.token, &location, Some("\"1\""), &end).await;
    assert_eq!(ended.status().as_u16(), 200);
    assert_eq!(json(ended).await["until"], json!(tomorrow));

    // Once it ends, the next may start.
    let after = tomorrow.checked_add_days(Days::new(1)).expect("date");
    let next = json!({"kind": "rsa_orientation", "to_organization_id": france_travail.organization_id, "since": after});
    assert_eq!(post_as(&app, &rhone, "/v1/delegations", &next).await.status().as_u16(), 201);
    // And extending the first into it overlaps.
    let overlap = app.patch_as(&rhone.token, &location, Some("\"2\""), &json!({"until": null})).await;
    assert_problem(overlap, 409, "conflict").await;

    let history = json(get_as(&app, &rhone, &format!("{location}/history")).await).await;
    let versions: Vec<&Value> = history["items"].as_array().expect("items").iter().map(|v| &v["action"]).collect();
    assert_eq!(versions, [&json!("created"), &json!("updated")]);
}

async fn bad_delegations_change_nothing(app: TestApp) {
    let rhone = app.register(Departement, ORGANIZATION_SCOPES).await;
    let france_travail = app.register(FranceTravail, ORGANIZATION_SCOPES).await;
    let other_agency = app.register(FranceTravail, ORGANIZATION_SCOPES).await;
    let mission_locale = app.register(MissionLocale, ORGANIZATION_SCOPES).await;
    let partner = app.register(Partner, ORGANIZATION_SCOPES).await;
    let to = |id: uuid::Uuid| json!({"kind": "rsa_orientation", "to_organization_id": id, "since": today()});
    let granted = post_as(&app, &rhone, "/v1/delegations", &to(france_travail.organization_id)).await;
    assert_eq!(granted.status().as_u16(), 201);
    let existing = json(granted).await["id"].clone();

    // The same persons, the same days, to another agency: one delegate at a time.
    let overlap = post_as(&app, &rhone, "/v1/delegations", &to(other_agency.organization_id)).await;
    let problem = assert_problem(overlap, 409, "conflict").await;
    assert_eq!(problem["existing_id"], existing);
    // A mission locale has no RSA orientation to delegate.
    let not_its_own = post_as(&app, &mission_locale, "/v1/delegations", &to(france_travail.organization_id)).await;
    assert_problem(not_its_own, 403, "forbidden").await;
    // The orientation goes to France Travail, not to a partner; to an organization that exists.
    let cases = [
        (to(partner.organization_id), "to_organization_id", "delegation.delegate_kind"),
        (to(uuid::Uuid::now_v7()), "to_organization_id", "organization.unknown"),
        (
            json!({"kind": "rsa_orientation", "to_organization_id": france_travail.organization_id, "since": today(),
                "scope": {"communes": ["01053"]}}),
            "scope.communes[0]",
            "delegation.scope_outside_territory",
        ),
        (
            json!({"kind": "rsa_orientation", "to_organization_id": france_travail.organization_id, "since": today(),
                "scope": {"departements": ["38"]}}),
            "scope.departements[0]",
            "delegation.scope_outside_territory",
        ),
        (
            json!({"kind": "accompaniment", "to_organization_id": partner.organization_id, "since": today(),
                "until": today().checked_sub_days(Days::new(1))}),
            "until",
            "delegation.period",
        ),
    ];
    for (body, field, rule) in cases {
        let problem =
            assert_problem(post_as(&app, &rhone, "/v1/delegations", &body).await, 422, "validation_failed").await;
        assert_eq!(
            (problem["errors"][0]["field"].as_str(), problem["errors"][0]["rule"].as_str()),
            (Some(field), Some(rule))
        );
    }
    let all = json(get_as(&app, &rhone, "/v1/delegations?limit=100").await).await;
    assert_eq!(all["items"].as_array().map(Vec::len), Some(1), "nothing else written: {all}");
}
