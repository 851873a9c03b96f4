//! The employment committees' counts of orientation decisions (issue 16, item 1): a small
//! population built by hand, its expected counts written here, the secrecy of every table
//! attacked with its totals, and the misuses refused.

use chrono::{Days, Utc};
use plateforme_model::organization::OrganizationKind::*;
use plateforme_server::config::Config;
use serde_json::{Value, json};

use crate::dossier::{get_as, person, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, json};
use crate::on_both_backends;

on_both_backends!(with super::committee_config();
    orientation_decisions_are_counted_per_territory_under_secrecy,
    the_feed_refuses_what_it_cannot_answer,
);

/// Small thresholds, so that a dozen persons make a table: committees 3, the public 6.
pub fn committee_config() -> Config {
    Config { indicators_committee_threshold: 3, indicators_public_threshold: 6, ..Config::default() }
}

pub const SCOPES: &[&str] = &["dossier:read", "dossier:write", "indicators:read"];

/// The communes of the population: Lyon (69, région 84), Grenoble (38, région 84), Paris (75,
/// région 11).
const LYON: (&str, &str) = ("69123", "69002");
const GRENOBLE: (&str, &str) = ("38185", "38000");
const PARIS: (&str, &str) = ("75056", "75001");

struct Decision {
    commune: (&'static str, &'static str),
    path: &'static str,
    registered_days_ago: u64,
    criteria: Option<Value>,
}

fn decision(commune: (&'static str, &'static str), path: &'static str) -> Decision {
    Decision { commune, path, registered_days_ago: 40, criteria: None }
}

/// The population: Lyon 4 emploi (two registered 10 days ago), 2 socio-professionnel, 1 social;
/// Grenoble 3 emploi; Paris 2 social. Three in Lyon had their criteria assessed.
fn population() -> Vec<Decision> {
    let assessed = |difficulties: Value| {
        Some(json!({"employment_situation": "unemployed_over_12_months", "qualification": "cap_bep",
            "aspiration": "employment", "difficulties": difficulties}))
    };
    vec![
        Decision {
            registered_days_ago: 10,
            criteria: assessed(json!(["mobility", "childcare"])),
            ..decision(LYON, "emploi")
        },
        Decision { registered_days_ago: 10, criteria: assessed(json!(["mobility"])), ..decision(LYON, "emploi") },
        Decision { criteria: assessed(json!(["mobility", "housing"])), ..decision(LYON, "emploi") },
        decision(LYON, "emploi"),
        decision(LYON, "socio_professionnel"),
        decision(LYON, "socio_professionnel"),
        decision(LYON, "social"),
        decision(GRENOBLE, "emploi"),
        decision(GRENOBLE, "emploi"),
        decision(GRENOBLE, "emploi"),
        decision(PARIS, "social"),
        decision(PARIS, "social"),
    ]
}

/// Registers and orients the population; answers the persons registered, in its order.
pub async fn orient_population(app: &TestApp, ft: &TestClient, referent: &TestClient) -> Vec<Value> {
    let mut persons = Vec::new();
    for (n, decision) in population().into_iter().enumerate() {
        let mut body = person(&format!("Indicateur{n}"), false);
        body["contact"]["address"] = json!({"line": "1 place de la Mairie", "postal_code": decision.commune.1,
            "commune": decision.commune.0});
        body["registration"]["registered_on"] = json!(days_ago(decision.registered_days_ago));
        let registered = register_person(app, ft, &body).await;
        let mut orientation = json!({"path_type": decision.path, "referent_organization_id": referent.organization_id,
            "decided_on": days_ago(0)});
        if let Some(criteria) = decision.criteria {
            orientation["criteria"] = criteria;
        }
        let response = orient(app, ft, &registered, &orientation).await;
        assert_eq!(response.status().as_u16(), 200, "orient {n}: {}", response.text().await.unwrap_or_default());
        persons.push(registered);
    }
    persons
}

pub fn days_ago(days: u64) -> chrono::NaiveDate {
    Utc::now().date_naive().checked_sub_days(Days::new(days)).expect("date")
}

pub fn this_month() -> String {
    Utc::now().format("%Y-%m").to_string()
}

pub fn this_quarter() -> String {
    use chrono::Datelike;
    let today = Utc::now().date_naive();
    format!("{}-Q{}", today.year(), today.month().div_ceil(3))
}

pub async fn orient(app: &TestApp, by: &TestClient, person: &Value, body: &Value) -> reqwest::Response {
    let path = format!("/v1/persons/{}/orientation", person["id"].as_str().expect("id"));
    app.put_as(&by.token, &path, Some(&format!("\"{}\"", person["version"])), body).await
}

async fn table(app: &TestApp, client: &TestClient, query: &str) -> Value {
    let month = this_month();
    let response = get_as(app, client, &format!("/v1/orientation-decisions?from={month}&to={month}&{query}")).await;
    assert_eq!(response.status().as_u16(), 200, "{query}");
    let table = json(response).await;
    attack(&table);
    table
}

/// The cells of a table as `territory/category` → count (`None` when hidden).
pub fn cells(table: &Value) -> Vec<(String, Option<i64>)> {
    table["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|cell| {
            let key = format!(
                "{}/{}",
                cell["territory"].as_str().expect("territory"),
                cell["category"].as_str().expect("category")
            );
            assert_eq!(cell["hidden"], cell["decisions"].is_null(), "{cell}");
            (key, cell["decisions"].as_i64())
        })
        .collect()
}

/// Attacks every row of a table with its total: each hidden cell lies between 1 and what the
/// total leaves once the published cells and the other hidden ones (at least 1 each) are taken
/// away. That interval must be at least the threshold wide, and no published cell but an empty
/// one counts fewer than the threshold.
fn attack(table: &Value) {
    let threshold = table["threshold"].as_i64().expect("threshold");
    let mut rows: std::collections::BTreeMap<(String, String), Vec<&Value>> = Default::default();
    for cell in table["cells"].as_array().expect("cells") {
        let key = (cell["territory"].to_string(), cell["period"].to_string());
        rows.entry(key).or_default().push(cell);
    }
    for (key, row) in rows {
        for cell in &row {
            if let Some(count) = cell["decisions"].as_i64() {
                assert!(count == 0 || count >= threshold, "{key:?}: {cell}");
            }
        }
        let Some(total) =
            row.iter().find(|cell| cell["category"] == "total").and_then(|cell| cell["decisions"].as_i64())
        else {
            continue;
        };
        let parts: Vec<&&Value> = row.iter().filter(|cell| cell["category"] != "total").collect();
        let published: i64 = parts.iter().filter_map(|cell| cell["decisions"].as_i64()).sum();
        let hidden = parts.iter().filter(|cell| cell["hidden"] == true).count() as i64;
        if hidden > 0 {
            let (low, high) = (1, total - published - (hidden - 1));
            assert!(high - low >= threshold, "{key:?}: a hidden cell lies in [{low}, {high}]");
        }
    }
}

async fn orientation_decisions_are_counted_per_territory_under_secrecy(app: TestApp) {
    let ft = app.register(FranceTravail, SCOPES).await;
    let ml = app.register(MissionLocale, SCOPES).await;
    orient_population(&app, &ft, &ml).await;

    // France Travail (the CNE's operator), threshold 3: nationally emploi 7, socio-professionnel
    // 2, social 3 (total 12). The 2 is hidden, and the 3 with it, else 12 − 7 − 3 gives it away.
    let national = table(&app, &ft, "").await;
    assert_eq!(national["threshold"], 3);
    assert_eq!(
        cells(&national),
        vec![
            ("FR/emploi".to_owned(), Some(7)),
            ("FR/social".to_owned(), None),
            ("FR/socio_professionnel".to_owned(), None),
            ("FR/total".to_owned(), Some(12)),
        ]
    );
    assert_eq!(national["cells"][0]["period"], this_month());

    // Per département: Grenoble 3 emploi; Lyon 4 / 2 / 1 (the 2 and the 1 hidden, and the 4 so
    // that the hidden cells stay 3 wide); Paris 2 in all, hidden whole.
    let departements = table(&app, &ft, "level=departement").await;
    let expected = [
        ("38/emploi", Some(3)),
        ("38/social", Some(0)),
        ("38/socio_professionnel", Some(0)),
        ("38/total", Some(3)),
        ("69/emploi", None),
        ("69/social", None),
        ("69/socio_professionnel", None),
        ("69/total", Some(7)),
        ("75/emploi", Some(0)),
        ("75/social", None),
        ("75/socio_professionnel", Some(0)),
        ("75/total", None),
    ];
    assert_eq!(cells(&departements), expected.map(|(key, count)| (key.to_owned(), count)).to_vec());

    // Per région, the départements add up: 84 = 38 + 69 (emploi 7, socio 2, social 1: total 10).
    let regions = table(&app, &ft, "level=region").await;
    let region = |key: &str| cells(&regions).into_iter().find(|(cell, _)| cell == key).and_then(|(_, count)| count);
    assert_eq!(region("84/total"), Some(10));
    assert_eq!(region("84/emploi"), None, "hidden with the socio-professionnel 2 and the social 1");
    assert_eq!(region("11/total"), None, "Paris' 2 decisions are hidden");

    // Decided within 30 days of the registration: the two registered 10 days ago (hidden), and
    // the 10 later ones with them.
    let delay = table(&app, &ft, "by=within_30_days").await;
    assert_eq!(
        cells(&delay),
        vec![("FR/later".to_owned(), None), ("FR/within_30_days".to_owned(), None), ("FR/total".to_owned(), Some(12)),]
    );

    // The criteria: 3 assessed (unemployed over 12 months), 9 not recorded; the difficulties
    // counted apart, without a total: mobility 3 published, childcare and housing 1 hidden.
    let situation = table(&app, &ft, "by=employment_situation").await;
    assert_eq!(
        cells(&situation),
        vec![
            ("FR/not_recorded".to_owned(), Some(9)),
            ("FR/unemployed_over_12_months".to_owned(), Some(3)),
            ("FR/total".to_owned(), Some(12)),
        ]
    );
    let difficulties = table(&app, &ft, "by=difficulty").await;
    assert_eq!(
        cells(&difficulties),
        vec![("FR/childcare".to_owned(), None), ("FR/housing".to_owned(), None), ("FR/mobility".to_owned(), Some(3))]
    );
    // Who decided and who accompanies: France Travail decided all 12, the mission locale is
    // referent of all 12.
    let deciding = table(&app, &ft, "by=deciding_kind").await;
    assert_eq!(cells(&deciding), vec![("FR/france_travail".to_owned(), Some(12)), ("FR/total".to_owned(), Some(12))]);
    let referents = table(&app, &ft, "by=referent_kind&period=quarter").await;
    assert_eq!(cells(&referents), vec![("FR/mission_locale".to_owned(), Some(12)), ("FR/total".to_owned(), Some(12))]);
    assert!(referents["cells"][0]["period"].as_str().is_some_and(|period| period.contains("-Q")));

    // The Rhône's committee (CDPE) sees its département only, with the same numbers.
    let rhone = app.register(Departement, SCOPES).await;
    let own = table(&app, &rhone, "level=departement").await;
    let lyon: Vec<_> = cells(&departements).into_iter().filter(|(key, _)| key.starts_with("69/")).collect();
    assert_eq!(cells(&own), lyon);
    assert_problem(
        get_as(
            &app,
            &rhone,
            &format!("/v1/orientation-decisions?from={}&to={}&departement=38", this_month(), this_month()),
        )
        .await,
        403,
        "forbidden",
    )
    .await;

    // A partner reads as the public (threshold 6): emploi 7 goes hidden too, so that the 2 and
    // the 3 stay 6 wide.
    let partner = app.register(Partner, &["indicators:read"]).await;
    let public = table(&app, &partner, "").await;
    assert_eq!(public["threshold"], 6);
    assert_eq!(
        cells(&public),
        vec![
            ("FR/emploi".to_owned(), None),
            ("FR/social".to_owned(), None),
            ("FR/socio_professionnel".to_owned(), None),
            ("FR/total".to_owned(), Some(12)),
        ]
    );
}

async fn the_feed_refuses_what_it_cannot_answer(app: TestApp) {
    let ft = app.register(FranceTravail, SCOPES).await;
    let month = this_month();
    let refused = |query: String, rule: &'static str| {
        let (app, ft) = (&app, &ft);
        async move {
            let response = get_as(app, ft, &format!("/v1/orientation-decisions?{query}")).await;
            let problem = assert_problem(response, 400, "invalid_query").await;
            assert_eq!(problem["errors"][0]["rule"], rule, "{query}: {problem}");
        }
    };
    refused(format!("to={month}"), "required").await;
    refused(format!("from=2026-13&to={month}"), "month.format").await;
    refused("from=2026-05&to=2026-04".to_owned(), "month.range").await;
    refused("from=2020-01&to=2026-01".to_owned(), "month.range").await;
    refused(format!("from={month}&to={month}&region=84&departement=75"), "departement.region").await;
    refused(format!("from={month}&to={month}&departement=999"), "departement.unknown").await;
    let unknown = get_as(&app, &ft, &format!("/v1/orientation-decisions?from={month}&to={month}&person=1")).await;
    assert_problem(unknown, 400, "invalid_query").await;
    let bad_level =
        get_as(&app, &ft, &format!("/v1/orientation-decisions?from={month}&to={month}&level=commune")).await;
    assert_problem(bad_level, 400, "invalid_query").await;

    // Without the scope, 403; without a token, 401.
    let writer = app.register(FranceTravail, &["dossier:read", "dossier:write"]).await;
    let response = get_as(&app, &writer, &format!("/v1/orientation-decisions?from={month}&to={month}")).await;
    assert_problem(response, 403, "forbidden").await;
    let anonymous = app
        .client
        .get(app.url(&format!("/v1/orientation-decisions?from={month}&to={month}")))
        .send()
        .await
        .expect("GET");
    assert_eq!(anonymous.status().as_u16(), 401);

    // A decision whose criteria list a difficulty twice, or asked for after it was decided, or
    // before the registration, writes nothing: neither the dossier nor a count.
    let registered = register_person(&app, &ft, &person("Critères", false)).await;
    let base =
        json!({"path_type": "social", "referent_organization_id": ft.organization_id, "decided_on": days_ago(0)});
    let with = |member: &str, value: Value| {
        let mut body = base.clone();
        body[member] = value;
        body
    };
    let twice = with(
        "criteria",
        json!({"employment_situation": "never_worked", "qualification": "none",
        "aspiration": "undefined", "difficulties": ["health", "health"]}),
    );
    let problem = assert_problem(orient(&app, &ft, &registered, &twice).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "difficulties.duplicate");
    let late = with("requested_on", json!(Utc::now().date_naive().checked_add_days(Days::new(1))));
    let problem = assert_problem(orient(&app, &ft, &registered, &late).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "requested_on.after_decision");
    let early = with("requested_on", json!(days_ago(41)));
    let problem = assert_problem(orient(&app, &ft, &registered, &early).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "requested_on.before_registration");
    let unknown =
        with("criteria", json!({"employment_situation": "retired", "qualification": "bac", "aspiration": "training"}));
    let problem = assert_problem(orient(&app, &ft, &registered, &unknown).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "criteria.employment_situation");
    let empty = table(&app, &ft, "").await;
    assert_eq!(cells(&empty), Vec::<(String, Option<i64>)>::new(), "nothing counted");

    // A valid one is counted, and the dossier keeps the request date but not the criteria.
    let valid = with("requested_on", json!(days_ago(5)));
    let valid = with_criteria(valid);
    let oriented = json(orient(&app, &ft, &registered, &valid).await).await;
    assert_eq!(oriented["orientation"]["requested_on"], json!(days_ago(5)));
    assert!(oriented["orientation"].get("criteria").is_none(), "{oriented}");
    let counted = table(&app, &ft, "").await;
    assert_eq!(cells(&counted), vec![("FR/social".to_owned(), None), ("FR/total".to_owned(), None)]);
}

fn with_criteria(mut body: Value) -> Value {
    body["criteria"] = json!({"employment_situation": "never_worked", "qualification": "none",
        "aspiration": "undefined", "difficulties": ["health"]});
    body
}
