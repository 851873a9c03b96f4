//! `/v1/persons/{id}/diagnostic`: one diagnostic per person, replaced as a whole.

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::versioned::{Conditional, ETag, Versioned};

impl Client {
    pub async fn get_diagnostic(&self, person: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/persons/{person}/diagnostic")).await
    }

    pub async fn get_diagnostic_if_none_match(
        &self,
        person: Uuid,
        etag: &ETag,
    ) -> Result<Conditional<Value>, ClientError> {
        self.read_if_none_match(format!("/v1/persons/{person}/diagnostic"), etag).await
    }

    /// Writes the diagnostic (`DiagnosticInput`): the first without `if_match` (201), a
    /// replacement with the current one's ETag (200).
    pub async fn set_diagnostic(
        &self,
        person: Uuid,
        diagnostic: &Value,
        if_match: Option<&ETag>,
    ) -> Result<Versioned<Value>, ClientError> {
        self.replace(format!("/v1/persons/{person}/diagnostic"), diagnostic, if_match).await
    }
}
