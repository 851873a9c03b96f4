//! Readiness: the database answers a query.

use diesel::RunQueryDsl;

use crate::{DbConnection, StoreError};

pub fn ping(conn: &mut DbConnection) -> Result<(), StoreError> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}
