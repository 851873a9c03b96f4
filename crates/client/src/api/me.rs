//! A person's own access: the one-time code a counsellor issues, the person's token it is
//! exchanged for, and what that token reads — everything held about the person, as a document
//! (`/v1/me`) or as one file (`/v1/me/export`).

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;

/// The grant type of the person's one-time code at `/oauth/token`.
const ACCESS_CODE_GRANT: &str = "urn:plateforme:params:oauth:grant-type:person-access-code";

/// The export of everything held about a person: the file's name (from `Content-Disposition`)
/// and its JSON bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

impl Client {
    /// Issues a one-time code for the person (scope `dossier:write`): `{"code", "expires_at",
    /// "grant_type"}`, shown this once, to hand to the person. Sent once: a retry would issue a
    /// second code.
    pub async fn issue_access_code(&self, person_id: Uuid) -> Result<Value, ClientError> {
        let path = format!("/v1/persons/{person_id}/access-codes");
        self.post(path).json(&serde_json::json!({})).send().await?.expect_status(&[201])?.json()
    }

    /// What the person's application does with the code: exchanges it, without client
    /// credentials, for the person's own token (scope `me`), whose secret it answers.
    pub async fn person_token(&self, code: &str) -> Result<String, ClientError> {
        let form = [("grant_type", ACCESS_CODE_GRANT), ("code", code)];
        let response = self.post("/oauth/token").anonymous().form(&form).send().await?.expect_status(&[200])?;
        let token: Value = response.json()?;
        token["access_token"].as_str().map(str::to_owned).ok_or_else(|| ClientError::Decode {
            context: response.context(),
            message: "no access_token in the token response".to_owned(),
        })
    }

    /// Everything held about the person holding `person_token` (`GET /v1/me`).
    pub async fn my_data(&self, person_token: &str) -> Result<Value, ClientError> {
        self.get("/v1/me").bearer(person_token).send().await?.expect_status(&[200])?.json()
    }

    /// The same, as one file (`GET /v1/me/export`).
    pub async fn export_my_data(&self, person_token: &str) -> Result<Export, ClientError> {
        let response = self.get("/v1/me/export").bearer(person_token).send().await?.expect_status(&[200])?;
        let file_name = response.header("content-disposition").and_then(file_name_of);
        Ok(Export { file_name, bytes: response.body })
    }
}

/// `attachment; filename="plateforme-….json"` → `plateforme-….json`.
fn file_name_of(disposition: &str) -> Option<String> {
    let (_, rest) = disposition.split_once("filename=")?;
    Some(rest.trim_matches('"').to_owned())
}
