//! Persons, with a France Travail client: registration under an idempotency key, the identity
//! conflict, matching, and writes under `If-Match`.

use plateforme_client::OrganizationKind;
use plateforme_client::{Client, Conditional, Created, ETag, Versioned};
use serde_json::{Value, json};
use uuid::Uuid;

use super::organizations::check_created;
use super::{Verdict, expect_error, expect_problem, step};
use crate::fixtures;
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

const CHECKS: [&str; 9] = [
    "persons.create",
    "persons.idempotency.replay",
    "persons.idempotency.key_reused",
    "persons.conflict",
    "persons.match",
    "persons.etag.not_modified",
    "persons.etag.precondition_required",
    "persons.etag.update",
    "persons.etag.precondition_failed",
];

/// A person registered for the run, with its id and latest version.
pub struct Registered {
    pub id: Uuid,
    pub current: Versioned<Value>,
}

pub async fn run(suite: &Suite, report: &mut Report) -> Option<Registered> {
    let Some(france_travail) = suite.actor(Kind::Of(OrganizationKind::FranceTravail)) else {
        super::skip_all(suite, report, &CHECKS, Kind::Of(OrganizationKind::FranceTravail));
        return None;
    };
    let client = &france_travail.client;
    let body = fixtures::person(&suite.run_id, "Versions", false);
    let key = fixtures::idempotency_key(&suite.run_id, "person");
    let created = step("register", client.create_person(&body, Some(&key)).await).and_then(|created| {
        check_created(&created, "/v1/persons/")?;
        let id = created.value["id"].as_str().and_then(|id| id.parse().ok()).ok_or("the person has no id")?;
        Ok((id, created))
    });
    let (id, created): (Uuid, Created<Value>) = report.record_step("persons.create", created, &CHECKS[1..])?;
    report.record("persons.idempotency.replay", replay(client, &body, &key, &created).await);
    let mut other = body.clone();
    other["identity"]["family_name"] = json!(fixtures::family_name(&suite.run_id, "Autre"));
    let reused = client.create_person(&other, Some(&key)).await;
    report.record("persons.idempotency.key_reused", expect_error(reused, 422, "idempotency_key_reused").map(drop));
    report.record("persons.conflict", conflict(client, &body, id).await);
    report.record("persons.match", matching(client, &body, id).await);
    let current = versions(client, id, created.into_versioned(), report).await;
    Some(Registered { id, current })
}

async fn replay(client: &Client, body: &Value, key: &str, first: &Created<Value>) -> Verdict {
    let again = step("register again", client.create_person(body, Some(key)).await)?;
    if !again.replayed {
        return Err("the retried registration lacks Idempotent-Replayed: true".to_owned());
    }
    if again.value["id"] != first.value["id"] || again.etag != first.etag {
        return Err(format!(
            "the replay names {} ({}), the first answer {}",
            again.value["id"], again.etag, first.value["id"]
        ));
    }
    Ok(())
}

/// The same identity written differently (uppercase) is the same person: 409 naming them.
async fn conflict(client: &Client, body: &Value, id: Uuid) -> Verdict {
    let mut respelled = body.clone();
    respelled["identity"]["family_name"] =
        json!(body["identity"]["family_name"].as_str().unwrap_or_default().to_uppercase());
    let problem = expect_error(client.create_person(&respelled, None).await, 409, "conflict")?;
    if problem.existing_id != Some(id) {
        return Err(format!("existing_id is {:?}, expected {id}", problem.existing_id));
    }
    Ok(())
}

async fn matching(client: &Client, body: &Value, id: Uuid) -> Verdict {
    let identity = &body["identity"];
    let probe = json!({"family_name": identity["family_name"], "given_names": identity["given_names"],
        "birth_date": identity["birth_date"]});
    let found = step("match", client.match_persons(&probe).await)?;
    let matches = found["matches"].as_array().cloned().unwrap_or_default();
    match matches.iter().find(|candidate| candidate["person_id"] == id.to_string()) {
        Some(candidate) if candidate["in_remit"] == true => Ok(()),
        Some(candidate) => Err(format!("France Travail's own registration is not in its remit: {candidate}")),
        None => Err(format!("matching the identity found {} candidates, not {id}", matches.len())),
    }
}

async fn versions(client: &Client, id: Uuid, current: Versioned<Value>, report: &mut Report) -> Versioned<Value> {
    let conditional = step("get with If-None-Match", client.get_person_if_none_match(id, &current.etag).await);
    report.record(
        "persons.etag.not_modified",
        conditional.and_then(|answer| match answer {
            Conditional::NotModified { .. } => Ok(()),
            Conditional::Modified(_) => Err(format!("If-None-Match: {} answered 200, expected 304", current.etag)),
        }),
    );
    let change = json!({"statuses": {"rqth": true}});
    let unconditional = client.patch(format!("/v1/persons/{id}")).merge_patch(&change).send().await;
    report.record(
        "persons.etag.precondition_required",
        step("patch without If-Match", unconditional)
            .and_then(|r| expect_problem(&r, 428, "precondition_required").map(drop)),
    );
    let version = current.etag.version().unwrap_or_default();
    let updated =
        step("patch with If-Match", client.update_person(id, &change, &current.etag).await).and_then(|updated| {
            if updated.etag != ETag::for_version(version + 1) || updated.value["statuses"]["rqth"] != true {
                return Err(format!(
                    "after the change: ETag {}, rqth {}",
                    updated.etag, updated.value["statuses"]["rqth"]
                ));
            }
            Ok(updated)
        });
    let Some(updated) = report.record_step("persons.etag.update", updated, &["persons.etag.precondition_failed"])
    else {
        return current;
    };
    let stale = client.update_person(id, &json!({"statuses": {"rqth": false}}), &current.etag).await;
    report.record(
        "persons.etag.precondition_failed",
        expect_error(stale, 412, "precondition_failed").and_then(|problem| match problem.current_version {
            Some(found) if Some(found) == updated.etag.version() => Ok(()),
            other => Err(format!("current_version is {other:?}, expected {}", updated.etag)),
        }),
    );
    updated
}
