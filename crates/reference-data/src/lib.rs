//! The embedded referentials, as data: the INSEE communes (with their postal codes, population
//! and position), the ROME 4.0 job codes and the NAF rév. 2 activity codes (codes APE), with
//! their lookups, searches and distances. Derived from public packages by
//! `scripts/derive-referentials` and embedded at build time (see `referentials/SOURCES.md`),
//! parsed once on first use, so a fresh machine needs no download.
//!
//! No HTTP and no storage here: the API that serves them is `plateforme-referentials`; the
//! offers, the dataset generator and the benchmark read them from this crate.

mod communes;
mod geometry;
mod naf;
mod rome;
mod table;
pub mod territories;

pub use communes::{Commune, commune, communes, search_communes};
pub use geometry::{bounding_box, distance_km, haversine_km};
pub use naf::{Naf, naf, naf_codes, search_naf};
pub use rome::{Rome, rome, rome_codes, search_rome};
