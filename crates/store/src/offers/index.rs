//! SQLite's full-text index of offers, kept by the application: SQLite has no French stemmer,
//! so the stems are computed here and written to `offers_fts`. PostgreSQL needs nothing: its
//! `search_vector` column is generated from the folded text.

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::OfferRow;
use super::text::stems;
use crate::{DbConnection, StoreError};

/// Writes (or rewrites) the index entry of an offer whose row is written.
pub(crate) fn reindex(conn: &mut DbConnection, row: &OfferRow) -> Result<(), StoreError> {
    let DbConnection::Sqlite(conn) = conn else { return Ok(()) };
    diesel::sql_query("DELETE FROM offers_fts WHERE rowid = (SELECT search_rowid FROM offers WHERE id = ?)")
        .bind::<Text, _>(&row.id)
        .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO offers_fts (rowid, title, skills, body) SELECT search_rowid, ?, ?, ? FROM offers WHERE id = ?",
    )
    .bind::<Text, _>(stems(&row.search_title))
    .bind::<Text, _>(stems(&row.search_skills))
    .bind::<Text, _>(stems(&row.search_body))
    .bind::<Text, _>(&row.id)
    .execute(conn)?;
    Ok(())
}

/// Removes the index entry of an offer about to be deleted.
pub(crate) fn unindex(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    let DbConnection::Sqlite(conn) = conn else { return Ok(()) };
    diesel::sql_query("DELETE FROM offers_fts WHERE rowid = (SELECT search_rowid FROM offers WHERE id = ?)")
        .bind::<Text, _>(id)
        .execute(conn)?;
    Ok(())
}
