//! A search as a domain asks it: text, filters, a sort, a page, the facets to count.

use std::fmt;
use std::sync::Arc;

use uuid::Uuid;

/// A circle on the Earth: the documents whose position (two float fields) lies within
/// `radius_km` of the centre, by great-circle distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    pub latitude_field: &'static str,
    pub longitude_field: &'static str,
    pub latitude: f64,
    pub longitude: f64,
    pub radius_km: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// The keyword field holds one of these values.
    AnyOf { field: &'static str, values: Vec<String> },
    /// The integer field is above this value (strictly).
    Above { field: &'static str, value: i64 },
    /// The integer field is at least this value.
    AtLeast { field: &'static str, value: i64 },
    /// The float field is present and at least this value.
    AtLeastFloat { field: &'static str, value: f64 },
    /// The flag field is set.
    Flagged { field: &'static str },
    /// The position is within the circle.
    Within(Circle),
    /// Some value of the keyword field passes the test: for a document holding a list of
    /// structured values (one per part of the record, such as a formation's sessions) that must
    /// meet several conditions on the same value. The field is declared as a facet, so that its
    /// values are read per document.
    AnyValue { field: &'static str, test: ValueTest },
}

/// A test of one keyword value, given by the domain that wrote the values: the ranges of
/// values it can pass, then, when the ranges do not decide alone, a check of the value itself.
///
/// The ranges are what makes the test cheap: a keyword column's values are numbered in their
/// sorted order, so each range becomes an interval of numbers once per segment, and a value
/// outside every interval fails without being read. A domain that puts its most selective
/// parts first in its values (a flag, then a day) turns "open, and starting in this window"
/// into one range.
#[derive(Clone)]
pub struct ValueTest {
    /// Half-open ranges `[from, to)` of values; none: every value is in range.
    ranges: Vec<(String, String)>,
    /// The check of a value in range; none: being in range passes.
    check: Option<ValueCheck>,
}

/// A domain's check of one value.
type ValueCheck = Arc<dyn Fn(&str) -> bool + Send + Sync>;

impl ValueTest {
    /// Every value is in range; the check decides.
    pub fn new(check: impl Fn(&str) -> bool + Send + Sync + 'static) -> ValueTest {
        ValueTest { ranges: Vec::new(), check: Some(Arc::new(check)) }
    }

    /// The values in one of these ranges `[from, to)` pass, unchecked.
    pub fn within(ranges: Vec<(String, String)>) -> ValueTest {
        ValueTest { ranges, check: None }
    }

    /// Values in range pass only when they pass this check too.
    pub fn checked(self, check: impl Fn(&str) -> bool + Send + Sync + 'static) -> ValueTest {
        ValueTest { check: Some(Arc::new(check)), ..self }
    }

    /// The ranges, none when every value is in range.
    pub fn ranges(&self) -> &[(String, String)] {
        &self.ranges
    }

    /// Whether a value in range passes.
    pub fn passes_in_range(&self, value: &str) -> bool {
        self.check.as_ref().is_none_or(|check| check(value))
    }

    /// Whether the check must read the value (not only its place among the ranges).
    pub fn reads_values(&self) -> bool {
        self.check.is_some()
    }

    /// Whether a value passes: in range, and passing the check.
    pub fn passes(&self, value: &str) -> bool {
        let in_range = self.ranges.is_empty()
            || self.ranges.iter().any(|(from, to)| from.as_str() <= value && value < to.as_str());
        in_range && self.passes_in_range(value)
    }
}

impl fmt::Debug for ValueTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValueTest").field("ranges", &self.ranges).field("checked", &self.check.is_some()).finish()
    }
}

/// Two tests are the same test only with the same ranges and one closure (or none).
impl PartialEq for ValueTest {
    fn eq(&self, other: &Self) -> bool {
        let same_check = match (&self.check, &other.check) {
            (Some(mine), Some(theirs)) => Arc::ptr_eq(mine, theirs),
            (None, None) => true,
            _ => false,
        };
        self.ranges == other.ranges && same_check
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sort {
    /// Best text match first, then the greatest `then` (the newest), then the greatest id;
    /// without searchable words, the same as `Greatest(then)`.
    Relevance { then: &'static str },
    /// The greatest value of this integer field first (the newest date), then the greatest id.
    Greatest(&'static str),
    /// The nearest to the circle's centre first, then the smallest id.
    Nearest(Circle),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Words that must all match (a word of five letters or more with one typo still does).
    pub text: Option<String>,
    pub filters: Vec<Filter>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Keyword fields (declared as facets) whose values are counted over every match.
    pub facets: Vec<&'static str>,
}

/// A document found: its id and its JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: Uuid,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// The page, in the requested order.
    pub hits: Vec<Hit>,
    /// Whether documents follow this page.
    pub more: bool,
    /// Every match, all pages together.
    pub total: u64,
    /// Per facet of the query, in its order: each value and its matches, most frequent first
    /// (then by value); each list adds up to `total` when every match has one value.
    pub facets: Vec<Vec<(String, u64)>>,
}

/// A completion of typed text, with how many documents hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub text: String,
    pub count: u64,
}
