//! The access journal: France Travail's accesses to the run's person are listed, filtered by
//! person and client, for a client with `journal:read` (or `admin`); a read that says why
//! (`Access-Purpose`) is journaled with the operation's purpose and those words.

use plateforme_client::JournalFilter;
use plateforme_client::OrganizationKind;
use uuid::Uuid;

use super::{Verdict, step};
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::{Actor, Suite};

pub async fn run(suite: &Suite, person: Option<Uuid>, report: &mut Report) {
    let reader = suite.actors().iter().find(|actor| actor.has_scope("journal:read") || actor.has_scope("admin"));
    match (reader, suite.actor(Kind::Of(OrganizationKind::FranceTravail)), person) {
        (Some(reader), Some(writer), Some(person)) => {
            report.record("admin.journal", journal(reader, writer, person).await);
            report.record("admin.journal.purpose", purpose(reader, writer, person, &suite.run_id).await);
        }
        (reader, writer, person) => {
            let why = match (reader, writer, person) {
                (None, _, _) => "no client with journal:read or admin given".to_owned(),
                (_, None, _) => suite.missing(Kind::Of(OrganizationKind::FranceTravail)),
                _ => "needs persons.create".to_owned(),
            };
            for check in ["admin.journal", "admin.journal.purpose"] {
                report.skip(check, why.clone());
            }
        }
    }
}

/// France Travail reads the person saying why; its last entry carries the purpose the read
/// declares (`accompaniment`) and its words.
async fn purpose(reader: &Actor, writer: &Actor, person: Uuid, run: &str) -> Verdict {
    let words = format!("conformance {run}");
    let read = writer.client.get(format!("/v1/persons/{person}")).access_purpose(&words).send().await;
    step("read with Access-Purpose", read)?;
    let filter = JournalFilter { person_id: Some(person), client_id: Some(writer.spec.client_id.clone()), limit: None };
    let entries = step("list", reader.client.journal(&filter).all().await)?;
    let last = entries.last().ok_or_else(|| "no entry for the read".to_owned())?;
    if last["purpose"] != "accompaniment" || last["stated_purpose"] != words.as_str() {
        return Err(format!("the last entry does not say why as the read did (accompaniment, {words:?}): {last}"));
    }
    Ok(())
}

async fn journal(reader: &Actor, writer: &Actor, person: Uuid) -> Verdict {
    let filter =
        JournalFilter { person_id: Some(person), client_id: Some(writer.spec.client_id.clone()), limit: Some(2) };
    let entries = step("list", reader.client.journal(&filter).all().await)?;
    if entries.is_empty() {
        return Err(format!("no entry for {}'s accesses to the person {person} it registered", writer.spec.client_id));
    }
    for entry in &entries {
        if entry["person_id"] != person.to_string() || entry["client_id"] != writer.spec.client_id.as_str() {
            return Err(format!("the filters let through {entry}"));
        }
        if !matches!(entry["action"].as_str(), Some("read" | "write")) {
            return Err(format!("an entry's action is neither read nor write: {entry}"));
        }
    }
    Ok(())
}
