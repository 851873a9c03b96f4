//! `/v1/persons/{id}/breaches`: breaches of a person's duties and the measures decided (scopes
//! `dossier.sanctions:read` and `dossier.sanctions:write`).

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::page::Pager;
use crate::versioned::{Created, ETag, Versioned};

impl Client {
    /// Records a breach (`NewBreach`) of an obligation of the person's signed contract.
    pub async fn record_breach(
        &self,
        person: Uuid,
        breach: &Value,
        idempotency_key: Option<&str>,
    ) -> Result<Created<Value>, ClientError> {
        self.create(format!("/v1/persons/{person}/breaches"), breach, idempotency_key).await
    }

    pub async fn get_breach(&self, person: Uuid, id: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/persons/{person}/breaches/{id}")).await
    }

    /// Records the next steps (`BreachSteps`: `notice`, `answer`, `decision`, `lifted`) as a
    /// merge patch; the notice, decision and lifting by the organization holding the power.
    pub async fn record_breach_steps(
        &self,
        person: Uuid,
        id: Uuid,
        steps: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<Value>, ClientError> {
        self.merge_patch(format!("/v1/persons/{person}/breaches/{id}"), steps, if_match).await
    }

    pub fn breaches(&self, person: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/persons/{person}/breaches"), Vec::new())
    }
}
