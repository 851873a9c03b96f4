//! The training catalogue (issue 15): LHEO imports of every fixture, re-import without events,
//! snapshot closure, the round trip through the export, every date convention, every rule with
//! its line, broken documents that write nothing, and who may write which catalogue.

use plateforme_model::organization::OrganizationKind;
use plateforme_store::changes;
use reqwest::Response;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, TestClient, assert_problem, json as body_of};

crate::on_both_backends!(
    a_minimal_document_is_imported_and_read_back_as_json,
    importing_the_same_document_again_changes_nothing_and_emits_no_event,
    a_full_document_keeps_every_element_its_extras_and_every_date_convention,
    a_full_import_closes_what_the_previous_one_had_and_this_one_lacks,
    a_changed_session_updates_its_formation_and_keeps_the_identifiers,
    the_export_imported_again_gives_the_same_catalogue,
    an_lheo_2_2_document_is_read_as_2_3,
    an_imperfect_catalogue_is_kept_with_warnings_and_its_unusable_parts_rejected_at_their_line,
    broken_documents_are_refused_precisely_and_write_nothing,
    a_large_document_broken_near_its_end_writes_nothing,
    each_kind_writes_only_the_catalogue_the_policy_gives_it,
    the_demo_catalogue_is_seeded_once,
);

const WRITE: &[&str] = &["training:write", "training:read"];

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../training/tests/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("read {}: {error}", path.display()))
}

/// The line (from 1) of the first line of `document` holding `needle`.
fn line_of(document: &str, needle: &str) -> u64 {
    let index =
        document.lines().position(|line| line.contains(needle)).unwrap_or_else(|| panic!("{needle} in the fixture"));
    index as u64 + 1
}

async fn import_as(app: &TestApp, client: &TestClient, document: impl Into<reqwest::Body>, query: &str) -> Response {
    app.client
        .post(app.url(&format!("/v1/trainings/lheo{query}")))
        .bearer_auth(&client.token)
        .header("content-type", "application/xml")
        .body(document)
        .send()
        .await
        .expect("POST /v1/trainings/lheo")
}

async fn import(app: &TestApp, client: &TestClient, document: &str) -> Value {
    let response = import_as(app, client, document.to_owned(), "").await;
    assert_eq!(response.status().as_u16(), 200, "import");
    body_of(response).await
}

async fn provider(app: &TestApp) -> TestClient {
    app.register(OrganizationKind::TrainingProvider, WRITE).await
}

fn entry<'a>(report: &'a Value, level: &str, numero: &str) -> &'a Value {
    report["entries"]
        .as_array()
        .and_then(|entries| entries.iter().find(|entry| entry["level"] == level && entry["numero"] == numero))
        .unwrap_or_else(|| panic!("an entry for {level} {numero} in {report:#}"))
}

fn training_id(report: &Value, numero: &str) -> String {
    entry(report, "formation", numero)["id"].as_str().expect("the training's id").to_owned()
}

async fn read(app: &TestApp, id: &str) -> Value {
    let response = app.client.get(app.url(&format!("/v1/trainings/{id}"))).send().await.expect("GET training");
    assert_eq!(response.status().as_u16(), 200, "read training {id}");
    body_of(response).await
}

async fn events_of(app: &TestApp, id: &str) -> usize {
    let id: Uuid = id.parse().expect("a uuid");
    app.store.run(move |conn| changes::of_resource(conn, "training", id)).await.expect("the training's events").len()
}

async fn a_minimal_document_is_imported_and_read_back_as_json(app: TestApp) {
    let provider = provider(&app).await;
    let report = import(&app, &provider, &fixture("minimal.xml")).await;
    assert_eq!(report["lheo_version"], "2.3");
    assert_eq!(report["summary"]["formations"]["created"], 1, "{report:#}");
    assert_eq!(report["summary"]["actions"]["created"], 1);
    assert_eq!(report["summary"]["sessions"]["created"], 1);
    let id = training_id(&report, "MIN-1");
    assert_eq!(
        entry(&report, "formation", "MIN-1")["line"],
        line_of(&fixture("minimal.xml"), "<formation numero=\"MIN-1\">")
    );
    let training = read(&app, &id).await;
    assert_eq!(training["title"], "Boulanger");
    assert_eq!(training["status"], "active");
    assert_eq!(training["region"], "84");
    assert_eq!(training["publisher_organization_id"], json!(provider.organization_id));
    assert_eq!(training["domain"]["formacode"], json!([{"code": "21538", "version": "V14"}]));
    let session = &training["actions"][0]["sessions"][0];
    assert_eq!(session["start"], json!({"lheo": "20270104", "precision": "day", "date": "2027-01-04"}));
    assert_eq!(training["actions"][0]["sites"][0]["address"]["commune"], "69123");
    assert!(training.get("warnings").is_none(), "a clean document leaves no warning: {training:#}");
    let history = body_of(
        app.client
            .get(app.url(&format!("/v1/trainings/{id}/history")))
            .bearer_auth(&provider.token)
            .send()
            .await
            .expect("history"),
    )
    .await;
    assert_eq!(history["items"].as_array().map(Vec::len), Some(1), "{history:#}");
    assert_eq!(history["items"][0]["action"], "created");
    let missing = app.client.get(app.url(&format!("/v1/trainings/{}", Uuid::now_v7()))).send().await.expect("GET");
    assert_problem(missing, 404, "not_found").await;
}

async fn importing_the_same_document_again_changes_nothing_and_emits_no_event(app: TestApp) {
    let provider = provider(&app).await;
    let document = fixture("full.xml");
    let first = import(&app, &provider, &document).await;
    let id = training_id(&first, "FULL-1");
    let events = events_of(&app, &id).await;
    let before = read(&app, &id).await;
    let again = import(&app, &provider, &document).await;
    assert_eq!(
        again["summary"]["formations"],
        json!({"created": 0, "updated": 0, "unchanged": 2, "rejected": 0, "closed": 0})
    );
    assert_eq!(again["summary"]["sessions"]["unchanged"], 5);
    assert_eq!(again["entries"], json!([]), "unchanged elements are only counted");
    assert_eq!(events_of(&app, &id).await, events, "no event for an unchanged import");
    assert_eq!(read(&app, &id).await, before);
}

async fn a_full_document_keeps_every_element_its_extras_and_every_date_convention(app: TestApp) {
    let provider = provider(&app).await;
    let report = import(&app, &provider, &fixture("full.xml")).await;
    assert_eq!(report["summary"]["formations"]["created"], 2, "{report:#}");
    assert_eq!(report["summary"]["actions"]["created"], 3);
    assert_eq!(report["summary"]["sessions"]["created"], 5);
    let training = read(&app, &training_id(&report, "FULL-1")).await;
    assert_eq!(training["title"], "Boulanger & pâtissier - CAP");
    assert_eq!(training["objective"], "Préparer le pain <et> les viennoiseries.");
    assert_eq!(training["content"], "Pétrissage, façonnage & cuisson.", "CDATA is text");
    assert_eq!(training["certifying"], true);
    assert_eq!(training["domain"]["nsf"], json!([{"code": "221", "version": "V1"}, {"code": "221u"}]));
    assert_eq!(training["domain"]["rome"], json!([{"code": "D1102", "version": "V4"}]));
    assert_eq!(training["certifications"], json!([{"rncp": "37859", "certifinfo": "54321"}, {"rs": "5678"}]));
    assert_eq!(
        training["responsible_organization"],
        json!({"numero": "OF-42", "activity_number": "84691234569", "siret": "73282932000074", "name": "Fournil-école du Rhône"})
    );
    assert_eq!(
        training["extras"],
        json!([{"name": "extras", "attributes": [["info", "formation"]],
        "children": [{"name": "extra", "attributes": [["info", "carif-id"]], "text": "RA-000123"}]}])
    );
    let action = &training["actions"][0];
    assert_eq!(action["teaching_mode"], "mixed");
    assert_eq!(action["entries"], "fixed");
    assert_eq!(action["target_publics"], json!(["83056", "15041"]));
    assert_eq!(action["hours_in_centre"], 800);
    assert_eq!(action["hours_in_company"], 400);
    assert_eq!(action["total_price"], "4800.00");
    assert_eq!(action["funders"], json!([{"code": "2", "places": 12}, {"code": "4"}]));
    assert_eq!(action["disability_access"], "Locaux accessibles ; référent handicap sur place.");
    assert_eq!(action["provider_siret"], "73282932000074");
    let site = &action["sites"][0];
    assert_eq!(site["name"], "Fournil-école");
    assert_eq!(site["address"]["lines"], json!(["12 rue des Boulangers", "Bâtiment B"]));
    assert_eq!(
        (site["address"]["latitude"].as_f64(), site["address"]["precise"].as_bool()),
        (Some(45.7719), Some(true))
    );
    assert_eq!(site["address"]["departement"], "69");
    assert_eq!(action["extras"][0]["children"][1]["children"][0]["text"], "7", "nested extras are kept");
    let sessions = &action["sessions"];
    assert_eq!(sessions[0]["recruitment"], "open");
    assert_eq!(sessions[0]["registration_address"]["commune"], "69266");
    assert_eq!(sessions[1]["start"], json!({"lheo": "20270900", "precision": "month", "date": "2027-09-01"}));
    assert_eq!(sessions[1]["end"], json!({"lheo": "99999999", "precision": "unknown"}));
    assert_eq!(sessions[1]["recruitment"], "suspended");
    assert_eq!(sessions[2]["start"], json!({"lheo": "00000000", "precision": "unknown"}));
    assert_eq!(sessions[2]["end"]["precision"], "month");
    assert_eq!(sessions[2]["recruitment"], "closed");
    assert_eq!(training["actions"][1]["teaching_mode"], "distance");
    assert_eq!(training["actions"][1]["entries"], "permanent");
}

async fn a_full_import_closes_what_the_previous_one_had_and_this_one_lacks(app: TestApp) {
    let provider = provider(&app).await;
    let full = fixture("full.xml");
    let first = import(&app, &provider, &full).await;
    let (kept, dropped) = (training_id(&first, "FULL-1"), training_id(&first, "FULL-2"));
    // The same catalogue without FULL-2, sent as an update: nothing is closed.
    let start = full.find("<formation numero=\"FULL-2\">").expect("FULL-2");
    let end = full.find("</offres>").expect("the end");
    let without = format!("{}{}", &full[..start], &full[end..]);
    let update = body_of(import_as(&app, &provider, without.clone(), "?snapshot=false").await).await;
    assert_eq!(update["summary"]["formations"]["closed"], 0, "{update:#}");
    // As a full catalogue: FULL-2 is closed, once.
    let snapshot = import(&app, &provider, &without).await;
    assert_eq!(snapshot["summary"]["formations"]["closed"], 1, "{snapshot:#}");
    assert_eq!(entry(&snapshot, "formation", "FULL-2")["outcome"], "closed");
    assert_eq!(read(&app, &kept).await["status"], "active");
    let closed = app.client.get(app.url(&format!("/v1/trainings/{dropped}"))).send().await.expect("GET");
    assert_problem(closed, 404, "not_found").await;
    let granted = app
        .client
        .get(app.url(&format!("/v1/trainings/{dropped}")))
        .bearer_auth(&provider.token)
        .send()
        .await
        .expect("GET");
    assert_eq!(body_of(granted).await["status"], "closed");
    let again = import(&app, &provider, &without).await;
    assert_eq!(again["summary"]["formations"]["closed"], 0, "closed once: {again:#}");
    // Another publisher's catalogue is not closed by this one's imports.
    let other = self::provider(&app).await;
    let theirs = import(&app, &other, &fixture("minimal.xml")).await;
    import(&app, &provider, &without).await;
    assert_eq!(read(&app, &training_id(&theirs, "MIN-1")).await["status"], "active");
    // Sent again, the closed formation comes back.
    let back = import(&app, &provider, &full).await;
    assert_eq!(entry(&back, "formation", "FULL-2")["outcome"], "updated");
    assert_eq!(read(&app, &dropped).await["status"], "active");
}

async fn a_changed_session_updates_its_formation_and_keeps_the_identifiers(app: TestApp) {
    let provider = provider(&app).await;
    let full = fixture("full.xml");
    let first = import(&app, &provider, &full).await;
    let id = training_id(&first, "FULL-1");
    let before = read(&app, &id).await;
    let changed =
        full.replace("<debut>20270301</debut><fin>20270331</fin>", "<debut>20270302</debut><fin>20270331</fin>");
    let report = import(&app, &provider, &changed).await;
    assert_eq!(entry(&report, "formation", "FULL-1")["outcome"], "updated");
    assert_eq!(entry(&report, "session", "FULL-1-S4")["outcome"], "updated");
    assert_eq!(
        report["summary"]["sessions"],
        json!({"created": 0, "updated": 1, "unchanged": 4, "rejected": 0, "closed": 0})
    );
    assert_eq!(report["summary"]["actions"]["unchanged"], 3, "{report:#}");
    let after = read(&app, &id).await;
    assert_eq!(after["version"], 2);
    assert_eq!(after["actions"][1]["id"], before["actions"][1]["id"]);
    assert_eq!(after["actions"][1]["sessions"][0]["id"], before["actions"][1]["sessions"][0]["id"]);
    assert_eq!(after["actions"][1]["sessions"][0]["start"]["lheo"], "20270302");
    // A session dropped from its action is closed; the formation is updated.
    let start = changed.find("<session numero=\"FULL-1-S3\">").expect("S3");
    let end = start + changed[start..].find("</session>").expect("its end") + "</session>".len();
    let without = format!("{}{}", &changed[..start], &changed[end..]);
    let report = import(&app, &provider, &without).await;
    assert_eq!(entry(&report, "session", "FULL-1-S3")["outcome"], "closed");
    let history = body_of(
        app.client
            .get(app.url(&format!("/v1/trainings/{id}/history")))
            .bearer_auth(&provider.token)
            .send()
            .await
            .expect("history"),
    )
    .await;
    assert_eq!(history["items"].as_array().map(Vec::len), Some(3), "{history:#}");
}

async fn the_export_imported_again_gives_the_same_catalogue(app: TestApp) {
    let provider = provider(&app).await;
    let first = import(&app, &provider, &fixture("full.xml")).await;
    let id = training_id(&first, "FULL-1");
    let before = read(&app, &id).await;
    let response = app.client.get(app.url("/v1/trainings/lheo?region=84")).send().await.expect("export");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-type"].to_str().is_ok_and(|value| value.starts_with("application/xml")));
    let exported = response.text().await.expect("the export");
    assert!(exported.contains("<lheo xmlns=\"http://lheo.gouv.fr/2.3\">"), "{exported}");
    assert!(exported.contains("<formation numero=\"FULL-1\">"));
    let again = import(&app, &provider, &exported).await;
    assert_eq!(again["summary"]["formations"]["unchanged"], 2, "the export is the same catalogue: {again:#}");
    assert_eq!(again["summary"]["formations"]["closed"], 0);
    assert_eq!(read(&app, &id).await, before);
    // Another région's export does not hold it; a région that does not exist is refused.
    let elsewhere = app
        .client
        .get(app.url("/v1/trainings/lheo?region=53"))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("text");
    assert!(!elsewhere.contains("FULL-1"), "{elsewhere}");
    let refused = app.client.get(app.url("/v1/trainings/lheo?region=99")).send().await.expect("export");
    assert_problem(refused, 400, "invalid_query").await;
    let unknown = app.client.get(app.url("/v1/trainings/lheo?regions=84")).send().await.expect("export");
    assert_problem(unknown, 400, "invalid_query").await;
}

async fn an_lheo_2_2_document_is_read_as_2_3(app: TestApp) {
    let provider = provider(&app).await;
    let report = import(&app, &provider, &fixture("v22.xml")).await;
    assert_eq!(report["lheo_version"], "2.2");
    let training = read(&app, &training_id(&report, "V22-1")).await;
    assert_eq!(training["title"], "Boulanger");
    assert_eq!(training["actions"][0]["sessions"][0]["end"]["date"], "2027-06-30");
}

async fn an_imperfect_catalogue_is_kept_with_warnings_and_its_unusable_parts_rejected_at_their_line(app: TestApp) {
    let provider = provider(&app).await;
    let document = fixture("imperfect.xml");
    let report = import(&app, &provider, &document).await;
    let line = |needle: &str| json!(line_of(&document, needle));
    let kept = entry(&report, "formation", "IMP-1");
    assert_eq!(kept["outcome"], "created", "{report:#}");
    let rules: Vec<&str> =
        kept["warnings"].as_array().expect("warnings").iter().filter_map(|warning| warning["rule"].as_str()).collect();
    for rule in [
        "formation.objective.missing",
        "formation.expected_results.missing",
        "formation.certifying.value",
        "commune.postal_code_given",
        "position.zero",
        "position.coarse",
        "commune.derived_from_postal_code",
        "siret.placeholder",
        "session.recruitment.value",
    ] {
        assert!(rules.contains(&rule), "warning {rule} in {rules:?}");
    }
    let postal = kept["warnings"]
        .as_array()
        .and_then(|warnings| warnings.iter().find(|warning| warning["rule"] == "commune.postal_code_given"))
        .expect("the postal code");
    assert_eq!(postal["line"], line("<code-INSEE-commune>75015</code-INSEE-commune>"));
    let training = read(&app, kept["id"].as_str().expect("id")).await;
    let site = &training["actions"][0]["sites"][0]["address"];
    assert_eq!(site["commune"], "75056", "the postal code read as Paris");
    assert_eq!(site["precise"], false, "the zero position replaced by the commune's");
    assert!(
        training["warnings"].as_array().is_some_and(|warnings| warnings.len() == rules.len()),
        "the warnings are on the record"
    );
    assert_eq!(training["actions"][0]["sessions"][0]["extras"][0]["attributes"], json!([["info", "inconnu"]]));
    assert_eq!(training["extras"][0]["children"][0]["text"], "Inconnu 3.2");
    assert_eq!(training["actions"].as_array().map(Vec::len), Some(2), "A3 is rejected");
    let rejected = |level: &str, numero: &str| {
        let found = entry(&report, level, numero);
        assert_eq!(found["outcome"], "rejected", "{found:#}");
        (found["errors"][0]["rule"].as_str().unwrap_or_default().to_owned(), found["line"].clone())
    };
    assert_eq!(
        rejected("session", "IMP-1-S2"),
        ("session.ends_before_start".into(), line("<session numero=\"IMP-1-S2\">"))
    );
    assert_eq!(
        rejected("session", "IMP-1-S3"),
        ("date.unknown_misplaced".into(), line("<session numero=\"IMP-1-S3\">"))
    );
    assert_eq!(
        rejected("session", "IMP-1-S4"),
        ("session.period.required".into(), line("<session numero=\"IMP-1-S4\">"))
    );
    assert_eq!(rejected("action", "IMP-1-A3"), ("commune.unknown".into(), line("<action numero=\"IMP-1-A3\">")));
    assert_eq!(rejected("formation", "IMP-2"), ("formacode.format".into(), line("<formation numero=\"IMP-2\">")));
    assert_eq!(rejected("formation", "IMP-3"), ("rome.unknown".into(), line("<formation numero=\"IMP-3\">")));
    assert_eq!(
        rejected("formation", "IMP-4"),
        ("formation.title.required".into(), line("<formation numero=\"IMP-4\">"))
    );
    let unnumbered = report["entries"]
        .as_array()
        .and_then(|entries| entries.iter().find(|entry| entry["numero"].is_null()))
        .expect("the formation without numero");
    assert_eq!(unnumbered["errors"][0]["rule"], "formation.numero.required");
    assert_eq!(unnumbered["line"], line("<formation>"));
    assert_eq!(
        report["summary"]["formations"],
        json!({"created": 1, "updated": 0, "unchanged": 0, "rejected": 4, "closed": 0})
    );
    assert_eq!(report["summary"]["sessions"]["rejected"], 3);
    // The month convention on both ends of one session is one month, not an error.
    assert_eq!(training["actions"][1]["sessions"][0]["end"]["precision"], "month");
}

async fn broken_documents_are_refused_precisely_and_write_nothing(app: TestApp) {
    let provider = provider(&app).await;
    let minimal = fixture("minimal.xml");
    let refused = |body: String, rule: &'static str| {
        let (app, provider) = (&app, &provider);
        async move {
            let problem = assert_problem(import_as(app, provider, body, "").await, 422, "validation_failed").await;
            assert_eq!(problem["errors"][0]["rule"], rule, "{problem:#}");
            problem
        }
    };
    refused(fixture("not-xml.txt"), "lheo.malformed").await;
    let namespace = refused(fixture("wrong-namespace.xml"), "lheo.namespace").await;
    assert_eq!(namespace["errors"][0]["field"], "line 2");
    refused(minimal.replace("<lheo xmlns", "<catalogue xmlns").replace("</lheo>", "</catalogue>"), "lheo.root").await;
    refused(String::new(), "lheo.empty").await;
    let truncated =
        refused(minimal.replace("</action>\n</formation>\n</offres>\n</lheo>\n", "</action>\n"), "lheo.malformed")
            .await;
    assert!(truncated["detail"].as_str().is_some_and(|detail| detail.contains("nothing was written")), "{truncated:#}");
    let mismatched = refused(minimal.replace("</session>", "</sesion>"), "lheo.malformed").await;
    assert_eq!(mismatched["errors"][0]["field"], format!("line {}", line_of(&minimal, "</session>")));
    // Nothing of them was written: the export of the caller's région is empty.
    let exported =
        app.client.get(app.url("/v1/trainings/lheo")).send().await.expect("export").text().await.expect("text");
    assert!(!exported.contains("<formation"), "{exported}");
    let response = app
        .client
        .post(app.url("/v1/trainings/lheo"))
        .bearer_auth(&provider.token)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("POST");
    assert_problem(response, 415, "unsupported_media_type").await;
    let response = import_as(&app, &provider, minimal.clone(), "?snapshot=maybe").await;
    assert_problem(response, 400, "invalid_query").await;
    let response = app
        .client
        .post(app.url("/v1/trainings/lheo"))
        .header("content-type", "application/xml")
        .body(minimal)
        .send()
        .await
        .expect("POST");
    assert_problem(response, 401, "unauthorized").await;
}

/// About 100 MB: 300 good formations, then padding, then a formation broken near the end.
async fn a_large_document_broken_near_its_end_writes_nothing(app: TestApp) {
    let provider = provider(&app).await;
    let minimal = fixture("minimal.xml");
    let start = minimal.find("<formation").expect("a formation");
    let end = minimal.find("</offres>").expect("the end");
    let formation = &minimal[start..end];
    let mut document = minimal[..start].to_owned();
    for n in 0..300 {
        document.push_str(&formation.replace("MIN-1", &format!("BIG-{n}")));
    }
    let padding = format!("<!-- {} -->\n", "x".repeat(1000));
    while document.len() < 100 * 1024 * 1024 {
        document.push_str(&padding);
    }
    document.push_str(&formation.replace("MIN-1", "BIG-LAST").replace("</session>", "</sesion>"));
    document.push_str(&minimal[end..]);
    let problem = assert_problem(import_as(&app, &provider, document, "").await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "lheo.malformed");
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("300 formations would have been created"), "{detail}");
    let exported =
        app.client.get(app.url("/v1/trainings/lheo")).send().await.expect("export").text().await.expect("text");
    assert!(!exported.contains("BIG-"), "nothing half-written");
}

async fn each_kind_writes_only_the_catalogue_the_policy_gives_it(app: TestApp) {
    let minimal = fixture("minimal.xml");
    // Kinds that publish no training.
    for kind in [
        OrganizationKind::MissionLocale,
        OrganizationKind::CapEmploi,
        OrganizationKind::Departement,
        OrganizationKind::Employer,
        OrganizationKind::StateService,
    ] {
        let client = app.register(kind, WRITE).await;
        assert_problem(import_as(&app, &client, minimal.clone(), "").await, 403, "forbidden").await;
    }
    // Without the scope.
    let reader = app.register(OrganizationKind::TrainingProvider, &["training:read"]).await;
    assert_problem(import_as(&app, &reader, minimal.clone(), "").await, 403, "forbidden").await;
    // A région writes its région's training (Lyon is in 84), not another's.
    let auvergne = app.register_in(OrganizationKind::Region, json!({"regions": ["84"]}), WRITE).await;
    assert_eq!(import(&app, &auvergne, &minimal).await["summary"]["formations"]["created"], 1);
    let bretagne = app.register_in(OrganizationKind::Region, json!({"regions": ["53"]}), WRITE).await;
    let report = import(&app, &bretagne, &minimal).await;
    assert_eq!(entry(&report, "action", "MIN-1-A1")["errors"][0]["rule"], "action.outside_region", "{report:#}");
    assert_eq!(report["summary"]["formations"]["rejected"], 1);
    // France Travail and partners write anywhere, each its own catalogue: the same numero is
    // another formation for another publisher.
    let france_travail = app.register(OrganizationKind::FranceTravail, WRITE).await;
    let partner = app.register(OrganizationKind::Partner, WRITE).await;
    let ft = training_id(&import(&app, &france_travail, &minimal).await, "MIN-1");
    let theirs = training_id(&import(&app, &partner, &minimal).await, "MIN-1");
    assert_ne!(ft, theirs);
}

async fn the_demo_catalogue_is_seeded_once(app: TestApp) {
    let store = app.store.clone();
    let seed = move || plateforme_server::seed::seed_demo(&store, 100).expect("seed the demo data");
    let first = actix_web::rt::task::spawn_blocking(seed.clone()).await.expect("seed");
    assert_eq!(first.trainings, 2, "the demo catalogue's two formations");
    let again = actix_web::rt::task::spawn_blocking(seed).await.expect("seed again");
    assert_eq!(again.trainings, 0, "seeding again writes nothing");
    // Two demo persons positioned on the demo bakery's session funded by the région, once.
    assert_eq!(first.positionings, 2, "the demo positionings");
    assert_eq!(again.positionings, 0, "seeding again positions nobody twice");
    let exported = app
        .client
        .get(app.url("/v1/trainings/lheo?region=84"))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("text");
    assert!(exported.contains("<formation numero=\"DEMO-1\">"), "{exported}");
}
