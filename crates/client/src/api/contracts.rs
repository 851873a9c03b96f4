//! `/v1/persons/{id}/contracts`: contracts of reciprocal commitments and their reviews.

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::page::Pager;
use crate::versioned::{Created, ETag, Versioned};

impl Client {
    /// Drafts a contract (`NewContract`). While another is in force: 409 with `existing_id`.
    pub async fn create_contract(
        &self,
        person: Uuid,
        contract: &Value,
        idempotency_key: Option<&str>,
    ) -> Result<Created<Value>, ClientError> {
        self.create(format!("/v1/persons/{person}/contracts"), contract, idempotency_key).await
    }

    pub async fn get_contract(&self, person: Uuid, contract: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/persons/{person}/contracts/{contract}")).await
    }

    /// Applies a merge patch (signatures, status, commitments) to the version `if_match` names.
    pub async fn update_contract(
        &self,
        person: Uuid,
        contract: Uuid,
        patch: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<Value>, ClientError> {
        self.merge_patch(format!("/v1/persons/{person}/contracts/{contract}"), patch, if_match).await
    }

    pub fn contracts(&self, person: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/persons/{person}/contracts"), Vec::new())
    }

    /// Records a review of the contract (`NewReview`); a review is never changed afterwards.
    pub async fn create_review(
        &self,
        person: Uuid,
        contract: Uuid,
        review: &Value,
        idempotency_key: Option<&str>,
    ) -> Result<Created<Value>, ClientError> {
        self.create(format!("/v1/persons/{person}/contracts/{contract}/reviews"), review, idempotency_key).await
    }

    pub fn reviews(&self, person: Uuid, contract: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/persons/{person}/contracts/{contract}/reviews"), Vec::new())
    }
}
