//! Organizations: reading with ETags, and (with an administrator) creating under an
//! idempotency key, conflicts on the SIRET, and writes under `If-Match`.

use plateforme_client::{
    Client, Conditional, Created, ETag, NewOrganization, Organization, OrganizationFilter, OrganizationKind, Versioned,
};
use serde_json::json;

use super::{Verdict, expect_error, expect_problem, step};
use crate::fixtures;
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

const WITH_ADMIN: [&str; 8] = [
    "organizations.create",
    "organizations.idempotency.replay",
    "organizations.idempotency.key_reused",
    "organizations.conflict",
    "organizations.etag.not_modified",
    "organizations.etag.precondition_required",
    "organizations.etag.update",
    "organizations.etag.precondition_failed",
];

/// Runs the checks; returns the organization created for the run, at its latest version.
pub async fn run(suite: &Suite, report: &mut Report) -> Option<Versioned<Organization>> {
    match suite.reader() {
        Some(reader) => report.record("organizations.read", read(&reader.client).await),
        None => report.skip("organizations.read", "no client with organizations:read given"),
    }
    let Some(admin) = suite.actor(Kind::Admin) else {
        super::skip_all(suite, report, &WITH_ADMIN, Kind::Admin);
        return None;
    };
    let client = &admin.client;
    let new = fixtures::organization(&suite.run_id, "versions", OrganizationKind::Partner);
    let key = fixtures::idempotency_key(&suite.run_id, "organization");
    let created = step("create", client.create_organization(&new, Some(&key)).await).and_then(|created| {
        check_created(&created, "/v1/organizations/")?;
        Ok(created)
    });
    let created = report.record_step("organizations.create", created, &WITH_ADMIN[1..])?;
    report.record("organizations.idempotency.replay", replay(client, &new, &key, &created).await);
    let mut other = new.clone();
    other.name = format!("{} (other body)", new.name);
    let reused = client.create_organization(&other, Some(&key)).await;
    report
        .record("organizations.idempotency.key_reused", expect_error(reused, 422, "idempotency_key_reused").map(drop));
    report.record("organizations.conflict", conflict(client, &new, &created.value).await);
    versions(client, created.into_versioned(), report).await
}

/// A page of organizations, and the first read alone with an ETag naming its version.
async fn read(client: &Client) -> Verdict {
    let filter = OrganizationFilter { kind: None, limit: Some(2) };
    let page = step("list_organizations", client.list_organizations(&filter, None).await)?;
    if page.items.len() > 2 {
        return Err(format!("asked for 2 organizations, got {}", page.items.len()));
    }
    let Some(first) = page.items.first() else { return Err("the organization list is empty".to_owned()) };
    let read = step("get_organization", client.get_organization(first.id).await)?;
    if read.etag != ETag::for_version(read.value.version) {
        return Err(format!("ETag {} does not name version {}", read.etag, read.value.version));
    }
    if read.value.id != first.id {
        return Err(format!("asked for {}, got {}", first.id, read.value.id));
    }
    Ok(())
}

/// A creation: 201, version 1, `ETag: "1"`, `Location` naming it, not a replay.
pub(crate) fn check_created<T>(created: &Created<T>, location_prefix: &str) -> Verdict {
    if created.etag != ETag::for_version(1) {
        return Err(format!("ETag {}, expected \"1\" for a new record", created.etag));
    }
    if !created.location.as_deref().is_some_and(|location| location.contains(location_prefix)) {
        return Err(format!("Location {:?}, expected {location_prefix}{{id}}", created.location));
    }
    if created.replayed {
        return Err("a first creation says Idempotent-Replayed".to_owned());
    }
    Ok(())
}

/// The same request with the same key: the first answer again, marked replayed.
async fn replay(client: &Client, new: &NewOrganization, key: &str, first: &Created<Organization>) -> Verdict {
    let again = step("create again", client.create_organization(new, Some(key)).await)?;
    if !again.replayed {
        return Err("the retried creation lacks Idempotent-Replayed: true".to_owned());
    }
    if again.value.id != first.value.id || again.etag != first.etag || again.location != first.location {
        return Err(format!(
            "the replay names {} ({}), the first answer {}",
            again.value.id, again.etag, first.value.id
        ));
    }
    Ok(())
}

/// Another creation with the same SIRET: 409 naming the holder.
async fn conflict(client: &Client, new: &NewOrganization, existing: &Organization) -> Verdict {
    let mut twin = new.clone();
    twin.name = format!("{} (same SIRET)", new.name);
    let problem = expect_error(client.create_organization(&twin, None).await, 409, "conflict")?;
    if problem.existing_id != Some(existing.id) {
        return Err(format!("existing_id is {:?}, expected {}", problem.existing_id, existing.id));
    }
    Ok(())
}

/// 304 while current, 428 without `If-Match`, 200 with the current tag, 412 with a stale one.
async fn versions(
    client: &Client,
    current: Versioned<Organization>,
    report: &mut Report,
) -> Option<Versioned<Organization>> {
    let id = current.value.id;
    let conditional = client.get_organization_if_none_match(id, &current.etag).await;
    report.record(
        "organizations.etag.not_modified",
        match step("get with If-None-Match", conditional) {
            Ok(Conditional::NotModified { etag }) if etag.as_ref() == Some(&current.etag) => Ok(()),
            Ok(Conditional::NotModified { etag }) => Err(format!("304 with ETag {etag:?}, expected {}", current.etag)),
            Ok(Conditional::Modified(_)) => Err(format!("If-None-Match: {} answered 200, expected 304", current.etag)),
            Err(why) => Err(why),
        },
    );
    let rename = json!({"name": format!("{} (renamed)", current.value.name)});
    let unconditional = client.patch(format!("/v1/organizations/{id}")).merge_patch(&rename).send().await;
    report.record(
        "organizations.etag.precondition_required",
        step("patch without If-Match", unconditional)
            .and_then(|r| expect_problem(&r, 428, "precondition_required").map(drop)),
    );
    let updated = step("patch with If-Match", client.update_organization(id, &rename, &current.etag).await);
    let updated = updated.and_then(|updated| {
        let expected = current.value.version + 1;
        if updated.etag != ETag::for_version(expected) || updated.value.version != expected {
            return Err(format!(
                "after a change: ETag {}, version {}; expected {expected}",
                updated.etag, updated.value.version
            ));
        }
        Ok(updated)
    });
    let dependents = ["organizations.etag.precondition_failed"];
    let Some(updated) = report.record_step("organizations.etag.update", updated, &dependents) else {
        return Some(current);
    };
    let stale = client.update_organization(id, &json!({"name": "conformance stale"}), &current.etag).await;
    report.record(
        "organizations.etag.precondition_failed",
        expect_error(stale, 412, "precondition_failed").and_then(|problem| match problem.current_version {
            Some(version) if version == updated.value.version => Ok(()),
            other => Err(format!("current_version is {other:?}, expected {}", updated.value.version)),
        }),
    );
    Some(updated)
}
