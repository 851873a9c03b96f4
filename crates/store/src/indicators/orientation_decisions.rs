//! Queries of `orientation_decisions`: one statistical row per orientation decision, written in
//! the transaction of the decision, and counted per territory, month and category in the
//! database (one `GROUP BY`, never a row per person out of this module).

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use plateforme_model::codes::{CommuneCode, RegionCode};
use plateforme_model::organization::OrganizationKind;
use plateforme_model::person::{Difficulty, OrientationBasis, OrientationCriteria, PathType};
use serde::Serialize;
use uuid::Uuid;

use crate::schema::orientation_decisions;
use crate::timestamps::to_db;
use crate::{DbConnection, StoreError};

/// What an orientation decision tells the committees: no person, only the facts counted.
#[derive(Debug, Clone)]
pub struct DecisionFacts {
    pub decided_on: NaiveDate,
    /// The date of the request; the registration date when the decision does not give one.
    pub requested_on: NaiveDate,
    pub registered_on: NaiveDate,
    /// Whether the person had no orientation before this decision.
    pub first_orientation: bool,
    pub path_type: PathType,
    pub intensive: bool,
    pub deciding_kind: OrganizationKind,
    pub referent_kind: OrganizationKind,
    pub basis: OrientationBasis,
    pub rsa_beneficiary: bool,
    /// The commune of residence, when known.
    pub commune: Option<CommuneCode>,
    pub criteria: Option<OrientationCriteria>,
}

#[derive(Insertable)]
#[diesel(table_name = orientation_decisions, treat_none_as_default_value = false)]
struct DecisionRow {
    id: String,
    decided_on: String,
    decided_month: String,
    requested_on: String,
    days_to_decision: i32,
    days_from_registration: i32,
    first_orientation: bool,
    path_type: String,
    intensive: bool,
    deciding_kind: String,
    referent_kind: String,
    basis: String,
    delegated: bool,
    rsa_beneficiary: bool,
    commune: Option<String>,
    departement: Option<String>,
    region: Option<String>,
    employment_situation: Option<String>,
    qualification: Option<String>,
    aspiration: Option<String>,
    difficulty_health: bool,
    difficulty_housing: bool,
    difficulty_mobility: bool,
    difficulty_childcare: bool,
    difficulty_carer: bool,
    difficulty_other: bool,
    recorded_at: chrono::NaiveDateTime,
}

/// Records one decision; called inside the transaction that writes the orientation.
pub fn record(conn: &mut DbConnection, facts: &DecisionFacts) -> Result<(), StoreError> {
    diesel::insert_into(orientation_decisions::table).values(&row_of(facts)?).execute(conn)?;
    Ok(())
}

fn row_of(facts: &DecisionFacts) -> Result<DecisionRow, StoreError> {
    let criteria = facts.criteria.as_ref();
    let has = |difficulty| criteria.is_some_and(|criteria| criteria.has(difficulty));
    let departement = facts.commune.as_ref().map(CommuneCode::departement);
    let region = departement.as_ref().map(RegionCode::of_departement);
    Ok(DecisionRow {
        id: Uuid::now_v7().to_string(),
        decided_on: facts.decided_on.to_string(),
        decided_month: facts.decided_on.format("%Y-%m").to_string(),
        requested_on: facts.requested_on.to_string(),
        days_to_decision: days_between(facts.requested_on, facts.decided_on),
        days_from_registration: days_between(facts.registered_on, facts.decided_on),
        first_orientation: facts.first_orientation,
        path_type: code(&facts.path_type)?,
        intensive: facts.intensive,
        deciding_kind: facts.deciding_kind.as_str().to_owned(),
        referent_kind: facts.referent_kind.as_str().to_owned(),
        basis: code(&facts.basis)?,
        delegated: facts.basis == OrientationBasis::Delegation,
        rsa_beneficiary: facts.rsa_beneficiary,
        commune: facts.commune.as_ref().map(|commune| commune.as_str().to_owned()),
        departement: departement.map(|departement| departement.as_str().to_owned()),
        region: region.map(|region| region.as_str().to_owned()),
        employment_situation: criteria.map(|criteria| code(&criteria.employment_situation)).transpose()?,
        qualification: criteria.map(|criteria| code(&criteria.qualification)).transpose()?,
        aspiration: criteria.map(|criteria| code(&criteria.aspiration)).transpose()?,
        difficulty_health: has(Difficulty::Health),
        difficulty_housing: has(Difficulty::Housing),
        difficulty_mobility: has(Difficulty::Mobility),
        difficulty_childcare: has(Difficulty::Childcare),
        difficulty_carer: has(Difficulty::Carer),
        difficulty_other: has(Difficulty::Other),
        recorded_at: to_db(Utc::now()),
    })
}

fn days_between(from: NaiveDate, to: NaiveDate) -> i32 {
    i32::try_from((to - from).num_days()).unwrap_or(i32::MAX)
}

/// The snake_case code an enum serializes to.
fn code(value: &impl Serialize) -> Result<String, StoreError> {
    match serde_json::to_value(value).map_err(StoreError::corrupt)? {
        serde_json::Value::String(code) => Ok(code),
        other => Err(StoreError::corrupt(format!("not a code: {other}"))),
    }
}

pub use plateforme_model::indicators::{Breakdown, Level};

/// Which decisions to count: a month range (inclusive, `YYYY-MM`), and an optional territory.
#[derive(Debug, Clone)]
pub struct CountRequest {
    pub level: Level,
    pub breakdown: Breakdown,
    pub from_month: String,
    pub to_month: String,
    pub region: Option<String>,
    pub departement: Option<String>,
}

/// One count: decisions of `territory` (`FR` at the national level) in `month` of `category`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub territory: String,
    pub month: String,
    pub category: String,
    pub decisions: i64,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = Text)]
    territory: String,
    #[diesel(sql_type = Text)]
    month: String,
    #[diesel(sql_type = Text)]
    category: String,
    #[diesel(sql_type = BigInt)]
    decisions: i64,
}

/// The difficulty columns, in the order of [`Difficulty::ALL`].
const DIFFICULTY_COLUMNS: [&str; 6] = [
    "difficulty_health",
    "difficulty_housing",
    "difficulty_mobility",
    "difficulty_childcare",
    "difficulty_carer",
    "difficulty_other",
];

/// Counts the decisions in one set-based query. Decisions whose residence is unknown count at
/// the national level only (their territory is `unknown` below it).
pub fn count(conn: &mut DbConnection, request: &CountRequest) -> Result<Vec<Count>, StoreError> {
    let sql = count_sql(request, matches!(conn, DbConnection::Postgres(_)));
    let mut binds = vec![request.from_month.clone(), request.to_month.clone()];
    binds.extend(request.region.clone());
    binds.extend(request.departement.clone());
    let rows: Vec<CountRow> = match conn {
        DbConnection::Postgres(pg) => bound(diesel::sql_query(sql).into_boxed(), binds).load(pg)?,
        DbConnection::Sqlite(sqlite) => bound(diesel::sql_query(sql).into_boxed(), binds).load(sqlite)?,
    };
    Ok(rows
        .into_iter()
        .map(|row| Count {
            territory: row.territory,
            month: row.month,
            category: row.category,
            decisions: row.decisions,
        })
        .collect())
}

fn bound<'a, DB>(
    mut query: diesel::query_builder::BoxedSqlQuery<'a, DB, diesel::query_builder::SqlQuery>,
    binds: Vec<String>,
) -> diesel::query_builder::BoxedSqlQuery<'a, DB, diesel::query_builder::SqlQuery>
where
    DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<Text>,
    String: diesel::serialize::ToSql<Text, DB>,
{
    for value in binds {
        query = query.bind::<Text, _>(value);
    }
    query
}

/// The query, from fixed column names only (nothing of the request is spliced in but its binds).
fn count_sql(request: &CountRequest, postgres: bool) -> String {
    let mut placeholders = (1..).map(|n| if postgres { format!("${n}") } else { format!("?{n}") });
    let mut next = move || placeholders.next().unwrap_or_default();
    let territory = match request.level {
        Level::National => "'FR'",
        Level::Region => "COALESCE(region, 'unknown')",
        Level::Departement => "COALESCE(departement, 'unknown')",
    };
    let mut filter = format!("decided_month >= {} AND decided_month <= {}", next(), next());
    if request.region.is_some() {
        filter.push_str(&format!(" AND region = {}", next()));
    }
    if request.departement.is_some() {
        filter.push_str(&format!(" AND departement = {}", next()));
    }
    let group = match request.level {
        Level::National => String::new(),
        _ => format!("{territory}, "),
    };
    let select = |category: &str, condition: Option<&str>| {
        let filter = condition.map_or(filter.clone(), |condition| format!("{filter} AND {condition}"));
        format!(
            "SELECT {territory} AS territory, decided_month AS month, {category} AS category, COUNT(*) AS decisions \
             FROM orientation_decisions WHERE {filter} GROUP BY {group}decided_month"
        )
    };
    let by_column = |column: &str| {
        let category = format!("COALESCE({column}, 'not_recorded')");
        let query = select(&category, None);
        format!("{query}, {category}")
    };
    match request.breakdown {
        Breakdown::PathType => by_column("path_type"),
        Breakdown::DecidingKind => by_column("deciding_kind"),
        Breakdown::ReferentKind => by_column("referent_kind"),
        Breakdown::Basis => by_column("basis"),
        Breakdown::EmploymentSituation => by_column("employment_situation"),
        Breakdown::Qualification => by_column("qualification"),
        Breakdown::Aspiration => by_column("aspiration"),
        Breakdown::Within30Days => {
            let category = "CASE WHEN days_from_registration <= 30 THEN 'within_30_days' ELSE 'later' END";
            format!("{}, {category}", select(category, None))
        }
        Breakdown::Difficulty => Difficulty::ALL
            .iter()
            .zip(DIFFICULTY_COLUMNS)
            .map(|(difficulty, column)| select(&format!("'{}'", difficulty.as_str()), Some(column)))
            .collect::<Vec<_>>()
            .join(" UNION ALL "),
    }
}

/// Whether any decision is recorded (the demo seeds its own once).
pub fn any(conn: &mut DbConnection) -> Result<bool, StoreError> {
    let first: Option<String> =
        orientation_decisions::table.select(orientation_decisions::id).first(conn).optional()?;
    Ok(first.is_some())
}
