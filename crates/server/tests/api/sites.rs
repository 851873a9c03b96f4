//! Organizations where people meet them: each records its reception sites, and the list of
//! organizations answers "where is the nearest mission locale" around a commune, nearest first.

use plateforme_model::organization::OrganizationKind::*;
use serde_json::{Value, json};

use crate::dossier::{get_as, post_as};
use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::on_both_backends;

on_both_backends!(the_nearest_organizations_are_found_around_a_commune, sites_are_written_by_their_organization);

const SCOPES: &[&str] = &["organizations:read", "organizations:write"];

fn site(name: &str, commune: &str, postal_code: &str) -> Value {
    json!({"name": name, "address": {"line": "1 place de l'accueil", "postal_code": postal_code, "commune": commune},
        "opening_hours": [{"day": "monday", "opens": "09:00", "closes": "12:30"}],
        "accessibility": {"wheelchair": true}})
}

async fn record(app: &TestApp, organization: &TestClient, body: &Value) -> Value {
    let path = format!("/v1/organizations/{}/sites", organization.organization_id);
    let response = post_as(app, organization, &path, body).await;
    assert_eq!(response.status().as_u16(), 201, "record a site");
    json(response).await
}

fn names(page: &Value) -> Vec<&str> {
    page["items"].as_array().expect("items").iter().filter_map(|item| item["nearest_site"]["name"].as_str()).collect()
}

async fn the_nearest_organizations_are_found_around_a_commune(app: TestApp) {
    let lyon = app.register(MissionLocale, SCOPES).await;
    let villeurbanne = app.register(MissionLocale, SCOPES).await;
    let cap_emploi = app.register(CapEmploi, SCOPES).await;
    let marseille = app.register_in(MissionLocale, json!({"regions": ["93"], "departements": ["13"]}), SCOPES).await;
    record(&app, &lyon, &site("ML Lyon", "69123", "69002")).await;
    record(&app, &villeurbanne, &site("ML Villeurbanne", "69266", "69100")).await;
    record(&app, &cap_emploi, &site("Cap emploi Lyon", "69123", "69003")).await;
    record(&app, &marseille, &site("ML Marseille", "13055", "13001")).await;

    let nearby =
        json(get_as(&app, &lyon, "/v1/organizations?near_commune=69123&radius_km=10&kind=mission_locale").await).await;
    assert_eq!(names(&nearby), ["ML Lyon", "ML Villeurbanne"], "nearest first, of the kind asked, within the radius");
    assert_eq!(nearby["items"][0]["distance_km"], 0.0);
    assert_eq!(nearby["items"][0]["id"], lyon.organization_id.to_string(), "the organization itself");
    assert!(nearby["items"][1]["distance_km"].as_f64().is_some_and(|km| km > 0.0 && km < 10.0), "{nearby}");
    let everyone = json(get_as(&app, &lyon, "/v1/organizations?near_commune=69123").await).await;
    let expected = ["ML Lyon", "Cap emploi Lyon", "ML Villeurbanne"];
    assert_eq!(names(&everyone), expected, "within 5 km by default, any kind; at one distance, in creation order");

    // A page at a time, nearest first.
    let first =
        get_as(&app, &lyon, "/v1/organizations?near_commune=69123&radius_km=10&kind=mission_locale&limit=1").await;
    let next = header(&first, "link").expect("a next page");
    let target = next.trim_start_matches('<').split('>').next().expect("link target").to_owned();
    assert_eq!(names(&json(first).await), ["ML Lyon"]);
    assert_eq!(names(&json(get_as(&app, &lyon, &target).await).await), ["ML Villeurbanne"]);

    for (query, rule) in [
        ("radius_km=5", "radius.without_center"),
        ("near_commune=69123&radius_km=80", "radius.range"),
        ("near_commune=69999", "commune.unknown"),
    ] {
        let problem =
            assert_problem(get_as(&app, &lyon, &format!("/v1/organizations?{query}")).await, 400, "invalid_query")
                .await;
        assert_eq!(problem["errors"][0]["rule"], rule, "{query}");
    }
}

async fn sites_are_written_by_their_organization(app: TestApp) {
    let mission_locale = app.register(MissionLocale, SCOPES).await;
    let stranger = app.register(CapEmploi, SCOPES).await;
    let path = format!("/v1/organizations/{}/sites", mission_locale.organization_id);
    let created = record(&app, &mission_locale, &site("Antenne Guillotière", "69123", "69007")).await;
    assert_eq!(created["position_given"], false, "the commune's town hall by default");
    assert!(created["position"]["latitude"].as_f64().is_some_and(|latitude| (45.0..46.0).contains(&latitude)));
    assert_problem(post_as(&app, &stranger, &path, &site("Intrus", "69123", "69002")).await, 403, "forbidden").await;
    let cases = [
        (site("Nulle part", "69999", "69002"), "commune.unknown"),
        (
            {
                let mut late = site("Tard", "69123", "69002");
                late["opening_hours"] = json!([{"day": "monday", "opens": "18:00", "closes": "09:00"}]);
                late
            },
            "opening.order",
        ),
    ];
    for (body, rule) in cases {
        let problem =
            assert_problem(post_as(&app, &mission_locale, &path, &body).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["rule"], rule);
    }
    let site_path = format!("{path}/{}", created["id"].as_str().expect("id"));
    let saturday = json!({"opening_hours": [{"day": "saturday", "opens": "09:00", "closes": "12:00"}],
        "position": {"latitude": 45.7514, "longitude": 4.8427}});
    assert_problem(app.patch_as(&stranger.token, &site_path, Some("\"1\""), &saturday).await, 403, "forbidden").await;
    let changed = json(app.patch_as(&mission_locale.token, &site_path, Some("\"1\""), &saturday).await).await;
    assert_eq!((changed["version"].as_i64(), changed["position_given"].as_bool()), (Some(2), Some(true)));
    let listed = json(get_as(&app, &stranger, &path).await).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1), "nothing else written");
}
