//! Access tokens by the OAuth2 client credentials grant (through the `oauth2` crate), kept
//! while they live: the token endpoint is deliberately slow (argon2) and rate limited, so a
//! client asks once and reuses the token for every call until shortly before it expires.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use oauth2::basic::{BasicClient, BasicErrorResponse};
use oauth2::{AuthType, ClientId, ClientSecret, EndpointNotSet, EndpointSet, RequestTokenError, Scope, TokenUrl};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::claims;
use crate::config::ClientConfig;
use crate::error::{ClientError, Problem};
use crate::transport::Transport;

/// The token endpoint's answer (RFC 6749 §5.1).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    /// Seconds the token lives from its issue.
    pub expires_in: u64,
    /// The granted scopes, space-separated: those asked for that the client has.
    pub scope: String,
}

/// Never prints the token itself: it is a bearer credential.
impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish()
    }
}

/// A token held by the client, with when it stops being usable.
#[derive(Clone, Debug)]
pub struct AccessToken {
    response: TokenResponse,
    expires_at: Instant,
}

impl AccessToken {
    /// The bearer credential, for the `Authorization` header.
    pub fn secret(&self) -> &str {
        &self.response.access_token
    }

    pub fn response(&self) -> &TokenResponse {
        &self.response
    }

    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.response.scope.split_whitespace()
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().any(|granted| granted == scope)
    }

    pub fn expires_at(&self) -> Instant {
        self.expires_at
    }

    /// The token's claims (a JWT's payload), read **without** verifying the signature: for
    /// the client to learn what the server said about it (`organization_id`,
    /// `organization_kind`, `territory`…), never to trust a token from elsewhere.
    pub fn unverified_claims(&self) -> Option<Value> {
        claims::unverified(self.secret())
    }

    /// Whether it still has more than `margin` to live.
    fn is_fresh(&self, margin: Duration) -> bool {
        Instant::now() + margin < self.expires_at
    }
}

type TokenClient = BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Gets tokens and keeps the current one.
pub(crate) struct TokenSource {
    oauth: TokenClient,
    scopes: Vec<String>,
    margin: Duration,
    /// Held while a token is fetched, so that concurrent calls wait for that one token
    /// rather than each asking for its own.
    current: Mutex<Option<AccessToken>>,
    requests: AtomicU64,
}

impl TokenSource {
    pub(crate) fn new(config: &ClientConfig, base_url: &str) -> Result<TokenSource, ClientError> {
        let token_url = TokenUrl::new(format!("{base_url}/oauth/token"))
            .map_err(|error| ClientError::InvalidRequest(format!("token URL: {error}")))?;
        let oauth = BasicClient::new(ClientId::new(config.client_id.clone()))
            .set_client_secret(ClientSecret::new(config.client_secret.clone()))
            .set_token_uri(token_url)
            .set_auth_type(AuthType::BasicAuth);
        Ok(TokenSource {
            oauth,
            scopes: config.scopes.clone(),
            margin: config.refresh_margin,
            current: Mutex::new(None),
            requests: AtomicU64::new(0),
        })
    }

    /// The current token, or a new one when there is none or it is about to expire.
    pub(crate) async fn current(&self, transport: &Transport) -> Result<AccessToken, ClientError> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref().filter(|token| token.is_fresh(self.margin)) {
            return Ok(token.clone());
        }
        let token = self.request(transport).await?;
        *current = Some(token.clone());
        Ok(token)
    }

    /// Forgets `refused` (the API said it is no longer valid), unless a newer one replaced it.
    pub(crate) async fn forget(&self, refused: &str) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|token| token.secret() == refused) {
            *current = None;
        }
    }

    /// Token requests made so far.
    pub(crate) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    async fn request(&self, transport: &Transport) -> Result<AccessToken, ClientError> {
        use oauth2::TokenResponse as _;
        self.requests.fetch_add(1, Ordering::Relaxed);
        // The lifetime runs from the server's issue, which is after this instant: counting
        // from here errs on the safe side.
        let sent_at = Instant::now();
        let request = self
            .oauth
            .exchange_client_credentials()
            .add_scopes(self.scopes.iter().map(|scope| Scope::new(scope.clone())));
        let answer = request.request_async(transport).await.map_err(token_error)?;
        let lifetime = answer.expires_in().unwrap_or_default();
        let scope = match answer.scopes() {
            Some(scopes) => scopes.iter().map(|scope| scope.as_str()).collect::<Vec<_>>().join(" "),
            // RFC 6749 §5.1: no `scope` means the scopes asked for were granted.
            None => self.scopes.join(" "),
        };
        let response = TokenResponse {
            access_token: answer.access_token().secret().clone(),
            token_type: answer.token_type().as_ref().to_owned(),
            expires_in: lifetime.as_secs(),
            scope,
        };
        Ok(AccessToken { response, expires_at: sent_at + lifetime })
    }
}

fn token_error(error: RequestTokenError<ClientError, BasicErrorResponse>) -> ClientError {
    let context = || "POST /oauth/token".to_owned();
    match error {
        RequestTokenError::ServerResponse(refusal) => {
            ClientError::Token { error: refusal.error().to_string(), description: refusal.error_description().cloned() }
        }
        RequestTokenError::Request(error) => error,
        // Errors from in front of the grant (rate limit, outage) come as problems.
        RequestTokenError::Parse(error, body) => match serde_json::from_slice::<Problem>(&body) {
            Ok(problem) => ClientError::Problem(Box::new(problem)),
            Err(_) => ClientError::Decode { context: context(), message: error.to_string() },
        },
        RequestTokenError::Other(message) => ClientError::Decode { context: context(), message },
    }
}
