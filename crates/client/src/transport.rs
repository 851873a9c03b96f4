//! One HTTP exchange at a time, with the retries of [`RetryPolicy`] and the observer told of
//! every answer. The token endpoint goes through here too (as the `oauth2` crate's HTTP
//! client), so token requests are retried and observed like any other.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::IF_MATCH;

use crate::error::ClientError;
use crate::observer::Observer;
use crate::response::RawResponse;
use crate::retry::{RetryPolicy, is_retryable_status, is_safe_to_repeat};
use crate::retry_after;

pub(crate) struct Transport {
    http: reqwest::Client,
    retry: RetryPolicy,
    observer: Option<Arc<dyn Observer>>,
}

impl Transport {
    pub(crate) fn new(
        timeout: Duration,
        retry: RetryPolicy,
        observer: Option<Arc<dyn Observer>>,
    ) -> Result<Transport, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            // A redirect would resend the bearer token (or the client secret) to wherever it
            // points; the API never redirects, so none is followed.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("plateforme-client/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Transport { http, retry, observer })
    }

    /// The HTTP client, to build requests with.
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends `request`, again after a 429 or 503 when it is safe to repeat (or `repeatable`
    /// says so), waiting what `Retry-After` asks or the policy's backoff.
    pub(crate) async fn execute(
        &self,
        request: reqwest::Request,
        repeatable: bool,
    ) -> Result<RawResponse, ClientError> {
        let repeatable = repeatable
            || is_safe_to_repeat(
                request.method(),
                request.headers().contains_key(IF_MATCH),
                request.headers().contains_key("idempotency-key"),
            );
        let (mut attempts, mut waited) = (0, Duration::ZERO);
        loop {
            let attempt = request
                .try_clone()
                .ok_or_else(|| ClientError::InvalidRequest("a streamed body cannot be sent twice".to_owned()))?;
            attempts += 1;
            let response = self.once(attempt).await?;
            if repeatable && is_retryable_status(response.status) {
                let asked =
                    response.header("retry-after").and_then(|value| retry_after::parse(value, SystemTime::now()));
                if let Some(delay) = self.retry.delay(attempts, waited, asked) {
                    tokio::time::sleep(delay).await;
                    waited += delay;
                    continue;
                }
            }
            return Ok(response);
        }
    }

    async fn once(&self, request: reqwest::Request) -> Result<RawResponse, ClientError> {
        let (method, url) = (request.method().clone(), request.url().clone());
        let response = self.http.execute(request).await?;
        let (status, headers) = (response.status().as_u16(), response.headers().clone());
        let body = response.bytes().await?.to_vec();
        let raw = RawResponse { method, url, status, headers, body };
        if let Some(observer) = &self.observer {
            observer.observe(&raw);
        }
        Ok(raw)
    }
}

/// The `oauth2` crate sends its token requests through this. A client credentials request
/// creates nothing on the server, so it is always safe to repeat.
impl<'c> oauth2::AsyncHttpClient<'c> for Transport {
    type Error = ClientError;
    type Future = Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, ClientError>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)?;
            let raw = self.execute(request, true).await?;
            let mut builder = oauth2::http::Response::builder().status(raw.status);
            for (name, value) in &raw.headers {
                builder = builder.header(name, value);
            }
            builder.body(raw.body).map_err(|error| ClientError::InvalidRequest(error.to_string()))
        })
    }
}
