//! The network's roles (docs/dossier.md, docs/security.md): delegations, the nearest
//! organizations, co-accompaniment, breaches of duties and the RSA status, each on the run's own
//! records, or refused without writing anything.

use plateforme_client::{Client, OrganizationKind};
use serde_json::json;
use uuid::Uuid;

use super::{Verdict, expect_error, step};
use crate::fixtures;
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

/// The checks France Travail's client runs on a person of its own.
const WITH_FRANCE_TRAVAIL: [&str; 3] = ["roles.co_accompaniment", "roles.breach", "roles.rsa_status"];

pub async fn run(suite: &Suite, report: &mut Report) {
    match suite.actor(Kind::Of(OrganizationKind::Departement)) {
        Some(departement) => report.record("roles.delegation.period", delegation_period(&departement.client).await),
        None => report.skip("roles.delegation.period", suite.missing(Kind::Of(OrganizationKind::Departement))),
    }
    match suite.actors().iter().find(|actor| actor.has_scope("organizations:read")) {
        Some(reader) => report.record("roles.nearest_organizations", nearest(&reader.client).await),
        None => report.skip("roles.nearest_organizations", "needs a client with organizations:read"),
    }
    let Some(france_travail) = suite.actor(Kind::Of(OrganizationKind::FranceTravail)) else {
        return super::skip_all(suite, report, &WITH_FRANCE_TRAVAIL, Kind::Of(OrganizationKind::FranceTravail));
    };
    let client = &france_travail.client;
    let partner = suite.actor(Kind::Of(OrganizationKind::Partner)).and_then(|partner| partner.organization_id());
    match partner {
        Some(partner) => report.record("roles.co_accompaniment", co_accompaniment(suite, client, partner).await),
        None => report.skip("roles.co_accompaniment", suite.missing(Kind::Of(OrganizationKind::Partner))),
    }
    report.record("roles.breach", breach(suite, client).await);
    report.record("roles.rsa_status", rsa_status(suite, client).await);
}

/// A delegation that ends before it starts: 422 `delegation.period`, nothing granted.
async fn delegation_period(departement: &Client) -> Verdict {
    let body = json!({"kind": "rsa_orientation", "to_organization_id": fixtures::unknown_id(),
        "since": "2025-03-01", "until": "2025-02-01"});
    let problem = expect_error(departement.create_delegation(&body, None).await, 422, "validation_failed")?;
    if !problem.breaks("until", "delegation.period") {
        return Err(format!("expected the rule delegation.period on until: {problem}"));
    }
    Ok(())
}

/// Around Lyon, nearest first, each with its site and distance; a radius above 50 km: 400.
async fn nearest(reader: &Client) -> Verdict {
    let page = step("nearest", reader.nearest_organizations("69123", Some(20.0), None, None).await)?;
    let distances: Vec<f64> = page.items.iter().filter_map(|item| item["distance_km"].as_f64()).collect();
    if distances.len() != page.items.len() || page.items.iter().any(|item| !item["nearest_site"].is_object()) {
        return Err("each organization found near a commune comes with its nearest site and distance".to_owned());
    }
    if distances.windows(2).any(|pair| pair[0] > pair[1]) || distances.iter().any(|km| *km > 20.0) {
        return Err(format!("distances {distances:?}: nearest first, within the radius"));
    }
    let too_far = reader.nearest_organizations("69123", Some(80.0), None, None).await;
    let problem = expect_error(too_far, 400, "invalid_query")?;
    if !problem.breaks("radius_km", "radius.range") {
        return Err(format!("expected the rule radius.range: {problem}"));
    }
    Ok(())
}

/// A person of the run who is not an RSA beneficiary, registered by France Travail.
async fn registered(suite: &Suite, client: &Client, label: &str) -> Result<(Uuid, plateforme_client::ETag), String> {
    let created = step("register", client.create_person(&fixtures::person(&suite.run_id, label, false), None).await)?;
    let id = created.value["id"].as_str().and_then(|id| id.parse().ok()).ok_or("the person has no id")?;
    Ok((id, created.etag))
}

/// The partner co-accompanies in the role `training`: 201; the same on the same days: 409; an
/// unknown organization: 422 `organization.unknown`.
async fn co_accompaniment(suite: &Suite, client: &Client, partner: Uuid) -> Verdict {
    let (person, _) = registered(suite, client, "Coaccompagnement").await?;
    let body = json!({"organization_id": partner, "role": "training", "since": "2025-01-10"});
    let created = step("record", client.record_co_accompaniment(person, &body, None).await)?;
    if created.value["organization_id"] != partner.to_string() || created.value["role"] != "training" {
        return Err(format!("recorded as {}", created.value));
    }
    expect_error(client.record_co_accompaniment(person, &body, None).await, 409, "conflict")?;
    let unknown = json!({"organization_id": fixtures::unknown_id(), "role": "social", "since": "2025-01-10"});
    let problem = expect_error(client.record_co_accompaniment(person, &unknown, None).await, 422, "validation_failed")?;
    if !problem.breaks("organization_id", "organization.unknown") {
        return Err(format!("expected organization.unknown: {problem}"));
    }
    Ok(())
}

/// A signed contract's obligation, breached: 201 `observed`; a decision before any notice: 422
/// `decision.without_notice`.
async fn breach(suite: &Suite, client: &Client) -> Verdict {
    let (person, _) = registered(suite, client, "Manquement").await?;
    let contract = json!({"objectives": ["conformance"], "weekly_hours": 15,
        "obligations": [{"kind": "attendance", "description": "Rendez-vous mensuels"}]});
    let contract = step("draft", client.create_contract(person, &contract, None).await)?;
    let contract_id: Uuid = contract.value["id"].as_str().and_then(|id| id.parse().ok()).ok_or("no contract id")?;
    let drafted_on = contract.value["drafted_on"].clone();
    let signature = json!({"status": "signed", "person_signed_on": drafted_on, "organization_signed_on": drafted_on});
    step("sign", client.update_contract(person, contract_id, &signature, &contract.etag).await)?;
    let body =
        json!({"contract_id": contract_id, "obligation": 0, "observed_on": drafted_on, "statement": "conformance"});
    let breach = step("record", client.record_breach(person, &body, None).await)?;
    if breach.value["status"] != "observed" || breach.value["obligation_agreed"]["kind"] != "attendance" {
        return Err(format!("recorded as {}", breach.value));
    }
    let id: Uuid = breach.value["id"].as_str().and_then(|id| id.parse().ok()).ok_or("no breach id")?;
    let hasty = json!({"decision": {"decided_on": drafted_on, "measure": "remobilisation", "statement": "trop tôt"}});
    let problem =
        expect_error(client.record_breach_steps(person, id, &hasty, &breach.etag).await, 422, "validation_failed")?;
    if !problem.breaks("decision", "decision.without_notice") {
        return Err(format!("expected decision.without_notice: {problem}"));
    }
    Ok(())
}

/// The RSA status is not patched (422 `rsa_beneficiary.by_rsa_status`); France Travail records
/// it with its source (200).
async fn rsa_status(suite: &Suite, client: &Client) -> Verdict {
    let (person, etag) = registered(suite, client, "Statut").await?;
    let flip = json!({"statuses": {"rsa_beneficiary": true}});
    let problem = expect_error(client.update_person(person, &flip, &etag).await, 422, "validation_failed")?;
    if !problem.breaks("statuses.rsa_beneficiary", "rsa_beneficiary.by_rsa_status") {
        return Err(format!("expected rsa_beneficiary.by_rsa_status: {problem}"));
    }
    let status = json!({"rsa_beneficiary": true, "source": "caf", "since": "2025-01-06"});
    let recorded = step("record", client.set_rsa_status(person, &status, &etag).await)?;
    if recorded.value["rsa_status"]["source"] != "caf" || recorded.value["statuses"]["rsa_beneficiary"] != true {
        return Err(format!("recorded as {}", recorded.value));
    }
    Ok(())
}
