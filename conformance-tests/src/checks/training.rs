//! The training catalogue (issue 15): a training provider imports a small LHEO catalogue (a
//! partial update, so that a long-lived deployment's catalogue is not closed), imports it again
//! unchanged, anyone reads it as JSON and as LHEO; a broken document writes nothing, and a kind
//! that publishes no training is refused. France Travail positions a person of the run on the
//! formation's session, the provider accepts and records the entry, and the positioning shows
//! in the provider's list (a person's path into training).

use plateforme_client::{Client, OrganizationKind, TrainingSearch};
use uuid::Uuid;

use super::{Verdict, expect_error, step};
use crate::fixtures;
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

const WITH_PROVIDER: [&str; 6] = [
    "training.import",
    "training.import.unchanged",
    "training.read",
    "training.export",
    "training.search",
    "training.positioning",
];

/// A one-formation LHEO 2.3 catalogue numbered for the run.
fn catalogue(run: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres>\
         <formation numero=\"CF-{run}\"><domaine-formation><code-FORMACODE ref=\"V14\">21538</code-FORMACODE>\
         <code-ROME>D1102</code-ROME></domaine-formation><intitule-formation>Boulanger conformance {run}</intitule-formation>\
         <objectif-formation>Tester.</objectif-formation><resultats-attendus>Un rapport.</resultats-attendus>\
         <contenu-formation>Import, lecture, export.</contenu-formation><certifiante>0</certifiante>\
         <action numero=\"CF-{run}-A\"><lieu-de-formation><coordonnees><adresse><codepostal>69001</codepostal>\
         <ville>Lyon</ville><code-INSEE-commune>69123</code-INSEE-commune></adresse></coordonnees></lieu-de-formation>\
         <session numero=\"CF-{run}-S\"><periode><debut>20270104</debut><fin>20270600</fin></periode>\
         <etat-recrutement>1</etat-recrutement></session><organisme-financeur><code-financeur>4</code-financeur>\
         <nb-places-financees>1</nb-places-financees></organisme-financeur></action></formation></offres></lheo>\n"
    )
}

pub async fn run(suite: &Suite, report: &mut Report) {
    match suite.actor(Kind::Of(OrganizationKind::Employer)) {
        Some(employer) => {
            report.record("training.import.forbidden.employer", forbidden(&employer.client, &suite.run_id).await)
        }
        None => report.skip("training.import.forbidden.employer", suite.missing(Kind::Of(OrganizationKind::Employer))),
    }
    let kind = Kind::Of(OrganizationKind::TrainingProvider);
    let Some(provider) = suite.actor(kind) else {
        super::skip_all(suite, report, &WITH_PROVIDER, kind);
        report.skip("training.import.malformed", suite.missing(kind));
        report.record("training.search.bad_parameter", bad_search(suite.anonymous()).await);
        return;
    };
    report.record("training.import.malformed", malformed(&provider.client, &suite.run_id).await);
    let imported = import(&provider.client, &suite.run_id).await;
    let Some(id) = report.record_step("training.import", imported, &WITH_PROVIDER[1..]) else { return };
    report.record("training.import.unchanged", unchanged(&provider.client, &suite.run_id).await);
    report.record("training.read", read(suite.anonymous(), id, &suite.run_id).await);
    report.record("training.export", export(suite.anonymous(), &suite.run_id).await);
    report.record("training.search", search(suite.anonymous(), id, &suite.run_id).await);
    report.record("training.search.bad_parameter", bad_search(suite.anonymous()).await);
    let counsellor = Kind::Of(OrganizationKind::FranceTravail);
    match suite.actor(counsellor) {
        Some(france_travail) => report.record(
            "training.positioning",
            positioning(&france_travail.client, &provider.client, id, &suite.run_id).await,
        ),
        None => report.skip("training.positioning", suite.missing(counsellor)),
    }
}

/// France Travail positions two persons of the run on the session and its one funded place; the
/// provider accepts the first, is refused the second acceptance (`positioning.session_full`),
/// records the first's entry, and lists the positioning among those on its sessions.
async fn positioning(counsellor: &Client, provider: &Client, training: Uuid, run: &str) -> Verdict {
    let read = step("get_training", provider.get_training(training).await)?.value;
    let session = read["actions"][0]["sessions"][0]["id"].as_str().ok_or("the formation has no session")?.to_owned();
    let body =
        serde_json::json!({"training_id": training, "session_id": session, "comment": format!("conformance {run}")});
    let (person, created) = positioned(counsellor, run, "Formation", &body).await?;
    let (second_person, second) = positioned(counsellor, run, "Formationdeux", &body).await?;
    let id: Uuid = created.value["id"].as_str().and_then(|id| id.parse().ok()).ok_or("the positioning has no id")?;
    let today = chrono::Utc::now().date_naive().to_string();
    let answer = serde_json::json!({"answer": {"decision": "accepted", "answered_on": today}});
    let accepted =
        step("record_positioning_step", provider.record_positioning_step(person, id, &answer, &created.etag).await)?;
    let second_id: Uuid =
        second.value["id"].as_str().and_then(|id| id.parse().ok()).ok_or("the positioning has no id")?;
    let full = provider.record_positioning_step(second_person, second_id, &answer, &second.etag).await;
    let problem = expect_error(full, 409, "invalid_transition")?;
    match problem.errors.first() {
        Some(error) if error.rule == "positioning.session_full" => {}
        other => {
            return Err(format!(
                "accepting beyond the one funded place answered {other:?}, expected positioning.session_full"
            ));
        }
    }
    let entry = serde_json::json!({"entry": {"entered_on": today}});
    let entered =
        step("record_positioning_step", provider.record_positioning_step(person, id, &entry, &accepted.etag).await)?;
    if entered.value["status"] != "in_training" {
        return Err(format!("after the entry the positioning is {}, not in_training", entered.value["status"]));
    }
    let listed = step("positionings", provider.positionings(Some("in_training")).all().await)?;
    if !listed.iter().any(|item| item["id"] == id.to_string()) {
        return Err("the provider's list of positionings on its sessions lacks the one it answered".to_owned());
    }
    Ok(())
}

/// A new person of the run, positioned by `counsellor` as `body` says.
async fn positioned(
    counsellor: &Client,
    run: &str,
    name: &str,
    body: &serde_json::Value,
) -> Result<(Uuid, plateforme_client::Created<serde_json::Value>), String> {
    let person = step("create_person", counsellor.create_person(&fixtures::person(run, name, false), None).await)?;
    let person: Uuid = person.value["id"].as_str().and_then(|id| id.parse().ok()).ok_or("the person has no id")?;
    let created = step("position_person", counsellor.position_person(person, body, None).await)?;
    if created.value["status"] != "positioned" {
        return Err(format!("a new positioning is {}, not positioned", created.value["status"]));
    }
    Ok((person, created))
}

/// The importer's formation is found at once by anyone, by its words and its filters.
async fn search(client: &Client, id: Uuid, run: &str) -> Verdict {
    let search = TrainingSearch {
        q: Some(format!("boulangère conformance {run}")),
        formacode: vec!["21538".to_owned()],
        commune: Some("69123".to_owned()),
        radius_km: Some(5.0),
        start_from: Some("2027-01-01".to_owned()),
        start_to: Some("2027-01-31".to_owned()),
        open_recruitment: true,
        limit: Some(100),
        ..TrainingSearch::default()
    };
    let page = step("search_trainings", client.search_trainings(&search).await)?;
    if !page.items.iter().any(|item| item["id"] == id.to_string()) {
        return Err(format!("the search by the formation's words and filters did not find it ({} found)", page.total));
    }
    let regions: u64 = page.facets.regions.iter().map(|facet| facet.count).sum();
    if regions != page.total {
        return Err(format!("the région facet adds up to {regions}, not the total {}", page.total));
    }
    Ok(())
}

async fn bad_search(client: &Client) -> Verdict {
    let search = TrainingSearch { formacode: vec!["2153".to_owned()], ..TrainingSearch::default() };
    let problem = expect_error(client.search_trainings(&search).await, 400, "invalid_query")?;
    match problem.errors.first() {
        Some(error) if error.rule == "formacode.format" => Ok(()),
        other => Err(format!("a 4-digit FORMACODE's first error is {other:?}, expected formacode.format")),
    }
}

async fn forbidden(client: &Client, run: &str) -> Verdict {
    expect_error(client.import_lheo(catalogue(run).into_bytes(), false).await, 403, "forbidden").map(drop)
}

async fn malformed(client: &Client, run: &str) -> Verdict {
    let broken = catalogue(run).replace("</session>", "</sesion>");
    let problem = expect_error(client.import_lheo(broken.into_bytes(), false).await, 422, "validation_failed")?;
    match problem.errors.first() {
        Some(error) if error.rule == "lheo.malformed" => Ok(()),
        other => Err(format!("a broken document's first error is {other:?}, expected the rule lheo.malformed")),
    }
}

async fn import(client: &Client, run: &str) -> Result<Uuid, String> {
    let report = step("import_lheo", client.import_lheo(catalogue(run).into_bytes(), false).await)?;
    if report.summary.formations.created != 1 || report.summary.sessions.created != 1 {
        return Err(format!("a new catalogue of one formation and one session reported {:?}", report.summary));
    }
    report
        .entries
        .iter()
        .find(|entry| entry["level"] == "formation")
        .and_then(|entry| entry["id"].as_str())
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| "the report names no formation id".to_owned())
}

async fn unchanged(client: &Client, run: &str) -> Verdict {
    let report = step("import_lheo", client.import_lheo(catalogue(run).into_bytes(), false).await)?;
    if report.summary.formations.unchanged != 1 || !report.entries.is_empty() {
        return Err(format!(
            "the same catalogue again reported {:?} and {} entries",
            report.summary,
            report.entries.len()
        ));
    }
    Ok(())
}

async fn read(client: &Client, id: Uuid, run: &str) -> Verdict {
    let training = step("get_training_anonymously", client.get_training_anonymously(id).await)?.value;
    if training["title"] != format!("Boulanger conformance {run}")
        || training["actions"][0]["sessions"][0]["end"]["precision"] != "month"
    {
        return Err(format!("the formation read back is not the one imported: {training}"));
    }
    Ok(())
}

async fn export(client: &Client, run: &str) -> Verdict {
    let document = step("export_lheo", client.export_lheo(Some("84")).await)?;
    if !document.contains("<lheo xmlns=\"http://lheo.gouv.fr/2.3\">")
        || !document.contains(&format!("numero=\"CF-{run}\""))
    {
        return Err("the LHEO export of région 84 lacks the run's formation".to_owned());
    }
    Ok(())
}
