//! Queries of `indicator_vintages` and `indicator_cells`: a vintage is written once, with all its
//! cells, and never changed; a recomputation with other figures for the same date is the next
//! revision of that date.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use diesel::prelude::*;

use crate::schema::{indicator_cells, indicator_vintages};
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, StoreError};

/// A published computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vintage {
    /// `{as_of}.r{revision}`, e.g. `2026-11-30.r1`.
    pub id: String,
    pub as_of: NaiveDate,
    /// 1 for the first computation as of this date, then one more per revision.
    pub revision: i32,
    /// SHA-256 of the cells and the definitions' versions (hex).
    pub content_hash: String,
    pub cell_count: i64,
    pub computed_at: DateTime<Utc>,
}

/// One cell, as computed (unprotected).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub indicator: String,
    pub level: String,
    pub territory: String,
    pub period: String,
    pub category: String,
    /// The persons (or offers) behind the figure: what statistical secrecy looks at.
    pub units: i64,
    pub value: f64,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = indicator_vintages)]
struct VintageRow {
    id: String,
    as_of: String,
    revision: i32,
    content_hash: String,
    cell_count: i64,
    computed_at: chrono::NaiveDateTime,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = indicator_cells, treat_none_as_default_value = false)]
struct CellRow {
    vintage_id: String,
    indicator: String,
    level: String,
    territory: String,
    period: String,
    category: String,
    units: i64,
    value: f64,
}

/// Whether [`publish`] wrote a new vintage or found the same figures already published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    New,
    Unchanged,
}

/// Publishes the cells computed as of `as_of`: when the latest vintage of that date has the
/// same hash, it is returned unchanged; otherwise a new revision is written, cells included, in
/// one write transaction (on SQLite it takes the write lock first, so that a concurrent writer
/// makes it wait rather than fail). Two computations of one date at once: one publishes, the
/// other fails on the revision's uniqueness and changes nothing.
pub fn publish(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    content_hash: &str,
    cells: &[Cell],
) -> Result<(Vintage, Published), StoreError> {
    crate::write::transaction(conn, |conn| {
        let latest: Option<VintageRow> = indicator_vintages::table
            .filter(indicator_vintages::as_of.eq(as_of.to_string()))
            .order(indicator_vintages::revision.desc())
            .first(conn)
            .optional()?;
        if let Some(latest) = latest {
            if latest.content_hash == content_hash {
                return Ok((vintage_of(latest)?, Published::Unchanged));
            }
            return write(conn, as_of, latest.revision + 1, content_hash, cells);
        }
        write(conn, as_of, 1, content_hash, cells)
    })
}

fn write(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    revision: i32,
    content_hash: &str,
    cells: &[Cell],
) -> Result<(Vintage, Published), StoreError> {
    let row = VintageRow {
        id: format!("{as_of}.r{revision}"),
        as_of: as_of.to_string(),
        revision,
        content_hash: content_hash.to_owned(),
        cell_count: cells.len() as i64,
        // To the microsecond, as both backends keep it.
        computed_at: to_db(Utc::now().trunc_subsecs(6)),
    };
    diesel::insert_into(indicator_vintages::table).values(&row).execute(conn)?;
    let rows: Vec<CellRow> = cells
        .iter()
        .map(|cell| CellRow {
            vintage_id: row.id.clone(),
            indicator: cell.indicator.clone(),
            level: cell.level.clone(),
            territory: cell.territory.clone(),
            period: cell.period.clone(),
            category: cell.category.clone(),
            units: cell.units,
            value: cell.value,
        })
        .collect();
    crate::bulk::insert_all!(conn, indicator_cells::table, rows.as_slice());
    Ok((vintage_of(row)?, Published::New))
}

fn vintage_of(row: VintageRow) -> Result<Vintage, StoreError> {
    Ok(Vintage {
        as_of: row.as_of.parse().map_err(StoreError::corrupt)?,
        id: row.id,
        revision: row.revision,
        content_hash: row.content_hash,
        cell_count: row.cell_count,
        computed_at: from_db(row.computed_at),
    })
}

/// The vintage published last: the latest as-of date, its latest revision.
pub fn latest(conn: &mut DbConnection) -> Result<Option<Vintage>, StoreError> {
    let row: Option<VintageRow> = indicator_vintages::table
        .order((indicator_vintages::as_of.desc(), indicator_vintages::revision.desc()))
        .first(conn)
        .optional()?;
    row.map(vintage_of).transpose()
}

/// Every vintage of a date, first revision first.
pub fn of_date(conn: &mut DbConnection, as_of: NaiveDate) -> Result<Vec<Vintage>, StoreError> {
    let rows: Vec<VintageRow> = indicator_vintages::table
        .filter(indicator_vintages::as_of.eq(as_of.to_string()))
        .order(indicator_vintages::revision.asc())
        .load(conn)?;
    rows.into_iter().map(vintage_of).collect()
}

/// The cells of one indicator in a vintage, in the order of the key.
pub fn cells(conn: &mut DbConnection, vintage_id: &str, indicator: &str) -> Result<Vec<Cell>, StoreError> {
    let rows: Vec<CellRow> = indicator_cells::table
        .filter(indicator_cells::vintage_id.eq(vintage_id))
        .filter(indicator_cells::indicator.eq(indicator))
        .order((
            indicator_cells::level.asc(),
            indicator_cells::territory.asc(),
            indicator_cells::period.asc(),
            indicator_cells::category.asc(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| Cell {
            indicator: row.indicator,
            level: row.level,
            territory: row.territory,
            period: row.period,
            category: row.category,
            units: row.units,
            value: row.value,
        })
        .collect())
}
