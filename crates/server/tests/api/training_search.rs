//! The training catalogue's search (issue 15, item 4): French text, every filter narrowing,
//! facets adding up, pages, a formation closed by a full re-import leaving the search at once
//! (read-your-writes), and every bad parameter refused with its rule.

use plateforme_model::organization::OrganizationKind;
use serde_json::Value;

use crate::helpers::{TestApp, TestClient, assert_problem, json as body_of};

crate::on_both_backends!(
    text_finds_formations_with_french_stemming,
    each_filter_narrows_the_search,
    facets_add_up_to_the_total_and_pages_follow_the_cursor,
    a_formation_closed_by_a_reimport_leaves_the_search_at_once,
    bad_parameters_are_refused_with_their_rule,
    readiness_shows_the_training_index_and_its_lag,
    session_filters_hold_for_one_and_the_same_session,
    departement_holds_for_the_same_session_as_the_session_filters,
);

/// One formation of the test catalogue.
struct Formation {
    numero: &'static str,
    title: &'static str,
    formacode: &'static str,
    rome: &'static str,
    rncp: Option<&'static str>,
    commune: (&'static str, &'static str, &'static str),
    start: &'static str,
    recruitment: u8,
    mode: u8,
    accessible: bool,
    certifying: bool,
}

const BAKER: Formation = Formation {
    numero: "S-1",
    title: "Boulanger en boulangerie artisanale",
    formacode: "21538",
    rome: "D1102",
    rncp: Some("RNCP37859"),
    commune: ("69001", "Lyon", "69123"),
    start: "20270104",
    recruitment: 1,
    mode: 0,
    accessible: true,
    certifying: true,
};

const PASTRY: Formation = Formation {
    numero: "S-2",
    title: "Pâtissier confiseur",
    formacode: "21546",
    rome: "D1104",
    rncp: None,
    commune: ("69100", "Villeurbanne", "69266"),
    start: "20270901",
    recruitment: 2,
    mode: 2,
    accessible: false,
    certifying: false,
};

const DEVELOPER: Formation = Formation {
    numero: "S-3",
    title: "Développeur web et mobile",
    formacode: "31054",
    rome: "M1805",
    rncp: Some("31114"),
    commune: ("33000", "Bordeaux", "33063"),
    start: "20270315",
    recruitment: 1,
    mode: 2,
    accessible: false,
    certifying: true,
};

fn lheo(formations: &[&Formation]) -> String {
    let mut document = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lheo xmlns=\"http://lheo.gouv.fr/2.3\">\n<offres>\n",
    );
    for formation in formations {
        let (postal_code, town, commune) = formation.commune;
        let certification = formation
            .rncp
            .map(|rncp| format!("<certification><code-RNCP>{rncp}</code-RNCP></certification>\n"))
            .unwrap_or_default();
        let accessible = if formation.accessible {
            "<acces-handicapes>Locaux accessibles, référent handicap.</acces-handicapes>\n"
        } else {
            ""
        };
        document.push_str(&format!(
            "<formation numero=\"{numero}\">\n\
             <domaine-formation><code-FORMACODE ref=\"V14\">{formacode}</code-FORMACODE><code-ROME ref=\"V4\">{rome}</code-ROME></domaine-formation>\n\
             <intitule-formation>{title}</intitule-formation>\n\
             <objectif-formation>Apprendre le métier.</objectif-formation>\n\
             <certifiante>{certifying}</certifiante>\n\
             {certification}\
             <action numero=\"{numero}-A1\">\n\
             <modalites-enseignement>{mode}</modalites-enseignement>\n\
             <lieu-de-formation><coordonnees><adresse><codepostal>{postal_code}</codepostal><ville>{town}</ville><code-INSEE-commune>{commune}</code-INSEE-commune></adresse></coordonnees></lieu-de-formation>\n\
             <session numero=\"{numero}-S1\">\n\
             <periode><debut>{start}</debut><fin>20281231</fin></periode>\n\
             <etat-recrutement>{recruitment}</etat-recrutement>\n\
             </session>\n\
             {accessible}\
             </action>\n\
             </formation>\n",
            numero = formation.numero,
            formacode = formation.formacode,
            rome = formation.rome,
            title = formation.title,
            certifying = u8::from(formation.certifying),
            mode = formation.mode,
            start = formation.start,
            recruitment = formation.recruitment,
        ));
    }
    document.push_str("</offres>\n</lheo>\n");
    document
}

async fn import(app: &TestApp, client: &TestClient, formations: &[&Formation]) -> Value {
    let response = app
        .client
        .post(app.url("/v1/trainings/lheo"))
        .bearer_auth(&client.token)
        .header("content-type", "application/xml")
        .body(lheo(formations))
        .send()
        .await
        .expect("POST /v1/trainings/lheo");
    assert_eq!(response.status().as_u16(), 200, "import");
    body_of(response).await
}

async fn catalogue(app: &TestApp) -> TestClient {
    let provider = app.register(OrganizationKind::TrainingProvider, &["training:write", "training:read"]).await;
    let report = import(app, &provider, &[&BAKER, &PASTRY, &DEVELOPER]).await;
    assert_eq!(report["summary"]["formations"]["created"], 3, "{report:#}");
    provider
}

/// An anonymous search: its body.
async fn search(app: &TestApp, query: &str) -> Value {
    let response = app.client.get(app.url(&format!("/v1/trainings?{query}"))).send().await.expect("GET /v1/trainings");
    assert_eq!(response.status().as_u16(), 200, "search {query}");
    body_of(response).await
}

/// The LHEO numéros found, sorted.
async fn found(app: &TestApp, query: &str) -> Vec<String> {
    let body = search(app, query).await;
    let mut numeros: Vec<String> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["numero"].as_str().expect("numero").to_owned())
        .collect();
    numeros.sort();
    assert_eq!(body["total"], numeros.len(), "{query}: {body:#}");
    numeros
}

async fn text_finds_formations_with_french_stemming(app: TestApp) {
    catalogue(&app).await;
    assert_eq!(found(&app, "q=boulang%C3%A8re").await, ["S-1"], "boulangère finds boulanger");
    assert_eq!(found(&app, "q=patissiers").await, ["S-2"], "plural and accents ignored");
    assert_eq!(found(&app, "q=d%C3%A9veloppeuse%20web").await, ["S-3"], "feminine form");
    assert_eq!(found(&app, "q=devloppeur").await, ["S-3"], "one typo forgiven");
    assert_eq!(found(&app, "q=m%C3%A9tier").await, ["S-1", "S-2", "S-3"], "the objective is searched too");
    assert!(found(&app, "q=plombier").await.is_empty());
}

async fn each_filter_narrows_the_search(app: TestApp) {
    catalogue(&app).await;
    let cases: &[(&str, &[&str])] = &[
        ("", &["S-1", "S-2", "S-3"]),
        ("formacode=21538", &["S-1"]),
        ("formacode=21546,31054", &["S-2", "S-3"]),
        ("rome=D1104", &["S-2"]),
        ("rncp=RNCP37859", &["S-1"]),
        ("rncp=31114", &["S-3"]),
        ("commune=69266", &["S-2"]),
        ("commune=69123", &["S-1"]),
        ("commune=69123&radius_km=10", &["S-1", "S-2"]),
        ("commune=33063&radius_km=200", &["S-3"]),
        ("departement=69", &["S-1", "S-2"]),
        ("departement=33,69", &["S-1", "S-2", "S-3"]),
        ("region=75", &["S-3"]),
        ("region=84", &["S-1", "S-2"]),
        ("start_from=2027-01-01&start_to=2027-03-31", &["S-1", "S-3"]),
        ("start_from=2027-01-05&start_to=2027-03-15", &["S-3"]),
        ("start_from=2027-06-01", &["S-2"]),
        ("start_to=2027-01-04", &["S-1"]),
        ("distance_learning=true", &["S-2", "S-3"]),
        ("distance_learning=false", &["S-1", "S-2", "S-3"]),
        ("open_recruitment=true", &["S-1", "S-3"]),
        ("accessible=true", &["S-1"]),
        ("q=web&region=84", &[]),
        ("departement=69&open_recruitment=true&distance_learning=true", &[]),
        ("region=84&start_from=2027-08-01", &["S-2"]),
    ];
    for (query, expected) in cases {
        assert_eq!(found(&app, query).await, *expected, "{query}");
    }
}

async fn facets_add_up_to_the_total_and_pages_follow_the_cursor(app: TestApp) {
    catalogue(&app).await;
    let body = search(&app, "").await;
    assert_eq!(body["total"], 3);
    let regions = &body["facets"]["regions"];
    assert_eq!(regions[0], serde_json::json!({"value": "84", "count": 2}), "{body:#}");
    assert_eq!(regions[1], serde_json::json!({"value": "75", "count": 1}));
    let certifying = &body["facets"]["certifying"];
    assert_eq!(certifying[0], serde_json::json!({"value": "true", "count": 2}), "{body:#}");
    assert_eq!(certifying[1], serde_json::json!({"value": "false", "count": 1}));
    let narrowed = search(&app, "distance_learning=true").await;
    let sum = |facet: &Value| {
        facet.as_array().expect("facet").iter().map(|count| count["count"].as_i64().unwrap_or(0)).sum::<i64>()
    };
    assert_eq!(sum(&narrowed["facets"]["regions"]), 2);
    assert_eq!(sum(&narrowed["facets"]["certifying"]), 2);

    let mut seen = Vec::new();
    let mut query = "limit=2".to_owned();
    loop {
        let page = search(&app, &query).await;
        assert_eq!(page["total"], 3, "the total covers every page");
        seen.extend(page["items"].as_array().expect("items").iter().map(|item| item["numero"].clone()));
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("limit=2&cursor={cursor}"),
            None => break,
        }
    }
    seen.sort_by_key(|numero| numero.to_string());
    assert_eq!(seen, ["S-1", "S-2", "S-3"], "every formation once over the pages");
}

async fn a_formation_closed_by_a_reimport_leaves_the_search_at_once(app: TestApp) {
    let provider = catalogue(&app).await;
    // The next full catalogue lacks the pastry formation and moves the baker's session.
    let moved = Formation { start: "20270601", ..BAKER };
    let report = import(&app, &provider, &[&moved, &DEVELOPER]).await;
    assert_eq!(report["summary"]["formations"]["closed"], 1, "{report:#}");
    // No waiting: the import answered once the index held it.
    assert_eq!(found(&app, "").await, ["S-1", "S-3"]);
    assert!(found(&app, "q=patissier").await.is_empty());
    assert_eq!(found(&app, "start_from=2027-05-01&start_to=2027-06-30").await, ["S-1"]);
    assert!(found(&app, "start_from=2027-01-01&start_to=2027-01-31").await.is_empty());
    let body = search(&app, "").await;
    // Equal counts come in the order of their values.
    assert_eq!(
        body["facets"]["regions"],
        serde_json::json!([{"value": "75", "count": 1}, {"value": "84", "count": 1}])
    );
}

async fn bad_parameters_are_refused_with_their_rule(app: TestApp) {
    catalogue(&app).await;
    let twenty_one = vec!["21538"; 21].join(",");
    let cases: Vec<(String, &str, &str)> = vec![
        ("formacode=2153".into(), "formacode[0]", "formacode.format"),
        ("formacode=21538,ABCDE".into(), "formacode[1]", "formacode.format"),
        (format!("formacode={twenty_one}"), "formacode", "list.too_long"),
        ("rome=D11".into(), "rome[0]", "rome.format"),
        ("rncp=RS5678".into(), "rncp[0]", "rncp.format"),
        ("rncp=1234567".into(), "rncp[0]", "rncp.format"),
        ("commune=6912".into(), "commune", "commune.format"),
        ("commune=99999".into(), "commune", "commune.departement"),
        ("commune=69999".into(), "commune", "commune.unknown"),
        ("radius_km=10".into(), "radius_km", "radius.without_center"),
        ("commune=69123&radius_km=0".into(), "radius_km", "radius.range"),
        ("commune=69123&radius_km=201".into(), "radius_km", "radius.range"),
        ("departement=999".into(), "departement[0]", "departement.unknown"),
        ("departement=6X".into(), "departement[0]", "departement.format"),
        ("region=99".into(), "region[0]", "region.unknown"),
        ("start_from=2027-02-30".into(), "start_from", "date.format"),
        ("start_to=27-01-01".into(), "start_to", "date.format"),
        ("start_from=2027-03-01&start_to=2027-02-01".into(), "start_to", "start.window_order"),
        ("start_from=2027-01-01&start_to=2029-01-02".into(), "start_to", "start.window_too_long"),
        ("limit=0".into(), "limit", "limit.range"),
        ("limit=101".into(), "limit", "limit.range"),
        ("cursor=forged".into(), "cursor", "cursor.invalid"),
        ("funding=ABC".into(), "funding[0]", "funding.format"),
        ("funding=2,123".into(), "funding[1]", "funding.format"),
    ];
    for (query, field, rule) in cases {
        let response =
            app.client.get(app.url(&format!("/v1/trainings?{query}"))).send().await.expect("GET /v1/trainings");
        let problem = assert_problem(response, 400, "invalid_query").await;
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
        assert_eq!(problem["errors"][0]["rule"], rule, "{query}: {problem}");
    }
    let response =
        app.client.get(app.url("/v1/trainings?distance_learning=maybe")).send().await.expect("GET /v1/trainings");
    assert_eq!(response.status().as_u16(), 400, "a flag is true or false");
}

async fn readiness_shows_the_training_index_and_its_lag(app: TestApp) {
    catalogue(&app).await;
    let ready = body_of(app.client.get(app.url("/health/ready")).send().await.expect("ready")).await;
    let indexes = ready["search"].as_array().expect("the search indexes");
    let trainings = indexes.iter().find(|index| index["kind"] == "trainings").expect("the trainings' index");
    assert_eq!(trainings["documents"], 3, "{ready}");
    assert_eq!(trainings["rebuilding"], false);
    assert!(trainings["lag_seconds"].as_f64().is_some_and(|lag| lag < 5.0), "{ready}");
}

/// A formation with a session in Lyon in January, open and funded by the région, and one in
/// Paris in June, closed and funded by France Travail.
const TWO_SESSIONS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<lheo xmlns="http://lheo.gouv.fr/2.3">
<offres>
<formation numero="TWO">
<domaine-formation><code-FORMACODE ref="V14">21538</code-FORMACODE></domaine-formation>
<intitule-formation>Boulanger en deux villes</intitule-formation>
<objectif-formation>Devenir boulanger.</objectif-formation>
<resultats-attendus>CAP.</resultats-attendus>
<contenu-formation>Pétrissage.</contenu-formation>
<certifiante>1</certifiante>
<action numero="LYON">
<lieu-de-formation><coordonnees><adresse><codepostal>69001</codepostal><ville>Lyon</ville><code-INSEE-commune>69123</code-INSEE-commune></adresse></coordonnees></lieu-de-formation>
<session numero="JAN"><periode><debut>20270104</debut><fin>20270630</fin></periode><etat-recrutement>1</etat-recrutement></session>
<organisme-financeur><code-financeur>2</code-financeur></organisme-financeur>
</action>
<action numero="PARIS">
<lieu-de-formation><coordonnees><adresse><codepostal>75001</codepostal><ville>Paris</ville><code-INSEE-commune>75056</code-INSEE-commune></adresse></coordonnees></lieu-de-formation>
<session numero="JUN"><periode><debut>20270601</debut><fin>20271130</fin></periode><etat-recrutement>2</etat-recrutement></session>
<organisme-financeur><code-financeur>4</code-financeur></organisme-financeur>
</action>
</formation>
</offres>
</lheo>"#;

async fn session_filters_hold_for_one_and_the_same_session(app: TestApp) {
    let provider = app.register(OrganizationKind::TrainingProvider, &["training:write", "training:read"]).await;
    let response = app
        .client
        .post(app.url("/v1/trainings/lheo"))
        .bearer_auth(&provider.token)
        .header("content-type", "application/xml")
        .body(TWO_SESSIONS)
        .send()
        .await
        .expect("POST /v1/trainings/lheo");
    assert_eq!(response.status().as_u16(), 200, "import");
    let two = vec!["TWO".to_owned()];
    let none: Vec<String> = Vec::new();
    // Each filter alone holds for some session.
    for query in [
        "commune=69123",
        "start_from=2027-06-01&start_to=2027-06-30",
        "funding=4",
        "funding=2",
        "open_recruitment=true",
    ] {
        assert_eq!(found(&app, query).await, two, "{query}");
    }
    assert_eq!(found(&app, "funding=11").await, none);
    // Together, for the same session: Lyon starts in January, Paris in June and is closed.
    for (query, expected) in [
        ("commune=69123&start_from=2027-06-01&start_to=2027-06-30", &none),
        ("commune=69123&start_from=2027-01-01&start_to=2027-01-31", &two),
        ("commune=75056&open_recruitment=true", &none),
        ("commune=69123&open_recruitment=true", &two),
        ("commune=69123&radius_km=20&open_recruitment=true", &two),
        ("commune=69123&funding=4", &none),
        ("commune=75056&funding=4&start_from=2027-06-01", &two),
        ("funding=4&open_recruitment=true", &none),
        ("funding=2&open_recruitment=true&start_to=2027-01-31", &two),
    ] {
        assert_eq!(&found(&app, query).await, expected, "{query}");
    }
}

/// The département is a place of the session too: a formation whose Paris session is the only
/// one funded by France Travail, starting in June and closed, does not match the Rhône with
/// those filters, though its Lyon action is in the Rhône.
async fn departement_holds_for_the_same_session_as_the_session_filters(app: TestApp) {
    let provider = app.register(OrganizationKind::TrainingProvider, &["training:write", "training:read"]).await;
    let response = app
        .client
        .post(app.url("/v1/trainings/lheo"))
        .bearer_auth(&provider.token)
        .header("content-type", "application/xml")
        .body(TWO_SESSIONS)
        .send()
        .await
        .expect("POST /v1/trainings/lheo");
    assert_eq!(response.status().as_u16(), 200, "import");
    let two = vec!["TWO".to_owned()];
    let none: Vec<String> = Vec::new();
    for (query, expected) in [
        // Alone, a département holds for some action.
        ("departement=69", &two),
        ("departement=75", &two),
        ("departement=33", &none),
        // With a session filter, for the session's own action only.
        ("departement=69&start_from=2027-06-01&start_to=2027-06-30", &none),
        ("departement=75&start_from=2027-06-01&start_to=2027-06-30", &two),
        ("departement=75&open_recruitment=true", &none),
        ("departement=69&open_recruitment=true", &two),
        ("departement=69&funding=4", &none),
        ("departement=75&funding=4", &two),
        ("departement=33,69&funding=2", &two),
        ("departement=75&commune=69123", &none),
        ("departement=69&commune=69123&open_recruitment=true", &two),
        // The région is the formation's: one value, whatever the session.
        ("region=84&funding=4", &two),
    ] {
        assert_eq!(&found(&app, query).await, expected, "{query}");
    }
}
