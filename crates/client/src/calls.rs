//! The shapes every resource shares (read with its ETag, conditional read, creation, write
//! under `If-Match`), written once for the typed methods.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::Client;
use crate::error::ClientError;
use crate::request::RequestBuilder;
use crate::versioned::{Conditional, Created, ETag, Versioned};

impl Client {
    /// `GET path`: 200 with the resource and its `ETag`.
    pub(crate) async fn read<T: DeserializeOwned>(&self, path: String) -> Result<Versioned<T>, ClientError> {
        self.get(path).send().await?.expect_status(&[200])?.versioned()
    }

    /// `GET path` with `If-None-Match`: 304 when the copy held is current.
    pub(crate) async fn read_if_none_match<T: DeserializeOwned>(
        &self,
        path: String,
        etag: &ETag,
    ) -> Result<Conditional<T>, ClientError> {
        let response = self.get(path).if_none_match(etag).send().await?.expect_status(&[200, 304])?;
        if response.status == 304 {
            return Ok(Conditional::NotModified { etag: response.etag() });
        }
        Ok(Conditional::Modified(response.versioned()?))
    }

    /// `POST path`: 201 with the new resource. With an idempotency key the request is safe to
    /// send again (and is retried after a 429 or 503); without, it is sent once.
    pub(crate) async fn create<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: String,
        body: &B,
        idempotency_key: Option<&str>,
    ) -> Result<Created<T>, ClientError> {
        let request = self.post(path).json(body).with_optional(idempotency_key, RequestBuilder::idempotency_key);
        let response = request.send().await?.expect_status(&[201])?;
        Ok(Created {
            etag: response.required_etag()?,
            location: response.header("location").map(str::to_owned),
            replayed: response.is_replayed(),
            value: response.json()?,
        })
    }

    /// `PATCH path` with a merge patch, applied only to the version `if_match` names.
    pub(crate) async fn merge_patch<T: DeserializeOwned>(
        &self,
        path: String,
        patch: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<T>, ClientError> {
        self.patch(path).merge_patch(patch).if_match(if_match).send().await?.expect_status(&[200])?.versioned()
    }

    /// `PUT path`: replaces the resource (`If-Match` its current version), or creates it when
    /// the operation allows (`If-Match` absent, 201).
    pub(crate) async fn replace<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: String,
        body: &B,
        if_match: Option<&ETag>,
    ) -> Result<Versioned<T>, ClientError> {
        let request = self.put(path).json(body).with_optional(if_match, RequestBuilder::if_match);
        request.send().await?.expect_status(&[200, 201])?.versioned()
    }
}
