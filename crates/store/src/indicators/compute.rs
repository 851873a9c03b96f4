//! The source records of the indicators, counted in the database: one `GROUP BY` per measure
//! over its table, per commune, département, month and category, as of a date. What leaves this
//! module is one row per group (a few thousand at national scale), never a row per person; the
//! indicators crate adds the groups up into régions, the nation and quarters.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text};

use crate::{DbConnection, StoreError};

/// What is counted, and from which records. Each measure yields, per group, how many records
/// (`units`) and the sum of a per-record quantity (`sum`: days, or 1 for a record that counts
/// in a share).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Persons by registration date (`persons.registered_on`); sum: nothing.
    Registrations,
    /// First orientation decisions (`orientation_decisions`); sum: days from the registration.
    FirstOrientationDelay,
    /// First orientation decisions; sum: 1 when decided within 30 days of the registration.
    FirstOrientationWithin30Days,
    /// Orientation decisions per path decided.
    OrientationsByPath,
    /// Orientation decisions per kind of referent organization.
    OrientationsByReferentKind,
    /// Orientation decisions; sum: 1 when the accompaniment decided is intensive.
    IntensiveOrientations,
    /// Contracts of engagement signed by both parties, by the later signature's date; sum: days
    /// from the person's registration to that signature.
    ContractsSigned,
    /// Reviews (points d'étape) held, by their date.
    ReviewsHeld,
    /// Offers by publication date; sum: 1 when filled by the as-of date.
    OffersPublished,
    /// Offers filled, by the date they were marked filled (their last change: filled is final);
    /// sum: days from publication.
    OffersFilled,
    /// Persons registered by the as-of date, per situation today (not oriented, oriented without
    /// a contract in force, with a contract in force), all in the as-of date's month.
    PersonsBySituation,
}

/// One group of records.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Aggregate {
    #[diesel(sql_type = Nullable<Text>)]
    pub commune: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub departement: Option<String>,
    /// `YYYY-MM`.
    #[diesel(sql_type = Text)]
    pub month: String,
    #[diesel(sql_type = Text)]
    pub category: String,
    #[diesel(sql_type = BigInt)]
    pub units: i64,
    #[diesel(sql_type = Double)]
    pub sum: f64,
}

/// The category of a measure that is not broken down.
pub const TOTAL: &str = "total";

/// Counts the records of `measure` dated on or before `as_of`, in one query.
pub fn aggregate(conn: &mut DbConnection, measure: Measure, as_of: NaiveDate) -> Result<Vec<Aggregate>, StoreError> {
    let dialect = Dialect { postgres: matches!(conn, DbConnection::Postgres(_)) };
    let sql = format!(
        "SELECT commune, departement, month, category, COUNT(*) AS units, \
         CAST(COALESCE(SUM(measure), 0) AS DOUBLE PRECISION) AS sum FROM ({}) AS records \
         GROUP BY commune, departement, month, category ORDER BY departement, commune, month, category",
        source_sql(measure, &dialect)
    );
    let as_of = as_of.to_string();
    let rows = match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(sql).bind::<Text, _>(as_of).load(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(sql).bind::<Text, _>(as_of).load(sqlite)?,
    };
    Ok(rows)
}

/// The few expressions the two backends write differently.
struct Dialect {
    postgres: bool,
}

impl Dialect {
    /// The as-of date, the query's one bind.
    fn as_of(&self) -> &'static str {
        if self.postgres { "$1" } else { "?1" }
    }

    /// The `YYYY-MM-DD` day of a timestamp column.
    fn day(&self, column: &str) -> String {
        if self.postgres { format!("to_char({column}, 'YYYY-MM-DD')") } else { format!("substr({column}, 1, 10)") }
    }

    /// Days from one `YYYY-MM-DD` text to another.
    fn days_between(&self, from: &str, to: &str) -> String {
        if self.postgres {
            format!("(CAST({to} AS DATE) - CAST({from} AS DATE))")
        } else {
            format!("CAST(julianday({to}) - julianday({from}) AS INTEGER)")
        }
    }

    /// A text member of a JSON record column.
    fn member(&self, column: &str, member: &str) -> String {
        if self.postgres {
            format!("(CAST({column} AS jsonb) ->> '{member}')")
        } else {
            format!("json_extract({column}, '$.{member}')")
        }
    }
}

/// The records of a measure as (commune, departement, month, category, measure), from fixed
/// names only: nothing but the as-of date is bound.
fn source_sql(measure: Measure, sql: &Dialect) -> String {
    let as_of = sql.as_of();
    let decisions = |category: &str, value: &str, only_first: bool| {
        let first = if only_first { " AND first_orientation" } else { "" };
        format!(
            "SELECT commune, departement, decided_month AS month, {category} AS category, {value} AS measure \
             FROM orientation_decisions WHERE decided_on <= {as_of}{first}"
        )
    };
    match measure {
        Measure::Registrations => format!(
            "SELECT CAST(NULL AS TEXT) AS commune, residence_departement AS departement, \
             substr(registered_on, 1, 7) AS month, '{TOTAL}' AS category, 0 AS measure \
             FROM persons WHERE registered_on <= {as_of}"
        ),
        Measure::FirstOrientationDelay => decisions(&format!("'{TOTAL}'"), "days_from_registration", true),
        Measure::FirstOrientationWithin30Days => {
            decisions(&format!("'{TOTAL}'"), "CASE WHEN days_from_registration <= 30 THEN 1 ELSE 0 END", true)
        }
        Measure::OrientationsByPath => decisions("path_type", "0", false),
        Measure::OrientationsByReferentKind => decisions("referent_kind", "0", false),
        Measure::IntensiveOrientations => {
            decisions(&format!("'{TOTAL}'"), "CASE WHEN intensive THEN 1 ELSE 0 END", false)
        }
        Measure::ContractsSigned => contracts_signed_sql(sql),
        Measure::ReviewsHeld => format!(
            "SELECT CAST(NULL AS TEXT) AS commune, persons.residence_departement AS departement, \
             substr(reviews.held_on, 1, 7) AS month, '{TOTAL}' AS category, 0 AS measure \
             FROM reviews JOIN persons ON persons.id = reviews.person_id WHERE reviews.held_on <= {as_of}"
        ),
        Measure::OffersPublished => {
            let published = sql.day("published_at");
            let filled = sql.day("updated_at");
            format!(
                "SELECT commune, departement, substr({published}, 1, 7) AS month, '{TOTAL}' AS category, \
                 CASE WHEN status = 'filled' AND {filled} <= {as_of} THEN 1 ELSE 0 END AS measure \
                 FROM offers WHERE {published} <= {as_of}"
            )
        }
        Measure::OffersFilled => {
            let (published, filled) = (sql.day("published_at"), sql.day("updated_at"));
            format!(
                "SELECT commune, departement, substr({filled}, 1, 7) AS month, '{TOTAL}' AS category, \
                 {} AS measure FROM offers WHERE status = 'filled' AND {filled} <= {as_of}",
                sql.days_between(&published, &filled)
            )
        }
        Measure::PersonsBySituation => format!(
            "SELECT CAST(NULL AS TEXT) AS commune, residence_departement AS departement, \
             substr({as_of}, 1, 7) AS month, \
             CASE WHEN EXISTS (SELECT 1 FROM contracts WHERE contracts.person_id = persons.id \
                 AND contracts.status IN ('signed', 'suspended')) THEN 'contract_in_force' \
             WHEN oriented_to IS NOT NULL THEN 'oriented' ELSE 'not_oriented' END AS category, 0 AS measure \
             FROM persons WHERE registered_on <= {as_of}"
        ),
    }
}

/// A contract counts as signed on the later of its two signatures.
fn contracts_signed_sql(sql: &Dialect) -> String {
    let as_of = sql.as_of();
    let person = sql.member("contracts.record", "person_signed_on");
    let organization = sql.member("contracts.record", "organization_signed_on");
    let signed = format!("CASE WHEN {person} >= {organization} THEN {person} ELSE {organization} END");
    format!(
        "SELECT CAST(NULL AS TEXT) AS commune, persons.residence_departement AS departement, \
         substr({signed}, 1, 7) AS month, '{TOTAL}' AS category, \
         {} AS measure FROM contracts JOIN persons ON persons.id = contracts.person_id \
         WHERE {person} IS NOT NULL AND {organization} IS NOT NULL AND {signed} <= {as_of}",
        sql.days_between("persons.registered_on", &signed)
    )
}
