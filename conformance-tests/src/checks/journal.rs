//! The access journal: France Travail's accesses to the run's person are listed, filtered by
//! person and client, for a client with `journal:read` (or `admin`).

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
            report.record("admin.journal", journal(reader, writer, person).await)
        }
        (None, _, _) => report.skip("admin.journal", "no client with journal:read or admin given"),
        (_, None, _) => report.skip("admin.journal", suite.missing(Kind::Of(OrganizationKind::FranceTravail))),
        (_, _, None) => report.skip("admin.journal", "needs persons.create"),
    }
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
