//! `/v1/admin`: what an operator's client may read and register.

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::page::Pager;
use crate::request::query_of;
use crate::versioned::Created;

/// Filters of the access journal.
#[derive(Debug, Clone, Default)]
pub struct JournalFilter {
    pub person_id: Option<Uuid>,
    pub client_id: Option<String>,
    pub limit: Option<u32>,
}

impl Client {
    /// Who read or wrote which person's data, oldest first (scope `journal:read` or `admin`).
    pub fn journal(&self, filter: &JournalFilter) -> Pager<Value> {
        let query = query_of([
            ("person_id", filter.person_id.map(|person| person.to_string())),
            ("client_id", filter.client_id.clone()),
            ("limit", filter.limit.map(|limit| limit.to_string())),
        ]);
        Pager::new(self.clone(), "/v1/admin/journal", query)
    }

    /// Registers an OAuth client (`ClientRegistration`, scope `admin`); the answer
    /// (`ClientCredentials`) holds the secret, shown this once. Sent once: the operation takes
    /// no idempotency key, and a retry could register a second client.
    pub async fn register_client(&self, registration: &Value) -> Result<Created<Value>, ClientError> {
        self.create("/v1/admin/clients".to_owned(), registration, None).await
    }
}
