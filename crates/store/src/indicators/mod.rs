//! Queries of the indicators domain: the orientation decisions as statistical records for the
//! employment committees (`orientation_decisions`), counted per territory, month and category;
//! the source records of every indicator counted as of a date (`compute`); the published
//! vintages and their cells (`vintages`); the live figures kept current from the change feed
//! between two computations (`live`).

pub mod compute;
pub mod live;
pub mod orientation_decisions;
pub mod vintages;
