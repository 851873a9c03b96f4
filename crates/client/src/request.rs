//! Any request to the API, typed or not: what the typed methods are built on, and the way to
//! call what they do not cover (or to send deliberately wrong requests, as a conformance suite
//! does).

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, IF_MATCH, IF_NONE_MATCH};
use reqwest::{Method, Url};
use serde::Serialize;

use crate::client::Client;
use crate::error::ClientError;
use crate::response::RawResponse;
use crate::versioned::ETag;

/// Who the request says it is.
enum Auth {
    /// The client's own token, fetched and renewed as needed.
    Client,
    /// A token given by the caller, sent as is.
    Bearer(String),
    /// HTTP Basic credentials (the token endpoint's `client_secret_basic`).
    Basic(String, String),
    Anonymous,
}

/// What the request carries.
enum Body {
    Bytes(Vec<u8>),
    Form(Vec<(String, String)>),
}

/// A request being put together; [`send`](RequestBuilder::send) it.
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder<'a> {
    client: &'a Client,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<Body>,
    auth: Auth,
    /// How long this request may take, when not the client's timeout (a long-poll).
    timeout: Option<std::time::Duration>,
    /// The first mistake made while building, reported by `send`, so that building chains.
    invalid: Option<String>,
}

impl<'a> RequestBuilder<'a> {
    pub(crate) fn new(client: &'a Client, method: Method, path: String) -> RequestBuilder<'a> {
        RequestBuilder {
            client,
            method,
            path,
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            auth: Auth::Client,
            timeout: None,
            invalid: None,
        }
    }

    /// Lets this request take up to `timeout` instead of the client's timeout: for a long-poll
    /// whose server side waits longer than the client's usual patience.
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Adds a query parameter (several calls add several).
    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Every pair as a query parameter, in order (a search's or a list's filters).
    pub fn query_pairs(mut self, pairs: &[(String, String)]) -> Self {
        self.query.extend_from_slice(pairs);
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            _ => self.fail(format!("header {name}: {value:?} is not a valid header")),
        }
        self
    }

    /// A JSON body (`application/json`).
    pub fn json<T: Serialize + ?Sized>(self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body(bytes, "application/json"),
            Err(error) => {
                let mut this = self;
                this.fail(format!("body: {error}"));
                this
            }
        }
    }

    /// A JSON Merge Patch body (`application/merge-patch+json`, RFC 7396).
    pub fn merge_patch(self, patch: &serde_json::Value) -> Self {
        self.body(patch.to_string().into_bytes(), "application/merge-patch+json")
    }

    /// A form body (`application/x-www-form-urlencoded`), as the token endpoint takes.
    pub fn form(mut self, fields: &[(&str, &str)]) -> Self {
        let fields = fields.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect();
        self.headers.remove(CONTENT_TYPE);
        self.body = Some(Body::Form(fields));
        self
    }

    /// Any body, with its media type.
    pub fn body(mut self, bytes: Vec<u8>, content_type: &str) -> Self {
        self.body = Some(Body::Bytes(bytes));
        self.headers.remove(CONTENT_TYPE);
        self.header(CONTENT_TYPE.as_str(), content_type)
    }

    /// Applies `set` with the value when there is one: an optional header (`If-Match`,
    /// `Idempotency-Key`) or parameter in the same chain of calls.
    pub fn with_optional<T>(self, value: Option<T>, set: impl FnOnce(Self, T) -> Self) -> Self {
        match value {
            Some(value) => set(self, value),
            None => self,
        }
    }

    /// `If-Match`: apply the write only to this version (412 otherwise).
    pub fn if_match(self, etag: &ETag) -> Self {
        self.header(IF_MATCH.as_str(), etag.as_str())
    }

    /// `If-None-Match`: answer 304 without a body while the resource is at this version.
    pub fn if_none_match(self, etag: &ETag) -> Self {
        self.header(IF_NONE_MATCH.as_str(), etag.as_str())
    }

    /// `Idempotency-Key`: a retry with the same key gets the first answer again; it also
    /// makes a `POST` safe to retry after a 429 or 503.
    pub fn idempotency_key(self, key: &str) -> Self {
        self.header("idempotency-key", key)
    }

    /// `Access-Purpose`: why this request touches a person's data, in your words (1 to 200
    /// visible ASCII characters or spaces). The journal records it with the access and the
    /// person reads it.
    pub fn access_purpose(self, purpose: &str) -> Self {
        self.header("access-purpose", purpose)
    }

    /// `Counsellor-Id`: which counsellor of your organization makes the request, as your
    /// information system identifies them (1 to 64 letters, digits or `. _ : @ -`). The journal
    /// and the history record it, and the person reads it.
    pub fn counsellor(self, counsellor: &str) -> Self {
        self.header("counsellor-id", counsellor)
    }

    /// Sends `token` instead of the client's own.
    pub fn bearer(mut self, token: &str) -> Self {
        self.auth = Auth::Bearer(token.to_owned());
        self
    }

    /// Sends HTTP Basic credentials instead of a token.
    pub fn basic_auth(mut self, user: &str, password: &str) -> Self {
        self.auth = Auth::Basic(user.to_owned(), password.to_owned());
        self
    }

    /// Sends no credentials at all.
    pub fn anonymous(mut self) -> Self {
        self.auth = Auth::Anonymous;
        self
    }

    /// Sends the request and returns the answer whatever its status (see
    /// [`RawResponse::expect_status`]). With the client's own token, an answer saying the
    /// token is no longer valid (401 `invalid_token`: expired early, signing key rotated)
    /// makes the client get a new token and send once more; nothing was processed.
    pub async fn send(self) -> Result<RawResponse, ClientError> {
        if let Some(invalid) = self.invalid {
            return Err(ClientError::InvalidRequest(invalid));
        }
        let url = self.url()?;
        let transport = self.client.transport();
        if !matches!(self.auth, Auth::Client) {
            return transport.execute(self.build(url, None)?, false).await;
        }
        let token = self.client.access_token().await?;
        let response = transport.execute(self.build(url.clone(), Some(token.secret()))?, false).await?;
        let refused = response.status == 401
            && response.header("www-authenticate").is_some_and(|challenge| challenge.contains("invalid_token"));
        if !refused {
            return Ok(response);
        }
        self.client.forget_token(token.secret()).await;
        let token = self.client.access_token().await?;
        transport.execute(self.build(url, Some(token.secret()))?, false).await
    }

    fn url(&self) -> Result<Url, ClientError> {
        let mut url = Url::parse(&format!("{}{}", self.client.base_url(), self.path))
            .map_err(|error| ClientError::InvalidRequest(format!("{}: {error}", self.path)))?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        Ok(url)
    }

    /// The request, with `token` when the client's own is used.
    fn build(&self, url: Url, token: Option<&str>) -> Result<reqwest::Request, ClientError> {
        let mut builder =
            self.client.transport().http().request(self.method.clone(), url).headers(self.headers.clone());
        builder = match (&self.auth, token) {
            (Auth::Bearer(token), _) => builder.bearer_auth(token),
            (Auth::Client, Some(token)) => builder.bearer_auth(token),
            (Auth::Basic(user, password), _) => builder.basic_auth(user, Some(password)),
            (Auth::Client, None) | (Auth::Anonymous, _) => builder,
        };
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        builder = match &self.body {
            Some(Body::Bytes(bytes)) => builder.body(bytes.clone()),
            Some(Body::Form(fields)) => builder.form(fields),
            None => builder,
        };
        Ok(builder.build()?)
    }

    fn fail(&mut self, message: String) {
        self.invalid.get_or_insert(message);
    }
}

/// Query parameters from `(name, value)` pairs in order, those without a value left out: the
/// one way the client's filters and searches become a query.
pub(crate) fn query_of<const N: usize>(parameters: [(&str, Option<String>); N]) -> Vec<(String, String)> {
    parameters.into_iter().filter_map(|(name, value)| Some((name.to_owned(), value?))).collect()
}
