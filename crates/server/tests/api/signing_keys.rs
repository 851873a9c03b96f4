//! Signing keys at rest (issue 20, defect 4): sealed under the key-encryption key (KEK), the
//! KEK rotates without refusing a token, a wrong KEK stops the start, retired keys go once
//! their tokens have expired, and a token has one valid signature (low S).

use std::process::Output;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use plateforme_auth::key_encryption::KeyEncryption;
use plateforme_auth::keys::{self, Reseal};
use plateforme_auth::tokens::{self, TokenSettings, Verified};
use plateforme_model::person::PersonRecord;
use plateforme_server::app::Services;
use plateforme_server::config::{Config, DEVELOPMENT_KEY_ENCRYPTION_KEY, Secret};
use plateforme_store::access::signing_keys::{self, SigningKeyRecord};
use plateforme_store::dossier::persons;
use plateforme_store::{Actor, Store, StoreOptions, WriteContext, write};

use crate::cli::plateforme;
use crate::helpers::{TestApp, assert_problem};
use crate::{on_both_backends, on_both_databases};

on_both_backends!(
    the_database_holds_no_private_key_in_clear,
    a_key_stored_in_clear_is_sealed_on_start_and_keeps_its_tokens,
    a_token_signed_before_a_kek_rotation_verifies_after_rewrap,
    a_server_with_the_wrong_kek_does_not_start_nor_replace_the_keys,
    retired_keys_are_deleted_once_their_tokens_have_expired,
    a_high_s_signature_is_refused,
);

const NEW_KEK: &str = "the operator's new key-encryption key, 32+ bytes";

fn development_kek() -> KeyEncryption {
    Config::default().key_encryption().expect("the development KEK")
}

fn config_with_kek(app: &TestApp, current: &str, previous: &[&str]) -> Config {
    Config {
        key_encryption_key: Some(Secret(current.to_owned())),
        previous_key_encryption_keys: previous.iter().map(|key| Secret((*key).to_owned())).collect(),
        search_index_dir: app.search_folder(),
        ..Config::default()
    }
}

async fn stored_keys(app: &TestApp) -> Vec<SigningKeyRecord> {
    app.store.run(signing_keys::all).await.expect("the stored keys")
}

/// Verifies a token of this app with the keys a new server on its database opens.
fn verify_with(app: &TestApp, services: &Services, token: &str) -> Result<Verified, tokens::TokenError> {
    let settings = TokenSettings {
        issuer: app.address.clone(),
        audience: "plateforme".into(),
        lifetime: chrono::Duration::minutes(10),
    };
    tokens::verify(&services.auth.keys, &settings, token)
}

async fn the_database_holds_no_private_key_in_clear(app: TestApp) {
    let rotated = app.client.post(app.url("/v1/admin/keys/rotate")).bearer_auth(&app.token).send().await.expect("POST");
    assert_eq!(rotated.status().as_u16(), 200);
    let stored = stored_keys(&app).await;
    assert_eq!(stored.len(), 2, "the first key and the rotated one");
    let kek = development_kek();
    for key in &stored {
        assert_eq!(key.kek_id.as_deref(), Some(kek.current_id()), "{} names its KEK", key.kid);
        assert!(!key.private_key.contains("PRIVATE KEY"), "{} is not a PEM", key.kid);
        let bytes = STANDARD.decode(&key.private_key).expect("the sealed key is base64");
        assert!(!String::from_utf8_lossy(&bytes).contains("PRIVATE KEY"), "{} is sealed", key.kid);
        assert!(jsonwebtoken::EncodingKey::from_ec_pem(key.private_key.as_bytes()).is_err());
        let pem = keys::open_private_key(&kek, key).expect("the key opens under its KEK");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    }
}

async fn a_key_stored_in_clear_is_sealed_on_start_and_keeps_its_tokens(app: TestApp) {
    let [active] = stored_keys(&app).await.try_into().expect("one key");
    let pem = keys::open_private_key(&development_kek(), &active).expect("opens");
    let kid = active.kid.clone();
    let clear = pem.clone();
    app.store
        .run(move |conn| signing_keys::replace_private_key(conn, &kid, &clear, None))
        .await
        .expect("a row as written before sealing");

    let restarted = Services::new(app.store.clone(), &config_with_kek(&app, NEW_KEK, &[])).expect("a start seals it");
    let [sealed] = stored_keys(&app).await.try_into().expect("still one key");
    assert_eq!(sealed.kid, active.kid, "the same key, not a new one");
    assert!(!sealed.private_key.contains("PRIVATE KEY"));
    let kek = KeyEncryption::new(NEW_KEK.as_bytes(), &[]).expect("KEK");
    assert_eq!(sealed.kek_id.as_deref(), Some(kek.current_id()), "sealed under the configured KEK");
    assert_eq!(keys::open_private_key(&kek, &sealed).expect("opens"), pem);
    assert!(matches!(verify_with(&app, &restarted, &app.token), Ok(Verified::Client(_))));
}

async fn a_token_signed_before_a_kek_rotation_verifies_after_rewrap(app: TestApp) {
    let before = app.token.clone();
    let rotating = config_with_kek(&app, NEW_KEK, &[DEVELOPMENT_KEY_ENCRYPTION_KEY]);
    Services::new(app.store.clone(), &rotating).expect("the former KEK still opens the keys");
    let encryption = rotating.key_encryption().expect("KEK");
    let new_id = encryption.current_id().to_owned();
    let resealed =
        app.store.run(move |conn| keys::reseal(conn, &encryption, Reseal::NotUnderCurrent)).await.expect("rewrap");
    assert_eq!(resealed, 1);
    assert!(stored_keys(&app).await.iter().all(|key| key.kek_id.as_deref() == Some(new_id.as_str())));

    let after = Services::new(app.store.clone(), &config_with_kek(&app, NEW_KEK, &[])).expect("the new KEK alone");
    assert!(matches!(verify_with(&app, &after, &before), Ok(Verified::Client(_))));
    let former = Services::new(app.store.clone(), &Config::default()).err().map(|e| e.to_string());
    assert!(former.as_deref().unwrap_or("").contains(&new_id), "{former:?}");
}

async fn a_server_with_the_wrong_kek_does_not_start_nor_replace_the_keys(app: TestApp) {
    let before = stored_keys(&app).await;
    let refused = Services::new(app.store.clone(), &config_with_kek(&app, NEW_KEK, &[])).err().map(|e| e.to_string());
    let message = refused.unwrap_or_default();
    assert!(message.contains("is sealed under the key-encryption key"), "{message}");
    assert!(message.contains("PLATEFORME_KEY_ENCRYPTION_KEY"), "{message}");
    assert_eq!(stored_keys(&app).await, before, "nothing created, nothing sealed anew");
}

async fn retired_keys_are_deleted_once_their_tokens_have_expired(app: TestApp) {
    let now = chrono::Utc::now();
    let retired = |kek: &KeyEncryption, age: chrono::Duration| {
        let mut key = keys::generate(kek).expect("a key");
        key.created_at = now - age - chrono::Duration::days(1);
        key.retired_at = Some(now - age);
        key
    };
    // The default token lifetime is ten minutes: a token signed just before the retirement
    // of the first key may still be valid, none signed by the second is. The second was sealed
    // under a KEK dropped since: being deleted first, it does not stop the start.
    let dropped = KeyEncryption::new(NEW_KEK.as_bytes(), &[]).expect("KEK");
    let recent = retired(&development_kek(), chrono::Duration::minutes(5));
    let expired = retired(&dropped, chrono::Duration::hours(1));
    let (recent_kid, expired_kid) = (recent.kid.clone(), expired.kid.clone());
    app.store
        .run(move |conn| {
            signing_keys::insert(conn, &recent)?;
            signing_keys::insert(conn, &expired)
        })
        .await
        .expect("two retired keys");

    let config = Config { search_index_dir: app.search_folder(), ..Config::default() };
    Services::new(app.store.clone(), &config).expect("start");
    let kids: Vec<String> = stored_keys(&app).await.into_iter().map(|key| key.kid).collect();
    assert!(kids.contains(&recent_kid), "still published: {kids:?}");
    assert!(!kids.contains(&expired_kid), "deleted: {kids:?}");
    assert_eq!(kids.len(), 2, "the active key and the recent one");
}

/// The order of P-256, big-endian.
const P256_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa,
    0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// The same token with its signature (r, s) made (r, n - s): as valid to plain ECDSA.
fn with_high_s(token: &str) -> String {
    let (signed, signature) = token.rsplit_once('.').expect("a signature");
    let mut signature = URL_SAFE_NO_PAD.decode(signature).expect("base64");
    let s = &mut signature[32..];
    let mut borrow = 0i16;
    for (digit, order) in s.iter_mut().rev().zip(P256_ORDER.iter().rev()) {
        let difference = i16::from(*order) - i16::from(*digit) - borrow;
        borrow = i16::from(difference < 0);
        *digit = difference.rem_euclid(256) as u8;
    }
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature))
}

async fn a_high_s_signature_is_refused(app: TestApp) {
    let high = with_high_s(&app.token);
    assert_ne!(high, app.token);
    let flipped = p256::ecdsa::Signature::from_slice(
        &URL_SAFE_NO_PAD.decode(high.rsplit_once('.').expect("signature").1).expect("base64"),
    )
    .expect("still a signature");
    assert!(flipped.normalize_s().is_some(), "the server signed in the low-S form, so n - s is high");

    let refused = app.client.get(app.url("/v1/organizations")).bearer_auth(&high).send().await.expect("GET");
    let problem = assert_problem(refused, 401, "unauthorized").await;
    assert!(problem["detail"].as_str().unwrap_or("").contains("low-S"), "{problem}");
    let original = app.client.get(app.url("/v1/organizations")).bearer_auth(&app.token).send().await.expect("GET");
    assert_eq!(original.status().as_u16(), 200, "the low-S form still works");
}

// The command line: production needs a KEK, and `keys rewrap` moves every key to the new one.

fn output_of(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn an_operator_rotates_the_kek(database_url: &str) {
    const FIRST: &str = "the first key-encryption key of 32+ bytes";
    let production =
        [("PLATEFORME_PROFILE", "production"), ("PLATEFORME_NIR_HASH_KEY", "a NIR hash key of at least 32 bytes")];
    let refused = plateforme(database_url, &["migrate"], &production);
    assert!(!refused.status.success());
    assert!(output_of(&refused).contains("PLATEFORME_KEY_ENCRYPTION_KEY"), "{}", output_of(&refused));

    let first = [("PLATEFORME_KEY_ENCRYPTION_KEY", FIRST)];
    for _ in 0..2 {
        let rotated = plateforme(database_url, &["keys", "rotate"], &first);
        assert!(rotated.status.success(), "{}", output_of(&rotated));
    }
    let person = a_person_with_rqth(database_url, FIRST);
    let rotating = [("PLATEFORME_KEY_ENCRYPTION_KEY", NEW_KEK), ("PLATEFORME_PREVIOUS_KEY_ENCRYPTION_KEYS", FIRST)];
    let rewrapped = plateforme(database_url, &["keys", "rewrap"], &rotating);
    assert!(rewrapped.status.success(), "{}", output_of(&rewrapped));
    // The person's row and its first version.
    let expected = "2 signing keys and 2 sensitive values sealed anew";
    assert!(output_of(&rewrapped).starts_with(expected), "{}", output_of(&rewrapped));

    let former = plateforme(database_url, &["keys", "rewrap"], &first);
    assert!(!former.status.success(), "the former KEK alone no longer opens the keys");
    assert!(output_of(&former).contains("is sealed under the key-encryption key"), "{}", output_of(&former));
    let again = plateforme(database_url, &["keys", "rewrap"], &[("PLATEFORME_KEY_ENCRYPTION_KEY", NEW_KEK)]);
    assert!(output_of(&again).starts_with("0 signing keys and 0 sensitive"), "{}", output_of(&again));
    let reread = store_under(database_url, NEW_KEK).run_blocking(|conn| persons::find(conn, person));
    assert!(reread.expect("the new KEK alone opens the person").expect("the person").record.statuses.rqth);
}

/// The store of the command line's database, sealing under `kek`.
fn store_under(database_url: &str, kek: &str) -> Store {
    let store = Store::connect(database_url, &StoreOptions::default()).expect("the database");
    store.install_key_encryption(Arc::new(KeyEncryption::new(kek.as_bytes(), &[]).expect("KEK")));
    store
}

/// A person recognised as a disabled worker (RQTH), written under `kek`; answers their id.
fn a_person_with_rqth(database_url: &str, kek: &str) -> uuid::Uuid {
    let record = serde_json::json!({
        "identity": {"family_name": "Rewrap", "given_names": "Léa", "birth_date": "1990-03-14", "birth_commune": "69123"},
        "contact": {},
        "statuses": {"rsa_beneficiary": false, "rqth": true},
        "registration": {"registered_on": "2026-11-02", "channel": "counter", "registered_by": uuid::Uuid::now_v7()},
        "orientation": null,
        "provenance": {}
    });
    let record: PersonRecord = serde_json::from_value(record).expect("a person record");
    let context = WriteContext::of(Actor { client_id: "test".into(), organization_id: None });
    let store = store_under(database_url, kek);
    store.migrate().expect("migrate");
    let created =
        store.run_blocking(|conn| write::transaction(conn, |conn| persons::create(conn, &context, record, None)));
    created.expect("a person").id
}

on_both_databases!(an_operator_rotates_the_kek);
