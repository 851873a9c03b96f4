//! Queries of the indicators domain: the orientation decisions as statistical records for the
//! employment committees (`orientation_decisions`), counted per territory, month and category.

pub mod orientation_decisions;
