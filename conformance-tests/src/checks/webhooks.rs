//! Webhooks (`/v1/subscriptions`): a subscription's life (made with its secret shown once,
//! read without it, paused, rotated, its log read, deleted), and the refusals: a private
//! address, an unknown event type, another client's subscription. The URL is a public address
//! that receives nothing of this run: the subscription waits for organization deletions, which
//! the suite never makes, and is paused at once.

use plateforme_client::{Client, ClientError, ETag, Replay, SubscriptionRequest};
use serde_json::json;
use uuid::Uuid;

use super::{Verdict, expect_error, step};
use crate::report::Report;
use crate::suite::Suite;

const SCOPES: [&str; 2] = ["changes:read", "webhooks:write"];
const QUIET: &str = "fr.plateforme.organization.deleted";

pub async fn run(suite: &Suite, report: &mut Report) {
    let subscribers: Vec<_> =
        suite.actors().iter().filter(|actor| SCOPES.iter().all(|scope| actor.has_scope(scope))).collect();
    let Some(owner) = subscribers.first() else {
        for name in ["webhooks.lifecycle", "webhooks.problems", "webhooks.isolation"] {
            report.skip(name, "no client with changes:read and webhooks:write given");
        }
        return;
    };
    report.record("webhooks.lifecycle", lifecycle(&owner.client).await);
    report.record("webhooks.problems", problems(&owner.client).await);
    match subscribers.get(1) {
        Some(other) => report.record("webhooks.isolation", isolation(&owner.client, &other.client).await),
        None => report.skip("webhooks.isolation", "needs two clients with webhooks:write"),
    }
}

fn quiet_subscription() -> SubscriptionRequest {
    SubscriptionRequest {
        url: "https://93.184.215.14/conformance".into(),
        event_types: vec![QUIET.into()],
        filter: Some(json!({"exclude_own_writes": true})),
    }
}

async fn lifecycle(client: &Client) -> Verdict {
    let made = step("subscribe", client.create_subscription(&quiet_subscription()).await)?;
    let id = made.id;
    let outcome = lived(client, id, made.secret.as_deref()).await;
    // Deleted whatever happened, so that a failed run leaves nothing behind.
    let deleted = client.delete_subscription(id).await;
    outcome?;
    step("delete the subscription", deleted)?;
    expect_error(client.get_subscription(id).await, 404, "not_found").map(|_| ())
}

async fn lived(client: &Client, id: Uuid, secret: Option<&str>) -> Verdict {
    if !secret.is_some_and(|secret| secret.starts_with("whsec_")) {
        return Err(format!("the creation answered no whsec_ secret: {secret:?}"));
    }
    let first = ETag::for_version(1);
    let paused = step("pause", client.update_subscription(id, &json!({"active": false}), &first).await)?.value;
    if paused.active {
        return Err("a PATCH {\"active\": false} left the subscription active".into());
    }
    let read = step("read the subscription", client.get_subscription(id).await)?;
    if read.secret.is_some() {
        return Err("a read showed the secret".into());
    }
    // A change based on a version read before the last one is refused, not applied over it.
    expect_error(client.update_subscription(id, &json!({"active": true}), &first).await, 412, "precondition_failed")?;
    let rotated = step("rotate the secret", client.rotate_subscription_secret(id).await)?;
    if rotated.secret.as_deref() == secret || rotated.previous_secret_expires_at.is_none() {
        return Err("the rotation answered no new secret, or no end to the previous one's".into());
    }
    let mut log = client.subscription_deliveries(id);
    let page = step("read the delivery log", log.next_page().await)?;
    if page.is_some_and(|page| !page.items.is_empty()) {
        return Err("a subscription to organization deletions has deliveries already".into());
    }
    let mut mine = client.subscriptions();
    let mut found = false;
    while let Some(page) = step("list the subscriptions", mine.next_page().await)? {
        found |= page.items.iter().any(|subscription| subscription.id == id);
    }
    if !found {
        return Err(format!("the list of subscriptions lacks {id}"));
    }
    Ok(())
}

/// A 422 naming `rule`.
fn refused<T>(result: Result<T, ClientError>, rule: &str) -> Verdict {
    let problem = expect_error(result, 422, "validation_failed").map_err(|error| format!("{rule}: {error}"))?;
    if problem.errors.iter().any(|error| error.rule == rule) {
        Ok(())
    } else {
        Err(format!("422 without the rule {rule}: {:?}", problem.errors))
    }
}

async fn problems(client: &Client) -> Verdict {
    let private = SubscriptionRequest { url: "https://10.0.0.8/hooks".into(), ..quiet_subscription() };
    refused(client.create_subscription(&private).await, "webhook.url.private_address")?;
    let metadata = SubscriptionRequest { url: "https://169.254.169.254/latest".into(), ..quiet_subscription() };
    refused(client.create_subscription(&metadata).await, "webhook.url.private_address")?;
    let unknown =
        SubscriptionRequest { event_types: vec!["fr.plateforme.person.renamed".into()], ..quiet_subscription() };
    refused(client.create_subscription(&unknown).await, "webhook.event_types.unknown")
}

async fn isolation(owner: &Client, other: &Client) -> Verdict {
    let made = step("subscribe", owner.create_subscription(&quiet_subscription()).await)?;
    let id = made.id;
    let outcome = async {
        let first = ETag::for_version(1);
        step("pause", owner.update_subscription(id, &json!({"active": false}), &first).await)?;
        expect_error(other.get_subscription(id).await, 404, "not_found")?;
        expect_error(
            other.update_subscription(id, &json!({"active": true}), &ETag::for_version(2)).await,
            404,
            "not_found",
        )?;
        let replay = Replay::Events { event_ids: vec!["1".into()] };
        expect_error(other.replay_subscription(id, &replay).await, 404, "not_found")?;
        expect_error(other.delete_subscription(id).await, 404, "not_found").map(|_| ())
    }
    .await;
    step("delete the subscription", owner.delete_subscription(id).await)?;
    outcome
}
