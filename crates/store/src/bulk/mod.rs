//! Writing many rows at once.
//!
//! - [`Batch`] (in `copy`): records prepared elsewhere (the dataset generator's), written with
//!   their history rows and change events by `COPY` on PostgreSQL, a transaction per batch.
//! - `insert_all!` (crate-private): the multi-row inserts of the store's own batch writes.
//!
//! Multi-row inserts: MultiConnection does not offer them, but each backend does: the rows are
//! sent in statements of up to `ROWS_PER_STATEMENT`, which keeps within both backends' limit
//! on bound parameters (65,535 for PostgreSQL, 32,766 for SQLite) for tables of up to 60
//! columns. The row types need `treat_none_as_default_value = false` (SQLite has no DEFAULT
//! in multi-row VALUES).

mod copy;

pub use copy::{Batch, Counts, Version};

pub const ROWS_PER_STATEMENT: usize = 500;

/// Inserts every row of `$rows` (a slice) into `$table`; answers how many were inserted.
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut inserted = 0usize;
        for chunk in $rows.chunks($crate::bulk::ROWS_PER_STATEMENT) {
            inserted += match &mut *$conn {
                $crate::DbConnection::Postgres(conn) => diesel::insert_into($table).values(chunk).execute(conn)?,
                $crate::DbConnection::Sqlite(conn) => diesel::insert_into($table).values(chunk).execute(conn)?,
            };
        }
        inserted
    }};
}

pub(crate) use insert_all;
