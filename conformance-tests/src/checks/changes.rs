//! The change feed: France Travail follows it to its end in feed order and finds the run's
//! person; the same write does not reach a région; bad reads are refused with their rule.

use std::collections::HashSet;
use std::time::Duration;

use plateforme_client::{ChangeEvent, ChangesRequest, Client, ClientError, OrganizationKind};
use uuid::Uuid;

use super::{Verdict, expect_error, step};
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::{Actor, Suite};

const FEED: &str = "changes:read";
/// Pages of 1000 read at most from the beginning: a conformance run on a deployment with a
/// long feed checks what it read.
const MOST_PAGES: usize = 200;

pub async fn run(suite: &Suite, person: Option<Uuid>, report: &mut Report) {
    let france_travail = suite.actor(Kind::Of(OrganizationKind::FranceTravail)).filter(|actor| actor.has_scope(FEED));
    let region = suite.actor(Kind::Of(OrganizationKind::Region)).filter(|actor| actor.has_scope(FEED));
    match (france_travail, person) {
        (Some(reader), Some(person)) => report.record("changes.follow", follow(&reader.client, person).await),
        (None, _) => report.skip("changes.follow", "no france_travail client with changes:read given"),
        (_, None) => report.skip("changes.follow", "needs persons.create"),
    }
    match (region, person) {
        (Some(region), Some(person)) => report.record("changes.policy", unseen(region, person).await),
        (None, _) => report.skip("changes.policy", "no region client with changes:read given"),
        (_, None) => report.skip("changes.policy", "needs persons.create"),
    }
    match suite.actors().iter().find(|actor| actor.has_scope(FEED)) {
        Some(reader) => report.record("changes.problems", problems(&reader.client).await),
        None => report.skip("changes.problems", "no client with changes:read given"),
    }
}

/// Every event `client` receives from the beginning, of `types` (all when empty), up to
/// [`MOST_PAGES`] pages; whether the end was reached, and the last cursor.
async fn read_all(client: &Client, types: &[&str]) -> Result<(Vec<ChangeEvent>, bool, String), String> {
    let types: Vec<String> = types.iter().map(|kind| (*kind).to_owned()).collect();
    let mut request = ChangesRequest { limit: Some(1000), types, ..ChangesRequest::default() };
    let mut events = Vec::new();
    for _ in 0..MOST_PAGES {
        let page = step("read the feed", client.changes(&request).await)?;
        request.after = Some(page.cursor.clone());
        if page.events.is_empty() {
            return Ok((events, true, page.cursor));
        }
        events.extend(page.events);
    }
    Ok((events, false, request.after.unwrap_or_default()))
}

/// In feed order, each event once; the end answers the same cursor; the person's creation is
/// there (a write reaches the feed a moment after it is acknowledged: read again briefly).
async fn follow(client: &Client, person: Uuid) -> Verdict {
    let (events, ended, cursor) = read_all(client, &[]).await?;
    if let Some(pair) = events.windows(2).find(|pair| pair[0].sequence >= pair[1].sequence) {
        return Err(format!("events out of order: {} then {}", pair[0].sequence, pair[1].sequence));
    }
    let mut ids = HashSet::new();
    if let Some(twice) = events.iter().find(|event| !ids.insert(event.id.as_str())) {
        return Err(format!("the event {} was served twice", twice.id));
    }
    if ended {
        let quiet = ChangesRequest { after: Some(cursor.clone()), limit: Some(1000), ..ChangesRequest::default() };
        let again = step("read past the end", client.changes(&quiet).await)?;
        if again.events.is_empty() && again.cursor != cursor {
            return Err("nothing new, yet the cursor changed".into());
        }
    }
    for _ in 0..10 {
        let (created, _, _) = read_all(client, &["fr.plateforme.person.created"]).await?;
        if created.iter().any(|event| event.subject == person.to_string()) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(format!("no fr.plateforme.person.created event for the person {person}"))
}

/// A région follows no person: the run's person never reaches its feed.
async fn unseen(region: &Actor, person: Uuid) -> Verdict {
    let (events, _, _) = read_all(&region.client, &[]).await?;
    match events.iter().find(|event| event.data.person_id == Some(person) || event.subject == person.to_string()) {
        Some(event) => Err(format!("a région received {} about the person {person}", event.event_type)),
        None => Ok(()),
    }
}

async fn problems(client: &Client) -> Verdict {
    let cases: [(ChangesRequest, &str); 3] = [
        (
            ChangesRequest { types: vec!["fr.plateforme.person.renamed".into()], ..ChangesRequest::default() },
            "changes.type.unknown",
        ),
        (ChangesRequest { after: Some("forged".into()), ..ChangesRequest::default() }, "cursor.invalid"),
        (ChangesRequest { wait: Some(Duration::from_secs(31)), ..ChangesRequest::default() }, "changes.wait.range"),
    ];
    for (request, rule) in cases {
        let result: Result<_, ClientError> = client.changes(&request).await;
        let problem = expect_error(result, 400, "invalid_query").map_err(|error| format!("{rule}: {error}"))?;
        if !problem.errors.iter().any(|error| error.rule == rule) {
            return Err(format!("400 without the rule {rule}: {:?}", problem.errors));
        }
    }
    Ok(())
}
