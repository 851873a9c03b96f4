//! The token endpoint and bearer token checks: every way a credential or a token can be wrong.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use plateforme_model::organization::OrganizationKind;
use plateforme_server::config::Config;
use plateforme_store::access::signing_keys;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::on_both_backends;

on_both_backends!(
    the_token_endpoint_refuses_bad_credentials_per_rfc_6749,
    scopes_beyond_the_allowed_ones_are_left_out,
    a_disabled_client_gets_no_token,
    bad_tokens_are_refused_with_401,
    a_missing_scope_is_named_in_a_403,
    a_key_rotation_keeps_old_tokens_valid_until_they_expire,
    discovery_documents_describe_the_server,
);

async fn token_request(app: &TestApp, basic: Option<(&str, &str)>, form: &[(&str, &str)]) -> Response {
    let mut request = app.client.post(app.url("/oauth/token")).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    request.send().await.expect("POST /oauth/token")
}

async fn assert_oauth_error(response: Response, status: u16, error: &str) -> Value {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(header(&response, "content-type").as_deref(), Some("application/json"));
    assert_eq!(header(&response, "cache-control").as_deref(), Some("no-store"));
    if status == 401 {
        assert!(header(&response, "www-authenticate").is_some_and(|h| h.starts_with("Basic")));
    }
    let body = json(response).await;
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"].as_str().is_some_and(|d| !d.is_empty()));
    body
}

async fn reader(app: &TestApp) -> TestClient {
    app.register(OrganizationKind::MissionLocale, &["organizations:read"]).await
}

async fn the_token_endpoint_refuses_bad_credentials_per_rfc_6749(app: TestApp) {
    let client = reader(&app).await;
    let grant = [("grant_type", "client_credentials")];
    let id = client.client_id.as_str();

    let wrong_secret = token_request(&app, Some((id, "wrong")), &grant).await;
    assert_oauth_error(wrong_secret, 401, "invalid_client").await;
    let unknown = token_request(&app, Some(("nobody", "secret")), &grant).await;
    assert_oauth_error(unknown, 401, "invalid_client").await;
    let anonymous = token_request(&app, None, &grant).await;
    assert_oauth_error(anonymous, 401, "invalid_client").await;

    let posted = [("grant_type", "client_credentials"), ("client_id", id), ("client_secret", client.secret.as_str())];
    let post = token_request(&app, None, &posted).await;
    assert_eq!(post.status().as_u16(), 200, "client_secret_post works");
    let both = token_request(&app, Some((id, client.secret.as_str())), &posted).await;
    assert_oauth_error(both, 400, "invalid_request").await;

    let secret = client.secret.as_str();
    let password = token_request(&app, Some((id, secret)), &[("grant_type", "password")]).await;
    assert_oauth_error(password, 400, "unsupported_grant_type").await;
    let missing = token_request(&app, Some((id, secret)), &[("scope", "organizations:read")]).await;
    assert_oauth_error(missing, 400, "invalid_request").await;
    let twice = token_request(&app, Some((id, secret)), &[grant[0], grant[0]]).await;
    assert_oauth_error(twice, 400, "invalid_request").await;
    let as_json = app
        .client
        .post(app.url("/oauth/token"))
        .basic_auth(id, Some(secret))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .expect("POST");
    assert_oauth_error(as_json, 400, "invalid_request").await;

    let issued = json(token_request(&app, Some((id, secret)), &grant).await).await;
    assert_eq!(issued["token_type"], "Bearer");
    assert_eq!(issued["expires_in"], 600);
    assert_eq!(issued["scope"], "organizations:read");
}

async fn scopes_beyond_the_allowed_ones_are_left_out(app: TestApp) {
    let client = app.register(OrganizationKind::MissionLocale, &["organizations:read", "offers:read"]).await;
    let basic = Some((client.client_id.as_str(), client.secret.as_str()));
    let asked = [("grant_type", "client_credentials"), ("scope", "admin organizations:read dossier:read")];
    let partial = json(token_request(&app, basic, &asked).await).await;
    assert_eq!(partial["scope"], "organizations:read", "only the allowed subset is granted");
    let claims = claims_of(partial["access_token"].as_str().expect("token"));
    assert_eq!(claims["scope"], "organizations:read");
    assert_eq!(claims["organization_kind"], "mission_locale");
    assert_eq!(claims["organization_id"], client.organization_id.to_string());
    assert_eq!(claims["client_id"], client.client_id.as_str());

    let nothing = token_request(&app, basic, &[("grant_type", "client_credentials"), ("scope", "admin")]).await;
    assert_oauth_error(nothing, 400, "invalid_scope").await;

    let all = json(token_request(&app, basic, &[("grant_type", "client_credentials")]).await).await;
    assert_eq!(all["scope"], "organizations:read offers:read");
}

async fn a_disabled_client_gets_no_token(app: TestApp) {
    let client = reader(&app).await;
    let path = format!("/v1/admin/clients/{}/disable", client.client_id);
    let disabled = app.client.post(app.url(&path)).bearer_auth(&app.token).send().await.expect("POST");
    assert_eq!(disabled.status().as_u16(), 200);
    assert_eq!(json(disabled).await["enabled"], false);
    let refused =
        token_request(&app, Some((&client.client_id, &client.secret)), &[("grant_type", "client_credentials")]).await;
    let body = assert_oauth_error(refused, 401, "invalid_client").await;
    assert!(body["error_description"].as_str().unwrap_or("").contains("disabled"));
}

/// Claims of a token signed by the server's active key, to alter one at a time.
fn valid_claims(app: &TestApp, client: &TestClient) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "iss": app.address, "sub": client.client_id, "aud": "plateforme", "exp": now + 300, "iat": now, "nbf": now,
        "jti": uuid::Uuid::now_v7().to_string(), "client_id": client.client_id, "scope": "organizations:read",
        "organization_id": client.organization_id, "organization_kind": "mission_locale", "territory": {}
    })
}

/// The server's active key, opened with the development key-encryption key (the tests' own).
pub async fn server_key(app: &TestApp) -> (String, EncodingKey) {
    let since = chrono::Utc::now() - chrono::Duration::days(1);
    let keys = app.store.run(move |conn| signing_keys::published(conn, since)).await.expect("keys");
    let key = keys.into_iter().find(|key| key.retired_at.is_none()).expect("an active key");
    let encryption = Config::default().key_encryption().expect("the development KEK");
    let pem = plateforme_auth::keys::open_private_key(&encryption, &key).expect("the key opens");
    (key.kid, EncodingKey::from_ec_pem(pem.as_bytes()).expect("key"))
}

/// Signs as the server does: in the low-S form, the only one it accepts.
fn sign(kid: &str, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.typ = Some("at+jwt".into());
    header.kid = Some(kid.to_owned());
    let token = jsonwebtoken::encode(&header, claims, key).expect("sign");
    let (signed, signature) = token.rsplit_once('.').expect("a signature");
    let signature = URL_SAFE_NO_PAD.decode(signature).expect("base64");
    let signature = p256::ecdsa::Signature::from_slice(&signature).expect("an ES256 signature");
    let low = signature.normalize_s().unwrap_or(signature);
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(low.to_bytes()))
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("json")
}

async fn read_with(app: &TestApp, token: &str) -> Response {
    app.client.get(app.url("/v1/organizations")).bearer_auth(token).send().await.expect("GET")
}

async fn assert_refused(app: &TestApp, token: &str, why: &str) {
    let response = read_with(app, token).await;
    let challenge = header(&response, "www-authenticate").unwrap_or_default();
    let problem = assert_problem(response, 401, "unauthorized").await;
    assert!(challenge.contains("invalid_token"), "{why}: {challenge}");
    assert!(!problem["detail"].as_str().unwrap_or("").is_empty(), "{why}");
}

async fn bad_tokens_are_refused_with_401(app: TestApp) {
    let client = reader(&app).await;
    let (kid, key) = server_key(&app).await;
    let valid = valid_claims(&app, &client);
    assert_eq!(
        read_with(&app, &sign(&kid, &key, &valid)).await.status().as_u16(),
        200,
        "the forged-but-valid baseline"
    );

    let now = chrono::Utc::now().timestamp();
    let altered = |field: &str, value: Value| {
        let mut claims = valid.clone();
        claims[field] = value;
        claims
    };
    assert_refused(&app, &sign(&kid, &key, &altered("exp", json!(now - 3600))), "expired").await;
    assert_refused(&app, &sign(&kid, &key, &altered("nbf", json!(now + 3600))), "not yet valid").await;
    assert_refused(&app, &sign(&kid, &key, &altered("aud", json!("another-api"))), "wrong audience").await;
    assert_refused(&app, &sign(&kid, &key, &altered("iss", json!("https://evil.example"))), "wrong issuer").await;

    let token = sign(&kid, &key, &valid);
    let mut parts: Vec<&str> = token.split('.').collect();
    let forged_payload = URL_SAFE_NO_PAD.encode(altered("scope", json!("admin")).to_string());
    parts[1] = &forged_payload;
    assert_refused(&app, &parts.join("."), "bad signature").await;

    let none_header = URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "at+jwt", "kid": kid}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(valid.to_string());
    assert_refused(&app, &format!("{none_header}.{payload}."), "alg none").await;

    let stranger = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    let stranger_pem =
        p256::pkcs8::EncodePrivateKey::to_pkcs8_pem(&stranger, p256::pkcs8::LineEnding::LF).expect("pem");
    let stranger_key = EncodingKey::from_ec_pem(stranger_pem.as_bytes()).expect("key");
    assert_refused(&app, &sign("unknown-kid", &stranger_key, &valid), "unknown kid").await;
    assert_refused(&app, &sign(&kid, &stranger_key, &valid), "known kid, wrong key").await;

    let mut plain = Header::new(Algorithm::ES256);
    plain.kid = Some(kid.clone());
    assert_refused(&app, &jsonwebtoken::encode(&plain, &valid, &key).expect("sign"), "typ is not at+jwt").await;
    assert_refused(&app, "not.a.token", "garbage").await;

    let malformed =
        app.client.get(app.url("/v1/organizations")).header("authorization", "Bearer").send().await.expect("GET");
    assert_problem(malformed, 401, "unauthorized").await;
    let anonymous = app.client.get(app.url("/v1/organizations")).send().await.expect("GET");
    assert!(header(&anonymous, "www-authenticate").is_some());
    assert_problem(anonymous, 401, "unauthorized").await;
}

async fn a_missing_scope_is_named_in_a_403(app: TestApp) {
    let offers_only = app.register(OrganizationKind::Partner, &["offers:read"]).await;
    let response = read_with(&app, &offers_only.token).await;
    let challenge = header(&response, "www-authenticate").unwrap_or_default();
    assert!(challenge.contains("insufficient_scope") && challenge.contains("organizations:read"), "{challenge}");
    let problem = assert_problem(response, 403, "forbidden").await;
    assert!(problem["detail"].as_str().unwrap_or("").contains("organizations:read"), "{problem}");

    let clients =
        app.client.get(app.url("/v1/admin/clients")).bearer_auth(&offers_only.token).send().await.expect("GET");
    let problem = assert_problem(clients, 403, "forbidden").await;
    assert!(problem["detail"].as_str().unwrap_or("").contains("admin"));
}

async fn a_key_rotation_keeps_old_tokens_valid_until_they_expire(app: TestApp) {
    let client = reader(&app).await;
    let old_token = client.token.clone();
    let old_kid = kid_of(&old_token);

    let rotated = app.client.post(app.url("/v1/admin/keys/rotate")).bearer_auth(&app.token).send().await.expect("POST");
    assert_eq!(rotated.status().as_u16(), 200);
    let new_kid = json(rotated).await["kid"].as_str().expect("kid").to_owned();
    assert_ne!(new_kid, old_kid);

    let new_token = app.token_for(&client.client_id, &client.secret, None).await;
    assert_eq!(kid_of(&new_token), new_kid, "new tokens are signed by the new key");
    assert_eq!(read_with(&app, &old_token).await.status().as_u16(), 200, "old tokens stay valid until they expire");
    assert_eq!(read_with(&app, &new_token).await.status().as_u16(), 200);

    let jwks = json(app.get("/.well-known/jwks.json").await).await;
    let kids: Vec<&str> = jwks["keys"].as_array().expect("keys").iter().filter_map(|key| key["kid"].as_str()).collect();
    assert!(kids.contains(&old_kid.as_str()) && kids.contains(&new_kid.as_str()), "{kids:?}");
}

fn kid_of(token: &str) -> String {
    jsonwebtoken::decode_header(token).expect("header").kid.expect("kid")
}

async fn discovery_documents_describe_the_server(app: TestApp) {
    let metadata =
        json(app.client.get(app.url("/.well-known/oauth-authorization-server")).send().await.expect("GET")).await;
    assert_eq!(metadata["issuer"], app.address);
    assert_eq!(metadata["token_endpoint"], format!("{}/oauth/token", app.address));
    assert_eq!(
        metadata["grant_types_supported"],
        json!(["client_credentials", "urn:plateforme:params:oauth:grant-type:person-access-code"])
    );
    assert!(metadata["scopes_supported"].as_array().is_some_and(|s| s.contains(&json!("dossier.social:read"))));

    let jwks = json(app.client.get(app.url("/.well-known/jwks.json")).send().await.expect("GET")).await;
    let key = &jwks["keys"][0];
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str(), key["alg"].as_str()),
        (Some("EC"), Some("P-256"), Some("ES256"))
    );
    assert!(key.get("d").is_none(), "the private part is never published");
    assert_eq!(key["kid"].as_str(), Some(kid_of(&app.token).as_str()));
}
