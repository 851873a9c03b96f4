//! The test app: a fresh database, migrated, behind the real HTTP server.

use std::net::TcpListener;

use diesel::{Connection, PgConnection, RunQueryDsl};
use plateforme_auth::clients::{self, Registration};
use plateforme_model::codes::Siret;
use plateforme_model::organization::{OrganizationFields, OrganizationKind};
use plateforme_server::app;
use plateforme_server::config::Config;
use plateforme_store::indicators::vintages::{Published, Vintage};
use plateforme_store::{Actor, Store, StoreOptions, WriteContext, organizations, write};
use reqwest::{Client, Response};
use serde_json::Value;

/// Runs each named async test body on SQLite and on PostgreSQL.
///
/// Without `DATABASE_URL` the PostgreSQL variant says it was skipped; with
/// `REQUIRE_POSTGRES=1` (as CI sets) it fails instead.
/// `on_both_backends!(with CONFIG; tests…)` starts the server with that configuration
/// (an expression evaluated in each test; name items by absolute paths).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $crate::on_both_backends!(with plateforme_server::config::Config::default(); $($name),*);
    };
    (with $config:expr; $($name:ident),* $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::helpers::TestApp::sqlite_with($config).await).await;
            }

            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = $crate::helpers::TestApp::postgres_with($config).await {
                    super::$name(app).await;
                }
            }
        }
    )*};
}

/// Runs each named synchronous test body, `fn(database_url: &str)`, on a fresh SQLite and a
/// fresh PostgreSQL database (as [`on_both_backends!`] does for the app), for what drives the
/// command line rather than the HTTP server.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(&$crate::helpers::FreshDatabase::sqlite().url);
            }

            #[test]
            fn postgres() {
                if let Some(database) = $crate::helpers::FreshDatabase::postgres() {
                    super::$name(&database.url);
                }
            }
        }
    )*};
}

/// A fresh, empty database that lives as long as the value.
pub struct FreshDatabase {
    pub url: String,
    database: TestDatabase,
}

impl FreshDatabase {
    pub fn sqlite() -> FreshDatabase {
        let folder = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}", folder.path().join("test.db").display());
        FreshDatabase { url, database: TestDatabase::Sqlite(folder) }
    }

    /// On the server `DATABASE_URL` names; `None` without it (a failure under `REQUIRE_POSTGRES`).
    pub fn postgres() -> Option<FreshDatabase> {
        let Ok(admin_url) = std::env::var("DATABASE_URL") else {
            assert!(std::env::var("REQUIRE_POSTGRES").is_err(), "REQUIRE_POSTGRES is set but DATABASE_URL is not");
            eprintln!("skipped on PostgreSQL: DATABASE_URL is not set");
            return None;
        };
        let name = format!("plateforme_test_{}", uuid::Uuid::now_v7().simple());
        plateforme_store::connection::keep_tls_alive_until_exit();
        let mut admin = PgConnection::establish(&admin_url).expect("connect to DATABASE_URL");
        diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut admin).expect("create test database");
        let url = database_url_with_name(&admin_url, &name);
        Some(FreshDatabase { url, database: TestDatabase::Postgres { admin_url, name } })
    }
}

enum TestDatabase {
    Sqlite(#[expect(dead_code, reason = "held so the folder lives as long as the test")] tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// A database the test made itself and removes itself.
    Given,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name } = self
            && let Ok(mut conn) = PgConnection::establish(admin_url)
        {
            // Best effort: a database left behind is only litter on a test server.
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub store: Store,
    /// An administrator's bearer token, used by `get`, `post_json` and `patch`.
    pub token: String,
    /// The administrator's client.
    pub admin: Option<TestClient>,
    /// The database the server uses (a second server may share it).
    pub database_url: String,
    /// The folder of the server's search indexes (each replica has its own).
    _search: tempfile::TempDir,
    _database: TestDatabase,
}

/// A folder for a server's search indexes, removed when dropped.
pub fn search_folder() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

/// A client registered for a test, with its organization and a token.
#[derive(Debug, Clone)]
pub struct TestClient {
    pub client_id: String,
    pub secret: String,
    pub organization_id: uuid::Uuid,
    pub token: String,
}

/// Makes each organization a test creates distinct.
static ORGANIZATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1_000_000);

/// A number no other call returns, for distinct SIRETs.
pub fn unique_number() -> u64 {
    ORGANIZATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

pub const ADMIN_SCOPES: &[&str] = &["admin", "journal:read", "organizations:read", "organizations:write"];

impl TestApp {
    /// A fresh database on the server `DATABASE_URL` names (or `None` when it is not set),
    /// with settings of its own.
    pub async fn postgres_with(config: Config) -> Option<TestApp> {
        let database = FreshDatabase::postgres()?;
        let url = database.url.clone();
        Some(TestApp::start_with(&url, database.database, config).await)
    }

    /// A test app on a database the caller made (and removes), with settings of its own.
    pub async fn on_database(url: &str, config: Config) -> TestApp {
        TestApp::start_with(url, TestDatabase::Given, config).await
    }

    /// A SQLite test app with settings of its own.
    pub async fn sqlite_with(config: Config) -> TestApp {
        let database = FreshDatabase::sqlite();
        let url = database.url.clone();
        TestApp::start_with(&url, database.database, config).await
    }

    async fn start_with(url: &str, database: TestDatabase, config: Config) -> TestApp {
        let options = StoreOptions { max_connections: 8, ..StoreOptions::default() };
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let address = format!("http://{}", listener.local_addr().expect("local address"));
        let search = tempfile::tempdir().expect("temporary folder");
        let config = Config {
            workers: Some(2),
            database_url: url.to_owned(),
            issuer: Some(address.clone()),
            search_index_dir: search.path().to_owned(),
            ..config
        };
        let store = app::connect_store(&config, &options).expect("open the test database");
        store.migrate().expect("migrate the test database");
        let services = app::Services::new(store.clone(), &config).expect("open the services");
        let server = app::serve(listener, services, &config).expect("start the server");
        actix_web::rt::spawn(server);
        let mut app = TestApp {
            address,
            client: Client::new(),
            store,
            token: String::new(),
            admin: None,
            database_url: url.to_owned(),
            _search: search,
            _database: database,
        };
        let admin = app.register(OrganizationKind::FranceTravail, ADMIN_SCOPES).await;
        app.token = admin.token.clone();
        app.admin = Some(admin);
        app
    }

    /// The full recomputation of the indicators as of `as_of`, published (as the command line
    /// runs it: on two connections of the pool on PostgreSQL), off the server's threads.
    pub async fn compute_vintage(
        &self,
        as_of: chrono::NaiveDate,
    ) -> Result<(Vintage, Published), plateforme_store::StoreError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || plateforme_indicators::compute::compute_vintage(&store, as_of))
            .await
            .expect("the computation's thread")
    }

    /// A new folder for the search indexes of another server of this test, inside this one's
    /// (each server needs its own; removed with this app).
    pub fn search_folder(&self) -> std::path::PathBuf {
        self._search.path().join(uuid::Uuid::now_v7().simple().to_string())
    }

    /// Another server on this one's database, as another replica: the same issuer, its own
    /// memory (token cache, revocations, rate-limit leases), `config` otherwise. Answers its
    /// base URL.
    pub async fn replica(&self, config: &Config) -> String {
        self.replica_of(config, app::Services::new).await
    }

    /// The same, serving `document` as its contract (a test's own deprecation, say).
    pub async fn replica_serving(&self, config: &Config, document: utoipa::openapi::OpenApi) -> String {
        self.replica_of(config, |store, config| app::Services::with_contract(store, config, document)).await
    }

    /// The same, with the services `open` makes of its store and settings.
    pub async fn replica_of(
        &self,
        config: &Config,
        open: impl FnOnce(Store, &Config) -> Result<app::Services, app::StartError>,
    ) -> String {
        let options = StoreOptions { max_connections: 4, ..StoreOptions::default() };
        let store = Store::connect(&self.database_url, &options).expect("open the shared database");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let address = format!("http://{}", listener.local_addr().expect("local address"));
        let config = Config {
            workers: Some(1),
            database_url: self.database_url.clone(),
            issuer: Some(self.address.clone()),
            search_index_dir: self.search_folder(),
            ..config.clone()
        };
        let services = open(store, &config).expect("open the services");
        let server = app::serve(listener, services, &config).expect("start the replica");
        actix_web::rt::spawn(server);
        address
    }

    /// Waits for the next rate-limit window when the current one ends within `seconds`, so that
    /// a test exhausting a limit is not granted it afresh halfway. Windows follow the minutes of
    /// the clock, so the administrator's `RateLimit-Reset` tells when every bucket's ends.
    pub async fn wait_for_a_window_of(&self, seconds: u64) {
        let response = self.get("/v1/organizations").await;
        let reset: u64 = header(&response, "ratelimit-reset").and_then(|value| value.parse().ok()).expect("reset");
        if reset < seconds {
            actix_web::rt::time::sleep(std::time::Duration::from_secs(reset + 1)).await;
        }
    }

    /// Registers an organization of `kind` and a client of it with `scopes`, and gets a token
    /// from the token endpoint.
    pub async fn register(&self, kind: OrganizationKind, scopes: &[&str]) -> TestClient {
        let territory = match kind {
            OrganizationKind::Region => serde_json::json!({"regions": ["84"]}),
            _ => serde_json::json!({"regions": ["84"], "departements": ["69"]}),
        };
        self.register_in(kind, territory, scopes).await
    }

    /// The same, for an organization acting on `territory`.
    pub async fn register_in(&self, kind: OrganizationKind, territory: Value, scopes: &[&str]) -> TestClient {
        let mut fields = organization(unique_number());
        fields["kind"] = serde_json::json!(kind);
        fields["territory"] = territory;
        let fields: OrganizationFields = serde_json::from_value(fields).expect("organization fields");
        let store = self.store.clone();
        let scopes: Vec<String> = scopes.iter().map(|scope| (*scope).to_owned()).collect();
        let (client_id, secret, organization_id) = actix_web::rt::task::spawn_blocking(move || {
            let context = WriteContext::of(Actor { client_id: "test".into(), organization_id: None });
            let organization = store
                .run_blocking(|conn| write::transaction(conn, |conn| organizations::create(conn, &context, fields)))
                .expect("create the organization");
            let registration = Registration {
                client_id: None,
                organization_id: organization.id,
                name: "test client".into(),
                scopes,
                rate_limit_per_minute: None,
                demo: false,
                secret: None,
            };
            let (client, secret) =
                clients::register(&store, &context, registration, 10_000).expect("register the client");
            (client.client_id, secret, organization.id)
        })
        .await
        .expect("registration task");
        let token = self.token_for(&client_id, &secret, None).await;
        TestClient { client_id, secret, organization_id, token }
    }

    /// A token from the token endpoint (HTTP Basic), for the asked scopes or all.
    pub async fn token_for(&self, client_id: &str, secret: &str, scope: Option<&str>) -> String {
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        let response = self
            .client
            .post(self.url("/oauth/token"))
            .basic_auth(client_id, Some(secret))
            .form(&form)
            .send()
            .await
            .expect("POST /oauth/token");
        assert_eq!(response.status().as_u16(), 200, "token for {client_id}");
        json(response).await["access_token"].as_str().expect("access_token").to_owned()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(&self.token).send().await.expect("GET")
    }

    /// A conditional GET: 304 when the resource is still at `etag`.
    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).bearer_auth(&self.token).json(body).send().await.expect("POST")
    }

    pub async fn patch(&self, path: &str, if_match: Option<&str>, body: &Value) -> Response {
        self.patch_as(&self.token, path, if_match, body).await
    }

    /// A GET as `token` from a client that holds the version `tag` names (`If-None-Match`).
    pub async fn get_if_none_match(&self, token: &str, path: &str, tag: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).header("if-none-match", tag).send().await.expect("GET")
    }

    /// A PUT of `body` as `token`, with `If-Match` when given.
    pub async fn put_as(&self, token: &str, path: &str, if_match: Option<&str>, body: &Value) -> Response {
        let mut request = self.client.put(self.url(path)).bearer_auth(token).json(body);
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        request.send().await.expect("PUT")
    }

    pub async fn patch_as(&self, token: &str, path: &str, if_match: Option<&str>, body: &Value) -> Response {
        let mut request = self
            .client
            .patch(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/merge-patch+json")
            .body(body.to_string());
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        request.send().await.expect("PATCH")
    }
}

/// The same server URL with another database name (and the same query string).
fn database_url_with_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |index| index + 3);
    let server = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{server}/{name}{query}")
}

/// The body of a response as JSON.
pub async fn json(response: Response) -> Value {
    response.json().await.expect("a JSON body")
}

/// Asserts a problem response: its status, content type and code; returns the problem.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status of {}", response.url());
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(content_type, "application/problem+json");
    assert!(response.headers().contains_key("x-request-id"));
    let problem = json(response).await;
    assert_eq!(problem["code"], code, "{problem}");
    assert_eq!(problem["status"], status);
    assert_eq!(problem["type"], format!("/problems/{code}"));
    assert!(problem["detail"].as_str().is_some_and(|detail| !detail.is_empty()), "{problem}");
    problem
}

#[test]
fn database_names_are_replaced() {
    assert_eq!(
        database_url_with_name("postgres://u@h:5432/db?sslmode=disable", "t"),
        "postgres://u@h:5432/t?sslmode=disable"
    );
    assert_eq!(database_url_with_name("postgres://u@h", "t"), "postgres://u@h/t");
}

/// A distinct valid SIRET for each `n` below 10^10: SIREN `91` + 6 digits, NIC 4 digits, with
/// their Luhn keys.
pub fn siret(n: u64) -> String {
    let (unit, establishment) = ((n / 10_000) % 1_000_000, n % 10_000);
    Siret::with_keys(&format!("91{unit:06}"), &format!("{establishment:04}")).expect("a SIRET").into()
}

/// A valid organization body (a mission locale in Lyon).
pub fn organization(n: u64) -> Value {
    serde_json::json!({
        "kind": "mission_locale",
        "name": format!("Mission locale n°{n}"),
        "siret": siret(n),
        "territory": {"regions": ["84"], "departements": ["69"], "communes": ["69123"]}
    })
}

/// Creates an organization and returns its JSON.
pub async fn create_organization(app: &TestApp, n: u64) -> Value {
    let response = app.post_json("/v1/organizations", &organization(n)).await;
    assert_eq!(response.status().as_u16(), 201);
    json(response).await
}

/// Every mission locale (the kind test bodies create), following the `Link` headers.
pub async fn all_organizations(app: &TestApp) -> Vec<Value> {
    let mut items = Vec::new();
    let mut next = Some("/v1/organizations?limit=100&kind=mission_locale".to_owned());
    while let Some(path) = next {
        let response = app.get(&path).await;
        assert_eq!(response.status().as_u16(), 200);
        next = next_link(&response);
        let page = json(response).await;
        items.extend(page["items"].as_array().cloned().unwrap_or_default());
    }
    items
}

/// The target of `Link: <…>; rel="next"`.
pub fn next_link(response: &Response) -> Option<String> {
    let link = response.headers().get("link")?.to_str().ok()?;
    let target = link.strip_prefix('<')?.split_once(">; rel=\"next\"")?.0;
    Some(target.to_owned())
}

pub fn header(response: &Response, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|value| value.to_str().ok()).map(str::to_owned)
}
