//! Retention and erasure (issue 20, item 10): an organization that accompanies a person erases
//! their dossier (`DELETE /v1/persons/{id}`), and the daily job erases the dossiers past their
//! retention, by the same path — the rows go, the history and the journal stay without anything
//! of the person, and the change feed carries a `deleted` event for each record. Proven by
//! reading the raw tables; the refused requests change nothing.

use std::time::Duration;

use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use plateforme_model::organization::OrganizationKind::{FranceTravail, MissionLocale};
use plateforme_store::access::journal;
use plateforme_store::dossier::erasure;
use serde_json::json;

use crate::contracts::contract;
use crate::dossier::{DOSSIER_SCOPES, france_travail, get_as, person, post_as, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, header};
use crate::my_data::{full_dossier, person_token};
use crate::on_both_backends;

on_both_backends!(
    an_organization_erases_a_dossier_leaving_nothing_of_the_person,
    a_refused_erasure_changes_nothing,
    the_daily_job_erases_only_the_dossiers_unchanged_since_the_retention,
    expired_access_codes_are_forgotten,
    journal_entries_past_their_retention_are_forgotten,
);

#[derive(QueryableByName)]
struct Text1 {
    #[diesel(sql_type = Text)]
    text: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// What the database holds of one dossier, read from the raw tables.
#[derive(Debug, PartialEq)]
pub struct Held {
    /// Rows of the person and of each part: persons, diagnostics, contracts, reviews, consents,
    /// access codes.
    pub rows: Vec<i64>,
    /// The content of every history row of the dossier's records, oldest first per record.
    pub history: Vec<String>,
    /// `resource_type:action:actor` of each change event of the dossier, in feed order.
    pub events: Vec<String>,
    /// The section of each journal entry about the person.
    pub journal: Vec<String>,
    /// The stated purposes the journal holds for the person.
    pub stated_purposes: Vec<String>,
    /// The responses saved for retries that name the person.
    pub saved_responses: i64,
}

pub async fn held(app: &TestApp, id: &str) -> Held {
    let id = id.to_owned();
    app.store
        .run(move |conn| {
            let mut rows = Vec::new();
            for (table, column) in [
                ("persons", "id"),
                ("diagnostics", "person_id"),
                ("contracts", "person_id"),
                ("reviews", "person_id"),
                ("consents", "person_id"),
                ("person_access_codes", "person_id"),
            ] {
                let query = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = '{id}'");
                rows.push(diesel::sql_query(query).get_result::<Count>(conn)?.n);
            }
            let texts = |conn: &mut _, query: String| -> Result<Vec<String>, diesel::result::Error> {
                Ok(diesel::sql_query(query).load::<Text1>(conn)?.into_iter().map(|row| row.text).collect())
            };
            let dossier_records = format!("SELECT resource_id FROM changes WHERE subject_id = '{id}'");
            Ok(Held {
                rows,
                history: texts(
                    conn,
                    format!(
                        "SELECT changes AS text FROM history WHERE resource_id IN ({dossier_records}) \
                         ORDER BY resource_type, resource_id, version"
                    ),
                )?,
                events: texts(
                    conn,
                    format!(
                        "SELECT resource_type || ':' || action || ':' || actor AS text FROM changes \
                         WHERE subject_id = '{id}' ORDER BY seq"
                    ),
                )?,
                journal: texts(
                    conn,
                    format!("SELECT section AS text FROM access_journal WHERE person_id = '{id}' ORDER BY id"),
                )?,
                stated_purposes: texts(
                    conn,
                    format!(
                        "SELECT stated_purpose AS text FROM access_journal WHERE person_id = '{id}' \
                         AND stated_purpose IS NOT NULL"
                    ),
                )?,
                saved_responses: diesel::sql_query(format!(
                    "SELECT COUNT(*) AS n FROM idempotency_keys WHERE body LIKE '%{id}%'"
                ))
                .get_result::<Count>(conn)?
                .n,
            })
        })
        .await
        .expect("what the database holds")
}

pub async fn erase(app: &TestApp, client: &TestClient, path: &str, if_match: Option<&str>) -> reqwest::Response {
    let mut request = app.client.delete(app.url(path)).bearer_auth(&client.token);
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    request.send().await.expect("DELETE")
}

/// Reads the dossier once with a stated purpose (a case reference), so the journal holds one.
async fn read_with_a_case_reference(app: &TestApp, client: &TestClient, id: &str) -> String {
    let response = app
        .client
        .get(app.url(&format!("/v1/persons/{id}")))
        .bearer_auth(&client.token)
        .header("access-purpose", "dossier 2026-042 Lambert")
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status().as_u16(), 200);
    header(&response, "etag").expect("ETag")
}

async fn an_organization_erases_a_dossier_leaving_nothing_of_the_person(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = full_dossier(&app, &ft, "Lambert").await;
    let other = full_dossier(&app, &ft, "Rousseau").await;
    let token = person_token(&app, &ft, &id).await;
    let consents = app.client.post(app.url(&format!("/v1/persons/{id}/consents"))).bearer_auth(&ft.token);
    let retried = consents
        .header("idempotency-key", "erasure-1")
        .json(&json!({"kind": "dossier_sharing",
        "partner_organization_id": ft.organization_id}))
        .send()
        .await
        .expect("POST");
    assert_eq!(retried.status().as_u16(), 201, "a consent whose response is saved for retries");
    let etag = read_with_a_case_reference(&app, &ft, &id).await;
    let before = held(&app, &id).await;
    let other_before = held(&app, &other).await;
    assert_eq!(before.rows, [1, 1, 1, 1, 2, 1], "every part is there: {before:?}");
    assert_eq!(before.saved_responses, 1);
    assert_eq!(before.stated_purposes, ["dossier 2026-042 Lambert"]);
    assert!(before.history.iter().any(|changes| changes.contains("Lambert")));

    let path = format!("/v1/persons/{id}");
    let erased = erase(&app, &ft, &path, Some(&etag)).await;
    assert_eq!(erased.status().as_u16(), 204);

    let after = held(&app, &id).await;
    assert_eq!(after.rows, [0, 0, 0, 0, 0, 0], "no row of the dossier is left");
    assert_eq!(after.history.len(), before.history.len() + 6, "every version kept, and one deletion per record");
    assert!(after.history.iter().all(|changes| changes == "null"), "no content is left: {:?}", after.history);
    let deletions: Vec<&str> = after.events[before.events.len()..].iter().map(String::as_str).collect();
    let ft_client = &ft.client_id;
    assert_eq!(
        deletions,
        [
            format!("consent:deleted:{ft_client}"),
            format!("consent:deleted:{ft_client}"),
            format!("contract:deleted:{ft_client}"),
            format!("diagnostic:deleted:{ft_client}"),
            format!("review:deleted:{ft_client}"),
            format!("person:deleted:{ft_client}"),
        ],
        "a deleted event per record, the person's last"
    );
    assert_eq!(&after.journal[..before.journal.len()], before.journal.as_slice(), "the journal is kept");
    assert_eq!(after.journal.last().map(String::as_str), Some("erasure"), "and says who erased");
    assert!(after.stated_purposes.is_empty(), "without the callers' words: {:?}", after.stated_purposes);
    assert_eq!(after.saved_responses, 0, "no response saved for retries names the person");

    assert_problem(get_as(&app, &ft, &path).await, 404, "not_found").await;
    assert_problem(get_as(&app, &ft, &format!("{path}/history")).await, 404, "not_found").await;
    assert_problem(erase(&app, &ft, &path, Some(&etag)).await, 404, "not_found").await;
    for mine in ["/v1/me", "/v1/me/dossier", "/v1/me/journal", "/v1/me/export"] {
        let response = app.client.get(app.url(mine)).bearer_auth(&token).send().await.expect("GET");
        assert_problem(response, 404, "not_found").await;
    }
    assert_eq!(held(&app, &other).await, other_before, "another person's dossier is untouched");
}

async fn a_refused_erasure_changes_nothing(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = full_dossier(&app, &ft, "Lambert").await;
    let etag = read_with_a_case_reference(&app, &ft, &id).await;
    let path = format!("/v1/persons/{id}");
    let before = held(&app, &id).await;
    let outsider = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let reader = app.register(FranceTravail, &["dossier:read"]).await;

    assert_problem(erase(&app, &ft, &path, None).await, 428, "precondition_required").await;
    assert_problem(erase(&app, &ft, &path, Some("\"9\"")).await, 412, "precondition_failed").await;
    assert_problem(erase(&app, &ft, &path, Some("9")).await, 400, "invalid_header").await;
    let unstated = app.client.delete(app.url(&path)).bearer_auth(&ft.token).header("if-match", &etag);
    let unstated = unstated.header("access-purpose", "x".repeat(201)).send().await.expect("DELETE");
    assert_problem(unstated, 400, "invalid_header").await;
    assert_problem(erase(&app, &ft, &format!("{path}?force=true"), Some(&etag)).await, 400, "invalid_query").await;
    assert_problem(erase(&app, &ft, "/v1/persons/not-an-id", Some(&etag)).await, 400, "invalid_path").await;
    assert_problem(erase(&app, &outsider, &path, Some(&etag)).await, 404, "not_found").await;
    assert_problem(erase(&app, &reader, &path, Some(&etag)).await, 403, "forbidden").await;
    let anonymous = app.client.delete(app.url(&path)).header("if-match", &etag).send().await.expect("DELETE");
    assert_problem(anonymous, 401, "unauthorized").await;

    let after = held(&app, &id).await;
    assert_eq!(after.rows, before.rows);
    assert_eq!(after.history, before.history);
    assert_eq!(after.events, before.events);
    assert_eq!(after.stated_purposes, before.stated_purposes);
    assert_eq!(get_as(&app, &ft, &path).await.status().as_u16(), 200, "the dossier is still there");
}

pub async fn erase_expired(app: &TestApp, unchanged_since: chrono::DateTime<chrono::Utc>) -> usize {
    app.store.run(move |conn| erasure::erase_expired(conn, unchanged_since)).await.expect("the retention job")
}

async fn the_daily_job_erases_only_the_dossiers_unchanged_since_the_retention(app: TestApp) {
    let ft = france_travail(&app).await;
    let idle = full_dossier(&app, &ft, "Lambert").await;
    let id_of = |person: serde_json::Value| person["id"].as_str().expect("id").to_owned();
    let idle_person_busy_dossier = id_of(register_person(&app, &ft, &person("Moreau", false)).await);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let cutoff = plateforme_model::ids::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    // The person's own row is older than the cutoff, but a part of their dossier changed since.
    let contract_path = format!("/v1/persons/{idle_person_busy_dossier}/contracts");
    assert_eq!(post_as(&app, &ft, &contract_path, &contract()).await.status().as_u16(), 201);
    let recent = id_of(register_person(&app, &ft, &person("Rousseau", false)).await);

    assert_eq!(erase_expired(&app, cutoff - chrono::Duration::days(730)).await, 0, "nothing is that old");
    assert_eq!(erase_expired(&app, cutoff).await, 1, "the dossier unchanged since the cutoff is erased");
    assert_eq!(erase_expired(&app, cutoff).await, 0, "applying the retention again is harmless");

    let erased = held(&app, &idle).await;
    assert_eq!(erased.rows, [0, 0, 0, 0, 0, 0]);
    assert!(erased.history.iter().all(|changes| changes == "null"));
    let deletions = erased.events.iter().filter(|event| event.ends_with(":deleted:retention")).count();
    assert_eq!(deletions, 5, "the job's deletions are its own: {:?}", erased.events);
    for kept in [&idle_person_busy_dossier, &recent] {
        assert_eq!(get_as(&app, &ft, &format!("/v1/persons/{kept}")).await.status().as_u16(), 200, "{kept} kept");
    }
}

async fn expired_access_codes_are_forgotten(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = full_dossier(&app, &ft, "Lambert").await;
    let purge_at = |later: chrono::Duration| {
        let store = app.store.clone();
        async move {
            let at = plateforme_model::ids::now() + later;
            store.run(move |conn| erasure::purge_expired_access_codes(conn, at)).await.expect("purge")
        }
    };
    let code = post_as(&app, &ft, &format!("/v1/persons/{id}/access-codes"), &json!({})).await;
    assert_eq!(code.status().as_u16(), 201);
    assert_eq!(purge_at(chrono::Duration::zero()).await, 0, "a code within its lifetime is kept");
    assert_eq!(held(&app, &id).await.rows[5], 1);
    assert_eq!(purge_at(chrono::Duration::days(1)).await, 1, "an expired code is forgotten");
    assert_eq!(purge_at(chrono::Duration::days(1)).await, 0, "purging again is harmless");
    assert_eq!(held(&app, &id).await.rows[5], 0);
}

async fn journal_entries_past_their_retention_are_forgotten(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = full_dossier(&app, &ft, "Lambert").await;
    let written_before = held(&app, &id).await.journal.len();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let cutoff = plateforme_model::ids::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    read_with_a_case_reference(&app, &ft, &id).await;
    let purge_before = |before: chrono::DateTime<chrono::Utc>| {
        let store = app.store.clone();
        async move { store.run(move |conn| journal::purge_before(conn, before)).await.expect("purge") }
    };
    assert_eq!(purge_before(cutoff - chrono::Duration::days(730)).await, 0, "nothing is that old");
    assert_eq!(purge_before(cutoff).await, written_before, "the entries written before the cutoff are forgotten");
    assert_eq!(held(&app, &id).await.journal, ["dossier"], "the read made since is kept");
    assert_eq!(purge_before(cutoff).await, 0, "purging again is harmless");
}
