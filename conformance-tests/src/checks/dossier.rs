//! The rest of a dossier, on the run's person, with France Travail: diagnostic, contract and
//! review, consent, history and timeline. Their answers also feed the contract check.

use plateforme_client::OrganizationKind;
use plateforme_client::{Client, Conditional, ETag};
use serde_json::{Value, json};
use uuid::Uuid;

use super::organizations::check_created;
use super::{Verdict, expect_error, expect_problem, step};
use crate::fixtures;
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

const CHECKS: [&str; 5] =
    ["dossier.diagnostic", "dossier.contract", "dossier.review", "dossier.consent", "dossier.history"];

pub async fn run(suite: &Suite, person: Option<Uuid>, report: &mut Report) {
    let Some(france_travail) = suite.actor(Kind::Of(OrganizationKind::FranceTravail)) else {
        return super::skip_all(suite, report, &CHECKS, Kind::Of(OrganizationKind::FranceTravail));
    };
    let Some(person) = person else {
        for name in CHECKS {
            report.skip(name, "needs persons.create");
        }
        return;
    };
    let client = &france_travail.client;
    report.record("dossier.diagnostic", diagnostic(client, person).await);
    let contract = contract(suite, client, person).await;
    let (contract, verdict) = match contract {
        Ok(contract) => (Some(contract), Ok(())),
        Err(why) => (None, Err(why)),
    };
    report.record("dossier.contract", verdict);
    match contract {
        Some((contract, drafted_on)) => {
            report.record("dossier.review", review(client, person, contract, &drafted_on).await)
        }
        None => report.skip("dossier.review", "needs dossier.contract"),
    }
    report.record("dossier.consent", consent(client, person).await);
    report.record("dossier.history", history(client, person).await);
}

fn diagnostic_body(autonomy: &str) -> Value {
    json!({"professional": {"target_rome_codes": ["M1805"], "skills": ["SQL"], "qualification_level": "bac_plus_2",
        "experience_months": 18, "autonomy_level": autonomy}})
}

/// Created without `If-Match` (201), then only replaced with the current ETag.
async fn diagnostic(client: &Client, person: Uuid) -> Verdict {
    let first = step("first diagnostic", client.set_diagnostic(person, &diagnostic_body("medium"), None).await)?;
    if first.etag != ETag::for_version(1) {
        return Err(format!("a new diagnostic has ETag {}", first.etag));
    }
    let read = step("read", client.get_diagnostic(person).await)?;
    if read.etag != first.etag {
        return Err(format!("read back with ETag {}, written as {}", read.etag, first.etag));
    }
    match step("read with If-None-Match", client.get_diagnostic_if_none_match(person, &read.etag).await)? {
        Conditional::NotModified { .. } => {}
        Conditional::Modified(_) => return Err("If-None-Match with the current ETag answered 200".to_owned()),
    }
    let path = format!("/v1/persons/{person}/diagnostic");
    let blind = step("replace without If-Match", client.put(path).json(&diagnostic_body("high")).send().await)?;
    expect_problem(&blind, 428, "precondition_required")?;
    let replaced = step("replace", client.set_diagnostic(person, &diagnostic_body("high"), Some(&read.etag)).await)?;
    if replaced.etag != ETag::for_version(2) || replaced.value["professional"]["autonomy_level"] != "high" {
        return Err(format!("the replacement has ETag {} and {}", replaced.etag, replaced.value["professional"]));
    }
    Ok(())
}

/// Drafted under an idempotency key, read, changed under `If-Match`; returns its id and
/// drafting date (the server's today).
async fn contract(suite: &Suite, client: &Client, person: Uuid) -> Result<(Uuid, String), String> {
    let body = json!({"objectives": ["conformance: trouver un emploi"], "weekly_hours": 15});
    let key = fixtures::idempotency_key(&suite.run_id, "contract");
    let created = step("draft", client.create_contract(person, &body, Some(&key)).await)?;
    check_created(&created, "/contracts/")?;
    let id: Uuid = created.value["id"].as_str().and_then(|id| id.parse().ok()).ok_or("the contract has no id")?;
    let read = step("read", client.get_contract(person, id).await)?;
    if read.etag != created.etag || read.value["status"] != "draft" {
        return Err(format!("read back with ETag {} and status {}", read.etag, read.value["status"]));
    }
    let changed = step("patch", client.update_contract(person, id, &json!({"weekly_hours": 18}), &read.etag).await)?;
    if changed.etag != ETag::for_version(2) || changed.value["weekly_hours"] != 18 {
        return Err(format!("after the patch: ETag {}, weekly_hours {}", changed.etag, changed.value["weekly_hours"]));
    }
    let stale = client.update_contract(person, id, &json!({"weekly_hours": 20}), &read.etag).await;
    expect_error(stale, 412, "precondition_failed")?;
    let listed = step("list", client.contracts(person).all().await)?;
    if !listed.iter().any(|contract| contract["id"] == id.to_string()) {
        return Err(format!("the person's contracts do not list {id}"));
    }
    let drafted_on = created.value["drafted_on"].as_str().ok_or("the contract has no drafted_on")?.to_owned();
    Ok((id, drafted_on))
}

async fn review(client: &Client, person: Uuid, contract: Uuid, held_on: &str) -> Verdict {
    let body = json!({"held_on": held_on, "participants": [{"name": "Camille Conformance", "role": "personne accompagnée"}],
        "outcome": "conformance: point d'étape"});
    let created = step("record", client.create_review(person, contract, &body, None).await)?;
    check_created(&created, "/reviews/")?;
    let listed = step("list", client.reviews(person, contract).all().await)?;
    if !listed.iter().any(|review| review["id"] == created.value["id"]) {
        return Err("the contract's reviews do not list the new one".to_owned());
    }
    Ok(())
}

async fn consent(client: &Client, person: Uuid) -> Verdict {
    let given = step("give", client.give_consent(person, &json!({"kind": "profile_bank"}), None).await)?;
    check_created(&given, "/consents/")?;
    let id: Uuid = given.value["id"].as_str().and_then(|id| id.parse().ok()).ok_or("the consent has no id")?;
    if given.value["active"] != true {
        return Err(format!("a new consent is not active: {}", given.value));
    }
    let again = client.give_consent(person, &json!({"kind": "profile_bank"}), None).await;
    expect_error(again, 409, "conflict")?;
    let withdrawn = step("withdraw", client.withdraw_consent(person, id).await)?;
    if withdrawn.value["active"] != false || withdrawn.etag != ETag::for_version(2) {
        return Err(format!("after withdrawal: ETag {}, {}", withdrawn.etag, withdrawn.value));
    }
    let read = step("read", client.get_consent(person, id).await)?;
    if read.etag != withdrawn.etag {
        return Err(format!("read back with ETag {}, withdrawn as {}", read.etag, withdrawn.etag));
    }
    Ok(())
}

/// Every version in the history, oldest first; the timeline tells the path.
async fn history(client: &Client, person: Uuid) -> Verdict {
    let versions = step("history", client.person_history(person).all().await)?;
    let numbers: Vec<i64> = versions.iter().filter_map(|version| version["version"].as_i64()).collect();
    if numbers.len() < 2 || numbers.windows(2).any(|pair| pair[1] != pair[0] + 1) || numbers.first() != Some(&1) {
        return Err(format!("the history's versions are {numbers:?}, expected 1, 2…"));
    }
    let events = step("timeline", client.timeline(person).all().await)?;
    if events.is_empty() {
        return Err("the timeline of a person with records is empty".to_owned());
    }
    Ok(())
}
