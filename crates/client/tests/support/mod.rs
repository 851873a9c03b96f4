//! The real server, in-process on a free port, over a fresh SQLite database with the demo
//! organizations and clients (`demo-<kind>` / `demo-<kind>-secret`, `demo-admin`).

#![allow(dead_code, reason = "each test binary uses a part of the support")]

use std::sync::{Arc, Mutex};

use plateforme_client::{Client, ClientConfig, Method, Observer, RawResponse};
use plateforme_model::codes::Siret;
use plateforme_server::config::Config;
use plateforme_server::in_process::{DemoServer, start_demo};
use plateforme_store::Store;
use serde_json::Value;
use uuid::Uuid;

pub struct TestServer {
    pub base_url: String,
    pub store: Store,
    _folder: tempfile::TempDir,
}

impl TestServer {
    /// Starts the server with `config` (its database, address and issuer are the test's).
    pub async fn start(config: Config) -> TestServer {
        let folder = tempfile::tempdir().expect("temporary folder");
        let DemoServer { base_url, store } = start_demo(folder.path(), config).await.expect("start the demo server");
        TestServer { base_url, store, _folder: folder }
    }

    /// The configuration of a demo client: `kind` is `mission-locale`, `admin`…
    pub fn config(&self, kind: &str) -> ClientConfig {
        ClientConfig::new(&self.base_url, format!("demo-{kind}"), format!("demo-{kind}-secret"))
    }

    /// A demo client whose answers `recorder` sees.
    pub fn client(&self, kind: &str, recorder: &Arc<Recorder>) -> Client {
        Client::with_observer(self.config(kind), recorder.clone()).expect("client")
    }
}

/// Every answer a client received: (method, path, status).
#[derive(Default)]
pub struct Recorder {
    seen: Mutex<Vec<(Method, String, u16)>>,
}

impl Observer for Recorder {
    fn observe(&self, response: &RawResponse) {
        let entry = (response.method.clone(), response.url.path().to_owned(), response.status);
        self.seen.lock().expect("recorder").push(entry);
    }
}

impl Recorder {
    pub fn new() -> Arc<Recorder> {
        Arc::new(Recorder::default())
    }

    /// Answers received from the token endpoint.
    pub fn token_requests(&self) -> usize {
        self.seen.lock().expect("recorder").iter().filter(|(_, path, _)| path == "/oauth/token").count()
    }

    pub fn count(&self, method: &Method, path: &str) -> usize {
        self.seen.lock().expect("recorder").iter().filter(|(m, p, _)| m == method && p == path).count()
    }
}

/// A distinct valid SIRET for each `n` below 10^10: SIREN `92` + 6 digits, NIC 4 digits, with
/// their Luhn keys.
pub fn siret(n: u64) -> String {
    let (unit, establishment) = ((n / 10_000) % 1_000_000, n % 10_000);
    Siret::with_keys(&format!("92{unit:06}"), &format!("{establishment:04}")).expect("a SIRET").into()
}

/// The organization of `client`, read from its token's claims.
pub async fn organization_id(client: &Client) -> Uuid {
    let claims = client.access_token().await.expect("token").unverified_claims().expect("claims");
    claims["organization_id"].as_str().and_then(|id| id.parse().ok()).expect("organization_id")
}

/// The `id` of a resource the API answered.
pub fn id_of(resource: &Value) -> Uuid {
    resource["id"].as_str().and_then(|id| id.parse().ok()).expect("an id")
}
