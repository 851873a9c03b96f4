//! The live figures of the indicators: the groups a full computation as of today would count,
//! kept current from the change feed between the full computations (issue 16, item 3).
//!
//! - **Contributions.** What each subject (a person, an offer) counts for, per measure and group
//!   (`indicator_live_contributions`), and the groups they add up to (`indicator_live_groups`).
//!   When an event names a subject, its records are read again through the same source as the
//!   full computation, restricted to the subject (`compute::contributions`); its old
//!   contributions are taken from the groups and its new ones added, in the transaction that
//!   moves the follower's position. Re-deriving a subject twice changes nothing, so an event
//!   applied again (after a rebuild) is harmless.
//! - **Orientation decisions** name no person and never change, so no event names them: each
//!   one is counted once, in the transaction that marks it counted (`counted_live`).
//! - **The date.** No record is dated after the day it is written (registrations, decisions,
//!   signatures and reviews in the future are refused; offers carry the server's timestamps), so
//!   a day passing changes no figure but the persons per situation, counted in the as-of month:
//!   when the month changes, that measure is built anew.
//! - **One follower at a time.** The position row (`indicator_live_follower`) is held for the
//!   transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite): another
//!   replica's step finds it held and does nothing.
//! - **Rebuild.** When the row says so (a new database, `rebuild`) or the sources' fingerprint
//!   changed (a new computation), every contribution and group is made anew from the records in
//!   one transaction, from the feed's end read before them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::upsert::excluded;

use super::compute::{self, Aggregate, Contribution, Dialect, Grouping, Measure, Subject};
use crate::changes::{self, ChangeEvent, FeedPosition};
use crate::schema::{
    indicator_live_contributions, indicator_live_follower, indicator_live_groups, orientation_decisions,
};
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, StoreError};

/// Where the live figures stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveState {
    /// The last event of the feed applied.
    pub position: FeedPosition,
    /// The date the figures are as of; `None` until they are built.
    pub as_of: Option<NaiveDate>,
    /// When they were last built from the records.
    pub built_at: Option<DateTime<Utc>>,
    /// Built by the computation of this version of the code (otherwise the next step builds
    /// them anew).
    pub current: bool,
}

/// What one step of the follower did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Every figure made anew from the records.
    Built,
    /// The month changed: the measures counted in the as-of month made anew.
    NewMonth,
    /// Events of the feed applied and decisions counted (both 0: nothing new).
    Followed { events: usize, decisions: usize },
}

#[derive(Queryable)]
struct FollowerRow {
    xid: i64,
    seq: i64,
    as_of: Option<String>,
    fingerprint: String,
    built_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = indicator_live_contributions)]
struct ContributionRow {
    subject: String,
    measure: String,
    commune: String,
    departement: String,
    month: String,
    category: String,
    units: i64,
    quantity: f64,
}

/// The stored form of an unknown territory (a key column cannot be null).
const UNKNOWN: &str = "";

/// A group of the live figures: measure, commune, département, month, category.
type GroupKey = (String, String, String, String, String);

fn follower_columns() -> (
    indicator_live_follower::xid,
    indicator_live_follower::seq,
    indicator_live_follower::as_of,
    indicator_live_follower::fingerprint,
    indicator_live_follower::built_at,
) {
    use indicator_live_follower::*;
    (xid, seq, as_of, fingerprint, built_at)
}

fn state_of(row: FollowerRow, fingerprint: &str) -> Result<LiveState, StoreError> {
    Ok(LiveState {
        position: FeedPosition { transaction: row.xid, seq: row.seq },
        as_of: row.as_of.map(|day| day.parse()).transpose().map_err(StoreError::corrupt)?,
        built_at: row.built_at.map(from_db),
        current: row.fingerprint == fingerprint,
    })
}

/// Where the live figures stand, read without a lock.
pub fn state(conn: &mut DbConnection) -> Result<LiveState, StoreError> {
    let row: FollowerRow = indicator_live_follower::table.find(1).select(follower_columns()).first(conn)?;
    state_of(row, &compute::sources_fingerprint(&Dialect::of(conn)))
}

/// One step of the follower as of `today`, in one transaction: builds the figures when they
/// must be, moves the persons per situation to a new month, or applies up to `batch` events and
/// counts up to `batch` new decisions. `None` when another replica holds the follower.
pub fn step(conn: &mut DbConnection, today: NaiveDate, batch: i64) -> Result<Option<Step>, StoreError> {
    held(conn, |conn, state| {
        let Some(as_of) = state.as_of.filter(|_| state.current) else {
            build(conn, today)?;
            return Ok(Step::Built);
        };
        if (as_of.year(), as_of.month()) != (today.year(), today.month()) {
            for measure in Measure::ALL.into_iter().filter(|measure| measure.counted_in_the_as_of_month()) {
                build_measure(conn, measure, today)?;
            }
            set_as_of(conn, today)?;
            return Ok(Step::NewMonth);
        }
        if as_of < today {
            set_as_of(conn, today)?;
        }
        let as_of = as_of.max(today);
        let events = changes::read(conn, state.position, batch)?;
        if let Some(last) = events.last() {
            apply_events(conn, &events, as_of)?;
            diesel::update(indicator_live_follower::table.find(1))
                .set((
                    indicator_live_follower::xid.eq(last.position.transaction),
                    indicator_live_follower::seq.eq(last.position.seq),
                ))
                .execute(conn)?;
        }
        let decisions = count_new_decisions(conn, as_of, batch)?;
        Ok(Step::Followed { events: events.len(), decisions })
    })
}

/// Whether a step has anything to do as of `today`, read without a lock (an idle follower takes
/// none): figures to build, a new date, an event to apply or a decision to count.
pub fn has_work(conn: &mut DbConnection, today: NaiveDate) -> Result<bool, StoreError> {
    let state = state(conn)?;
    if !state.current || state.as_of != Some(today) {
        return Ok(true);
    }
    if !changes::read(conn, state.position, 1)?.is_empty() {
        return Ok(true);
    }
    let pending: Option<String> = orientation_decisions::table
        .filter(orientation_decisions::counted_live.eq(false))
        .select(orientation_decisions::id)
        .first(conn)
        .optional()?;
    Ok(pending.is_some())
}

/// Asks the next step to build every figure anew from the records.
pub fn rebuild(conn: &mut DbConnection) -> Result<(), StoreError> {
    diesel::update(indicator_live_follower::table.find(1))
        .set(indicator_live_follower::as_of.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

/// Runs `work` holding the follower's row, in one transaction; `None` when another replica
/// holds it. The transaction announces nothing to the feed's followers: it writes no event.
fn held<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection, LiveState) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let fingerprint = compute::sources_fingerprint(&Dialect::of(conn));
    conn.transaction(|conn| {
        let row: Option<FollowerRow> = match conn {
            DbConnection::Postgres(pg) => indicator_live_follower::table
                .find(1)
                .select(follower_columns())
                .for_update()
                .skip_locked()
                .first(pg)
                .optional()?,
            DbConnection::Sqlite(sqlite) => {
                // The write lock first, so that a concurrent writer makes this step wait.
                diesel::sql_query("UPDATE indicator_live_follower SET id = id WHERE id = 1").execute(sqlite)?;
                indicator_live_follower::table.find(1).select(follower_columns()).first(sqlite).optional()?
            }
        };
        let Some(row) = row else { return Ok(None) };
        let state = state_of(row, &fingerprint)?;
        work(conn, state).map(Some)
    })
}

fn set_as_of(conn: &mut DbConnection, as_of: NaiveDate) -> Result<(), StoreError> {
    diesel::update(indicator_live_follower::table.find(1))
        .set(indicator_live_follower::as_of.eq(Some(as_of.to_string())))
        .execute(conn)?;
    Ok(())
}

/// Makes every contribution and group anew from the records as of `as_of`, from the feed's end
/// read first: an event after it re-derives its subject again, which is harmless.
fn build(conn: &mut DbConnection, as_of: NaiveDate) -> Result<(), StoreError> {
    let head = changes::latest(conn)?;
    diesel::delete(indicator_live_contributions::table).execute(conn)?;
    diesel::delete(indicator_live_groups::table).execute(conn)?;
    // Marked before they are counted: a decision written meanwhile stays to count by a step.
    diesel::update(orientation_decisions::table.filter(orientation_decisions::counted_live.eq(false)))
        .set(orientation_decisions::counted_live.eq(true))
        .execute(conn)?;
    for measure in Measure::ALL {
        build_measure(conn, measure, as_of)?;
    }
    let fingerprint = compute::sources_fingerprint(&Dialect::of(conn));
    diesel::update(indicator_live_follower::table.find(1))
        .set((
            indicator_live_follower::xid.eq(head.transaction),
            indicator_live_follower::seq.eq(head.seq),
            indicator_live_follower::as_of.eq(Some(as_of.to_string())),
            indicator_live_follower::fingerprint.eq(fingerprint),
            indicator_live_follower::built_at.eq(Some(to_db(Utc::now()))),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes one measure's contributions and groups anew from the records as of `as_of`, in the
/// database (nothing is read row by row). A decision counts once it is marked counted.
fn build_measure(conn: &mut DbConnection, measure: Measure, as_of: NaiveDate) -> Result<(), StoreError> {
    let dialect = Dialect::of(conn);
    let code = measure.code();
    diesel::delete(indicator_live_groups::table.filter(indicator_live_groups::measure.eq(code))).execute(conn)?;
    diesel::delete(indicator_live_contributions::table.filter(indicator_live_contributions::measure.eq(code)))
        .execute(conn)?;
    let measure_bind = dialect.placeholder(2);
    let groups_from = match measure.subject() {
        Subject::Person | Subject::Offer => {
            let contributions = format!(
                "INSERT INTO indicator_live_contributions \
                 (subject, measure, commune, departement, month, category, units, quantity) \
                 SELECT subject, {measure_bind}, COALESCE(commune, '{UNKNOWN}'), COALESCE(departement, '{UNKNOWN}'), \
                 month, category, units, sum FROM ({}) AS contributions",
                compute::grouped_sql(measure, &dialect, Grouping::BySubject, "")
            );
            execute(conn, &contributions, as_of, code)?;
            "SELECT measure, commune, departement, month, category, SUM(units) AS units, SUM(quantity) AS sum \
             FROM indicator_live_contributions WHERE measure = {measure} \
             GROUP BY measure, commune, departement, month, category"
                .replace("{measure}", &measure_bind)
        }
        Subject::Decision => format!(
            "SELECT {measure_bind}, COALESCE(commune, '{UNKNOWN}'), COALESCE(departement, '{UNKNOWN}'), month, \
             category, units, sum FROM ({}) AS groups",
            compute::grouped_sql(
                measure,
                &dialect,
                Grouping::Groups,
                "WHERE subject IN (SELECT id FROM orientation_decisions WHERE counted_live)",
            )
        ),
    };
    let groups = format!(
        "INSERT INTO indicator_live_groups (measure, commune, departement, month, category, units, quantity) \
         {groups_from}"
    );
    execute(conn, &groups, as_of, code)
}

/// Runs a statement whose binds are the as-of date and a measure's code.
fn execute(conn: &mut DbConnection, sql: &str, as_of: NaiveDate, code: &str) -> Result<(), StoreError> {
    let query = diesel::sql_query(sql).bind::<Text, _>(as_of.to_string()).bind::<Text, _>(code);
    match conn {
        DbConnection::Postgres(pg) => query.execute(pg)?,
        DbConnection::Sqlite(sqlite) => query.execute(sqlite)?,
    };
    Ok(())
}

/// The subjects the events name, by kind: an offer, or the person of a dossier's part.
fn subjects_of(events: &[ChangeEvent]) -> BTreeMap<Subject, BTreeSet<String>> {
    let mut subjects: BTreeMap<Subject, BTreeSet<String>> = BTreeMap::new();
    for event in events {
        let named = if event.resource_type == crate::offers::RESOURCE_TYPE {
            Some((Subject::Offer, event.resource_id))
        } else {
            event.subject_id.map(|person| (Subject::Person, person))
        };
        if let Some((kind, id)) = named {
            subjects.entry(kind).or_default().insert(id.to_string());
        }
    }
    subjects
}

/// Re-derives what the subjects the events name count for, and moves the groups by the
/// difference.
fn apply_events(conn: &mut DbConnection, events: &[ChangeEvent], as_of: NaiveDate) -> Result<(), StoreError> {
    for (kind, subjects) in subjects_of(events) {
        let subjects: Vec<String> = subjects.into_iter().collect();
        let measures: Vec<Measure> = Measure::ALL.into_iter().filter(|measure| measure.subject() == kind).collect();
        let codes: Vec<&str> = measures.iter().map(|measure| measure.code()).collect();
        let old: Vec<ContributionRow> = indicator_live_contributions::table
            .filter(indicator_live_contributions::subject.eq_any(&subjects))
            .filter(indicator_live_contributions::measure.eq_any(&codes))
            .load(conn)?;
        let mut new = Vec::new();
        for measure in measures {
            for contribution in compute::contributions(conn, measure, as_of, &subjects)? {
                new.push(row_of(measure, contribution));
            }
        }
        // Most writes change nothing a measure counts (a phone number, a review's notes): their
        // subjects' rows are left as they are, and the step writes nothing for them.
        let changed = changed_subjects(&old, &new);
        if changed.is_empty() {
            continue;
        }
        let mut deltas: BTreeMap<GroupKey, (i64, f64)> = BTreeMap::new();
        for row in old.iter().filter(|row| changed.contains(&row.subject)) {
            let delta = deltas.entry(key_of_row(row)).or_default();
            delta.0 -= row.units;
            delta.1 -= row.quantity;
        }
        new.retain(|row| changed.contains(&row.subject));
        for row in &new {
            let delta = deltas.entry(key_of_row(row)).or_default();
            delta.0 += row.units;
            delta.1 += row.quantity;
        }
        diesel::delete(
            indicator_live_contributions::table
                .filter(indicator_live_contributions::subject.eq_any(&changed))
                .filter(indicator_live_contributions::measure.eq_any(&codes)),
        )
        .execute(conn)?;
        crate::bulk::insert_all!(conn, indicator_live_contributions::table, new.as_slice());
        add_to_groups(conn, deltas)?;
    }
    Ok(())
}

/// The subjects whose contributions differ between `old` (as stored) and `new` (as the records
/// give them now): a row added, gone, or with other units or quantity.
fn changed_subjects<'a>(old: &'a [ContributionRow], new: &'a [ContributionRow]) -> BTreeSet<String> {
    type Values<'a> = BTreeMap<(&'a str, &'a str, &'a str, &'a str, &'a str, &'a str), (i64, u64)>;
    let values = |rows: &'a [ContributionRow]| -> Values<'a> {
        rows.iter()
            .map(|row| {
                let key = (&*row.subject, &*row.measure, &*row.commune, &*row.departement, &*row.month, &*row.category);
                (key, (row.units, row.quantity.to_bits()))
            })
            .collect()
    };
    let (before, after) = (values(old), values(new));
    let differs = |from: &Values<'a>, to: &Values<'a>| -> Vec<String> {
        from.iter().filter(|(key, value)| to.get(key) != Some(value)).map(|(key, _)| key.0.to_owned()).collect()
    };
    differs(&before, &after).into_iter().chain(differs(&after, &before)).collect()
}

/// Counts up to `batch` decisions not counted yet, the oldest first, once: added to the groups
/// and marked in the same transaction. Answers how many.
fn count_new_decisions(conn: &mut DbConnection, as_of: NaiveDate, batch: i64) -> Result<usize, StoreError> {
    let ids: Vec<String> = orientation_decisions::table
        .filter(orientation_decisions::counted_live.eq(false))
        .select(orientation_decisions::id)
        .order((orientation_decisions::recorded_at, orientation_decisions::id))
        .limit(batch)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    let mut deltas: BTreeMap<GroupKey, (i64, f64)> = BTreeMap::new();
    for measure in Measure::ALL.into_iter().filter(|measure| measure.subject() == Subject::Decision) {
        for contribution in compute::contributions(conn, measure, as_of, &ids)? {
            let row = row_of(measure, contribution);
            let delta = deltas.entry(key_of_row(&row)).or_default();
            delta.0 += row.units;
            delta.1 += row.quantity;
        }
    }
    add_to_groups(conn, deltas)?;
    diesel::update(orientation_decisions::table.filter(orientation_decisions::id.eq_any(&ids)))
        .set(orientation_decisions::counted_live.eq(true))
        .execute(conn)?;
    Ok(ids.len())
}

fn row_of(measure: Measure, contribution: Contribution) -> ContributionRow {
    ContributionRow {
        subject: contribution.subject,
        measure: measure.code().to_owned(),
        commune: contribution.group.commune.unwrap_or_default(),
        departement: contribution.group.departement.unwrap_or_default(),
        month: contribution.group.month,
        category: contribution.group.category,
        units: contribution.group.units,
        quantity: contribution.group.sum,
    }
}

fn key_of_row(row: &ContributionRow) -> GroupKey {
    (row.measure.clone(), row.commune.clone(), row.departement.clone(), row.month.clone(), row.category.clone())
}

/// A group of the live figures and what it holds.
#[derive(Insertable, Queryable)]
#[diesel(table_name = indicator_live_groups)]
struct GroupRow {
    measure: String,
    commune: String,
    departement: String,
    month: String,
    category: String,
    units: i64,
    quantity: f64,
}

/// Adds each difference to its group, and forgets a group left with no record (a full
/// computation has no such group). The differences go in multi-row upserts (a step of a
/// thousand decisions moves about five thousand groups: one statement per group held the
/// follower to a few hundred decisions a second at national scale).
fn add_to_groups(conn: &mut DbConnection, deltas: BTreeMap<GroupKey, (i64, f64)>) -> Result<(), StoreError> {
    use indicator_live_groups::dsl as groups;
    let rows: Vec<GroupRow> = deltas
        .into_iter()
        .filter(|(_, (units, quantity))| *units != 0 || *quantity != 0.0)
        .map(|((measure, commune, departement, month, category), (units, quantity))| GroupRow {
            measure,
            commune,
            departement,
            month,
            category,
            units,
            quantity,
        })
        .collect();
    let mut emptied: Vec<GroupRow> = Vec::new();
    for chunk in rows.chunks(crate::bulk::ROWS_PER_STATEMENT) {
        // `on_conflict` is not available through the multi-backend connection.
        macro_rules! upsert {
            ($conn:expr) => {
                diesel::insert_into(groups::indicator_live_groups)
                    .values(chunk)
                    .on_conflict((
                        groups::measure,
                        groups::commune,
                        groups::departement,
                        groups::month,
                        groups::category,
                    ))
                    .do_update()
                    .set((
                        groups::units.eq(groups::units + excluded(groups::units)),
                        groups::quantity.eq(groups::quantity + excluded(groups::quantity)),
                    ))
                    .returning((
                        groups::measure,
                        groups::commune,
                        groups::departement,
                        groups::month,
                        groups::category,
                        groups::units,
                        groups::quantity,
                    ))
                    .load::<GroupRow>($conn)
            };
        }
        let left = match conn {
            DbConnection::Postgres(pg) => upsert!(pg)?,
            DbConnection::Sqlite(sqlite) => upsert!(sqlite)?,
        };
        emptied.extend(left.into_iter().filter(|group| group.units == 0));
    }
    // Rare: a subject's records moved from one group to another and the old one held only them.
    for group in emptied {
        diesel::delete(
            groups::indicator_live_groups
                .filter(groups::measure.eq(&group.measure))
                .filter(groups::commune.eq(&group.commune))
                .filter(groups::departement.eq(&group.departement))
                .filter(groups::month.eq(&group.month))
                .filter(groups::category.eq(&group.category)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// The live groups of `measure`, as [`compute::aggregate`] answers a full computation's.
pub fn groups(conn: &mut DbConnection, measure: Measure) -> Result<Vec<Aggregate>, StoreError> {
    let sql = format!(
        "SELECT NULLIF(commune, '{UNKNOWN}') AS commune, NULLIF(departement, '{UNKNOWN}') AS departement, month, \
         category, units, quantity AS sum FROM indicator_live_groups WHERE measure = {} \
         ORDER BY departement, commune, month, category",
        Dialect::of(conn).placeholder(1)
    );
    let query = diesel::sql_query(sql).bind::<Text, _>(measure.code());
    Ok(match conn {
        DbConnection::Postgres(pg) => query.load(pg)?,
        DbConnection::Sqlite(sqlite) => query.load(sqlite)?,
    })
}

/// How far the live figures are behind the records.
#[derive(Debug, Clone, PartialEq)]
pub struct Lag {
    pub state: LiveState,
    /// The last event a follower may be served now.
    pub head: FeedPosition,
    /// Events of the feed not applied yet (counted up to 100,000).
    pub events_behind: i64,
    /// Decisions not counted yet (counted up to 100,000).
    pub decisions_behind: i64,
    /// When the oldest event or decision not applied yet was written (`None`: none waits).
    pub waiting_since: Option<DateTime<Utc>>,
}

impl Lag {
    /// Seconds since the oldest change not applied yet was written (0 when none waits).
    pub fn seconds(&self, now: DateTime<Utc>) -> f64 {
        self.waiting_since.map_or(0.0, |since| (now - since).num_milliseconds().max(0) as f64 / 1000.0)
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Events and decisions counted as behind, at most: the lag is read on every probe.
const COUNTED_AT_MOST: i64 = 100_000;

/// How far the live figures are behind: unapplied events and decisions (each counted up to
/// 100,000), and when the oldest of them was written. Read on every readiness probe: each part
/// reads an index, never the whole backlog.
pub fn lag(conn: &mut DbConnection) -> Result<Lag, StoreError> {
    let state = state(conn)?;
    let head = changes::latest(conn)?;
    let first = changes::read(conn, state.position, 1)?.into_iter().next();
    let events_behind = if first.is_some() { count_behind(conn, state.position, head)? } else { 0 };
    let pending = || orientation_decisions::table.filter(orientation_decisions::counted_live.eq(false));
    let oldest_decision: Option<NaiveDateTime> = pending()
        .select(orientation_decisions::recorded_at)
        .order(orientation_decisions::recorded_at)
        .first(conn)
        .optional()?;
    let decisions_behind = if oldest_decision.is_some() { count_decisions_behind(conn)? } else { 0 };
    let waiting_since =
        [first.map(|event| event.occurred_at), oldest_decision.map(from_db)].into_iter().flatten().min();
    Ok(Lag { state, head, events_behind, decisions_behind, waiting_since })
}

/// The decisions not counted yet, counted up to [`COUNTED_AT_MOST`].
fn count_decisions_behind(conn: &mut DbConnection) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) AS count FROM (SELECT 1 FROM orientation_decisions WHERE NOT counted_live LIMIT {COUNTED_AT_MOST}) \
         AS behind"
    );
    let count: Count = match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(sql).get_result(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(sql).get_result(sqlite)?,
    };
    Ok(count.count)
}

/// The events after `position` up to `head`, counted up to [`COUNTED_AT_MOST`].
fn count_behind(conn: &mut DbConnection, position: FeedPosition, head: FeedPosition) -> Result<i64, StoreError> {
    let dialect = Dialect::of(conn);
    let sql = format!(
        "SELECT COUNT(*) AS count FROM (SELECT 1 FROM changes WHERE (xid = {p1} AND seq > {p2}) OR \
         (xid > {p1} AND xid <= {p3}) LIMIT {limit}) AS behind",
        p1 = dialect.placeholder(1),
        p2 = dialect.placeholder(2),
        p3 = dialect.placeholder(3),
        limit = COUNTED_AT_MOST
    );
    let query = diesel::sql_query(sql)
        .bind::<BigInt, _>(position.transaction)
        .bind::<BigInt, _>(position.seq)
        .bind::<BigInt, _>(head.transaction);
    let count: Count = match conn {
        DbConnection::Postgres(pg) => query.get_result(pg)?,
        DbConnection::Sqlite(sqlite) => query.get_result(sqlite)?,
    };
    Ok(count.count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(subject: &str, month: &str, units: i64, quantity: f64) -> ContributionRow {
        ContributionRow {
            subject: subject.to_owned(),
            measure: "inscriptions".to_owned(),
            commune: "69123".to_owned(),
            departement: "69".to_owned(),
            month: month.to_owned(),
            category: "total".to_owned(),
            units,
            quantity,
        }
    }

    #[test]
    fn only_the_subjects_whose_rows_differ_are_written_again() {
        let old = vec![row("a", "2026-11", 1, 0.0), row("b", "2026-11", 1, 2.5), row("c", "2026-11", 1, 0.0)];
        // a: the same rows (in another order among the others); b: another quantity; c: gone;
        // d: new.
        let new = vec![row("d", "2026-12", 1, 0.0), row("b", "2026-11", 1, 3.0), row("a", "2026-11", 1, 0.0)];
        let changed: Vec<String> = changed_subjects(&old, &new).into_iter().collect();
        assert_eq!(changed, ["b", "c", "d"]);
        assert!(changed_subjects(&old, &old).is_empty());
        let moved = vec![row("a", "2026-12", 1, 0.0)];
        assert_eq!(changed_subjects(&old[..1], &moved).into_iter().collect::<Vec<_>>(), ["a"]);
    }
}
