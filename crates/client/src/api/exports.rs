//! `/v1/exports`: the bulk export, a mirror's first load, with the change feed's cursor to
//! follow from (docs/sync.md#bulk-export).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::response::RawResponse;

/// What to export.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExportRequest {
    /// Resource types (`person`, `contract`, `offer`…); every type when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// Only the records changed since this RFC 3339 instant, and the file `deleted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

/// An export: its status, then its manifest once `done`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BulkExport {
    pub id: Uuid,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    pub types: Vec<String>,
    #[serde(default)]
    pub since: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    #[serde(default)]
    pub transaction_time: Option<String>,
    /// Once done: the change feed's cursor at the export's snapshot.
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub files: Vec<ExportFile>,
    #[serde(default)]
    pub error: Option<String>,
}

/// One file of a finished export.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ExportFile {
    /// Its resource type, or `deleted`.
    #[serde(rename = "type")]
    pub file_type: String,
    pub count: i64,
    /// Its path, e.g. `/v1/exports/{id}/files/person`.
    pub url: String,
}

/// A file of an export, read line by line as it arrives: never held whole.
pub struct ExportLines {
    response: reqwest::Response,
    context: String,
    pending: Vec<u8>,
    done: bool,
}

impl ExportLines {
    /// The next line, `None` at the end of the file.
    pub async fn next_line(&mut self) -> Result<Option<Value>, ClientError> {
        loop {
            if let Some(end) = self.pending.iter().position(|byte| *byte == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=end).collect();
                return self.decode(&line[..end]).map(Some);
            }
            if self.done {
                if self.pending.is_empty() {
                    return Ok(None);
                }
                let rest = std::mem::take(&mut self.pending);
                return self.decode(&rest).map(Some);
            }
            match self.response.chunk().await? {
                Some(bytes) => self.pending.extend_from_slice(&bytes),
                None => self.done = true,
            }
        }
    }

    fn decode(&self, line: &[u8]) -> Result<Value, ClientError> {
        serde_json::from_slice(line)
            .map_err(|error| ClientError::Decode { context: self.context.clone(), message: error.to_string() })
    }
}

impl Client {
    /// Starts a bulk export (scope `changes:read`); poll [`Client::export`] until `done`.
    pub async fn create_export(&self, request: &ExportRequest) -> Result<BulkExport, ClientError> {
        self.post("/v1/exports").json(request).send().await?.expect_status(&[202])?.json()
    }

    /// The export `id`: its status, or its manifest once done.
    pub async fn export(&self, id: Uuid) -> Result<BulkExport, ClientError> {
        self.get(format!("/v1/exports/{id}")).send().await?.expect_status(&[200])?.json()
    }

    /// A file of a finished export (`file.url`), streamed line by line.
    pub async fn export_file(&self, file: &ExportFile) -> Result<ExportLines, ClientError> {
        let url = format!("{}{}", self.base_url(), file.url);
        let token = self.access_token().await?;
        let response = self.transport().http().get(&url).bearer_auth(token.secret()).send().await?;
        let context = format!("GET {}", file.url);
        if response.status().as_u16() != 200 {
            let (status, headers, url) =
                (response.status().as_u16(), response.headers().clone(), response.url().clone());
            let body = response.bytes().await?.to_vec();
            return Err(RawResponse { method: Method::GET, url, status, headers, body }.into_error());
        }
        Ok(ExportLines { response, context, pending: Vec::new(), done: false })
    }
}
