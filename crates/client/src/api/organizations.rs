//! `/v1/organizations`: the network's organizations.

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::model::organization::{NewOrganization, Organization, OrganizationKind};
use crate::page::{Page, Pager};
use crate::request::query_of;
use crate::versioned::{Conditional, Created, ETag, Versioned};

/// Filters of the organization list.
#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    pub kind: Option<OrganizationKind>,
    /// Page size, 1 to 100 (the server's default, 20, when absent).
    pub limit: Option<u32>,
}

impl OrganizationFilter {
    fn query(&self) -> Vec<(String, String)> {
        query_of([
            ("kind", self.kind.map(|kind| kind.as_str().to_owned())),
            ("limit", self.limit.map(|limit| limit.to_string())),
        ])
    }
}

impl Client {
    /// One page of organizations, from `cursor` (the first page without).
    pub async fn list_organizations(
        &self,
        filter: &OrganizationFilter,
        cursor: Option<&str>,
    ) -> Result<Page<Organization>, ClientError> {
        let mut query = filter.query();
        query.extend(query_of([("cursor", cursor.map(str::to_owned))]));
        self.get("/v1/organizations").query_pairs(&query).send().await?.expect_status(&[200])?.json()
    }

    /// Every organization matching `filter`, page after page.
    pub fn organizations(&self, filter: &OrganizationFilter) -> Pager<Organization> {
        Pager::new(self.clone(), "/v1/organizations", filter.query())
    }

    pub async fn get_organization(&self, id: Uuid) -> Result<Versioned<Organization>, ClientError> {
        self.read(format!("/v1/organizations/{id}")).await
    }

    /// The organization unless `etag` is still its current version.
    pub async fn get_organization_if_none_match(
        &self,
        id: Uuid,
        etag: &ETag,
    ) -> Result<Conditional<Organization>, ClientError> {
        self.read_if_none_match(format!("/v1/organizations/{id}"), etag).await
    }

    /// Registers an organization (scope `admin`). A SIRET already registered answers 409 with
    /// the holder's id in `existing_id`.
    pub async fn create_organization(
        &self,
        new: &NewOrganization,
        idempotency_key: Option<&str>,
    ) -> Result<Created<Organization>, ClientError> {
        self.create("/v1/organizations".to_owned(), new, idempotency_key).await
    }

    /// Applies a JSON Merge Patch to the version `if_match` names (412 with
    /// `current_version` when it moved on).
    pub async fn update_organization(
        &self,
        id: Uuid,
        patch: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<Organization>, ClientError> {
        self.merge_patch(format!("/v1/organizations/{id}"), patch, if_match).await
    }

    /// The versions of an organization, oldest first.
    pub fn organization_history(&self, id: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/organizations/{id}/history"), Vec::new())
    }
}
