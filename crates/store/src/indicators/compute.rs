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

/// Whose records a measure counts: what a change of the feed names, so that the live figures
/// re-derive what the subject counts for (`indicators::live`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// A person: their registration, situation, contracts and reviews (every event of their
    /// dossier names them as its subject).
    Person,
    /// An offer.
    Offer,
    /// An orientation decision: a statistical record that names nobody and never changes, so
    /// that no event names it (the live figures count each one once).
    Decision,
}

impl Measure {
    /// Every measure.
    pub const ALL: [Measure; 11] = [
        Measure::Registrations,
        Measure::FirstOrientationDelay,
        Measure::FirstOrientationWithin30Days,
        Measure::OrientationsByPath,
        Measure::OrientationsByReferentKind,
        Measure::IntensiveOrientations,
        Measure::ContractsSigned,
        Measure::ReviewsHeld,
        Measure::OffersPublished,
        Measure::OffersFilled,
        Measure::PersonsBySituation,
    ];

    /// Its stable name in the live figures' tables.
    pub fn code(self) -> &'static str {
        match self {
            Measure::Registrations => "registrations",
            Measure::FirstOrientationDelay => "first_orientation_delay",
            Measure::FirstOrientationWithin30Days => "first_orientation_within_30_days",
            Measure::OrientationsByPath => "orientations_by_path",
            Measure::OrientationsByReferentKind => "orientations_by_referent_kind",
            Measure::IntensiveOrientations => "intensive_orientations",
            Measure::ContractsSigned => "contracts_signed",
            Measure::ReviewsHeld => "reviews_held",
            Measure::OffersPublished => "offers_published",
            Measure::OffersFilled => "offers_filled",
            Measure::PersonsBySituation => "persons_by_situation",
        }
    }

    pub fn subject(self) -> Subject {
        match self {
            Measure::Registrations | Measure::ContractsSigned | Measure::ReviewsHeld | Measure::PersonsBySituation => {
                Subject::Person
            }
            Measure::OffersPublished | Measure::OffersFilled => Subject::Offer,
            Measure::FirstOrientationDelay
            | Measure::FirstOrientationWithin30Days
            | Measure::OrientationsByPath
            | Measure::OrientationsByReferentKind
            | Measure::IntensiveOrientations => Subject::Decision,
        }
    }

    /// Whether its records' month is the as-of date's rather than a date of the record: its
    /// figures move to the next month when the date does, without any record changing.
    pub fn counted_in_the_as_of_month(self) -> bool {
        self == Measure::PersonsBySituation
    }
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
pub use plateforme_model::secrecy::cube::TOTAL;

/// Counts the records of `measure` dated on or before `as_of`, in one query. The groups come
/// in no particular order: sorting hundreds of thousands of them by their texts took the
/// database longer than counting them, and their sums, of whole numbers, are the same in any
/// order (the cells are put in the order of their key when added up).
pub fn aggregate(conn: &mut DbConnection, measure: Measure, as_of: NaiveDate) -> Result<Vec<Aggregate>, StoreError> {
    let sql = grouped_sql(measure, &Dialect::of(conn), Grouping::Groups, "");
    load_as_of(conn, sql, as_of)
}

/// Runs the counts of a full computation, `first` then `second`, in one transaction, so that
/// every measure counts the same records, with the settings such counts want on PostgreSQL (for
/// this transaction only): no JIT compilation, which cost up to 1.5 s per query at national scale
/// for queries run once, and memory enough to group in a hash table rather than sort a million
/// rows on disk.
///
/// Given a connection `beside` on PostgreSQL, `second` runs on it at the same time as `first`,
/// in another thread, in a transaction that imports the snapshot of the first one
/// (`pg_export_snapshot`): both count the same records, each on a core of its own. The
/// exporting transaction stays open until `second` is done, so that the snapshot is still valid
/// when it is imported. Without it (or on SQLite, where two transactions cannot share a
/// snapshot) both run on `conn`, one after the other. Answers both results, or the first
/// error (`first`'s when both fail): a failure of either is the failure of the whole.
pub fn counting<A, B: Send>(
    conn: &mut DbConnection,
    beside: Option<&mut DbConnection>,
    first: impl FnOnce(&mut DbConnection) -> Result<A, StoreError>,
    second: impl FnOnce(&mut DbConnection) -> Result<B, StoreError> + Send,
) -> Result<(A, B), StoreError> {
    conn.transaction(|conn| {
        begin_counting(conn)?;
        let beside = beside.filter(|beside| is_postgres(conn) && is_postgres(beside));
        let Some(beside) = beside else {
            let first = first(conn)?;
            return Ok((first, second(conn)?));
        };
        let snapshot = export_snapshot(conn)?;
        std::thread::scope(|scope| {
            let second = scope.spawn(move || {
                beside.transaction(|beside| {
                    begin_counting(beside)?;
                    import_snapshot(beside, &snapshot)?;
                    second(beside)
                })
            });
            let first = first(conn);
            let second = second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok((first?, second?))
        })
    })
}

fn is_postgres(conn: &DbConnection) -> bool {
    matches!(conn, DbConnection::Postgres(_))
}

/// The counting transaction's settings, before its first query (PostgreSQL; nothing on SQLite,
/// whose transaction sees one state of the file anyway).
fn begin_counting(conn: &mut DbConnection) -> Result<(), StoreError> {
    if is_postgres(conn) {
        diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(conn)?;
        diesel::sql_query("SET LOCAL jit = off").execute(conn)?;
        diesel::sql_query("SET LOCAL work_mem = '256MB'").execute(conn)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Snapshot {
    #[diesel(sql_type = Text)]
    snapshot: String,
}

/// The identifier of the snapshot of the current (repeatable read) transaction, for another
/// connection to count the same records: valid until this transaction ends.
fn export_snapshot(conn: &mut DbConnection) -> Result<String, StoreError> {
    let DbConnection::Postgres(pg) = conn else {
        return Err(StoreError::Task("only PostgreSQL exports a snapshot".into()));
    };
    let exported: Snapshot = diesel::sql_query("SELECT pg_export_snapshot() AS snapshot").get_result(pg)?;
    Ok(exported.snapshot)
}

/// Makes the current transaction, before its first query, see the snapshot `snapshot` exported.
// `SET TRANSACTION SNAPSHOT` takes no bind: the identifier, which PostgreSQL wrote (hexadecimal
// digits and dashes), is checked to be no more before it is written into the statement.
fn import_snapshot(conn: &mut DbConnection, snapshot: &str) -> Result<(), StoreError> {
    if snapshot.is_empty() || !snapshot.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(StoreError::corrupt(format!("an exported snapshot's identifier: {snapshot:?}")));
    }
    diesel::sql_query(format!("SET TRANSACTION SNAPSHOT '{snapshot}'")).execute(conn)?;
    Ok(())
}

/// Records read once for several measures by a full computation: the five measures of the
/// orientation decisions, and the two of the persons, each read their whole table (a million
/// rows at national scale), so that one scan grouped by every column any of them is broken down
/// by, split here, costs one scan instead of several. Every other measure is a pass of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The orientation decisions, per commune, month, path and referent kind.
    Decisions,
    /// The persons registered, per département, month of registration and situation.
    Persons,
    /// One measure, as [`aggregate`] counts it.
    Alone(Measure),
}

impl Pass {
    /// The pass that counts `measure`.
    pub fn of(measure: Measure) -> Pass {
        match measure {
            Measure::FirstOrientationDelay
            | Measure::FirstOrientationWithin30Days
            | Measure::OrientationsByPath
            | Measure::OrientationsByReferentKind
            | Measure::IntensiveOrientations => Pass::Decisions,
            Measure::Registrations | Measure::PersonsBySituation => Pass::Persons,
            measure => Pass::Alone(measure),
        }
    }
}

/// Counts the records of every measure of `pass` dated on or before `as_of`, in one query: the
/// groups of each of its measures, as [`aggregate`] would count them for that measure, except
/// that a group of a measure may come in several parts (the same commune, month and category
/// under several values of the other columns), which adding up them sums.
pub fn aggregate_pass(
    conn: &mut DbConnection,
    pass: Pass,
    as_of: NaiveDate,
) -> Result<Vec<(Measure, Vec<Aggregate>)>, StoreError> {
    let dialect = Dialect::of(conn);
    match pass {
        Pass::Alone(measure) => Ok(vec![(measure, aggregate(conn, measure, as_of)?)]),
        Pass::Decisions => {
            let rows: Vec<DecisionGroup> = load_as_of(conn, decisions_pass_sql(&dialect), as_of)?;
            Ok(split_decisions(rows))
        }
        Pass::Persons => {
            let rows: Vec<PersonGroup> = load_as_of(conn, persons_pass_sql(&dialect), as_of)?;
            Ok(split_persons(rows, as_of))
        }
    }
}

/// Loads the rows of `sql`, whose one bind is the as-of date.
fn load_as_of<Row>(conn: &mut DbConnection, sql: String, as_of: NaiveDate) -> Result<Vec<Row>, StoreError>
where
    Row: QueryableByName<diesel::pg::Pg> + QueryableByName<diesel::sqlite::Sqlite> + 'static,
{
    let as_of = as_of.to_string();
    Ok(match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(sql).bind::<Text, _>(as_of).load(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(sql).bind::<Text, _>(as_of).load(sqlite)?,
    })
}

/// One group of the decisions' pass, with what each of their measures sums.
#[derive(QueryableByName)]
struct DecisionGroup {
    #[diesel(sql_type = Nullable<Text>)]
    commune: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    departement: Option<String>,
    #[diesel(sql_type = Text)]
    month: String,
    #[diesel(sql_type = Text)]
    path_type: String,
    #[diesel(sql_type = Text)]
    referent_kind: String,
    #[diesel(sql_type = BigInt)]
    units: i64,
    #[diesel(sql_type = BigInt)]
    intensive: i64,
    #[diesel(sql_type = BigInt)]
    first_units: i64,
    #[diesel(sql_type = BigInt)]
    first_days: i64,
    #[diesel(sql_type = BigInt)]
    first_within_30_days: i64,
}

fn decisions_pass_sql(sql: &Dialect) -> String {
    format!(
        "SELECT commune, departement, decided_month AS month, path_type, referent_kind, COUNT(*) AS units, \
         SUM(CASE WHEN intensive THEN 1 ELSE 0 END) AS intensive, \
         SUM(CASE WHEN first_orientation THEN 1 ELSE 0 END) AS first_units, \
         SUM(CASE WHEN first_orientation THEN days_from_registration ELSE 0 END) AS first_days, \
         SUM(CASE WHEN first_orientation AND {WITHIN_30_DAYS} THEN 1 ELSE 0 END) AS first_within_30_days \
         {} GROUP BY commune, departement, decided_month, path_type, referent_kind",
        decisions_from(sql)
    )
}

/// Each group of the decisions' pass, as the groups of each of its five measures.
fn split_decisions(rows: Vec<DecisionGroup>) -> Vec<(Measure, Vec<Aggregate>)> {
    let (mut by_path, mut by_referent_kind, mut intensive, mut delay, mut within_30_days) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        let group = |category: String, units: i64, sum: i64| Aggregate {
            commune: row.commune.clone(),
            departement: row.departement.clone(),
            month: row.month.clone(),
            category,
            units,
            sum: sum as f64,
        };
        // A measure of first orientations has no group where there are none.
        if row.first_units > 0 {
            delay.push(group(TOTAL.to_owned(), row.first_units, row.first_days));
            within_30_days.push(group(TOTAL.to_owned(), row.first_units, row.first_within_30_days));
        }
        intensive.push(group(TOTAL.to_owned(), row.units, row.intensive));
        by_referent_kind.push(group(row.referent_kind.clone(), row.units, 0));
        by_path.push(group(row.path_type.clone(), row.units, 0));
    }
    vec![
        (Measure::FirstOrientationDelay, delay),
        (Measure::FirstOrientationWithin30Days, within_30_days),
        (Measure::OrientationsByPath, by_path),
        (Measure::OrientationsByReferentKind, by_referent_kind),
        (Measure::IntensiveOrientations, intensive),
    ]
}

/// One group of the persons' pass.
#[derive(QueryableByName)]
struct PersonGroup {
    #[diesel(sql_type = Nullable<Text>)]
    departement: Option<String>,
    #[diesel(sql_type = Text)]
    month: String,
    #[diesel(sql_type = Text)]
    situation: String,
    #[diesel(sql_type = BigInt)]
    units: i64,
}

fn persons_pass_sql(sql: &Dialect) -> String {
    format!(
        "SELECT departement, month, situation, COUNT(*) AS units FROM (\
         SELECT residence_departement AS departement, substr(registered_on, 1, 7) AS month, {SITUATION} AS situation \
         {}) AS records GROUP BY departement, month, situation",
        persons_with_situation_from(sql)
    )
}

/// Each group of the persons' pass, as the groups of registrations (by month of registration)
/// and of persons by situation (all in the as-of date's month).
fn split_persons(rows: Vec<PersonGroup>, as_of: NaiveDate) -> Vec<(Measure, Vec<Aggregate>)> {
    let as_of_month = as_of.format("%Y-%m").to_string();
    let (mut registrations, mut situations) = (Vec::new(), Vec::new());
    for row in rows {
        let group = |month: String, category: String| Aggregate {
            commune: None,
            departement: row.departement.clone(),
            month,
            category,
            units: row.units,
            sum: 0.0,
        };
        situations.push(group(as_of_month.clone(), row.situation.clone()));
        registrations.push(group(row.month.clone(), TOTAL.to_owned()));
    }
    vec![(Measure::Registrations, registrations), (Measure::PersonsBySituation, situations)]
}

/// What one subject's records count for in one group: the group, and whose records they are.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Contribution {
    /// The person's or the offer's id.
    #[diesel(sql_type = Text)]
    pub subject: String,
    #[diesel(embed)]
    pub group: Aggregate,
}

/// What the records of these subjects count for in `measure` as of `as_of`: the records of
/// [`aggregate`], restricted to the subjects, grouped by subject too.
pub fn contributions(
    conn: &mut DbConnection,
    measure: Measure,
    as_of: NaiveDate,
    subjects: &[String],
) -> Result<Vec<Contribution>, StoreError> {
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    let dialect = Dialect::of(conn);
    let placeholders: Vec<String> = (2..subjects.len() + 2).map(|n| dialect.placeholder(n)).collect();
    let restriction = format!("WHERE subject IN ({})", placeholders.join(", "));
    let sql = grouped_sql(measure, &dialect, Grouping::BySubject, &restriction);
    macro_rules! load {
        ($conn:expr) => {{
            let mut query = diesel::sql_query(sql).into_boxed().bind::<Text, _>(as_of.to_string());
            for subject in subjects {
                query = query.bind::<Text, _>(subject.clone());
            }
            query.load($conn)?
        }};
    }
    Ok(match conn {
        DbConnection::Postgres(pg) => load!(pg),
        DbConnection::Sqlite(sqlite) => load!(sqlite),
    })
}

/// What the groups of the records are keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grouping {
    /// Commune, département, month and category: the figures.
    Groups,
    /// The same, per subject: what each subject counts for.
    BySubject,
}

/// The records of `measure` counted per group: `units` and `sum` beside the group's columns
/// (and `subject` first when grouped by subject), restricted by `restriction` (a `WHERE` on the
/// records' columns, or nothing). The as-of date is bind 1. The full computation, the live
/// figures' re-derivation of a subject and their rebuild all read the records through it.
pub(crate) fn grouped_sql(measure: Measure, dialect: &Dialect, grouping: Grouping, restriction: &str) -> String {
    let keys = match grouping {
        Grouping::Groups => "commune, departement, month, category",
        Grouping::BySubject => "subject, commune, departement, month, category",
    };
    format!(
        "SELECT {keys}, COUNT(*) AS units, CAST(COALESCE(SUM(measure), 0) AS DOUBLE PRECISION) AS sum \
         FROM ({}) AS records {restriction} GROUP BY {keys}",
        source_sql(measure, dialect)
    )
}

/// A fingerprint of how every measure reads its records on this backend: live figures built by
/// another computation are built anew.
pub(crate) fn sources_fingerprint(dialect: &Dialect) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for measure in Measure::ALL {
        hasher.update(measure.code().as_bytes());
        hasher.update(source_sql(measure, dialect).as_bytes());
    }
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The few expressions the two backends write differently.
pub(crate) struct Dialect {
    postgres: bool,
}

impl Dialect {
    pub(crate) fn of(conn: &DbConnection) -> Dialect {
        Dialect { postgres: matches!(conn, DbConnection::Postgres(_)) }
    }

    /// The `n`th bind (from 1).
    pub(crate) fn placeholder(&self, n: usize) -> String {
        if self.postgres { format!("${n}") } else { format!("?{n}") }
    }

    /// The as-of date, the first bind.
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
}

/// The records of a measure as (subject, commune, departement, month, category, measure), from
/// fixed names only: nothing but the as-of date is bound.
fn source_sql(measure: Measure, sql: &Dialect) -> String {
    let as_of = sql.as_of();
    let decisions = |category: &str, value: &str, only_first: bool| {
        let first = if only_first { " AND first_orientation" } else { "" };
        format!(
            "SELECT id AS subject, commune, departement, decided_month AS month, {category} AS category, {value} AS measure \
             {}{first}",
            decisions_from(sql)
        )
    };
    match measure {
        Measure::Registrations => format!(
            "SELECT id AS subject, CAST(NULL AS TEXT) AS commune, residence_departement AS departement, \
             substr(registered_on, 1, 7) AS month, '{TOTAL}' AS category, 0 AS measure \
             FROM persons WHERE registered_on <= {as_of}"
        ),
        Measure::FirstOrientationDelay => decisions(&format!("'{TOTAL}'"), "days_from_registration", true),
        Measure::FirstOrientationWithin30Days => {
            decisions(&format!("'{TOTAL}'"), &format!("CASE WHEN {WITHIN_30_DAYS} THEN 1 ELSE 0 END"), true)
        }
        Measure::OrientationsByPath => decisions("path_type", "0", false),
        Measure::OrientationsByReferentKind => decisions("referent_kind", "0", false),
        Measure::IntensiveOrientations => {
            decisions(&format!("'{TOTAL}'"), "CASE WHEN intensive THEN 1 ELSE 0 END", false)
        }
        Measure::ContractsSigned => contracts_signed_sql(sql),
        Measure::ReviewsHeld => format!(
            "SELECT reviews.person_id AS subject, CAST(NULL AS TEXT) AS commune, \
             persons.residence_departement AS departement, substr(reviews.held_on, 1, 7) AS month, '{TOTAL}' AS category, 0 AS measure \
             FROM reviews JOIN persons ON persons.id = reviews.person_id WHERE reviews.held_on <= {as_of}"
        ),
        Measure::OffersPublished => {
            let published = sql.day("published_at");
            let filled = sql.day("updated_at");
            format!(
                "SELECT id AS subject, commune, departement, substr({published}, 1, 7) AS month, '{TOTAL}' AS category, \
                 CASE WHEN status = 'filled' AND {filled} <= {as_of} THEN 1 ELSE 0 END AS measure \
                 FROM offers WHERE {published} <= {as_of}"
            )
        }
        Measure::OffersFilled => {
            let (published, filled) = (sql.day("published_at"), sql.day("updated_at"));
            format!(
                "SELECT id AS subject, commune, departement, substr({filled}, 1, 7) AS month, '{TOTAL}' AS category, \
                 {} AS measure FROM offers WHERE status = 'filled' AND {filled} <= {as_of}",
                sql.days_between(&published, &filled)
            )
        }
        Measure::PersonsBySituation => format!(
            "SELECT id AS subject, CAST(NULL AS TEXT) AS commune, residence_departement AS departement, \
             substr({as_of}, 1, 7) AS month, {SITUATION} AS category, 0 AS measure {}",
            persons_with_situation_from(sql)
        ),
    }
}

/// The orientation decisions counted as of the as-of date (bind 1).
fn decisions_from(sql: &Dialect) -> String {
    format!("FROM orientation_decisions WHERE decided_on <= {}", sql.as_of())
}

/// A first orientation decided within 30 days of the registration.
const WITHIN_30_DAYS: &str = "days_from_registration <= 30";

/// The persons registered as of the as-of date (bind 1), beside their contract in force if any.
// A join rather than `EXISTS` per person (a million index probes at national scale): a person
// has one contract not closed at most (`contracts_in_force`), so none counts twice.
fn persons_with_situation_from(sql: &Dialect) -> String {
    format!(
        "FROM persons LEFT JOIN (SELECT person_id FROM contracts WHERE status IN ('signed', 'suspended')) \
             AS in_force ON in_force.person_id = persons.id \
         WHERE registered_on <= {}",
        sql.as_of()
    )
}

/// A person's situation, over [`persons_with_situation_from`].
const SITUATION: &str = "CASE WHEN in_force.person_id IS NOT NULL THEN 'contract_in_force' \
     WHEN oriented_to IS NOT NULL THEN 'oriented' ELSE 'not_oriented' END";

/// A contract counts as signed on the later of its two signatures (`contracts.signed_on`).
fn contracts_signed_sql(sql: &Dialect) -> String {
    let as_of = sql.as_of();
    format!(
        "SELECT contracts.person_id AS subject, CAST(NULL AS TEXT) AS commune, \
         persons.residence_departement AS departement, substr(contracts.signed_on, 1, 7) AS month, '{TOTAL}' AS category, \
         {} AS measure FROM contracts JOIN persons ON persons.id = contracts.person_id \
         WHERE contracts.signed_on <= {as_of}",
        sql.days_between("persons.registered_on", "contracts.signed_on")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decisions(
        path_type: &str,
        referent_kind: &str,
        units: i64,
        intensive: i64,
        first: (i64, i64, i64),
    ) -> DecisionGroup {
        DecisionGroup {
            commune: Some("69123".to_owned()),
            departement: Some("69".to_owned()),
            month: "2026-12".to_owned(),
            path_type: path_type.to_owned(),
            referent_kind: referent_kind.to_owned(),
            units,
            intensive,
            first_units: first.0,
            first_days: first.1,
            first_within_30_days: first.2,
        }
    }

    fn of(split: &[(Measure, Vec<Aggregate>)], measure: Measure) -> Vec<(String, i64, f64)> {
        let (_, groups) = split.iter().find(|(counted, _)| *counted == measure).expect("the measure is counted");
        groups.iter().map(|group| (group.category.clone(), group.units, group.sum)).collect()
    }

    #[test]
    fn a_decisions_group_counts_for_each_measure_and_first_orientations_only_where_there_are() {
        let split = split_decisions(vec![
            decisions("emploi", "mission_locale", 4, 1, (3, 100, 2)),
            decisions("social", "france_travail", 2, 2, (0, 0, 0)),
        ]);
        assert_eq!(split.len(), 5);
        assert_eq!(
            of(&split, Measure::OrientationsByPath),
            vec![("emploi".to_owned(), 4, 0.0), ("social".to_owned(), 2, 0.0)]
        );
        assert_eq!(
            of(&split, Measure::OrientationsByReferentKind),
            vec![("mission_locale".to_owned(), 4, 0.0), ("france_travail".to_owned(), 2, 0.0)]
        );
        assert_eq!(
            of(&split, Measure::IntensiveOrientations),
            vec![(TOTAL.to_owned(), 4, 1.0), (TOTAL.to_owned(), 2, 2.0)]
        );
        // No group of first orientations where the decisions were all re-orientations.
        assert_eq!(of(&split, Measure::FirstOrientationDelay), vec![(TOTAL.to_owned(), 3, 100.0)]);
        assert_eq!(of(&split, Measure::FirstOrientationWithin30Days), vec![(TOTAL.to_owned(), 3, 2.0)]);
    }

    #[test]
    fn a_persons_group_counts_its_registrations_in_their_month_and_its_situation_in_the_as_of_month() {
        let row =
            PersonGroup { departement: None, month: "2025-01".to_owned(), situation: "oriented".to_owned(), units: 7 };
        let as_of = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
        let split = split_persons(vec![row], as_of);
        let groups = |measure| {
            let (_, groups) = split.iter().find(|(counted, _)| *counted == measure).expect("counted");
            groups.iter().map(|group| (group.month.clone(), group.category.clone(), group.units)).collect::<Vec<_>>()
        };
        assert_eq!(groups(Measure::Registrations), vec![("2025-01".to_owned(), TOTAL.to_owned(), 7)]);
        assert_eq!(groups(Measure::PersonsBySituation), vec![("2026-12".to_owned(), "oriented".to_owned(), 7)]);
    }
}
