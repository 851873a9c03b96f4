//! Sensitive data at rest (issue 20, item 8): the diagnostic's social part and the disability
//! recognition (RQTH) are sealed under the key-encryption key in `diagnostics`, `persons` and
//! `history` — proven by reading the raw tables — shown to the callers with
//! `dossier.social:read` and to the person, withheld from others, readable across a KEK
//! rotation and `rewrap`, and refused with an error (not garbage) under the wrong KEK.

use std::sync::Arc;

use chrono::{Days, Utc};

use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use plateforme_auth::key_encryption::KeyEncryption;
use plateforme_model::organization::OrganizationKind::{FranceTravail, MissionLocale};
use plateforme_server::app::Services;
use plateforme_server::config::{Config, DEVELOPMENT_KEY_ENCRYPTION_KEY, Secret};
use plateforme_store::dossier::diagnostics;
use plateforme_store::{StoreError, sensitive};
use serde_json::{Value, json};

use crate::dossier::{france_travail, get_as, person, post_as, register_person};
use crate::duties::{SANCTIONS_SCOPES, bound_person, breach_of, days_ago};
use crate::helpers::{TestApp, TestClient, json};
use crate::my_data::person_token;
use crate::on_both_backends;

on_both_backends!(
    no_social_part_nor_rqth_is_in_clear_in_the_database,
    history_shows_them_with_the_scope_only,
    a_kek_rotation_and_rewrap_keep_them_readable,
    values_written_before_sealing_still_read_and_rewrap_seals_them,
    under_the_wrong_kek_they_answer_an_error_not_garbage,
    a_breach_s_words_are_sealed_and_rewrap_reseals_them,
);

const NEW_KEK: &str = "the operator's new key-encryption key, 32+ bytes";
/// A note no clear row may hold.
const NOTE: &str = "Hébergée chez un tiers jusqu'en mars";
const LATER_NOTE: &str = "Garde assurée par la crèche municipale";

fn kek(secret: &str) -> KeyEncryption {
    KeyEncryption::new(secret.as_bytes(), &[]).expect("a KEK")
}

/// `text` as an SQL string literal.
fn sql_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn config_with_kek(app: &TestApp, current: &str, previous: &[&str]) -> Config {
    Config {
        key_encryption_key: Some(Secret(current.to_owned())),
        previous_key_encryption_keys: previous.iter().map(|key| Secret((*key).to_owned())).collect(),
        search_index_dir: app.search_folder(),
        ..Config::default()
    }
}

fn diagnostic(note: &str) -> Value {
    json!({
        "professional": {"target_rome_codes": ["M1805"], "qualification_level": "bac", "experience_months": 6,
            "autonomy_level": "medium"},
        "social": {"housing": {"severity": "high", "note": note}, "health": {"severity": "low"}}
    })
}

/// A dossier with RQTH recognised, then withdrawn, and a diagnostic whose social part was
/// replaced once: each sensitive value is in a row and in two versions. Answers the person's id.
async fn sensitive_dossier(app: &TestApp, counsellor: &TestClient, family_name: &str) -> String {
    let mut body = person(family_name, false);
    body["statuses"]["rqth"] = json!(true);
    let id = register_person(app, counsellor, &body).await["id"].as_str().expect("id").to_owned();
    let path = format!("/v1/persons/{id}");
    let withdrawn = app.patch_as(&counsellor.token, &path, Some("\"1\""), &json!({"statuses": {"rqth": false}})).await;
    assert_eq!(withdrawn.status().as_u16(), 200, "RQTH withdrawn");
    let put = |body: Value, if_match: Option<&'static str>| {
        let mut request = app.client.put(app.url(&format!("{path}/diagnostic"))).bearer_auth(&counsellor.token);
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        request.json(&body).send()
    };
    assert_eq!(put(diagnostic(NOTE), None).await.expect("PUT").status().as_u16(), 201);
    assert_eq!(put(diagnostic(LATER_NOTE), Some("\"1\"")).await.expect("PUT").status().as_u16(), 200);
    id
}

#[derive(QueryableByName)]
struct RawText {
    #[diesel(sql_type = Text)]
    text: String,
}

/// What the tables hold, as anyone reading the database sees it: the persons records, the
/// social columns, and the changes of the persons' and diagnostics' versions.
async fn raw_rows(app: &TestApp) -> Vec<String> {
    raw_texts(
        app,
        [
            "SELECT record AS text FROM persons",
            "SELECT social AS text FROM diagnostics WHERE social IS NOT NULL",
            "SELECT changes AS text FROM history WHERE resource_type IN ('person', 'diagnostic')",
        ],
    )
    .await
}

/// The texts `queries` read (each selects one column `text`), as anyone reading the database sees them.
async fn raw_texts<const N: usize>(app: &TestApp, queries: [&'static str; N]) -> Vec<String> {
    app.store
        .run(move |conn| {
            let mut texts = Vec::new();
            for query in queries {
                let rows: Vec<RawText> = diesel::sql_query(query).load(conn)?;
                texts.extend(rows.into_iter().map(|row| row.text));
            }
            Ok(texts)
        })
        .await
        .expect("the raw rows")
}

/// Every sensitive member of the raw rows: the social parts and RQTH values, as stored.
fn stored_sensitive_values(rows: &[String]) -> Vec<Value> {
    let mut values = Vec::new();
    for row in rows {
        let document: Value = serde_json::from_str(row).expect("JSON");
        let social = if document.get("housing").is_some() || document.get("sealed").is_some() {
            Some(&document) // a `diagnostics.social` column
        } else {
            document.get("social").filter(|social| !social.is_null())
        };
        values.extend(social.cloned());
        values.extend(document.pointer("/statuses/rqth").cloned());
    }
    values
}

/// Asserts that no raw row holds a sensitive value in clear and that each sealed one names
/// `kek_id`; answers how many there are.
fn assert_all_sealed_under(rows: &[String], kek_id: &str) -> usize {
    for row in rows {
        let compact: String = row.chars().filter(|c| !c.is_whitespace()).collect();
        let who_set_rqth = "\"statuses.rqth\":{\"organization_id\"";
        for clear in [NOTE, LATER_NOTE, "severity", "\"rqth\":true", "\"rqth\":false", who_set_rqth] {
            let clear: String = clear.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(!compact.contains(&clear), "{clear} in clear in {row}");
        }
    }
    let values = stored_sensitive_values(rows);
    for value in &values {
        assert_eq!(value["kek_id"], kek_id, "sealed under the KEK named: {value}");
        assert!(value["sealed"].as_str().is_some_and(|sealed| sealed.len() > 16), "{value}");
    }
    values.len()
}

async fn no_social_part_nor_rqth_is_in_clear_in_the_database(app: TestApp) {
    let counsellor = france_travail(&app).await;
    let id = sensitive_dossier(&app, &counsellor, "Scellée").await;
    let rows = raw_rows(&app).await;
    // The RQTH of the row and of two versions; the social part of the row and of two versions.
    let development = kek(DEVELOPMENT_KEY_ENCRYPTION_KEY);
    assert_eq!(assert_all_sealed_under(&rows, development.current_id()), 6);

    let read = json(get_as(&app, &counsellor, &format!("/v1/persons/{id}/diagnostic")).await).await;
    assert_eq!(read["social"], diagnostic(LATER_NOTE)["social"], "opened for dossier.social:read");
    let dossier = json(get_as(&app, &counsellor, &format!("/v1/persons/{id}")).await).await;
    assert_eq!(dossier["statuses"]["rqth"], false);

    let plain = app.register(FranceTravail, &["dossier:read", "dossier:write"]).await;
    let withheld = json(get_as(&app, &plain, &format!("/v1/persons/{id}/diagnostic")).await).await;
    assert!(withheld.get("social").is_none() && withheld["social_withheld"] == true, "{withheld}");

    let token = person_token(&app, &counsellor, &id).await;
    let mine = app.client.get(app.url("/v1/me")).bearer_auth(&token).send().await.expect("GET /v1/me");
    let mine = json(mine).await;
    assert_eq!(mine["diagnostic"]["social"], diagnostic(LATER_NOTE)["social"], "the person reads their own");
    let versions = |resource_type: &str| {
        let history = mine["history"].as_array().expect("history");
        let record = history.iter().find(|record| record["resource_type"] == resource_type).expect("a history");
        record["versions"].as_array().expect("versions").clone()
    };
    let diagnostic_versions = versions("diagnostic");
    assert_eq!(diagnostic_versions[0]["changes"]["social"]["housing"]["note"], NOTE);
    assert_eq!(diagnostic_versions[1]["changes"]["social"]["housing"]["note"], LATER_NOTE);
    let person_versions = versions("person");
    assert_eq!(person_versions[0]["changes"]["statuses"]["rqth"], true);
    assert_eq!(person_versions[1]["changes"]["statuses"]["rqth"], false);
}

async fn history_shows_them_with_the_scope_only(app: TestApp) {
    let counsellor = france_travail(&app).await;
    let id = sensitive_dossier(&app, &counsellor, "Historique").await;
    let path = format!("/v1/persons/{id}/history");
    let shown = json(get_as(&app, &counsellor, &path).await).await;
    let rqth = |page: &Value, version: usize| page["items"][version]["changes"]["statuses"]["rqth"].clone();
    assert_eq!((rqth(&shown, 0), rqth(&shown, 1)), (json!(true), json!(false)), "{shown}");

    let plain = app.register(FranceTravail, &["dossier:read", "dossier:write"]).await;
    let response = get_as(&app, &plain, &path).await;
    assert_eq!(response.status().as_u16(), 200, "withheld, not refused");
    let withheld = json(response).await;
    assert_eq!(rqth(&withheld, 0), sensitive::withheld(), "{withheld}");
    assert_eq!(rqth(&withheld, 1), sensitive::withheld(), "that it changed, not to what");
    let who = |page: &Value| page["items"][0]["changes"]["provenance"]["statuses.rqth"].clone();
    assert_eq!(who(&shown)["client_id"], counsellor.client_id.as_str());
    assert_eq!(who(&withheld), sensitive::withheld(), "nor who set it, as the dossier withholds it");
    assert_eq!(withheld["items"][0]["changes"]["identity"], shown["items"][0]["changes"]["identity"]);
    assert_eq!(withheld["items"].as_array().map(Vec::len), Some(2));
}

async fn a_kek_rotation_and_rewrap_keep_them_readable(app: TestApp) {
    let counsellor = france_travail(&app).await;
    let id = sensitive_dossier(&app, &counsellor, "Rotation").await;

    // A restart with the new KEK, the former one still among the previous ones.
    Services::new(app.store.clone(), &config_with_kek(&app, NEW_KEK, &[DEVELOPMENT_KEY_ENCRYPTION_KEY]))
        .expect("start");
    let diagnostic_path = format!("/v1/persons/{id}/diagnostic");
    let before = json(get_as(&app, &counsellor, &diagnostic_path).await).await;
    assert_eq!(before["social"], diagnostic(LATER_NOTE)["social"], "values under the former KEK still open");
    let resealed = app.store.run(sensitive::reseal_all).await.expect("rewrap");
    assert_eq!(resealed, 6, "each value sealed under the former KEK, once");
    assert_eq!(app.store.run(sensitive::reseal_all).await.expect("rewrap again"), 0, "nothing left to do");
    let new_id = kek(NEW_KEK).current_id().to_owned();
    assert_eq!(assert_all_sealed_under(&raw_rows(&app).await, &new_id), 6, "nothing under the former KEK");

    // The new KEK alone now opens everything.
    app.store.install_key_encryption(Arc::new(kek(NEW_KEK)));
    let after = json(get_as(&app, &counsellor, &diagnostic_path).await).await;
    assert_eq!(after["social"], before["social"]);
    let dossier = json(get_as(&app, &counsellor, &format!("/v1/persons/{id}")).await).await;
    assert_eq!(dossier["statuses"]["rqth"], false);
    let history = json(get_as(&app, &counsellor, &format!("/v1/persons/{id}/history")).await).await;
    assert_eq!(history["items"][0]["changes"]["statuses"]["rqth"], true);
}

async fn values_written_before_sealing_still_read_and_rewrap_seals_them(app: TestApp) {
    let counsellor = france_travail(&app).await;
    let id = sensitive_dossier(&app, &counsellor, "Ancienne").await;
    // The rows as a server before sealing wrote them: the social part and RQTH in clear.
    let clear_social = sql_literal(&diagnostic(NOTE)["social"].to_string());
    let person_id = id.clone();
    app.store
        .run(move |conn| {
            diesel::sql_query(format!(
                "UPDATE diagnostics SET social = {clear_social} WHERE person_id = '{person_id}'"
            ))
            .execute(conn)?;
            let rows: Vec<RawText> =
                diesel::sql_query(format!("SELECT record AS text FROM persons WHERE id = '{person_id}'")).load(conn)?;
            let mut record: Value =
                serde_json::from_str(&rows[0].text).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            record["statuses"]["rqth"] = json!(true);
            let record = sql_literal(&record.to_string());
            diesel::sql_query(format!("UPDATE persons SET record = {record} WHERE id = '{person_id}'"))
                .execute(conn)?;
            Ok(())
        })
        .await
        .expect("rows in clear");

    let read = json(get_as(&app, &counsellor, &format!("/v1/persons/{id}/diagnostic")).await).await;
    assert_eq!(read["social"], diagnostic(NOTE)["social"], "a clear row still reads");
    let dossier = json(get_as(&app, &counsellor, &format!("/v1/persons/{id}")).await).await;
    assert_eq!(dossier["statuses"]["rqth"], true);
    let plain = app.register(FranceTravail, &["dossier:read"]).await;
    let withheld = json(get_as(&app, &plain, &format!("/v1/persons/{id}")).await).await;
    assert!(withheld["statuses"].get("rqth").is_none(), "withheld all the same: {withheld}");

    assert_eq!(app.store.run(sensitive::reseal_all).await.expect("rewrap"), 2, "the two clear values");
    let development = kek(DEVELOPMENT_KEY_ENCRYPTION_KEY);
    assert_eq!(assert_all_sealed_under(&raw_rows(&app).await, development.current_id()), 6);
    let read = json(get_as(&app, &counsellor, &format!("/v1/persons/{id}/diagnostic")).await).await;
    assert_eq!(read["social"], diagnostic(NOTE)["social"]);
}

async fn under_the_wrong_kek_they_answer_an_error_not_garbage(app: TestApp) {
    let counsellor = france_travail(&app).await;
    let id = sensitive_dossier(&app, &counsellor, "Mauvaise").await;
    app.store.install_key_encryption(Arc::new(kek(NEW_KEK)));

    let person_id: uuid::Uuid = id.parse().expect("uuid");
    let refused = app.store.run(move |conn| diagnostics::find(conn, person_id)).await;
    let message = refused.err().map(|error| error.to_string()).unwrap_or_default();
    assert!(message.contains("is sealed under the key-encryption key"), "{message}");
    assert!(message.contains("PLATEFORME_PREVIOUS_KEY_ENCRYPTION_KEYS"), "{message}");

    let response = get_as(&app, &counsellor, &format!("/v1/persons/{id}/diagnostic")).await;
    assert_eq!(response.status().as_u16(), 500, "an error, not a made-up value");
    let body = response.text().await.expect("body");
    assert!(!body.contains("housing") && !body.contains("sealed"), "{body}");
    let history = get_as(&app, &counsellor, &format!("/v1/persons/{id}/history")).await;
    assert_eq!(history.status().as_u16(), 500);

    let refused = Services::new(app.store.clone(), &config_with_kek(&app, NEW_KEK, &[])).err().map(|e| e.to_string());
    assert!(refused.unwrap_or_default().contains("is sealed under the key-encryption key"), "the start stops");
}

/// What the person answered in the breach's contradictory exchange: no raw row may hold it.
const ANSWER: &str = "J'étais hospitalisée, voici le bulletin de sortie.";

/// The breaches' records and their versions, as anyone reading the database sees them.
async fn raw_breach_rows(app: &TestApp) -> Vec<String> {
    raw_texts(
        app,
        ["SELECT record AS text FROM breaches", "SELECT changes AS text FROM history WHERE resource_type = 'breach'"],
    )
    .await
}

/// Asserts that no breach row holds a statement in clear and that each sealed statement names
/// `kek_id`; answers how many sealed statements there are.
fn assert_breach_words_sealed_under(rows: &[String], kek_id: &str) -> usize {
    let observed = breach_of(&json!({"id": "x"}), 0)["statement"].as_str().expect("statement").to_owned();
    let mut sealed = 0;
    for row in rows {
        for clear in [observed.as_str(), ANSWER] {
            assert!(!row.contains(clear), "{clear} in clear in {row}");
        }
        let document: Value = serde_json::from_str(row).expect("JSON");
        for pointer in ["/statement", "/notice/statement", "/answer/statement"] {
            if let Some(value) = document.pointer(pointer) {
                assert_eq!(value["kek_id"], kek_id, "sealed under the KEK named: {row}");
                sealed += 1;
            }
        }
    }
    sealed
}

async fn a_breach_s_words_are_sealed_and_rewrap_reseals_them(app: TestApp) {
    let ft = app.register(FranceTravail, SANCTIONS_SCOPES).await;
    let ml = app.register(MissionLocale, SANCTIONS_SCOPES).await;
    let (dossier, contract_path) = bound_person(&app, &ft, &ml, "Scellement", false).await;
    let contract = json(get_as(&app, &ml, &contract_path).await).await;
    let recorded = post_as(&app, &ml, &format!("{dossier}/breaches"), &breach_of(&contract, 0)).await;
    assert_eq!(recorded.status().as_u16(), 201);
    let path = crate::helpers::header(&recorded, "location").expect("Location");
    let notice = json!({"notice": {"sent_on": days_ago(0), "answer_by": Utc::now().date_naive().checked_add_days(Days::new(15)),
        "statement": "Vous pouvez présenter vos observations sous quinze jours."}});
    assert_eq!(app.patch_as(&ft.token, &path, Some("\"1\""), &notice).await.status().as_u16(), 200);
    let answer = json!({"answer": {"received_on": days_ago(0), "statement": ANSWER}});
    assert_eq!(app.patch_as(&ml.token, &path, Some("\"2\""), &answer).await.status().as_u16(), 200);

    // Each statement in the row and in the version that wrote it: 3 in the row, 1 per version.
    let development = kek(DEVELOPMENT_KEY_ENCRYPTION_KEY);
    assert_eq!(assert_breach_words_sealed_under(&raw_breach_rows(&app).await, development.current_id()), 6);
    let read = json(get_as(&app, &ml, &path).await).await;
    assert_eq!(read["answer"]["statement"], ANSWER, "opened for dossier.sanctions:read");
    assert_eq!(read["statement"], breach_of(&contract, 0)["statement"]);

    // A KEK rotation: rewrap seals the breach's words anew, and they still read.
    Services::new(app.store.clone(), &config_with_kek(&app, NEW_KEK, &[DEVELOPMENT_KEY_ENCRYPTION_KEY]))
        .expect("start");
    // The breach's row and three versions, and the person's RQTH (`false`) in its row and first version.
    assert_eq!(app.store.run(sensitive::reseal_all).await.expect("rewrap"), 4 + 2, "the row and three versions");
    assert_eq!(app.store.run(sensitive::reseal_all).await.expect("rewrap again"), 0, "nothing left to do");
    let new_id = kek(NEW_KEK).current_id().to_owned();
    assert_eq!(assert_breach_words_sealed_under(&raw_breach_rows(&app).await, &new_id), 6);
    app.store.install_key_encryption(Arc::new(kek(NEW_KEK)));
    let token = person_token(&app, &ft, dossier.trim_start_matches("/v1/persons/")).await;
    let mine = json(app.client.get(app.url("/v1/me")).bearer_auth(&token).send().await.expect("GET /v1/me")).await;
    assert_eq!(mine["breaches"][0]["answer"]["statement"], ANSWER, "the person reads their own");
    let versions =
        mine["history"].as_array().expect("history").iter().find(|h| h["resource_type"] == "breach").cloned();
    let versions = versions.expect("the breach's history")["versions"].clone();
    assert_eq!(versions[2]["changes"]["answer"]["statement"], ANSWER, "the version opened too");
}
