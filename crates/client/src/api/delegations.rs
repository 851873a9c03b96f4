//! `/v1/delegations`: who acts for whom — a département's RSA orientation delegated to France
//! Travail, an accompaniment mandated to a partner operator.

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::page::Pager;
use crate::request::query_of;
use crate::versioned::{Created, ETag, Versioned};

/// Filters of the delegation list.
#[derive(Debug, Clone, Default)]
pub struct DelegationFilter {
    /// `rsa_orientation` or `accompaniment`.
    pub kind: Option<String>,
    pub from_organization_id: Option<Uuid>,
    pub to_organization_id: Option<Uuid>,
    /// `YYYY-MM-DD`: only those that apply that day.
    pub active_on: Option<String>,
}

impl Client {
    /// Grants a delegation (`NewDelegation`) from the caller's organization. One overlapping
    /// another of the same grant: 409 naming it.
    pub async fn create_delegation(
        &self,
        delegation: &Value,
        idempotency_key: Option<&str>,
    ) -> Result<Created<Value>, ClientError> {
        self.create("/v1/delegations".to_owned(), delegation, idempotency_key).await
    }

    pub async fn get_delegation(&self, id: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/delegations/{id}")).await
    }

    /// Ends (or extends) a delegation: a merge patch of `until`.
    pub async fn update_delegation(
        &self,
        id: Uuid,
        patch: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<Value>, ClientError> {
        self.merge_patch(format!("/v1/delegations/{id}"), patch, if_match).await
    }

    /// Every delegation matching `filter`, page after page.
    pub fn delegations(&self, filter: &DelegationFilter) -> Pager<Value> {
        let query = query_of([
            ("kind", filter.kind.clone()),
            ("from_organization_id", filter.from_organization_id.map(|id| id.to_string())),
            ("to_organization_id", filter.to_organization_id.map(|id| id.to_string())),
            ("active_on", filter.active_on.clone()),
        ]);
        Pager::new(self.clone(), "/v1/delegations", query)
    }
}
