//! Times are stored as naive UTC timestamps, the one time type both backends share.

use chrono::{DateTime, NaiveDateTime, Utc};

pub fn to_db(time: DateTime<Utc>) -> NaiveDateTime {
    time.naive_utc()
}

pub fn from_db(time: NaiveDateTime) -> DateTime<Utc> {
    time.and_utc()
}
