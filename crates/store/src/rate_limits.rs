//! The rate-limit windows shared by every replica: how many requests of a bucket (a client, or
//! an address and purpose) the replicas together reserved in one fixed window. The policy (how
//! much to reserve, what to grant) is the auth crate's; this module only counts.

use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::schema::rate_limit_windows::dsl::{bucket, rate_limit_windows, reserved, window_start};
use crate::{DbConnection, StoreError};

/// Adds `count` to the bucket's reservations in the window starting at `window` (seconds since
/// the epoch) and answers the total reserved, this addition included. One atomic statement, so
/// concurrent replicas never lose an addition.
pub fn reserve(conn: &mut DbConnection, key: &str, window: i64, count: i64) -> Result<i64, StoreError> {
    // `on_conflict` is not available through the multi-backend connection: the same statement
    // is written for each backend.
    macro_rules! upsert {
        ($conn:expr) => {
            diesel::insert_into(rate_limit_windows)
                .values((bucket.eq(key), window_start.eq(window), reserved.eq(count)))
                .on_conflict((bucket, window_start))
                .do_update()
                .set(reserved.eq(reserved + excluded(reserved)))
                .returning(reserved)
                .get_result::<i64>($conn)
        };
    }
    Ok(match conn {
        DbConnection::Postgres(pg) => upsert!(pg),
        DbConnection::Sqlite(sqlite) => upsert!(sqlite),
    }?)
}

/// Forgets the windows that started before `oldest` (seconds since the epoch); answers how many.
pub fn purge_before(conn: &mut DbConnection, oldest: i64) -> Result<usize, StoreError> {
    Ok(diesel::delete(rate_limit_windows.filter(window_start.lt(oldest))).execute(conn)?)
}
