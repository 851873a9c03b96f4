//! Queries of `indicator_vintages` and `indicator_vintage_cells`: a vintage is written once, with
//! all its cells, and never changed; a recomputation with other figures for the same date is the
//! next revision of that date.
//!
//! The cells of one indicator are one row, a text of a line per cell (see [`encode_line`]): every
//! reader reads all the cells of one indicator, and at national scale a row per cell (millions,
//! under a six-column key) made writing them most of a recomputation's time.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use diesel::prelude::*;

use crate::schema::{indicator_vintage_cells, indicator_vintages};
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

/// A cell's fields, borrowed: what a vintage's text and hash are written from, whether the
/// cell is kept as a [`Cell`] or as names shared by many cells (the full computation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellRef<'a> {
    pub level: &'a str,
    pub territory: &'a str,
    pub period: &'a str,
    pub category: &'a str,
    pub units: i64,
    pub value: f64,
}

impl Cell {
    pub fn as_ref(&self) -> CellRef<'_> {
        CellRef {
            level: &self.level,
            territory: &self.territory,
            period: &self.period,
            category: &self.category,
            units: self.units,
            value: self.value,
        }
    }
}

/// The cells of one indicator as a vintage keeps them: a line per cell ([`encode_line`]), in
/// the order of their key.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorText {
    pub indicator: String,
    pub cell_count: i64,
    text: String,
}

impl IndicatorText {
    /// The text of `cells`, which come in the order of their key.
    pub fn encode<'a>(indicator: &str, cells: impl IntoIterator<Item = CellRef<'a>>) -> IndicatorText {
        let mut text = String::new();
        let mut cell_count = 0;
        for cell in cells {
            encode_line(&mut text, cell);
            cell_count += 1;
        }
        IndicatorText { indicator: indicator.to_owned(), cell_count, text }
    }
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

/// Whether [`publish`] wrote a new vintage or found the same figures already published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    New,
    Unchanged,
}

/// Publishes the cells computed as of `as_of`, the text of each indicator in the order of the
/// catalogue: when the latest vintage of that date has the
/// same hash, it is returned unchanged; otherwise a new revision is written, cells included, in
/// one write transaction (on SQLite it takes the write lock first, so that a concurrent writer
/// makes it wait rather than fail). Two computations of one date at once: one publishes, the
/// other fails on the revision's uniqueness and changes nothing.
pub fn publish(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    content_hash: &str,
    indicators: &[IndicatorText],
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
            return write(conn, as_of, latest.revision + 1, content_hash, indicators);
        }
        write(conn, as_of, 1, content_hash, indicators)
    })
}

fn write(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    revision: i32,
    content_hash: &str,
    indicators: &[IndicatorText],
) -> Result<(Vintage, Published), StoreError> {
    let row = VintageRow {
        id: format!("{as_of}.r{revision}"),
        as_of: as_of.to_string(),
        revision,
        content_hash: content_hash.to_owned(),
        cell_count: indicators.iter().map(|indicator| indicator.cell_count).sum(),
        // To the microsecond, as both backends keep it.
        computed_at: to_db(Utc::now().trunc_subsecs(6)),
    };
    diesel::insert_into(indicator_vintages::table).values(&row).execute(conn)?;
    let mut written = std::collections::BTreeSet::new();
    // An indicator without cells has no row: its cells read back as none.
    for indicator in indicators.iter().filter(|indicator| indicator.cell_count > 0) {
        if !written.insert(indicator.indicator.as_str()) {
            return Err(StoreError::corrupt(format!("the cells of {} come twice", indicator.indicator)));
        }
        diesel::insert_into(indicator_vintage_cells::table)
            .values((
                indicator_vintage_cells::vintage_id.eq(&row.id),
                indicator_vintage_cells::indicator.eq(&indicator.indicator),
                indicator_vintage_cells::cell_count.eq(indicator.cell_count),
                indicator_vintage_cells::cells.eq(&indicator.text),
            ))
            .execute(conn)?;
    }
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
    let text: Option<String> = indicator_vintage_cells::table
        .filter(indicator_vintage_cells::vintage_id.eq(vintage_id))
        .filter(indicator_vintage_cells::indicator.eq(indicator))
        .select(indicator_vintage_cells::cells)
        .first(conn)
        .optional()?;
    let Some(text) = text else { return Ok(Vec::new()) };
    let mut cells = text.split('\n').map(|line| decode_line(indicator, line)).collect::<Result<Vec<_>, _>>()?;
    // Written in that order; the vintages converted from a row per cell were ordered by the
    // database's collation.
    if !cells.is_sorted_by(|one, next| key(one) <= key(next)) {
        cells.sort_by(|one, next| key(one).cmp(&key(next)));
    }
    Ok(cells)
}

fn key(cell: &Cell) -> (&str, &str, &str, &str) {
    (&cell.level, &cell.territory, &cell.period, &cell.category)
}

/// Appends a cell's line to an indicator's text: level, territory, period, category, units and
/// value, separated by tabs (none of the codes holds a tab or a line break), the value in the
/// shortest decimal that reads back the same number; lines separated by `\n`.
fn encode_line(text: &mut String, cell: CellRef<'_>) {
    use std::fmt::Write as _;
    if !text.is_empty() {
        text.push('\n');
    }
    let _ = write!(
        text,
        "{}\t{}\t{}\t{}\t{}\t{}",
        cell.level, cell.territory, cell.period, cell.category, cell.units, cell.value
    );
}

fn decode_line(indicator: &str, line: &str) -> Result<Cell, StoreError> {
    let corrupt = || StoreError::corrupt(format!("a cell of {indicator}: {line:?}"));
    let mut fields = line.split('\t');
    let mut text = || fields.next().map(str::to_owned).ok_or_else(corrupt);
    let (level, territory, period, category) = (text()?, text()?, text()?, text()?);
    let units = text()?.parse().map_err(|_| corrupt())?;
    let value = text()?.parse().map_err(|_| corrupt())?;
    if fields.next().is_some() {
        return Err(corrupt());
    }
    Ok(Cell { indicator: indicator.to_owned(), level, territory, period, category, units, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(level: &str, territory: &str, units: i64, value: f64) -> Cell {
        Cell {
            indicator: "inscriptions".to_owned(),
            level: level.to_owned(),
            territory: territory.to_owned(),
            period: "2026-Q4".to_owned(),
            category: "total".to_owned(),
            units,
            value,
        }
    }

    #[test]
    fn a_line_reads_back_the_cell_it_was_written_from() {
        for written in
            [cell("commune", "69123", 12, 33.3), cell("national", "FR", 0, 0.0), cell("region", "84", 7, 0.1)]
        {
            let mut text = String::new();
            encode_line(&mut text, written.as_ref());
            assert_eq!(decode_line("inscriptions", &text).expect("decoded"), written);
        }
    }

    #[test]
    fn lines_as_the_databases_write_a_double_read_back_the_same_number() {
        // The migration from a row per cell writes values as the database does.
        for (text, value) in [("42", 42.0), ("42.0", 42.0), ("33.3", 33.3), ("0", 0.0)] {
            let line = format!("departement\t69\t2026-11\ttotal\t5\t{text}");
            assert_eq!(decode_line("x", &line).expect("decoded").value, value);
        }
    }

    #[test]
    fn a_line_with_a_missing_or_extra_field_is_corrupt() {
        for line in [
            "national\tFR\t2026-11\ttotal\t5",
            "national\tFR\t2026-11\ttotal\t5\t5\tmore",
            "national\tFR\t2026-11\ttotal\tfive\t5",
        ] {
            assert!(decode_line("x", line).is_err(), "{line}");
        }
    }
}
