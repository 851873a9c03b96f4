//! Bulk export (issue 12, item 4): a first load of every record the caller may see, as NDJSON
//! files per resource type, cut at an exact position of the change feed so that reading the
//! feed from the export's cursor leaves no gap and no overlap (`store::exports`).
//!
//! `POST /v1/exports` records the export and starts it in the background; `GET
//! /v1/exports/{id}` answers its status, then its manifest; `GET /v1/exports/{id}/files/{type}`
//! streams a file chunk by chunk from the database, so any replica serves it.

mod create_export;
mod get_export;
mod get_export_file;
mod job;
mod request;
mod view;

use utoipa_actix_web::service_config::ServiceConfig;

pub use job::forget_expired;
pub use request::ExportRequest;
pub use view::{ExportFile, ExportView};

/// How long an export and its files are kept after it was asked for.
pub const EXPIRY_DAYS: i64 = 7;

/// The file of the records deleted or gone out of the caller's remit since `since`.
pub const DELETED_FILE: &str = "deleted";

/// Registers the export routes under `/v1`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_export::create_export)
        .service(get_export::get_export)
        .service(get_export_file::get_export_file);
}
