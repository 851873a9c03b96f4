//! What a client needs to know: where the API is, who it is, and how patient to be.

use std::fmt;
use std::time::Duration;

use crate::retry::RetryPolicy;

/// The settings of a [`Client`](crate::Client).
#[derive(Clone)]
pub struct ClientConfig {
    /// The deployment's base URL, e.g. `https://plateforme.example.fr`; the API is under
    /// `/v1`, the token endpoint at `/oauth/token`.
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// Scopes to ask for; empty asks for none, and the server grants all the client's.
    pub scopes: Vec<String>,
    /// A token is renewed when it has less than this left to live, so that no request leaves
    /// with a token that expires on the way (clocks drift, requests queue).
    pub refresh_margin: Duration,
    pub retry: RetryPolicy,
    /// Longest wait for one HTTP exchange, connection included.
    pub timeout: Duration,
}

impl ClientConfig {
    /// A configuration with the defaults: all the client's scopes, a 30 s refresh margin,
    /// [`RetryPolicy::default`], a 30 s timeout.
    pub fn new(base_url: impl Into<String>, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
            refresh_margin: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
        }
    }

    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Never prints the secret: configurations end up in logs.
impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("scopes", &self.scopes)
            .field("refresh_margin", &self.refresh_margin)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish()
    }
}
