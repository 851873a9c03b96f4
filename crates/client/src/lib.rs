//! Typed Rust client of the Plateforme API, for the information systems of the network's
//! partners.
//!
//! - **Access**: OAuth2 client credentials (through the `oauth2` crate, HTTP Basic), the token
//!   kept and renewed shortly before it expires ([`ClientConfig::refresh_margin`]).
//! - **Versions**: reads return [`Versioned`] values whose [`ETag`] the next write sends in
//!   `If-Match`; conditional reads return [`Conditional::NotModified`] on 304.
//! - **Retries**: 429 and 503 are retried as `Retry-After` asks, within a [`RetryPolicy`], for
//!   requests that cannot be duplicated (a `POST` only with an `Idempotency-Key`).
//! - **Lists**: [`Pager`] reads a list page after page.
//! - **Errors**: a [`ClientError`], the API's [`Problem`] documents typed.
//!
//! ```no_run
//! # async fn run() -> Result<(), plateforme_client::ClientError> {
//! use plateforme_client::{Client, ClientConfig, OrganizationFilter};
//!
//! let client = Client::new(ClientConfig::new(
//!     "http://127.0.0.1:8080",
//!     "demo-mission-locale",
//!     "demo-mission-locale-secret",
//! ))?;
//! let organizations = client.organizations(&OrganizationFilter::default()).all().await?;
//! let first = client.get_organization(organizations[0].id).await?;
//! let renamed = serde_json::json!({"name": "Mission locale de Lyon"});
//! match client.update_organization(first.value.id, &renamed, &first.etag).await {
//!     Ok(updated) => println!("now at {}", updated.etag),
//!     Err(error) if error.code() == Some("precondition_failed") => println!("changed meanwhile"),
//!     Err(error) => return Err(error),
//! }
//! # Ok(())
//! # }
//! ```

mod calls;
mod claims;
mod client;
mod config;
mod error;
mod observer;
mod page;
mod request;
mod response;
mod retry;
mod retry_after;
mod token;
mod transport;
mod versioned;

pub mod api;
pub mod model;

pub use api::admin::JournalFilter;
pub use api::changes::{ChangeData, ChangeEvent, ChangePage, ChangesRequest};
pub use api::delegations::DelegationFilter;
pub use api::exports::{BulkExport, ExportFile, ExportLines, ExportRequest};
pub use api::indicators::{
    IndicatorCatalogue, IndicatorCell, IndicatorDefinition, IndicatorFile, IndicatorSummary, IndicatorTable,
    IndicatorVintage, IndicatorVintageRef, OpenDataLicence, OrientationDecisionCell, OrientationDecisionTable,
    OrientationDecisionsQuery,
};
pub use api::me::Export;
// Inbound sync.
pub use api::inbound::{PersonBatchResult, PersonPushResult, PersonPushStatus, PersonPushSummary};
pub use api::offers::{
    BatchResult, BatchSummary, ContractType, FacetCount, Facets, LineResult, OfferSearch, OfferSort, OfferStatus,
    PublicationOutcome, Published, RomeCompletion, SearchPage, SourceRef, Suggestions, TitleCompletion,
};
pub use api::organizations::OrganizationFilter;
pub use api::webhooks::{Replay, Subscription, SubscriptionRequest};
// The training catalogue (issue 15).
pub use api::training::{
    LheoCounts, LheoImport, LheoSummary, TrainingFacetCount, TrainingFacets, TrainingSearch, TrainingSearchPage,
};
pub use client::Client;
pub use config::ClientConfig;
pub use error::{ClientError, FieldError, Problem};
pub use model::organization::{NewOrganization, Organization, OrganizationKind, Territory};
pub use observer::Observer;
pub use page::{Page, Pager};
pub use request::RequestBuilder;
pub use response::RawResponse;
pub use retry::RetryPolicy;
pub use token::{AccessToken, TokenResponse};
pub use versioned::{Conditional, Created, ETag, Versioned};

/// The HTTP types the API surface uses.
pub use reqwest::{Method, Url, header};
