//! The client: one per partner information system and set of credentials, cheap to clone and
//! shared by every task (the token and the connection pool go with it).

use std::sync::Arc;

use reqwest::{Method, Url};

use crate::config::ClientConfig;
use crate::error::ClientError;
use crate::observer::Observer;
use crate::request::RequestBuilder;
use crate::token::{AccessToken, TokenSource};
use crate::transport::Transport;

/// A Plateforme API client. Clones share one token and one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// The counsellor every request of this handle names (`Counsellor-Id`), if any.
    counsellor: Option<Arc<str>>,
}

struct Inner {
    /// Without a trailing slash: paths start with one.
    base_url: String,
    transport: Transport,
    tokens: TokenSource,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, ClientError> {
        Client::build(config, None)
    }

    /// A client whose every received answer is shown to `observer` first.
    pub fn with_observer(config: ClientConfig, observer: Arc<dyn Observer>) -> Result<Client, ClientError> {
        Client::build(config, Some(observer))
    }

    fn build(config: ClientConfig, observer: Option<Arc<dyn Observer>>) -> Result<Client, ClientError> {
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        let parsed = Url::parse(&base_url)
            .map_err(|error| ClientError::InvalidRequest(format!("base URL {base_url}: {error}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
            return Err(ClientError::InvalidRequest(format!("base URL {base_url}: expected http(s)://host[/path]")));
        }
        let tokens = TokenSource::new(&config, &base_url)?;
        let transport = Transport::new(config.timeout, config.retry, observer)?;
        Ok(Client { inner: Arc::new(Inner { base_url, transport, tokens }), counsellor: None })
    }

    /// The same client (its token, its connections), naming `counsellor` in every request's
    /// `Counsellor-Id`: the one of your organization's counsellors who acts, as your information
    /// system identifies them. The journal and the history record it, and the person reads it.
    pub fn as_counsellor(&self, counsellor: &str) -> Client {
        Client { inner: self.inner.clone(), counsellor: Some(counsellor.into()) }
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The current access token: the one held while it has more than the refresh margin to
    /// live, a new one otherwise.
    pub async fn access_token(&self) -> Result<AccessToken, ClientError> {
        self.inner.tokens.current(&self.inner.transport).await
    }

    /// How many tokens this client asked for so far.
    pub fn token_requests(&self) -> u64 {
        self.inner.tokens.requests()
    }

    /// A request to `path` (starting with `/`, e.g. `/v1/organizations`), with the client's
    /// token unless told otherwise.
    pub fn request(&self, method: Method, path: impl Into<String>) -> RequestBuilder<'_> {
        let request = RequestBuilder::new(self, method, path.into());
        match &self.counsellor {
            Some(counsellor) => request.counsellor(counsellor),
            None => request,
        }
    }

    pub fn get(&self, path: impl Into<String>) -> RequestBuilder<'_> {
        self.request(Method::GET, path)
    }

    pub fn post(&self, path: impl Into<String>) -> RequestBuilder<'_> {
        self.request(Method::POST, path)
    }

    pub fn put(&self, path: impl Into<String>) -> RequestBuilder<'_> {
        self.request(Method::PUT, path)
    }

    pub fn patch(&self, path: impl Into<String>) -> RequestBuilder<'_> {
        self.request(Method::PATCH, path)
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    pub(crate) async fn forget_token(&self, refused: &str) {
        self.inner.tokens.forget(refused).await;
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base_url", &self.inner.base_url).finish_non_exhaustive()
    }
}
