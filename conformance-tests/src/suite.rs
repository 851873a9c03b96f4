//! What every check works with: the clients given (each with its first token), the contract
//! the deployment publishes, and the recorder of every answer.

use std::sync::Arc;

use plateforme_client::{AccessToken, Client, ClientConfig};
use serde_json::Value;
use uuid::Uuid;

use crate::contract::Contract;
use crate::fixtures;
use crate::recorder::Recorder;
use crate::report::Report;
use crate::settings::{ClientSpec, Kind, Settings};

/// A client given on the command line.
pub struct Actor {
    pub spec: ClientSpec,
    pub client: Client,
    /// The token got at the start (`None` when the token endpoint refused it).
    pub token: Option<AccessToken>,
}

impl Actor {
    pub fn kind(&self) -> Kind {
        self.spec.kind
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.token.as_ref().is_some_and(|token| token.has_scope(scope))
    }

    /// What the token says of its holder (a JWT's claims, read without checking the signature:
    /// the suite just got it from the deployment's token endpoint).
    pub fn claim(&self, name: &str) -> Option<Value> {
        self.token.as_ref()?.unverified_claims()?.get(name).cloned()
    }

    pub fn organization_id(&self) -> Option<Uuid> {
        self.claim("organization_id")?.as_str()?.parse().ok()
    }

    /// The kind of the client's organization, which the access policy goes by (an `admin`
    /// client has one too).
    pub fn organization_kind(&self) -> Option<String> {
        self.claim("organization_kind")?.as_str().map(str::to_owned)
    }

    pub fn departements(&self) -> Vec<String> {
        let territory = self.claim("territory").unwrap_or_default();
        let codes = territory.get("departements").and_then(Value::as_array).cloned().unwrap_or_default();
        codes.iter().filter_map(Value::as_str).map(str::to_owned).collect()
    }
}

pub struct Suite {
    pub base_url: String,
    /// Marks this run's records.
    pub run_id: String,
    pub recorder: Arc<Recorder>,
    /// `None` when `/openapi.json` could not be read (answers are then not validated).
    pub contract: Option<Contract>,
    actors: Vec<Actor>,
    anonymous: Client,
}

impl Suite {
    /// Reads the contract and gets a token for each client, recording a check for each.
    pub async fn connect(settings: &Settings, report: &mut Report) -> Result<Suite, String> {
        let recorder = Arc::new(Recorder::default());
        let config = ClientConfig::new(&settings.base_url, "anonymous", "anonymous");
        let anonymous = Client::with_observer(config, recorder.clone()).map_err(|error| error.to_string())?;
        let contract = read_contract(&anonymous).await;
        report.record("contract.openapi", contract.as_ref().map(|_| ()).map_err(Clone::clone));
        let mut actors = Vec::new();
        for spec in &settings.clients {
            let config = ClientConfig::new(&settings.base_url, &spec.client_id, &spec.secret);
            let client = Client::with_observer(config, recorder.clone()).map_err(|error| error.to_string())?;
            let token = client.access_token().await;
            report.record(
                format!("token.issue.{}", spec.kind),
                token.as_ref().map_err(ToString::to_string).and_then(check_token),
            );
            actors.push(Actor { spec: spec.clone(), client, token: token.ok() });
        }
        Ok(Suite {
            base_url: settings.base_url.trim_end_matches('/').to_owned(),
            run_id: fixtures::run_id(),
            recorder,
            contract: contract.ok(),
            actors,
            anonymous,
        })
    }

    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// The client of `kind`, when one was given and got a token.
    pub fn actor(&self, kind: Kind) -> Option<&Actor> {
        self.actors.iter().find(|actor| actor.kind() == kind && actor.token.is_some())
    }

    /// Why checks needing a `kind` client are skipped: none given, or it got no token.
    pub fn missing(&self, kind: Kind) -> String {
        if self.actors.iter().any(|actor| actor.kind() == kind) {
            format!("the {kind} client got no token (see token.issue.{kind})")
        } else {
            format!("no {kind} client given")
        }
    }

    /// Any client that may read organizations, an organization's own before the administrator.
    pub fn reader(&self) -> Option<&Actor> {
        let readers = self.actors.iter().filter(|actor| actor.has_scope("organizations:read"));
        readers.min_by_key(|actor| actor.kind() == Kind::Admin)
    }

    /// A client that sends no token of its own (for requests with chosen credentials).
    pub fn anonymous(&self) -> &Client {
        &self.anonymous
    }

    /// Another client with `actor`'s credentials asking for `scopes` only.
    pub fn narrowed(&self, actor: &Actor, scopes: &[&str]) -> Result<Client, String> {
        let config = ClientConfig::new(&self.base_url, &actor.spec.client_id, &actor.spec.secret)
            .with_scopes(scopes.iter().copied());
        Client::with_observer(config, self.recorder.clone()).map_err(|error| error.to_string())
    }
}

async fn read_contract(anonymous: &Client) -> Result<Contract, String> {
    let response = anonymous.get("/openapi.json").anonymous().send().await.map_err(|error| error.to_string())?;
    if response.status != 200 {
        return Err(format!("GET /openapi.json answered {}", response.status));
    }
    Contract::new(response.json::<Value>().map_err(|error| error.to_string())?)
}

/// A token as RFC 6749 §5.1 and the platform describe it.
fn check_token(token: &AccessToken) -> Result<(), String> {
    let response = token.response();
    if !response.token_type.eq_ignore_ascii_case("bearer") {
        return Err(format!("token_type is {:?}, expected Bearer", response.token_type));
    }
    if response.expires_in == 0 {
        return Err("expires_in is missing or 0".to_owned());
    }
    if token.scopes().next().is_none() {
        return Err("the token carries no scope".to_owned());
    }
    if token.unverified_claims().and_then(|claims| claims.get("organization_id").cloned()).is_none() {
        return Err("the access token is not a JWT naming its organization_id (RFC 9068 claims)".to_owned());
    }
    Ok(())
}
