//! The full recomputation: every computed indicator as of a date, from the groups the database
//! counts (`plateforme_store::indicators::compute`, one `GROUP BY` per measure), added up into
//! every level (commune → département → région → national) and period (month, quarter), hashed,
//! and published as a vintage.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use plateforme_model::codes::{DepartementCode, RegionCode};
use plateforme_store::indicators::compute::{self, Aggregate, Measure, Pass, TOTAL};
use plateforme_store::indicators::vintages::{self, Cell, CellRef, IndicatorText, Published, Vintage};
use plateforme_store::{Backend, DbConnection, PooledConnection, Store, StoreError};
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};

use crate::definitions::{Aggregation, DEFINITIONS, Definition};
use crate::query::{PeriodParam, period_of};

/// The territory of the records whose residence (or workplace) is not known, below the national
/// level: counted there so that every level adds up to the national figure.
pub const UNKNOWN: &str = "unknown";

/// Computes every indicator as of `as_of` and publishes the vintage (a new revision only when
/// the figures differ from the last one of that date), on connections of `store`'s pool. The
/// database counts the measures while one thread adds up the indicators whose measures are
/// counted and another hashes and writes their texts; on PostgreSQL it counts them on two
/// connections at once, which see the same records ([`compute::counting`]): on two cores, no
/// core waits for another's work.
/// Blocking. Logs the time of each phase at `info`, and each query's at `debug`.
pub fn compute_vintage(store: &Store, as_of: NaiveDate) -> Result<(Vintage, Published), StoreError> {
    store.run_blocking(|conn| {
        let started = Instant::now();
        let (encoded, spent) = {
            let mut beside = beside(store, conn);
            count_and_encode(conn, beside.as_deref_mut(), as_of)?
        };
        let counted_after = started.elapsed();
        let publish_started = Instant::now();
        let published = vintages::publish(conn, as_of, &encoded.hash, &encoded.texts)?;
        tracing::info!(
            cells = encoded.cell_count,
            decisions_queries_ms = spent.decisions_queries.as_millis() as u64,
            other_queries_ms = spent.other_queries.as_millis() as u64,
            adding_up_ms = spent.adding_up.as_millis() as u64,
            hashing_and_encoding_ms = encoded.encoding.as_millis() as u64,
            counted_and_encoded_ms = counted_after.as_millis() as u64,
            publishing_ms = publish_started.elapsed().as_millis() as u64,
            "indicators computed"
        );
        Ok(published)
    })
}

/// The second connection the counts run on, beside `conn`: one of the pool on PostgreSQL; none
/// on SQLite, embedded, whose one connection counts everything (and whose transactions could
/// not share a snapshot), nor when the pool gives none within its acquire timeout (a pool of
/// one connection: the counts then run on `conn`, one after the other, the same records counted
/// the same way, after that wait and a warning).
fn beside(store: &Store, conn: &DbConnection) -> Option<PooledConnection> {
    match conn.backend() {
        Backend::Postgres => store
            .connection()
            .inspect_err(|error| tracing::warn!(%error, "no second connection: the counts run on one"))
            .ok(),
        Backend::Sqlite => None,
    }
}

/// Counts every measure on `conn` (and `beside`, at the same time, when given) while one thread
/// adds up the indicators of each measure as it comes and another hashes and encodes them in
/// the catalogue's order: the database's two shares, the adding up and the encoding overlap.
/// Answers the encoded indicators and the time spent, or the first error: then nothing is
/// encoded.
fn count_and_encode(
    conn: &mut DbConnection,
    beside: Option<&mut DbConnection>,
    as_of: NaiveDate,
) -> Result<(Encoded, Spent), StoreError> {
    let (decisions, others) = shares();
    // Set by the first share that fails, so that the other stops at its next pass.
    let failed = &AtomicBool::new(false);
    let (sender, counted) = mpsc::channel();
    let (added_sender, added) = mpsc::channel();
    let (encoded, querying) = std::thread::scope(|scope| {
        let adder = scope.spawn(move || add_up_all(counted, added_sender));
        let encoder = scope.spawn(move || encode_all(added));
        // Each share sends on its own sender, gone when the share is: the adding up, then the
        // encoding, stop when both are.
        let others_sender = sender.clone();
        let querying = compute::counting(
            conn,
            beside,
            |conn| count_all(conn, &decisions, as_of, &sender, failed),
            move |conn| count_all(conn, &others, as_of, &others_sender, failed),
        );
        drop(sender);
        let adding_up = adder.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let encoded = encoder.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (
            encoded,
            querying.map(|(decisions_queries, other_queries)| Spent { decisions_queries, other_queries, adding_up }),
        )
    });
    // A failed query stops the encoder too, which then only says that the queries stopped.
    let spent = querying?;
    Ok((encoded?, spent))
}

/// The groups of one measure, as the database counted them.
type Counted = (Measure, Vec<Aggregate>);

/// The passes (`compute::Pass`: the measures over one table read it once) in two shares, one
/// per connection: the decisions' (the most cells to add up, counted first so that adding them
/// up overlaps the other queries), and every other pass, in the order the catalogue first needs
/// them. At national scale the first takes about 2 s, the second about 3 s.
fn shares() -> (Vec<Pass>, Vec<Pass>) {
    let mut others: Vec<Pass> = Vec::new();
    for computation in DEFINITIONS.iter().filter_map(|definition| definition.computation) {
        let pass = Pass::of(computation.measure);
        if pass != Pass::Decisions && !others.contains(&pass) {
            others.push(pass);
        }
    }
    (vec![Pass::Decisions], others)
}

/// Counts every measure of `passes` as of `as_of`, pass by pass, and sends each measure's
/// groups as soon as counted. Answers the time spent, or the first error, which it marks in
/// `failed`; stops before its next pass when the other share has failed.
fn count_all(
    conn: &mut DbConnection,
    passes: &[Pass],
    as_of: NaiveDate,
    sender: &mpsc::Sender<Counted>,
    failed: &AtomicBool,
) -> Result<Duration, StoreError> {
    let mut querying = Duration::ZERO;
    for pass in passes {
        if failed.load(Ordering::Relaxed) {
            break;
        }
        let query_started = Instant::now();
        let counted =
            compute::aggregate_pass(conn, *pass, as_of).inspect_err(|_| failed.store(true, Ordering::Relaxed))?;
        querying += query_started.elapsed();
        tracing::debug!(pass = ?pass, ms = query_started.elapsed().as_millis() as u64, "measures counted");
        for (measure, groups) in counted {
            if sender.send((measure, groups)).is_err() {
                // The encoder stopped: its error says why.
                return Ok(querying);
            }
        }
    }
    Ok(querying)
}

/// What [`encode_all`] made of the counted measures.
struct Encoded {
    hash: String,
    texts: Vec<IndicatorText>,
    cell_count: usize,
    encoding: Duration,
}

/// The time each part of a computation took: the queries of each share, and the adding up (the
/// three overlap, and the encoding with them).
struct Spent {
    decisions_queries: Duration,
    other_queries: Duration,
    adding_up: Duration,
}

/// The computed indicators, in the order of the catalogue (the hash's).
fn computed() -> Vec<&'static Definition> {
    DEFINITIONS.iter().filter(|definition| definition.is_computed()).collect()
}

/// An indicator added up, and its place among the [`computed`] ones.
type Added = (usize, IndicatorCells);

/// Adds up every indicator as soon as its measure comes from `counted`, whatever the order the
/// measures come in, and hands it to `added`. Answers the time spent adding up.
fn add_up_all(counted: mpsc::Receiver<Counted>, added: mpsc::Sender<Added>) -> Duration {
    let computed = computed();
    let mut adding_up = Duration::ZERO;
    for (measure, groups) in counted.iter() {
        for (place, definition) in computed.iter().enumerate() {
            if definition.computation.is_some_and(|computation| computation.measure == measure) {
                let adding_started = Instant::now();
                let cells = IndicatorCells::of(definition, &groups);
                adding_up += adding_started.elapsed();
                if added.send((place, cells)).is_err() {
                    // The encoder stopped: it cannot, before every indicator is added up.
                    return adding_up;
                }
            }
        }
    }
    adding_up
}

/// Hashes and writes the texts of the indicators `added` up in the order of the catalogue (the
/// hash's), each as soon as every indicator before it is added up. The heaviest measures (the
/// decisions', at the commune level) are counted first, so that adding them up and encoding
/// them overlap the other queries.
fn encode_all(added: mpsc::Receiver<Added>) -> Result<Encoded, StoreError> {
    let mut encoding = Duration::ZERO;
    let mut hash = ContentHash::new();
    let mut texts = Vec::new();
    let mut cell_count = 0;
    let computed = computed();
    let mut waiting: Vec<Option<IndicatorCells>> = computed.iter().map(|_| None).collect();
    let mut next = 0;
    for (place, cells) in added.iter() {
        if let Some(slot) = waiting.get_mut(place) {
            *slot = Some(cells);
        }
        let encoding_started = Instant::now();
        while let Some(table) = waiting.get_mut(next).and_then(Option::take) {
            hash.add_all(table.code, table.cells());
            texts.push(IndicatorText::encode(table.code, table.cells()));
            cell_count += table.len();
            next += 1;
        }
        encoding += encoding_started.elapsed();
    }
    if let Some(definition) = computed.get(next) {
        return Err(StoreError::Task(format!("the queries stopped before {}", definition.code)));
    }
    Ok(Encoded { hash: hash.finish(), texts, cell_count, encoding })
}

/// The cells of every computed indicator, in the order of the catalogue then of the key.
pub fn compute_cells(conn: &mut DbConnection, as_of: NaiveDate) -> Result<Vec<Cell>, StoreError> {
    cells_from(|measure| compute::aggregate(conn, measure, as_of))
}

/// The cells of every computed indicator from the groups of each measure (counted as of a date
/// by a full computation, or kept live), in the order of the catalogue then of the key.
pub fn cells_from(
    groups_of: impl FnMut(Measure) -> Result<Vec<Aggregate>, StoreError>,
) -> Result<Vec<Cell>, StoreError> {
    let mut cells = Vec::new();
    each_indicator(groups_of, |table| cells.extend(table.to_cells()))?;
    Ok(cells)
}

/// Adds up every computed indicator, in the order of the catalogue, from the groups of each
/// measure, and hands each one's cells to `each` (before the next is added up).
fn each_indicator(
    mut groups_of: impl FnMut(Measure) -> Result<Vec<Aggregate>, StoreError>,
    mut each: impl FnMut(&IndicatorCells),
) -> Result<(), StoreError> {
    let mut counted: HashMap<Measure, Vec<Aggregate>> = HashMap::new();
    for definition in DEFINITIONS {
        let Some(computation) = definition.computation else { continue };
        // Two indicators of one measure (a count and a mean) share its one query.
        let groups = match counted.entry(computation.measure) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => entry.insert(groups_of(computation.measure)?),
        };
        each(&IndicatorCells::of(definition, groups));
    }
    Ok(())
}

/// Adds one indicator's groups up into its levels and periods, in the order of the key.
pub fn cells_of(definition: &Definition, groups: &[Aggregate]) -> Vec<Cell> {
    IndicatorCells::of(definition, groups).to_cells()
}

/// The levels, in the order of their names (the order of a cell's key).
const LEVELS: [&str; 4] = ["commune", "departement", "national", "region"];

/// One indicator's cells as adding up leaves them: every name (territory, period, category)
/// once, and the cells as indexes into the names, in the order of their key. At national scale
/// an indicator has up to a million cells over a few tens of thousands of names: adding up
/// integers rather than texts, and writing the names only into the text and the hash, is what
/// keeps this part of a recomputation to a fraction of a second.
pub struct IndicatorCells {
    /// The indicator's code.
    pub code: &'static str,
    names: Names,
    cells: Vec<CompactCell>,
}

/// A cell: its level (an index into [`LEVELS`]) and the indexes of its names.
struct CompactCell {
    level: u8,
    territory: u32,
    period: u32,
    category: u32,
    units: i64,
    value: f64,
}

/// Each name once, by index.
#[derive(Default)]
struct Names {
    names: Vec<Arc<str>>,
    index: FxHashMap<Arc<str>, u32>,
}

impl Names {
    fn index_of(&mut self, name: &str) -> u32 {
        if let Some(index) = self.index.get(name) {
            return *index;
        }
        let index = self.names.len() as u32;
        let name: Arc<str> = Arc::from(name);
        self.names.push(Arc::clone(&name));
        self.index.insert(name, index);
        index
    }

    /// The rank of each name in the order of the texts: comparing ranks compares the names.
    fn ranks(&self) -> Vec<u32> {
        let mut by_name: Vec<u32> = (0..self.names.len() as u32).collect();
        by_name.sort_unstable_by(|one, other| self.names[*one as usize].cmp(&self.names[*other as usize]));
        let mut ranks = vec![0; by_name.len()];
        for (rank, index) in by_name.into_iter().enumerate() {
            ranks[index as usize] = rank as u32;
        }
        ranks
    }

    fn name(&self, index: u32) -> &str {
        &self.names[index as usize]
    }
}

/// The indexes of the names a group is counted under above its own: its département and
/// région, its quarter (worked out once per département code and per month).
#[derive(Default)]
struct Above<'a> {
    departement: FxHashMap<&'a str, (u32, u32)>,
    quarter: FxHashMap<&'a str, (u32, u32)>,
}

impl IndicatorCells {
    /// Adds the groups up. Each cell adds its groups in their order, so that its sums are the
    /// same whichever way the cells are kept meanwhile.
    pub fn of(definition: &Definition, groups: &[Aggregate]) -> IndicatorCells {
        let mut names = Names::default();
        let Some(computation) = definition.computation else {
            return IndicatorCells { code: definition.code, names, cells: Vec::new() };
        };
        let levels: Vec<bool> = LEVELS.iter().map(|level| definition.levels().contains(level)).collect();
        let national = names.index_of("FR");
        let unknown = names.index_of(UNKNOWN);
        let total = names.index_of(TOTAL);
        let mut above = Above::default();
        let mut sums: FxHashMap<(u8, u32, u32, u32), (i64, f64)> = FxHashMap::default();
        for group in groups {
            let (departement, region) = match group.departement.as_deref() {
                None => (unknown, unknown),
                Some(raw) => *above.departement.entry(raw).or_insert_with(|| match DepartementCode::parse(raw) {
                    Ok(code) => {
                        (names.index_of(code.as_str()), names.index_of(RegionCode::of_departement(&code).as_str()))
                    }
                    Err(_) => (unknown, unknown),
                }),
            };
            let commune = group.commune.as_deref().map_or(unknown, |raw| names.index_of(raw));
            let (month, quarter) = *above.quarter.entry(group.month.as_str()).or_insert_with(|| {
                (names.index_of(group.month.as_str()), names.index_of(&period_of(&group.month, PeriodParam::Quarter)))
            });
            let category = names.index_of(group.category.as_str());
            let categories: &[u32] = if computation.categorical { &[category, total] } else { &[category] };
            // In the order of LEVELS.
            let territories = [commune, departement, national, region];
            for (level, territory) in territories.into_iter().enumerate().filter(|(level, _)| levels[*level]) {
                for period in [month, quarter] {
                    for category in categories {
                        let entry = sums.entry((level as u8, territory, period, *category)).or_insert((0, 0.0));
                        entry.0 += group.units;
                        entry.1 += group.sum;
                    }
                }
            }
        }
        let ranks = names.ranks();
        let rank = |index: u32| ranks[index as usize];
        let mut cells: Vec<CompactCell> = sums
            .into_iter()
            .map(|((level, territory, period, category), (units, sum))| CompactCell {
                level,
                territory,
                period,
                category,
                units,
                value: value_of(computation.aggregation, units, sum),
            })
            .collect();
        cells.sort_unstable_by_key(|cell| (cell.level, rank(cell.territory), rank(cell.period), rank(cell.category)));
        IndicatorCells { code: definition.code, names, cells }
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The cells, in the order of their key.
    pub fn cells(&self) -> impl Iterator<Item = CellRef<'_>> {
        self.cells.iter().map(|cell| CellRef {
            level: LEVELS[cell.level as usize],
            territory: self.names.name(cell.territory),
            period: self.names.name(cell.period),
            category: self.names.name(cell.category),
            units: cell.units,
            value: cell.value,
        })
    }

    pub fn to_cells(&self) -> Vec<Cell> {
        self.cells()
            .map(|cell| Cell {
                indicator: self.code.to_owned(),
                level: cell.level.to_owned(),
                territory: cell.territory.to_owned(),
                period: cell.period.to_owned(),
                category: cell.category.to_owned(),
                units: cell.units,
                value: cell.value,
            })
            .collect()
    }
}

/// The published figure of a group of `units` records whose quantities add up to `sum`.
fn value_of(aggregation: Aggregation, units: i64, sum: f64) -> f64 {
    let tenth = |value: f64| (value * 10.0).round() / 10.0;
    match aggregation {
        Aggregation::Count => units as f64,
        Aggregation::Mean if units > 0 => tenth(sum / units as f64),
        Aggregation::Share if units > 0 => tenth(100.0 * sum / units as f64),
        Aggregation::Mean | Aggregation::Share => 0.0,
    }
}

/// SHA-256 (hex) over the definitions' versions and every cell, one line each: the same records
/// as of the same date give the same hash, whenever and on whichever backend they are computed.
pub fn content_hash(cells: &[Cell]) -> String {
    let mut hash = ContentHash::new();
    for cell in cells {
        hash.add(&cell.indicator, cell.as_ref());
    }
    hash.finish()
}

/// A vintage's hash ([`content_hash`]) written as the cells come, one line buffer reused.
pub struct ContentHash {
    hasher: Sha256,
    line: String,
}

impl Default for ContentHash {
    fn default() -> Self {
        Self::new()
    }
}

impl ContentHash {
    /// The hash over the definitions' versions, before any cell.
    pub fn new() -> ContentHash {
        let mut hash = ContentHash { hasher: Sha256::new(), line: String::new() };
        for definition in DEFINITIONS {
            hash.line.clear();
            let _ = writeln!(hash.line, "{}@{}", definition.code, definition.version);
            hash.hasher.update(hash.line.as_bytes());
        }
        hash
    }

    pub fn add(&mut self, indicator: &str, cell: CellRef<'_>) {
        self.line.clear();
        let _ = writeln!(
            self.line,
            "{}|{}|{}|{}|{}|{}|{:.1}",
            indicator, cell.level, cell.territory, cell.period, cell.category, cell.units, cell.value
        );
        self.hasher.update(self.line.as_bytes());
    }

    pub fn add_all<'a>(&mut self, indicator: &str, cells: impl IntoIterator<Item = CellRef<'a>>) {
        for cell in cells {
            self.add(indicator, cell);
        }
    }

    /// Hex.
    pub fn finish(self) -> String {
        self.hasher.finalize().iter().fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
    }
}
