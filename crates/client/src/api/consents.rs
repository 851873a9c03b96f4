//! `/v1/persons/{id}/consents`: what the person agrees to (profile bank, dossier sharing).

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::page::Pager;
use crate::versioned::{Created, Versioned};

impl Client {
    /// Records a consent (`NewConsent`), dated now. The same consent still active: 409.
    pub async fn give_consent(
        &self,
        person: Uuid,
        consent: &Value,
        idempotency_key: Option<&str>,
    ) -> Result<Created<Value>, ClientError> {
        self.create(format!("/v1/persons/{person}/consents"), consent, idempotency_key).await
    }

    /// Withdraws a consent. Sent once: the operation takes no idempotency key.
    pub async fn withdraw_consent(&self, person: Uuid, consent: Uuid) -> Result<Versioned<Value>, ClientError> {
        let path = format!("/v1/persons/{person}/consents/{consent}/withdraw");
        self.post(path).send().await?.expect_status(&[200])?.versioned()
    }

    pub async fn get_consent(&self, person: Uuid, consent: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/persons/{person}/consents/{consent}")).await
    }

    pub fn consents(&self, person: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/persons/{person}/consents"), Vec::new())
    }
}
