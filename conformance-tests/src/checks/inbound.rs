//! Inbound sync (`POST /v1/persons/batch`), with a France Travail client: a new reference
//! registers, a line at the version seen updates, the same batch again writes nothing, a stale
//! version is a conflict naming the current one, and a body not NDJSON is refused.

use plateforme_client::{Client, OrganizationKind, PersonBatchResult, PersonPushStatus};
use serde_json::{Value, json};

use super::{Verdict, expect_problem, step};
use crate::fixtures;
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

const CHECKS: [&str; 5] =
    ["inbound.create", "inbound.update", "inbound.resend_unchanged", "inbound.stale_conflict", "inbound.media_type"];

pub async fn run(suite: &Suite, report: &mut Report) {
    let Some(france_travail) = suite.actor(Kind::Of(OrganizationKind::FranceTravail)) else {
        super::skip_all(suite, report, &CHECKS, Kind::Of(OrganizationKind::FranceTravail));
        return;
    };
    let client = &france_travail.client;
    let reference = format!("conformance-{}-{}", suite.run_id, uuid::Uuid::now_v7().simple());
    let create = json!({"reference": reference, "system": "conformance", "version": null,
        "person": fixtures::person(&suite.run_id, "Inbound", false)});
    let created = step("push a new reference", client.push_persons(std::slice::from_ref(&create)).await)
        .and_then(|answer| single(answer, PersonPushStatus::Created, Some(1)));
    if report.record_step("inbound.create", created, &CHECKS[1..4]).is_none() {
        report.record("inbound.media_type", media_type(client).await);
        return;
    }
    let update = json!({"reference": reference, "system": "conformance", "version": 1,
        "person": {"contact": {"email": "inbound@example.org"}}});
    let batch = [create, update];
    let updated =
        step("push an update at the version seen", client.push_persons(&batch).await).and_then(|answer| {
            match (answer.results.first().map(|result| result.status), answer.results.get(1)) {
                (Some(PersonPushStatus::Unchanged), Some(second))
                    if second.status == PersonPushStatus::Updated && second.version == Some(2) =>
                {
                    Ok(())
                }
                _ => Err(format!("expected unchanged then updated at version 2: {:?}", answer.results)),
            }
        });
    report.record("inbound.update", updated);
    let again = step("push the same batch again", client.push_persons(&batch).await).and_then(|answer| {
        if answer.results.iter().all(|result| result.status == PersonPushStatus::Unchanged) {
            Ok(())
        } else {
            Err(format!("the same lines again wrote something: {:?}", answer.results))
        }
    });
    report.record("inbound.resend_unchanged", again);
    let stale = json!({"reference": reference, "system": "conformance", "version": 1,
        "person": {"contact": {"email": "stale@example.org"}}});
    let conflict = step("push a stale version", client.push_persons(&[stale]).await).and_then(|answer| {
        let result = answer.results.first().ok_or("no result")?;
        let code = result.problem.as_ref().map(|problem| problem.code.as_str());
        match (result.status, result.current_version, code) {
            (PersonPushStatus::Conflict, Some(2), Some("stale_version")) => Ok(()),
            _ => Err(format!("expected conflict, stale_version, current_version 2: {result:?}")),
        }
    });
    report.record("inbound.stale_conflict", conflict);
    report.record("inbound.media_type", media_type(client).await);
}

/// The answer holds one result, of `status`, at `version`.
fn single(answer: PersonBatchResult, status: PersonPushStatus, version: Option<i64>) -> Result<(), String> {
    match answer.results.as_slice() {
        [only] if only.status == status && only.version == version => Ok(()),
        results => Err(format!("expected one {status:?} line at version {version:?}: {results:?}")),
    }
}

/// A JSON body where NDJSON is due: 415.
async fn media_type(client: &Client) -> Verdict {
    let body: Value = json!([]);
    let response = step("push JSON", client.post("/v1/persons/batch").json(&body).send().await)?;
    expect_problem(&response, 415, "unsupported_media_type").map(drop)
}
