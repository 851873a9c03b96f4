//! The external issuer mode: tokens of an identity provider run by the test itself (a small
//! actix-web server publishing a JWK Set of ES256 keys), accepted beside our own tokens.
//!
//! Each scenario starts its own identity provider and app, on SQLite and on PostgreSQL.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::ecdsa::SigningKey;
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use plateforme_auth::external::ExternalIssuerConfig;
use plateforme_server::config::Config;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, header, json, organization, siret};

/// Distinct from the app's own issuer (its address), as the configuration requires.
const ISSUER: &str = "https://idp.example/realms/reseau";
const AUDIENCE: &str = "plateforme-api";
/// The client claim of the tokens; the platform knows the caller as `ext:` + this.
const CLIENT: &str = "espace-partenaires";

/// Like `on_both_backends!`, with an identity provider started before the app, whose JWKS
/// URL the app's configuration names, handed to the test beside the app.
macro_rules! with_identity_provider {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                let idp = super::IdentityProvider::start();
                let app = crate::helpers::TestApp::sqlite_with(idp.config()).await;
                super::$name(app, idp).await;
            }

            #[actix_web::test]
            async fn postgres() {
                let idp = super::IdentityProvider::start();
                if let Some(app) = crate::helpers::TestApp::postgres_with(idp.config()).await {
                    super::$name(app, idp).await;
                }
            }
        }
    )*};
}

with_identity_provider!(
    an_external_token_acts_for_its_organization,
    a_token_without_the_scope_is_forbidden,
    a_token_for_another_audience_is_refused,
    expired_and_premature_tokens_are_refused,
    a_key_published_after_the_first_fetch_is_accepted,
    unpublished_keys_are_refused_without_hammering_the_issuer,
    a_token_of_an_unregistered_organization_is_refused,
    unsigned_and_forged_tokens_are_refused,
    our_own_tokens_keep_working,
    an_unreachable_issuer_refuses_only_its_tokens,
);

/// A signing key of the identity provider.
struct TestKey {
    kid: String,
    encoding: EncodingKey,
    /// Its public JWK, as a JWKS endpoint serves it.
    jwk: Value,
}

impl TestKey {
    fn generate(kid: &str) -> TestKey {
        let key = SigningKey::random(&mut rand_core::OsRng);
        let pem = key.to_pkcs8_pem(LineEnding::LF).expect("PKCS#8 encoding");
        let encoding = EncodingKey::from_ec_pem(pem.as_bytes()).expect("an ES256 key");
        let point = key.verifying_key().to_encoded_point(false);
        let (x, y) = (point.x().expect("x"), point.y().expect("y"));
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y),
        });
        TestKey { kid: kid.to_owned(), encoding, jwk }
    }

    /// The claims signed ES256 under this key's `kid`, with the `typ` identity providers use
    /// (the external mode does not require RFC 9068's `at+jwt`).
    fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("JWT".into());
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("sign")
    }
}

/// What the JWKS endpoint serves, and how often it was asked.
#[derive(Default)]
struct Published {
    keys: Mutex<Vec<Value>>,
    fetches: AtomicUsize,
}

struct IdentityProvider {
    jwks_url: String,
    published: Arc<Published>,
    server: ServerHandle,
    /// The key published from the start.
    key: TestKey,
}

impl IdentityProvider {
    /// Serves the JWK Set on a free port, in the test's runtime.
    fn start() -> IdentityProvider {
        let key = TestKey::generate("idp-key-1");
        let published = Arc::new(Published::default());
        published.keys.lock().expect("keys").push(key.jwk.clone());
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let jwks_url = format!("http://{}/jwks.json", listener.local_addr().expect("local address"));
        let data = web::Data::from(published.clone());
        let server =
            HttpServer::new(move || App::new().app_data(data.clone()).route("/jwks.json", web::get().to(jwks)))
                .workers(1)
                .listen(listener)
                .expect("listen")
                .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        IdentityProvider { jwks_url, published, server: handle, key }
    }

    fn config(&self) -> Config {
        let external = ExternalIssuerConfig::new(ISSUER, AUDIENCE, self.jwks_url.clone());
        Config { external_issuer: Some(external), ..Config::default() }
    }

    fn publish(&self, key: &TestKey) {
        self.published.keys.lock().expect("keys").push(key.jwk.clone());
    }

    fn fetches(&self) -> usize {
        self.published.fetches.load(Ordering::SeqCst)
    }

    /// Valid claims for a client of the organization named by `organization` (a SIRET or an id).
    fn claims(organization: &str, scope: &str) -> Value {
        let now = chrono::Utc::now().timestamp();
        json!({
            "iss": ISSUER, "aud": AUDIENCE, "sub": "service-account-espace-partenaires", "client_id": CLIENT,
            "iat": now, "nbf": now, "exp": now + 300, "jti": uuid::Uuid::now_v7().to_string(),
            "organization_siret": organization, "scope": scope,
        })
    }
}

async fn jwks(published: web::Data<Published>) -> HttpResponse {
    published.fetches.fetch_add(1, Ordering::SeqCst);
    let keys = published.keys.lock().expect("keys").clone();
    HttpResponse::Ok().content_type("application/jwk-set+json").body(json!({"keys": keys}).to_string())
}

/// A département registered through the admin API; returns it.
async fn registered_departement(app: &TestApp, n: u64) -> Value {
    let mut body = organization(n);
    body["kind"] = json!("departement");
    body["name"] = json!(format!("Département n°{n}"));
    body["territory"] = json!({"regions": ["84"], "departements": ["69"]});
    let response = app.post_json("/v1/organizations", &body).await;
    assert_eq!(response.status().as_u16(), 201);
    json(response).await
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("{key} in {value}"))
}

async fn get_as(app: &TestApp, token: &str, path: &str) -> Response {
    app.client.get(app.url(path)).bearer_auth(token).send().await.expect("GET")
}

/// Asserts a 401 for a bad token, and that its detail says why.
async fn assert_refused(response: Response, because: &str) {
    let challenge = header(&response, "www-authenticate").unwrap_or_default();
    assert!(challenge.contains("invalid_token"), "{challenge}");
    let problem = assert_problem(response, 401, "unauthorized").await;
    let detail = text(&problem, "detail");
    assert!(detail.contains(because), "{detail:?} should say {because:?}");
}

async fn an_external_token_acts_for_its_organization(app: TestApp, idp: IdentityProvider) {
    let organization = registered_departement(&app, 1).await;
    let id = text(&organization, "id");
    let scope = "openid organizations:read organizations:write";
    let token = idp.key.sign(&IdentityProvider::claims(text(&organization, "siret"), scope));

    let listed = get_as(&app, &token, "/v1/organizations?kind=departement").await;
    assert_eq!(listed.status().as_u16(), 200);
    assert_eq!(json(listed).await["items"], json!([organization]));

    // The organization named by our id rather than its SIRET, scopes given as an array.
    let mut claims = IdentityProvider::claims(id, "");
    claims["scope"] = json!(["organizations:read", "organizations:write"]);
    let by_id = idp.key.sign(&claims);
    let read = get_as(&app, &by_id, &format!("/v1/organizations/{id}")).await;
    assert_eq!(read.status().as_u16(), 200);

    // Writes are the organization's, by the prefixed client, under the policy of its kind.
    let path = format!("/v1/organizations/{id}");
    let renamed = app.patch_as(&token, &path, Some("\"1\""), &json!({"name": "Département du Rhône"})).await;
    assert_eq!(renamed.status().as_u16(), 200);
    let history = json(get_as(&app, &token, &format!("{path}/history")).await).await;
    assert_eq!(history["items"][1]["actor"], format!("ext:{CLIENT}"));
    assert_eq!(history["items"][1]["actor_organization"], id);
    let admin = app.admin.as_ref().expect("admin client");
    let others = format!("/v1/organizations/{}", admin.organization_id);
    let refused = app.patch_as(&token, &others, Some("\"1\""), &json!({"name": "Taken over"})).await;
    assert_problem(refused, 403, "forbidden").await;
    assert_eq!(idp.fetches(), 1, "the JWK Set is fetched once and kept");
}

async fn a_token_without_the_scope_is_forbidden(app: TestApp, idp: IdentityProvider) {
    let organization = registered_departement(&app, 1).await;
    let siret = text(&organization, "siret");
    let token = idp.key.sign(&IdentityProvider::claims(siret, "openid offers:read organizations:readonly"));
    let problem = assert_problem(get_as(&app, &token, "/v1/organizations").await, 403, "forbidden").await;
    assert!(text(&problem, "detail").contains("organizations:read"), "{problem}");

    let mut claims = IdentityProvider::claims(siret, "");
    claims.as_object_mut().expect("claims").remove("scope");
    let no_scope = idp.key.sign(&claims);
    assert_problem(get_as(&app, &no_scope, "/v1/organizations").await, 403, "forbidden").await;
}

async fn a_token_for_another_audience_is_refused(app: TestApp, idp: IdentityProvider) {
    let organization = registered_departement(&app, 1).await;
    let mut claims = IdentityProvider::claims(text(&organization, "siret"), "organizations:read");
    claims["aud"] = json!("another-api");
    let token = idp.key.sign(&claims);
    assert_refused(get_as(&app, &token, "/v1/organizations").await, "audience").await;

    claims["aud"] = json!(["another-api", AUDIENCE]);
    let shared = idp.key.sign(&claims);
    assert_eq!(get_as(&app, &shared, "/v1/organizations").await.status().as_u16(), 200, "one of its audiences");
}

async fn expired_and_premature_tokens_are_refused(app: TestApp, idp: IdentityProvider) {
    let organization = registered_departement(&app, 1).await;
    let now = chrono::Utc::now().timestamp();
    let mut claims = IdentityProvider::claims(text(&organization, "siret"), "organizations:read");
    // Beyond the 30 s of tolerated clock skew.
    claims["iat"] = json!(now - 600);
    claims["nbf"] = json!(now - 600);
    claims["exp"] = json!(now - 60);
    assert_refused(get_as(&app, &idp.key.sign(&claims), "/v1/organizations").await, "expired").await;

    claims["nbf"] = json!(now + 600);
    claims["exp"] = json!(now + 900);
    assert_refused(get_as(&app, &idp.key.sign(&claims), "/v1/organizations").await, "not valid yet").await;

    claims.as_object_mut().expect("claims").remove("exp");
    claims["nbf"] = json!(now);
    assert_refused(get_as(&app, &idp.key.sign(&claims), "/v1/organizations").await, "exp").await;
}

async fn a_key_published_after_the_first_fetch_is_accepted(app: TestApp, idp: IdentityProvider) {
    let organization = registered_departement(&app, 1).await;
    let claims = IdentityProvider::claims(text(&organization, "siret"), "organizations:read");
    assert_eq!(get_as(&app, &idp.key.sign(&claims), "/v1/organizations").await.status().as_u16(), 200);
    assert_eq!(idp.fetches(), 1);

    // The provider rotates: its new key is not in the copy the platform holds.
    let rotated = TestKey::generate("idp-key-2");
    idp.publish(&rotated);
    assert_eq!(get_as(&app, &rotated.sign(&claims), "/v1/organizations").await.status().as_u16(), 200);
    assert_eq!(idp.fetches(), 2, "an unknown kid fetches the set again");
    assert_eq!(get_as(&app, &idp.key.sign(&claims), "/v1/organizations").await.status().as_u16(), 200);
    assert_eq!(get_as(&app, &rotated.sign(&claims), "/v1/organizations").await.status().as_u16(), 200);
    assert_eq!(idp.fetches(), 2, "both keys are now held");
}

async fn unpublished_keys_are_refused_without_hammering_the_issuer(app: TestApp, idp: IdentityProvider) {
    let organization = registered_departement(&app, 1).await;
    let claims = IdentityProvider::claims(text(&organization, "siret"), "organizations:read");
    assert_eq!(get_as(&app, &idp.key.sign(&claims), "/v1/organizations").await.status().as_u16(), 200);

    let stranger = TestKey::generate("stranger");
    assert_refused(get_as(&app, &stranger.sign(&claims), "/v1/organizations").await, "not published").await;
    assert_eq!(idp.fetches(), 2, "the unknown kid fetched the set again, in vain");

    // A flood of made-up kids costs the provider nothing more: one refetch per 10 s at most.
    for n in 0..20 {
        let bogus = TestKey::generate(&format!("bogus-{n}"));
        assert_refused(get_as(&app, &bogus.sign(&claims), "/v1/organizations").await, "not published").await;
    }
    assert_eq!(idp.fetches(), 2);
    // Which also means a key published meanwhile waits for the next allowed refetch.
    let rotated = TestKey::generate("idp-key-2");
    idp.publish(&rotated);
    assert_refused(get_as(&app, &rotated.sign(&claims), "/v1/organizations").await, "not published").await;
    assert_eq!(idp.fetches(), 2);
    assert_eq!(get_as(&app, &idp.key.sign(&claims), "/v1/organizations").await.status().as_u16(), 200);
}

async fn a_token_of_an_unregistered_organization_is_refused(app: TestApp, idp: IdentityProvider) {
    registered_departement(&app, 1).await;
    let unknown = siret(2);
    let token = idp.key.sign(&IdentityProvider::claims(&unknown, "organizations:read"));
    assert_refused(get_as(&app, &token, "/v1/organizations").await, "not registered on the platform").await;
    let unknown_id = uuid::Uuid::now_v7().to_string();
    let token = idp.key.sign(&IdentityProvider::claims(&unknown_id, "organizations:read"));
    assert_refused(get_as(&app, &token, "/v1/organizations").await, "not registered on the platform").await;
    let token = idp.key.sign(&IdentityProvider::claims("ACME", "organizations:read"));
    assert_refused(get_as(&app, &token, "/v1/organizations").await, "neither a SIRET").await;

    let mut claims = IdentityProvider::claims("", "organizations:read");
    claims.as_object_mut().expect("claims").remove("organization_siret");
    assert_refused(get_as(&app, &idp.key.sign(&claims), "/v1/organizations").await, "organization_siret").await;
}

async fn unsigned_and_forged_tokens_are_refused(app: TestApp, idp: IdentityProvider) {
    let organization = registered_departement(&app, 1).await;
    let claims = IdentityProvider::claims(text(&organization, "siret"), "organizations:read");
    let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());

    let unsigned = format!("{}.{}.", encode(&json!({"alg": "none", "kid": idp.key.kid})), encode(&claims));
    assert_refused(get_as(&app, &unsigned, "/v1/organizations").await, "algorithm none is not accepted").await;

    // HS256 "signed" with the public key, hoping it is taken for a shared secret.
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(idp.key.kid.clone());
    let secret = EncodingKey::from_secret(idp.key.jwk.to_string().as_bytes());
    let confused = jsonwebtoken::encode(&header, &claims, &secret).expect("sign");
    assert_refused(get_as(&app, &confused, "/v1/organizations").await, "HS256 is not accepted").await;

    // Another key under the published kid, even offering itself in the header.
    let forger = TestKey::generate(&idp.key.kid);
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(idp.key.kid.clone());
    header.jwk = Some(serde_json::from_value(forger.jwk.clone()).expect("a JWK"));
    let forged = jsonwebtoken::encode(&header, &claims, &forger.encoding).expect("sign");
    assert_refused(get_as(&app, &forged, "/v1/organizations").await, "signature does not verify").await;

    let mut no_kid = Header::new(Algorithm::ES256);
    no_kid.typ = Some("JWT".into());
    let anonymous = jsonwebtoken::encode(&no_kid, &claims, &idp.key.encoding).expect("sign");
    assert_refused(get_as(&app, &anonymous, "/v1/organizations").await, "no kid").await;

    assert_eq!(get_as(&app, &idp.key.sign(&claims), "/v1/organizations").await.status().as_u16(), 200);
}

async fn our_own_tokens_keep_working(app: TestApp, idp: IdentityProvider) {
    let organization = registered_departement(&app, 1).await;
    let external = idp.key.sign(&IdentityProvider::claims(text(&organization, "siret"), "organizations:read"));
    assert_eq!(app.get("/v1/organizations").await.status().as_u16(), 200);
    assert_eq!(get_as(&app, &external, "/v1/organizations").await.status().as_u16(), 200);
    assert_eq!(app.get("/v1/organizations").await.status().as_u16(), 200);

    // A token claiming our issuer is judged as ours, whatever key signed it.
    let mut claims = IdentityProvider::claims(text(&organization, "siret"), "organizations:read");
    claims["iss"] = json!(app.address);
    let impostor = idp.key.sign(&claims);
    assert_problem(get_as(&app, &impostor, "/v1/organizations").await, 401, "unauthorized").await;
    assert_eq!(idp.fetches(), 1, "only the external token needed the provider's keys");
}

async fn an_unreachable_issuer_refuses_only_its_tokens(app: TestApp, idp: IdentityProvider) {
    let organization = registered_departement(&app, 1).await;
    idp.server.stop(false).await;
    let token = idp.key.sign(&IdentityProvider::claims(text(&organization, "siret"), "organizations:read"));
    // The token may be fine: the platform cannot check it now, so 503 (retry), not 401.
    let unavailable = get_as(&app, &token, "/v1/organizations").await;
    assert!(header(&unavailable, "retry-after").is_some());
    let problem = assert_problem(unavailable, 503, "service_unavailable").await;
    assert!(text(&problem, "detail").contains("could not be fetched"), "{problem}");
    assert_eq!(app.get("/v1/organizations").await.status().as_u16(), 200, "our own tokens do not need it");
}
