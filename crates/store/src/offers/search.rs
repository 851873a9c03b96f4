//! Offer search: French full text combined with filters, sorted by relevance, date or
//! distance, with facet counts over every match. One results contract, two engines:
//! PostgreSQL's `french` text search over `search_vector`; SQLite's FTS5 over stems computed in
//! Rust (`text`). Distances in SQL use a flat-earth approximation (exact to a few hundred metres
//! within 100 km), which both backends compute with plain arithmetic; the distance answered
//! is the great-circle one.
//!
//! The SQL is assembled here: every value from the request is bound, except numbers, which are
//! written from Rust `f64`/`i64` values and so cannot carry SQL.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use plateforme_model::offer::OfferStatus;

use super::{OfferRow, StoredOffer, text};
use crate::connection::MultiBackend;
use crate::timestamps::to_db;
use crate::{DbConnection, StoreError};

/// Kilometres per degree of latitude, and of longitude at the equator.
const KM_PER_DEGREE_LATITUDE: f64 = 110.574;
const KM_PER_DEGREE_LONGITUDE: f64 = 111.320;

/// A circle around a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub radius_km: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchFilters {
    pub text: Option<String>,
    pub rome_codes: Vec<String>,
    pub contract_types: Vec<String>,
    pub communes: Vec<String>,
    pub departements: Vec<String>,
    pub regions: Vec<String>,
    pub near: Option<Near>,
    pub published_since: Option<DateTime<Utc>>,
    pub disability_committed: bool,
    pub without_cv: bool,
    pub open_to_iae: bool,
    /// Offers stating at least this monthly gross pay.
    pub min_monthly_salary: Option<f64>,
    pub min_quality: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchSort {
    /// Best text match first (the date when there is no text).
    Relevance,
    /// Most recently published first.
    Date,
    /// Nearest first (needs a point).
    Distance,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub filters: SearchFilters,
    pub sort: SearchSort,
    pub limit: i64,
    pub offset: i64,
    /// Offers whose expiry is at or before this time are left out.
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub offers: Vec<StoredOffer>,
    /// The offset of the next page, when there is one.
    pub next_offset: Option<i64>,
    /// Every match, all pages together.
    pub total: i64,
    /// Matches per contract type and per département, most frequent first.
    pub contract_types: Vec<(String, i64)>,
    pub departements: Vec<(String, i64)>,
}

pub fn search(conn: &mut DbConnection, request: &SearchRequest) -> Result<SearchResults, StoreError> {
    let query = Query::build(conn.backend() == crate::Backend::Postgres, request);
    let columns = OFFER_COLUMNS.iter().map(|column| format!("o.{column}")).collect::<Vec<_>>().join(", ");
    let page_sql = format!(
        "SELECT {columns} FROM {} WHERE {} ORDER BY {} LIMIT {} OFFSET {}",
        query.from,
        query.conditions,
        query.order(request.sort),
        request.limit + 1,
        request.offset
    );
    let mut rows: Vec<OfferRow> = query.bound(&page_sql).load(conn)?;
    let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
    let next_offset = (rows.len() > limit).then_some(request.offset + request.limit);
    rows.truncate(limit);
    let (contract_types, departements) = query.facets(conn)?;
    Ok(SearchResults {
        offers: rows.into_iter().map(OfferRow::into_stored).collect::<Result<_, _>>()?,
        next_offset,
        total: contract_types.iter().map(|(_, count)| count).sum(),
        contract_types,
        departements,
    })
}

/// The columns of `OfferRow`, as the page query selects them.
const OFFER_COLUMNS: &[&str] = &[
    "id",
    "status",
    "title",
    "rome_code",
    "contract_type",
    "commune",
    "departement",
    "region",
    "latitude",
    "longitude",
    "monthly_salary",
    "disability_committed",
    "without_cv",
    "open_to_iae",
    "quality_score",
    "published_at",
    "expires_at",
    "dedup_siret",
    "dedup_name",
    "fingerprint",
    "owner_organization_id",
    "search_title",
    "search_skills",
    "search_body",
    "record",
    "version",
    "created_at",
    "updated_at",
];

enum Bind {
    Text(String),
    Time(NaiveDateTime),
}

/// The FROM and WHERE of one search, with their bound values, for both backends.
struct Query {
    postgres: bool,
    from: String,
    conditions: String,
    binds: Vec<Bind>,
    /// The bound text query, for the relevance rank (PostgreSQL).
    text_placeholder: Option<String>,
    near: Option<Near>,
}

impl Query {
    fn build(postgres: bool, request: &SearchRequest) -> Query {
        let mut query = Query {
            postgres,
            from: "offers o".into(),
            conditions: String::new(),
            binds: Vec::new(),
            text_placeholder: None,
            near: request.filters.near,
        };
        let filters = &request.filters;
        query.and(&format!("o.status = '{}'", OfferStatus::Open.as_str()));
        let now = query.bind(Bind::Time(to_db(request.now)));
        query.and(&format!("o.expires_at > {now}"));
        if let Some(text) = filters.text.as_deref() {
            query.text(text);
        }
        query.any_of("o.rome_code", &filters.rome_codes);
        query.any_of("o.contract_type", &filters.contract_types);
        query.any_of("o.commune", &filters.communes);
        query.any_of("o.departement", &filters.departements);
        query.any_of("o.region", &filters.regions);
        if let Some(near) = filters.near {
            query.within(near);
        }
        if let Some(since) = filters.published_since {
            let since = query.bind(Bind::Time(to_db(since)));
            query.and(&format!("o.published_at >= {since}"));
        }
        for (wanted, column) in [
            (filters.disability_committed, "o.disability_committed"),
            (filters.without_cv, "o.without_cv"),
            (filters.open_to_iae, "o.open_to_iae"),
        ] {
            if wanted {
                query.and(column);
            }
        }
        if let Some(salary) = filters.min_monthly_salary {
            query.and(&format!("o.monthly_salary >= {}", number(salary)));
        }
        if let Some(score) = filters.min_quality {
            query.and(&format!("o.quality_score >= {score}"));
        }
        query
    }

    fn and(&mut self, condition: &str) {
        if !self.conditions.is_empty() {
            self.conditions.push_str(" AND ");
        }
        self.conditions.push_str(condition);
    }

    /// Binds a value; answers its placeholder.
    fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        if self.postgres { format!("${}", self.binds.len()) } else { "?".to_owned() }
    }

    fn any_of(&mut self, column: &str, values: &[String]) {
        if values.is_empty() {
            return;
        }
        let placeholders: Vec<String> = values.iter().map(|value| self.bind(Bind::Text(value.clone()))).collect();
        self.and(&format!("{column} IN ({})", placeholders.join(", ")));
    }

    /// Every searchable word of `text` must match; a text of stop words only filters nothing.
    fn text(&mut self, text: &str) {
        if self.postgres {
            let folded = text::fold(text);
            if text::fts5_query(text).is_none() {
                return;
            }
            let placeholder = self.bind(Bind::Text(folded));
            self.and(&format!("o.search_vector @@ plainto_tsquery('french', {placeholder})"));
            self.text_placeholder = Some(placeholder);
        } else if let Some(fts) = text::fts5_query(text) {
            self.from = "offers o JOIN offers_fts ON offers_fts.rowid = o.search_rowid".into();
            let placeholder = self.bind(Bind::Text(fts));
            self.and(&format!("offers_fts MATCH {placeholder}"));
            self.text_placeholder = Some(placeholder);
        }
    }

    /// Within the circle: a bounding box the indexes can use, then the flat-earth distance.
    fn within(&mut self, near: Near) {
        let (latitude_span, longitude_span) = spans(near);
        self.and(&format!(
            "o.latitude BETWEEN {} AND {} AND o.longitude BETWEEN {} AND {}",
            number(near.latitude - latitude_span),
            number(near.latitude + latitude_span),
            number(near.longitude - longitude_span),
            number(near.longitude + longitude_span),
        ));
        self.and(&format!("{} <= {}", squared_distance(near), number(near.radius_km * near.radius_km)));
    }

    fn order(&self, sort: SearchSort) -> String {
        let by_date = "o.published_at DESC, o.id DESC";
        match (sort, &self.text_placeholder, self.near) {
            (SearchSort::Relevance, Some(placeholder), _) if self.postgres => {
                format!("ts_rank_cd(o.search_vector, plainto_tsquery('french', {placeholder})) DESC, {by_date}")
            }
            // Title matches weigh most, then skills, then the description.
            (SearchSort::Relevance, Some(_), _) => format!("bm25(offers_fts, 10.0, 4.0, 1.0), {by_date}"),
            (SearchSort::Distance, _, Some(near)) => format!("{} ASC, o.id ASC", squared_distance(near)),
            _ => by_date.to_owned(),
        }
    }

    /// The SQL with this query's values bound. The text placeholder appears twice in the
    /// PostgreSQL page query (filter and rank): `$n` names the same value both times.
    fn bound(
        &self,
        sql: &str,
    ) -> diesel::query_builder::BoxedSqlQuery<'static, MultiBackend, diesel::query_builder::SqlQuery> {
        let mut query = diesel::sql_query(sql.to_owned()).into_boxed::<MultiBackend>();
        for value in &self.binds {
            query = match value {
                Bind::Text(text) => query.bind::<Text, _>(text.clone()),
                Bind::Time(time) => query.bind::<Timestamp, _>(*time),
            };
        }
        query
    }

    /// Counts per contract type and per département: one scan of the matches on PostgreSQL
    /// (grouping sets), one per facet on SQLite, which has no grouping sets.
    fn facets(&self, conn: &mut DbConnection) -> Result<(FacetCounts, FacetCounts), StoreError> {
        if !self.postgres {
            return Ok((self.facet(conn, "contract_type")?, self.facet(conn, "departement")?));
        }
        let sql = format!(
            "SELECT o.contract_type, o.departement, COUNT(*) AS count FROM {} WHERE {} \
             GROUP BY GROUPING SETS ((o.contract_type), (o.departement))",
            self.from, self.conditions
        );
        let rows: Vec<GroupedRow> = self.bound(&sql).load(conn)?;
        let (mut contract_types, mut departements) = (Vec::new(), Vec::new());
        for row in rows {
            match (row.contract_type, row.departement) {
                (Some(value), None) => contract_types.push((value, row.count)),
                (None, Some(value)) => departements.push((value, row.count)),
                _ => {}
            }
        }
        for facet in [&mut contract_types, &mut departements] {
            facet.sort_by(|(a, a_count), (b, b_count)| b_count.cmp(a_count).then_with(|| a.cmp(b)));
        }
        Ok((contract_types, departements))
    }

    fn facet(&self, conn: &mut DbConnection, column: &str) -> Result<FacetCounts, StoreError> {
        let sql = format!(
            "SELECT o.{column} AS value, COUNT(*) AS count FROM {} WHERE {} GROUP BY o.{column} \
             ORDER BY count DESC, value ASC",
            self.from, self.conditions
        );
        let rows: Vec<FacetRow> = self.bound(&sql).load(conn)?;
        Ok(rows.into_iter().map(|row| (row.value, row.count)).collect())
    }
}

/// Values and how many matches have each.
type FacetCounts = Vec<(String, i64)>;

#[derive(QueryableByName)]
struct GroupedRow {
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    contract_type: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    departement: Option<String>,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(QueryableByName)]
struct FacetRow {
    #[diesel(sql_type = Text)]
    value: String,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Degrees of latitude and longitude that hold `radius_km` around the point.
fn spans(near: Near) -> (f64, f64) {
    let latitude_span = near.radius_km / KM_PER_DEGREE_LATITUDE;
    let cosine = near.latitude.to_radians().cos().max(0.01);
    (latitude_span, near.radius_km / (KM_PER_DEGREE_LONGITUDE * cosine))
}

/// The squared flat-earth distance in km² from the point to the offer, as SQL.
fn squared_distance(near: Near) -> String {
    let longitude_scale = KM_PER_DEGREE_LONGITUDE * near.latitude.to_radians().cos();
    let dy = format!("((o.latitude - {}) * {})", number(near.latitude), number(KM_PER_DEGREE_LATITUDE));
    let dx = format!("((o.longitude - {}) * {})", number(near.longitude), number(longitude_scale));
    format!("({dy} * {dy} + {dx} * {dx})")
}

/// A finite number as an SQL literal (never in exponent form).
fn number(value: f64) -> String {
    if value.is_finite() { format!("{value:.6}") } else { "0".to_owned() }
}
