//! The one pass over the matches of a search: the filters that read values (numbers, flags,
//! positions), the count, the facets and the best `offset + limit + 1` documents by the sort,
//! segment by segment. Everything a search answers comes from this pass: `total` and the
//! facets count exactly the documents the page is drawn from.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use plateforme_model::geo::haversine_km;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::engine::{ID_HIGH, ID_LOW};
use crate::query::{Circle, Filter, Sort, ValueTest};

/// How a document ranks: greater is better. Every sort is written as "descending", so that one
/// heap serves all: the nearest has the greatest negated distance, the smallest id the
/// greatest complement.
#[derive(Debug, Clone, Copy)]
pub struct Rank {
    primary: f64,
    secondary: i64,
    id_high: u64,
    id_low: u64,
}

impl PartialEq for Rank {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Rank {}

impl PartialOrd for Rank {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rank {
    fn cmp(&self, other: &Self) -> Ordering {
        self.primary
            .total_cmp(&other.primary)
            .then(self.secondary.cmp(&other.secondary))
            .then(self.id_high.cmp(&other.id_high))
            .then(self.id_low.cmp(&other.id_low))
    }
}

/// What the pass found: the best documents (best first), the count and the facet counts.
#[derive(Debug, Default)]
pub struct Found {
    pub best: Vec<(Rank, DocAddress)>,
    pub total: u64,
    pub facets: Vec<HashMap<String, u64>>,
}

pub struct Pass<'a> {
    pub filters: &'a [Filter],
    pub sort: Sort,
    /// Whether the text is scored (relevance with searchable words).
    pub scored: bool,
    pub keep: usize,
    pub facets: &'a [&'static str],
}

/// A filter over the columns of one segment.
enum Check {
    Above(Column<i64>, i64),
    AtLeast(Column<i64>, i64),
    AtLeastFloat(Column<f64>, f64),
    Flagged(Column<bool>),
    Within(Column<f64>, Column<f64>, Circle, BoundingBox),
    /// Some value of a multi-valued integer column passes the test; a segment without the
    /// field has no value to pass it.
    AnyValue(Option<Column<i64>>, ValueTest),
}

/// A box holding a circle, checked before the great-circle distance: most documents of a
/// national index are far outside it, and comparing is cheaper than trigonometry.
#[derive(Debug, Clone, Copy)]
pub struct BoundingBox {
    latitude: (f64, f64),
    longitude: (f64, f64),
}

impl BoundingBox {
    fn around(circle: &Circle) -> BoundingBox {
        // Degrees per km, widened by 1 % so that rounding never cuts the circle.
        let latitude_span = circle.radius_km / 110.574 * 1.01;
        let farthest = (circle.latitude.abs() + latitude_span).min(90.0);
        let cosine = farthest.to_radians().cos();
        let longitude_span = if cosine > 0.01 { circle.radius_km / (111.320 * cosine) * 1.01 } else { 360.0 };
        BoundingBox {
            latitude: (circle.latitude - latitude_span, circle.latitude + latitude_span),
            longitude: (circle.longitude - longitude_span, circle.longitude + longitude_span),
        }
    }

    fn holds(&self, latitude: f64, longitude: f64) -> bool {
        // Across the antimeridian the box is not one interval: leave it to the distance.
        let (west, east) = self.longitude;
        let longitude_in = west < -180.0 || east > 180.0 || (west..=east).contains(&longitude);
        (self.latitude.0..=self.latitude.1).contains(&latitude) && longitude_in
    }
}

impl Check {
    fn passes(&self, doc: DocId) -> bool {
        match self {
            Check::Above(column, value) => column.first(doc).is_some_and(|found| found > *value),
            Check::AtLeast(column, value) => column.first(doc).is_some_and(|found| found >= *value),
            Check::AtLeastFloat(column, value) => column.first(doc).is_some_and(|found| found >= *value),
            Check::Flagged(column) => column.first(doc).unwrap_or(false),
            Check::Within(latitude, longitude, circle, bounds) => {
                let (Some(lat), Some(lon)) = (latitude.first(doc), longitude.first(doc)) else { return false };
                bounds.holds(lat, lon) && haversine_km(circle.latitude, circle.longitude, lat, lon) <= circle.radius_km
            }
            Check::AnyValue(column, test) => {
                column.as_ref().is_some_and(|column| column.values_for_doc(doc).any(|value| test.passes(value)))
            }
        }
    }
}

fn distance(latitude: &Column<f64>, longitude: &Column<f64>, circle: &Circle, doc: DocId) -> Option<f64> {
    let (lat, lon) = (latitude.first(doc)?, longitude.first(doc)?);
    let km = haversine_km(circle.latitude, circle.longitude, lat, lon);
    km.is_finite().then_some(km)
}

/// How one segment ranks its documents.
enum Ranking {
    Score { then: Column<i64> },
    Greatest(Column<i64>),
    Nearest(Column<f64>, Column<f64>, Circle),
}

impl Collector for Pass<'_> {
    type Fruit = Found;
    type Child = SegmentPass;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentPass> {
        let fast = reader.fast_fields();
        let mut checks = Vec::new();
        for filter in self.filters {
            checks.push(match filter {
                Filter::AnyOf { .. } => continue,
                Filter::Above { field, value } => Check::Above(fast.i64(field)?, *value),
                Filter::AtLeast { field, value } => Check::AtLeast(fast.i64(field)?, *value),
                Filter::AtLeastFloat { field, value } => Check::AtLeastFloat(fast.f64(field)?, *value),
                Filter::Flagged { field } => Check::Flagged(fast.bool(field)?),
                Filter::Within(circle) => Check::Within(
                    fast.f64(circle.latitude_field)?,
                    fast.f64(circle.longitude_field)?,
                    *circle,
                    BoundingBox::around(circle),
                ),
                Filter::AnyValue { field, test } => Check::AnyValue(fast.column_opt(field)?, test.clone()),
            });
        }
        let ranking = match self.sort {
            Sort::Relevance { then } if self.scored => Ranking::Score { then: fast.i64(then)? },
            Sort::Relevance { then } | Sort::Greatest(then) => Ranking::Greatest(fast.i64(then)?),
            Sort::Nearest(circle) => {
                Ranking::Nearest(fast.f64(circle.latitude_field)?, fast.f64(circle.longitude_field)?, circle)
            }
        };
        let mut facets = Vec::new();
        for field in self.facets {
            let column = fast.str(field)?;
            let size = column.as_ref().map_or(0, |column| column.num_terms());
            facets.push((column, vec![0u64; size]));
        }
        Ok(SegmentPass {
            segment,
            checks,
            ranking,
            id_high: fast.u64(ID_HIGH)?,
            id_low: fast.u64(ID_LOW)?,
            keep: self.keep,
            best: BinaryHeap::with_capacity(self.keep + 1),
            total: 0,
            facets,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scored
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFound>) -> tantivy::Result<Found> {
        let mut found = Found { facets: vec![HashMap::new(); self.facets.len()], ..Found::default() };
        let mut best = Vec::new();
        for fruit in fruits {
            found.total += fruit.total;
            best.extend(fruit.best);
            for (merged, counts) in found.facets.iter_mut().zip(fruit.facets) {
                for (value, count) in counts {
                    *merged.entry(value).or_default() += count;
                }
            }
        }
        best.sort_by_key(|(rank, _)| Reverse(*rank));
        best.truncate(self.keep);
        found.best = best;
        Ok(found)
    }
}

pub struct SegmentPass {
    segment: SegmentOrdinal,
    checks: Vec<Check>,
    ranking: Ranking,
    id_high: Column<u64>,
    id_low: Column<u64>,
    keep: usize,
    /// The best documents so far, the worst on top (to be pushed out by a better one).
    best: BinaryHeap<Reverse<(Rank, DocId)>>,
    total: u64,
    facets: Vec<(Option<StrColumn>, Vec<u64>)>,
}

pub struct SegmentFound {
    best: Vec<(Rank, DocAddress)>,
    total: u64,
    facets: Vec<Vec<(String, u64)>>,
}

impl SegmentPass {
    /// The rank's first key, read before the rest: a document below the worst kept is done.
    fn primary(&self, doc: DocId, score: Score) -> (f64, i64) {
        match &self.ranking {
            Ranking::Score { .. } => (f64::from(score), 0),
            Ranking::Greatest(column) => (0.0, column.first(doc).unwrap_or(i64::MIN)),
            Ranking::Nearest(latitude, longitude, circle) => {
                (-distance(latitude, longitude, circle, doc).unwrap_or(f64::INFINITY), 0)
            }
        }
    }

    fn rank(&self, doc: DocId, (primary, secondary): (f64, i64)) -> Rank {
        let (high, low) = (self.id_high.first(doc).unwrap_or(0), self.id_low.first(doc).unwrap_or(0));
        match &self.ranking {
            Ranking::Score { then } => {
                Rank { primary, secondary: then.first(doc).unwrap_or(i64::MIN), id_high: high, id_low: low }
            }
            Ranking::Greatest(_) => Rank { primary, secondary, id_high: high, id_low: low },
            // Nearest first, then the smallest id: the complement ranks it greatest.
            Ranking::Nearest(..) => Rank { primary, secondary: 0, id_high: !high, id_low: !low },
        }
    }
}

impl SegmentCollector for SegmentPass {
    type Fruit = SegmentFound;

    fn collect(&mut self, doc: DocId, score: Score) {
        if !self.checks.iter().all(|check| check.passes(doc)) {
            return;
        }
        self.total += 1;
        for (column, counts) in &mut self.facets {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(count) = usize::try_from(ord).ok().and_then(|ord| counts.get_mut(ord)) {
                        *count += 1;
                    }
                }
            }
        }
        if self.keep == 0 {
            return;
        }
        let primary = self.primary(doc, score);
        // The best this document could rank, its other keys unread: below the worst kept, done.
        let secondary_bound = if matches!(self.ranking, Ranking::Score { .. }) { i64::MAX } else { primary.1 };
        let bound = Rank { primary: primary.0, secondary: secondary_bound, id_high: u64::MAX, id_low: u64::MAX };
        if self.best.len() >= self.keep
            && let Some(Reverse((worst, _))) = self.best.peek()
            && bound < *worst
        {
            return;
        }
        let rank = self.rank(doc, primary);
        self.best.push(Reverse((rank, doc)));
        if self.best.len() > self.keep {
            self.best.pop();
        }
    }

    fn harvest(self) -> SegmentFound {
        let segment = self.segment;
        let best = self.best.into_iter().map(|Reverse((rank, doc))| (rank, DocAddress::new(segment, doc))).collect();
        let facets = self
            .facets
            .into_iter()
            .map(|(column, counts)| {
                let Some(column) = column else { return Vec::new() };
                let mut values = Vec::new();
                for (ord, count) in counts.into_iter().enumerate().filter(|(_, count)| *count > 0) {
                    let mut value = String::new();
                    if column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                        values.push((value, count));
                    }
                }
                values
            })
            .collect();
        SegmentFound { best, total: self.total, facets }
    }
}
