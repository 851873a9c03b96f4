//! Contact through the platform (issue 14, item 4): a recruiter sends a contact request to the
//! pseudonym it found, the person accepts (choosing what to share) or declines, and only an
//! accepted request reveals the contact details chosen; every request and reveal is journaled.
//! Safe by default: one pending request per organization and profile, a daily bound, strangers
//! see nothing, and a profile paused or gone cannot be contacted.

use std::time::Duration;

use plateforme_model::organization::OrganizationKind::*;
use reqwest::Response;
use serde_json::{Value, json};

use crate::dossier::post_as;
use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::my_data::person_token;
use crate::on_both_backends;
use crate::profiles::{consent_to_the_bank, followed_person, person_with_profile, profile};

on_both_backends!(
    an_accepted_request_reveals_only_the_details_chosen_and_is_journaled,
    bad_requests_and_strangers_are_refused,
    a_profile_paused_or_gone_cannot_be_contacted,
    an_organization_sends_a_bounded_number_of_requests_a_day,
    a_changed_email_is_not_hidden_behind_a_304,
    an_organization_lists_its_own_requests_newest_first,
);

/// The pseudonym a recruiter sees for the only profile of the bank (the index follows the feed).
async fn pseudonym_seen_by(app: &TestApp, recruiter: &TestClient) -> String {
    for _ in 0..100 {
        let response = app.client.get(app.url("/v1/profiles?rome=M1805")).bearer_auth(&recruiter.token).send().await;
        let found = json(response.expect("GET")).await;
        if let Some(pseudonym) = found["items"][0]["pseudonym"].as_str() {
            return pseudonym.to_owned();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the profile is never found");
}

async fn send(app: &TestApp, recruiter: &TestClient, key: Option<&str>, body: &Value) -> Response {
    let mut request = app.client.post(app.url("/v1/contact-requests")).bearer_auth(&recruiter.token).json(body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.send().await.expect("POST")
}

async fn read(app: &TestApp, recruiter: &TestClient, id: &str) -> Response {
    let url = app.url(&format!("/v1/contact-requests/{id}"));
    app.client.get(url).bearer_auth(&recruiter.token).send().await.expect("GET")
}

async fn as_person(app: &TestApp, token: &str, path: &str, body: Option<&Value>) -> Response {
    let request = match body {
        Some(body) => app.client.post(app.url(path)).json(body),
        None if path.ends_with("/decline") => app.client.post(app.url(path)),
        None => app.client.get(app.url(path)),
    };
    request.bearer_auth(token).send().await.expect("request")
}

async fn recruiter(app: &TestApp) -> TestClient {
    app.register(Employer, &["profiles:read"]).await
}

/// Sends a message-only request and answers its id.
async fn sent(app: &TestApp, recruiter: &TestClient, pseudonym: &str) -> String {
    let response = send(app, recruiter, None, &json!({"pseudonym": pseudonym, "message": "Bonjour"})).await;
    let status = response.status().as_u16();
    let body = json(response).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().expect("id").to_owned()
}

async fn an_accepted_request_reveals_only_the_details_chosen_and_is_journaled(app: TestApp) {
    let employer = recruiter(&app).await;
    let (ml, id) = person_with_profile(&app, "Contactee").await;
    let pseudonym = pseudonym_seen_by(&app, &employer).await;

    let body = json!({"pseudonym": pseudonym, "message": "Bonjour,\nun entretien la semaine prochaine ?"});
    let created = send(&app, &employer, Some("contact-1"), &body).await;
    assert_eq!(created.status().as_u16(), 201);
    let location = header(&created, "location").expect("Location");
    let created = json(created).await;
    let request_id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(location, format!("/v1/contact-requests/{request_id}"));
    assert_eq!(created["status"], "pending");
    assert_eq!(created["pseudonym"], pseudonym.as_str());
    assert!(created.get("contact").is_none(), "{created}");
    // A retry with the same key is the same request.
    let replayed = json(send(&app, &employer, Some("contact-1"), &body).await).await;
    assert_eq!(replayed["id"], request_id.as_str());

    // Pending: the recruiter learns nothing of the person.
    let pending = json(read(&app, &employer, &request_id).await).await;
    assert_eq!(pending["status"], "pending");
    assert!(pending.get("contact").is_none(), "{pending}");

    let token = person_token(&app, &ml, &id).await;
    let mine = json(as_person(&app, &token, "/v1/me/contact-requests", None).await).await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(1), "{mine}");
    assert_eq!(mine["items"][0]["id"], request_id.as_str());
    assert_eq!(mine["items"][0]["organization_id"], employer.organization_id.to_string());
    assert!(mine["items"][0]["organization_name"].is_string(), "{mine}");
    assert_eq!(mine["items"][0]["message"], "Bonjour,\nun entretien la semaine prochaine ?");

    let accept = format!("/v1/me/contact-requests/{request_id}/accept");
    let accepted = as_person(&app, &token, &accept, Some(&json!({"share_email": true}))).await;
    assert_eq!(accepted.status().as_u16(), 200);
    let accepted = json(accepted).await;
    assert_eq!((accepted["status"].as_str(), accepted["share_email"].as_bool()), (Some("accepted"), Some(true)));
    let again = as_person(&app, &token, &accept, Some(&json!({"share_phone": true}))).await;
    let again = assert_problem(again, 409, "invalid_transition").await;
    assert_eq!(again["errors"][0]["rule"], "contact_request.answered");
    let decline = format!("/v1/me/contact-requests/{request_id}/decline");
    assert_problem(as_person(&app, &token, &decline, None).await, 409, "invalid_transition").await;

    // Accepted: the email chosen, not the phone.
    let revealed = json(read(&app, &employer, &request_id).await).await;
    assert_eq!(revealed["status"], "accepted");
    assert_eq!(revealed["contact"], json!({"email": "lea@example.org"}), "{revealed}");
    assert!(!revealed.to_string().contains("+336"), "the phone is not shared: {revealed}");

    // The person sees the views, the request and the reveal, by the recruiter's organization.
    let journal = json(as_person(&app, &token, "/v1/me/journal?limit=100", None).await).await;
    let entries: Vec<(String, String)> = journal["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|entry| entry["organization_id"] == employer.organization_id.to_string())
        .map(|entry| {
            (entry["section"].as_str().unwrap_or("").to_owned(), entry["action"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    for expected in [("profile", "read"), ("contact_request", "write"), ("contact_request", "read")] {
        assert!(entries.contains(&(expected.0.into(), expected.1.into())), "{expected:?} in {entries:?}");
    }
}

async fn bad_requests_and_strangers_are_refused(app: TestApp) {
    let employer = app.register(Employer, &["profiles:read", "offers:read", "offers:write"]).await;
    let other = recruiter(&app).await;
    let (ml, id) = person_with_profile(&app, "Prudente").await;
    let pseudonym = pseudonym_seen_by(&app, &employer).await;
    let others_pseudonym = pseudonym_seen_by(&app, &other).await;

    let refused = |body: Value, status: u16, code: &'static str, rule: Option<&'static str>| {
        let (app, employer) = (&app, &employer);
        async move {
            let problem = assert_problem(send(app, employer, None, &body).await, status, code).await;
            if let Some(rule) = rule {
                assert_eq!(problem["errors"][0]["rule"], rule, "{body}: {problem}");
            }
        }
    };
    refused(json!({"pseudonym": "pf_XYZ", "message": "Bonjour"}), 422, "validation_failed", Some("pseudonym.format"))
        .await;
    refused(json!({"pseudonym": others_pseudonym, "message": "Bonjour"}), 404, "not_found", None).await;
    refused(json!({"pseudonym": pseudonym}), 422, "validation_failed", Some("contact_request.empty")).await;
    refused(json!({"pseudonym": pseudonym, "message": " "}), 422, "validation_failed", Some("message.length")).await;
    let long = "a".repeat(2001);
    refused(json!({"pseudonym": pseudonym, "message": long}), 422, "validation_failed", Some("message.length")).await;
    refused(
        json!({"pseudonym": pseudonym, "message": "a\u{7}b"}),
        422,
        "validation_failed",
        Some("text.control_character"),
    )
    .await;
    refused(
        json!({"pseudonym": pseudonym, "message": "Bonjour", "email": "x@example.org"}),
        422,
        "validation_failed",
        None,
    )
    .await;
    let unknown_offer = uuid::Uuid::now_v7();
    refused(
        json!({"pseudonym": pseudonym, "offer_id": unknown_offer}),
        422,
        "validation_failed",
        Some("offer.not_yours"),
    )
    .await;
    // Without the scope: 403 naming it.
    let no_scope = app.register(Employer, &["offers:read"]).await;
    let forbidden = send(&app, &no_scope, None, &json!({"pseudonym": pseudonym, "message": "Bonjour"})).await;
    assert_problem(forbidden, 403, "forbidden").await;

    // One pending request per organization and profile.
    let first = sent(&app, &employer, &pseudonym).await;
    let twice = send(&app, &employer, None, &json!({"pseudonym": pseudonym, "message": "Encore"})).await;
    let twice = assert_problem(twice, 409, "conflict").await;
    assert_eq!(twice["existing_id"], first.as_str());
    // Another organization has its own, and cannot read the first one's.
    let theirs = sent(&app, &other, &others_pseudonym).await;
    assert_problem(read(&app, &other, &first).await, 404, "not_found").await;
    assert_problem(read(&app, &employer, &theirs).await, 404, "not_found").await;
    assert_problem(read(&app, &employer, &uuid::Uuid::now_v7().to_string()).await, 404, "not_found").await;

    // Another person cannot answer it; the person shares only what the dossier holds.
    let (stranger_ml, stranger) = person_with_profile(&app, "Etrangere").await;
    let stranger_token = person_token(&app, &stranger_ml, &stranger).await;
    let accept = format!("/v1/me/contact-requests/{first}/accept");
    let share = json!({"share_email": true});
    assert_problem(as_person(&app, &stranger_token, &accept, Some(&share)).await, 404, "not_found").await;
    let token = person_token(&app, &ml, &id).await;
    let nothing = as_person(&app, &token, &accept, Some(&json!({"share_email": false}))).await;
    let nothing = assert_problem(nothing, 422, "validation_failed").await;
    assert_eq!(nothing["errors"][0]["rule"], "contact_acceptance.nothing_shared");
    let unknown = as_person(&app, &token, &accept, Some(&json!({"share_address": true}))).await;
    assert_problem(unknown, 422, "validation_failed").await;
    let without_phone = json!({"contact": {"phone": null}});
    let changed = app.patch_as(&ml.token, &format!("/v1/persons/{id}"), Some("\"1\""), &without_phone).await;
    assert_eq!(changed.status().as_u16(), 200, "the phone removed");
    let missing = as_person(&app, &token, &accept, Some(&json!({"share_phone": true}))).await;
    assert_eq!(assert_problem(missing, 422, "validation_failed").await["errors"][0]["rule"], "contact.missing");
    // Nothing changed: still pending, readable by its sender only.
    assert_eq!(json(read(&app, &employer, &first).await).await["status"], "pending");
}

async fn a_profile_paused_or_gone_cannot_be_contacted(app: TestApp) {
    let employer = recruiter(&app).await;
    let (ml, id) = followed_person(&app, "Discrete").await;
    let consent = consent_to_the_bank(&app, &ml, &id).await;
    let path = format!("/v1/persons/{id}/profile");
    assert_eq!(app.put_as(&ml.token, &path, None, &profile()).await.status().as_u16(), 201);
    let pseudonym = pseudonym_seen_by(&app, &employer).await;
    let token = person_token(&app, &ml, &id).await;
    let message = json!({"pseudonym": pseudonym, "message": "Bonjour"});

    // Paused: as if it did not exist; resumed: reachable again.
    app.client.post(app.url("/v1/me/profile/pause")).bearer_auth(&token).send().await.expect("POST");
    assert_problem(send(&app, &employer, None, &message).await, 404, "not_found").await;
    app.client.post(app.url("/v1/me/profile/resume")).bearer_auth(&token).send().await.expect("POST");
    let declined = sent(&app, &employer, &pseudonym).await;
    let decline = format!("/v1/me/contact-requests/{declined}/decline");
    let answered = json(as_person(&app, &token, &decline, None).await).await;
    assert_eq!(answered["status"], "declined");
    assert!(json(read(&app, &employer, &declined).await).await.get("contact").is_none());

    // Deleting the profile cancels the pending request; the profile is gone for a new one.
    let pending = sent(&app, &employer, &pseudonym).await;
    let deleted = app.client.delete(app.url("/v1/me/profile")).bearer_auth(&token).send().await.expect("DELETE");
    assert_eq!(deleted.status().as_u16(), 204);
    assert_eq!(json(read(&app, &employer, &pending).await).await["status"], "cancelled");
    assert_problem(send(&app, &employer, None, &message).await, 404, "not_found").await;

    // Withdrawing the consent cancels the pending requests too.
    assert_eq!(app.put_as(&ml.token, &path, None, &profile()).await.status().as_u16(), 201, "built again");
    let pending = sent(&app, &employer, &pseudonym).await;
    let withdraw = format!("/v1/persons/{id}/consents/{consent}/withdraw");
    assert_eq!(post_as(&app, &ml, &withdraw, &json!({})).await.status().as_u16(), 200);
    assert_eq!(json(read(&app, &employer, &pending).await).await["status"], "cancelled");
    let accept = format!("/v1/me/contact-requests/{pending}/accept");
    let late = as_person(&app, &token, &accept, Some(&json!({"share_email": true}))).await;
    assert_problem(late, 409, "invalid_transition").await;
}

async fn an_organization_sends_a_bounded_number_of_requests_a_day(app: TestApp) {
    let employer = recruiter(&app).await;
    let (ml, id) = person_with_profile(&app, "Sollicitee").await;
    let pseudonym = pseudonym_seen_by(&app, &employer).await;
    let token = person_token(&app, &ml, &id).await;
    // 50 requests in a day, each declined so the next is not a second pending one.
    for _ in 0..50 {
        let request = sent(&app, &employer, &pseudonym).await;
        let decline = format!("/v1/me/contact-requests/{request}/decline");
        assert_eq!(as_person(&app, &token, &decline, None).await.status().as_u16(), 200);
    }
    let refused = send(&app, &employer, None, &json!({"pseudonym": pseudonym, "message": "Bonjour"})).await;
    let retry_after = header(&refused, "retry-after").expect("Retry-After");
    let seconds: i64 = retry_after.parse().expect("seconds");
    assert!((1..=86_400).contains(&seconds), "{seconds}");
    assert_problem(refused, 429, "too_many_requests").await;
    // Another organization is not bound by it.
    let other = recruiter(&app).await;
    let theirs = pseudonym_seen_by(&app, &other).await;
    sent(&app, &other, &theirs).await;
}

async fn a_changed_email_is_not_hidden_behind_a_304(app: TestApp) {
    let employer = recruiter(&app).await;
    let (ml, id) = person_with_profile(&app, "Demenage").await;
    let pseudonym = pseudonym_seen_by(&app, &employer).await;
    let request_id = sent(&app, &employer, &pseudonym).await;
    let url = app.url(&format!("/v1/contact-requests/{request_id}"));
    let read_if_none_match = |tag: String| {
        let request = app.client.get(url.clone()).bearer_auth(&employer.token).header("if-none-match", tag);
        async move { request.send().await.expect("GET") }
    };
    // Pending: the tag is the version, as for any resource.
    assert_eq!(header(&read(&app, &employer, &request_id).await, "etag").as_deref(), Some("\"1\""));

    let token = person_token(&app, &ml, &id).await;
    let accept = format!("/v1/me/contact-requests/{request_id}/accept");
    assert_eq!(as_person(&app, &token, &accept, Some(&json!({"share_email": true}))).await.status().as_u16(), 200);
    let revealed = read(&app, &employer, &request_id).await;
    let tag = header(&revealed, "etag").expect("ETag");
    assert!(tag.starts_with("\"2-"), "the version, then a digest of the details: {tag}");
    assert_eq!(json(revealed).await["contact"]["email"], "lea@example.org");
    assert_eq!(read_if_none_match(tag.clone()).await.status().as_u16(), 304, "nothing changed");

    // The person changes their email in the dossier: the request's version does not move, the
    // tag does, and the recruiter reads the new email rather than a 304.
    let new_email = json!({"contact": {"email": "lea.nouvelle@example.org"}});
    let changed = app.patch_as(&ml.token, &format!("/v1/persons/{id}"), Some("\"1\""), &new_email).await;
    assert_eq!(changed.status().as_u16(), 200, "the email changed");
    let fresh = read_if_none_match(tag.clone()).await;
    assert_eq!(fresh.status().as_u16(), 200, "a new email is not hidden behind a 304");
    let fresh_tag = header(&fresh, "etag").expect("ETag");
    assert_ne!(fresh_tag, tag);
    let fresh = json(fresh).await;
    assert_eq!(
        (fresh["version"].as_i64(), &fresh["contact"]),
        (Some(2), &json!({"email": "lea.nouvelle@example.org"}))
    );
    assert_eq!(read_if_none_match(fresh_tag).await.status().as_u16(), 304);
}

async fn list(app: &TestApp, token: &str, path: &str) -> (Value, Option<String>) {
    let response = app.client.get(app.url(path)).bearer_auth(token).send().await.expect("GET");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let link = header(&response, "link");
    (json(response).await, link)
}

fn ids(page: &Value) -> Vec<String> {
    let items = page["items"].as_array().expect("items");
    items.iter().map(|item| item["id"].as_str().unwrap_or_default().to_owned()).collect()
}

async fn an_organization_lists_its_own_requests_newest_first(app: TestApp) {
    let employer = recruiter(&app).await;
    let (ml, id) = person_with_profile(&app, "Recherchee").await;
    let pseudonym = pseudonym_seen_by(&app, &employer).await;
    let token = person_token(&app, &ml, &id).await;
    // Accepted, declined, then pending: three requests of one organization to one profile.
    let accepted = sent(&app, &employer, &pseudonym).await;
    let accept = format!("/v1/me/contact-requests/{accepted}/accept");
    assert_eq!(as_person(&app, &token, &accept, Some(&json!({"share_email": true}))).await.status().as_u16(), 200);
    let declined = sent(&app, &employer, &pseudonym).await;
    let decline = format!("/v1/me/contact-requests/{declined}/decline");
    assert_eq!(as_person(&app, &token, &decline, None).await.status().as_u16(), 200);
    let pending = sent(&app, &employer, &pseudonym).await;
    // Another organization's request to the same profile is never in the first one's list.
    let other = recruiter(&app).await;
    let theirs = sent(&app, &other, &pseudonym_seen_by(&app, &other).await).await;

    // Newest first, two a page, the next page in the cursor and the `Link`.
    let (first, link) = list(&app, &employer.token, "/v1/contact-requests?limit=2").await;
    assert_eq!(ids(&first), [pending.as_str(), declined.as_str()]);
    assert!(first["items"].as_array().expect("items").iter().all(|item| item.get("contact").is_none()), "{first}");
    let cursor = first["next_cursor"].as_str().expect("a next page").to_owned();
    assert!(link.as_deref().is_some_and(|link| link.contains("rel=\"next\"") && link.contains("limit=2")), "{link:?}");
    let (second, link) = list(&app, &employer.token, &format!("/v1/contact-requests?limit=2&cursor={cursor}")).await;
    assert_eq!(ids(&second), [accepted.as_str()]);
    assert_eq!(second["items"][0]["contact"], json!({"email": "lea@example.org"}), "shown once accepted");
    assert!(second.get("next_cursor").is_none() && link.is_none(), "the last page");
    assert_eq!(second["items"][0]["pseudonym"], pseudonym.as_str());

    let (only_accepted, _) = list(&app, &employer.token, "/v1/contact-requests?status=accepted").await;
    assert_eq!(ids(&only_accepted), [accepted.as_str()]);
    let (only_pending, _) = list(&app, &employer.token, "/v1/contact-requests?status=pending").await;
    assert_eq!(ids(&only_pending), [pending.as_str()]);
    let (their_list, _) = list(&app, &other.token, "/v1/contact-requests").await;
    assert_eq!(ids(&their_list), [theirs.as_str()]);

    // Bad input: a precise 400; without the scope, 403.
    let bad = |path: &'static str| {
        let request = app.client.get(app.url(path)).bearer_auth(&employer.token);
        async move { request.send().await.expect("GET") }
    };
    assert_problem(bad("/v1/contact-requests?status=sent").await, 400, "invalid_query").await;
    let limit = assert_problem(bad("/v1/contact-requests?limit=0").await, 400, "invalid_query").await;
    assert_eq!(limit["errors"][0]["rule"], "limit.range");
    assert_problem(bad("/v1/contact-requests?cursor=forged").await, 400, "invalid_query").await;
    assert_problem(bad("/v1/contact-requests?person_id=x").await, 400, "invalid_query").await;
    let no_scope = app.register(Employer, &["offers:read"]).await;
    let forbidden = app.client.get(app.url("/v1/contact-requests")).bearer_auth(&no_scope.token).send().await;
    assert_problem(forbidden.expect("GET"), 403, "forbidden").await;

    // The person's own list pages the same way, newest first, both organizations' requests.
    let (mine, link) = list(&app, &token, "/v1/me/contact-requests?limit=3").await;
    assert_eq!(ids(&mine), [theirs.as_str(), pending.as_str(), declined.as_str()]);
    let cursor = mine["next_cursor"].as_str().expect("a next page").to_owned();
    assert!(link.is_some());
    let (rest, _) = list(&app, &token, &format!("/v1/me/contact-requests?limit=3&cursor={cursor}")).await;
    assert_eq!(ids(&rest), [accepted.as_str()]);
    assert!(rest.get("next_cursor").is_none());
    let limit = assert_problem(
        app.client.get(app.url("/v1/me/contact-requests?limit=101")).bearer_auth(&token).send().await.expect("GET"),
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(limit["errors"][0]["rule"], "limit.range");
}
