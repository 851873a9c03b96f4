//! The bulk export: France Travail exports the persons and finds the run's person, and the feed
//! from the export's cursor serves no change the export holds already; a région's export holds
//! no person; bad requests are refused with their rule.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use plateforme_client::{BulkExport, ChangesRequest, Client, ExportRequest, OrganizationKind};
use uuid::Uuid;

use super::{Verdict, expect_error, step};
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

const FEED: &str = "changes:read";
/// How long an export may take on the deployment under test.
const MOST_WAIT: Duration = Duration::from_secs(120);
/// Pages of the feed read after the export's cursor, at most.
const MOST_PAGES: usize = 50;

pub async fn run(suite: &Suite, person: Option<Uuid>, report: &mut Report) {
    let france_travail = suite.actor(Kind::Of(OrganizationKind::FranceTravail)).filter(|actor| actor.has_scope(FEED));
    let region = suite.actor(Kind::Of(OrganizationKind::Region)).filter(|actor| actor.has_scope(FEED));
    match (france_travail, person) {
        (Some(reader), Some(person)) => report.record("exports.follow", follow(&reader.client, person).await),
        (None, _) => report.skip("exports.follow", "no france_travail client with changes:read given"),
        (_, None) => report.skip("exports.follow", "needs persons.create"),
    }
    match (region, person) {
        (Some(region), Some(person)) => report.record("exports.policy", unseen(&region.client, person).await),
        (None, _) => report.skip("exports.policy", "no region client with changes:read given"),
        (_, None) => report.skip("exports.policy", "needs persons.create"),
    }
    match suite.actors().iter().find(|actor| actor.has_scope(FEED)) {
        Some(reader) => report.record("exports.problems", problems(&reader.client).await),
        None => report.skip("exports.problems", "no client with changes:read given"),
    }
}

/// Asks for an export of the persons and waits until it is done.
async fn persons_export(client: &Client) -> Result<BulkExport, String> {
    let request = ExportRequest { types: vec!["person".into()], since: None };
    let mut export = step("ask for an export", client.create_export(&request).await)?;
    let deadline = Instant::now() + MOST_WAIT;
    while export.status != "done" {
        if export.status == "failed" || Instant::now() > deadline {
            return Err(format!("the export {} is {} ({:?})", export.id, export.status, export.error));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        export = step("read the export", client.export(export.id).await)?;
    }
    Ok(export)
}

/// The persons of a finished export, with their versions.
async fn persons_of(client: &Client, export: &BulkExport) -> Result<HashMap<String, i64>, String> {
    let file = export.files.iter().find(|file| file.file_type == "person").ok_or("no person file in the manifest")?;
    let mut lines = step("read the person file", client.export_file(file).await)?;
    let mut persons = HashMap::new();
    while let Some(line) = step("read a line", lines.next_line().await)? {
        let id = line["id"].as_str().ok_or_else(|| format!("a line without id: {line}"))?;
        persons.insert(id.to_owned(), line["version"].as_i64().unwrap_or(0));
    }
    if i64::try_from(persons.len()).ok() != Some(file.count) {
        return Err(format!("the manifest counts {} persons, the file holds {}", file.count, persons.len()));
    }
    Ok(persons)
}

async fn follow(client: &Client, person: Uuid) -> Verdict {
    let export = persons_export(client).await?;
    let persons = persons_of(client, &export).await?;
    if !persons.contains_key(&person.to_string()) {
        return Err(format!("the person {person} is not in France Travail's export"));
    }
    let cursor = export.cursor.ok_or("a finished export without cursor")?;
    let types = vec!["fr.plateforme.person.created".into(), "fr.plateforme.person.updated".into()];
    let mut request = ChangesRequest { after: Some(cursor), limit: Some(1000), types, ..ChangesRequest::default() };
    for _ in 0..MOST_PAGES {
        let page = step("read the feed from the export's cursor", client.changes(&request).await)?;
        for event in &page.events {
            let held = persons.get(&event.data.resource_id.to_string());
            if held.is_some_and(|version| event.data.version <= *version) {
                return Err(format!(
                    "the feed from the export's cursor serves {} v{} again",
                    event.subject, event.data.version
                ));
            }
        }
        if page.events.is_empty() {
            return Ok(());
        }
        request.after = Some(page.cursor);
    }
    Ok(())
}

/// A région exports no person.
async fn unseen(client: &Client, person: Uuid) -> Verdict {
    let persons = persons_of(client, &persons_export(client).await?).await?;
    match persons.contains_key(&person.to_string()) {
        true => Err(format!("a région's export holds the person {person}")),
        false if !persons.is_empty() => Err(format!("a région's export holds {} persons", persons.len())),
        false => Ok(()),
    }
}

async fn problems(client: &Client) -> Verdict {
    let unknown = ExportRequest { types: vec!["planet".into()], since: None };
    let problem = expect_error(client.create_export(&unknown).await, 422, "validation_failed")?;
    if !problem.errors.iter().any(|error| error.rule == "exports.type.unknown") {
        return Err(format!("422 without the rule exports.type.unknown: {:?}", problem.errors));
    }
    expect_error(client.export(Uuid::now_v7()).await, 404, "not_found").map(|_| ())
}
