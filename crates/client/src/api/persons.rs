//! `/v1/persons`: the person dossier's core (registration, identity, orientation).

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::page::Pager;
use crate::request::query_of;
use crate::versioned::{Conditional, Created, ETag, Versioned};

impl Client {
    /// Looks for a person already registered (by NIR, or by identity), before registering:
    /// `{"matches": [...]}` with what the caller may see of each.
    pub async fn match_persons(&self, probe: &Value) -> Result<Value, ClientError> {
        self.post("/v1/persons/match").json(probe).send().await?.expect_status(&[200])?.json()
    }

    /// Registers a person (`NewPerson` in the contract). The same identity registered
    /// elsewhere answers 409 with `existing_id`.
    pub async fn create_person(
        &self,
        person: &Value,
        idempotency_key: Option<&str>,
    ) -> Result<Created<Value>, ClientError> {
        self.create("/v1/persons".to_owned(), person, idempotency_key).await
    }

    pub async fn get_person(&self, id: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/persons/{id}")).await
    }

    pub async fn get_person_if_none_match(&self, id: Uuid, etag: &ETag) -> Result<Conditional<Value>, ClientError> {
        self.read_if_none_match(format!("/v1/persons/{id}"), etag).await
    }

    /// Applies a JSON Merge Patch to the dossier at the version `if_match` names.
    pub async fn update_person(
        &self,
        id: Uuid,
        patch: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<Value>, ClientError> {
        self.merge_patch(format!("/v1/persons/{id}"), patch, if_match).await
    }

    /// Records the orientation decision (`OrientationInput`); answers the whole dossier.
    pub async fn set_orientation(
        &self,
        id: Uuid,
        orientation: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<Value>, ClientError> {
        self.replace(format!("/v1/persons/{id}/orientation"), orientation, Some(if_match)).await
    }

    /// Records the RSA status with its source (`RsaStatusInput`): a département or France Travail
    /// only.
    pub async fn set_rsa_status(
        &self,
        id: Uuid,
        status: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<Value>, ClientError> {
        self.replace(format!("/v1/persons/{id}/rsa-status"), status, Some(if_match)).await
    }

    /// Persons registered at least `days` ago and still not oriented, within the remit.
    pub fn unoriented_persons(&self, days: u32, limit: Option<u32>) -> Pager<Value> {
        let query = query_of([
            ("unoriented_for_days", Some(days.to_string())),
            ("limit", limit.map(|limit| limit.to_string())),
        ]);
        Pager::new(self.clone(), "/v1/persons", query)
    }

    /// The versions of a dossier, oldest first.
    pub fn person_history(&self, id: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/persons/{id}/history"), Vec::new())
    }

    /// The person's path: every change to their records, in order.
    pub fn timeline(&self, id: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/persons/{id}/timeline"), Vec::new())
    }
}
