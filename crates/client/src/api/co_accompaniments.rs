//! `/v1/persons/{id}/co-accompaniments`: the organizations accompanying a person beside the
//! référent.

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::page::Pager;
use crate::versioned::{Created, ETag, Versioned};

impl Client {
    /// Records a co-accompaniment (`NewCoAccompaniment`). An organization without a remit: 422
    /// naming the rule; the same organization on the same days: 409.
    pub async fn record_co_accompaniment(
        &self,
        person: Uuid,
        co_accompaniment: &Value,
        idempotency_key: Option<&str>,
    ) -> Result<Created<Value>, ClientError> {
        self.create(format!("/v1/persons/{person}/co-accompaniments"), co_accompaniment, idempotency_key).await
    }

    pub async fn get_co_accompaniment(&self, person: Uuid, id: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/persons/{person}/co-accompaniments/{id}")).await
    }

    /// Ends (or extends) a co-accompaniment: a merge patch of `until`.
    pub async fn update_co_accompaniment(
        &self,
        person: Uuid,
        id: Uuid,
        patch: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<Value>, ClientError> {
        self.merge_patch(format!("/v1/persons/{person}/co-accompaniments/{id}"), patch, if_match).await
    }

    pub fn co_accompaniments(&self, person: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/persons/{person}/co-accompaniments"), Vec::new())
    }
}
