//! `/v1/trainings`: the training catalogue, imported and exported in LHEO (2.3; 2.2 read too),
//! read as JSON.

use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::versioned::Versioned;

/// The media type of an LHEO document.
const XML: &str = "application/xml";

/// The count of each outcome at one level of the catalogue (formations, actions or sessions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct LheoCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub closed: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct LheoSummary {
    pub formations: LheoCounts,
    pub actions: LheoCounts,
    pub sessions: LheoCounts,
}

/// The report of an LHEO import (`ImportReport` in the contract).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LheoImport {
    /// `2.3` or `2.2`, as the document declared.
    pub lheo_version: String,
    pub snapshot: bool,
    pub summary: LheoSummary,
    /// Each element created, updated, rejected (with its rules and line) or closed
    /// (`ReportEntry` in the contract).
    pub entries: Vec<Value>,
}

impl Client {
    /// Imports an LHEO document into the caller's catalogue. `snapshot`: the document is the
    /// whole catalogue, and the caller's formations it lacks are closed. A broken document is
    /// refused with 422 (`lheo.malformed`, its line in the problem's errors) and writes nothing.
    pub async fn import_lheo(&self, document: Vec<u8>, snapshot: bool) -> Result<LheoImport, ClientError> {
        let request = self.post("/v1/trainings/lheo").query("snapshot", snapshot).body(document, XML);
        request.send().await?.expect_status(&[200])?.json()
    }

    /// The active catalogue (of one région, when given) as one LHEO 2.3 document, read without
    /// a token: the export is public.
    pub async fn export_lheo(&self, region: Option<&str>) -> Result<String, ClientError> {
        let request = self.get("/v1/trainings/lheo").anonymous();
        let request = request.with_optional(region, |request, region| request.query("region", region));
        let response = request.send().await?.expect_status(&[200])?;
        Ok(String::from_utf8_lossy(&response.body).into_owned())
    }

    /// A formation with its actions and sessions (`Training` in the contract). Active ones are
    /// public; a closed one needs `training:read`.
    pub async fn get_training(&self, id: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/trainings/{id}")).await
    }

    /// [`get_training`](Client::get_training) without a token, as anyone may (active ones only).
    pub async fn get_training_anonymously(&self, id: Uuid) -> Result<Versioned<Value>, ClientError> {
        let response = self.get(format!("/v1/trainings/{id}")).anonymous().send().await?.expect_status(&[200])?;
        response.versioned()
    }
}
