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
    /// Some value of the integer field passes the test: for a document holding a list of
    /// structured values (one per part of the record, such as a formation's sessions) that must
    /// meet several conditions on the same value. The domain packs each part's properties into
    /// one number, so that the test reads a column of numbers, never a dictionary of words.
    AnyValue { field: &'static str, test: ValueTest },
}

/// A test of one value of an integer field, given by the domain that packed the values.
#[derive(Clone)]
pub struct ValueTest(pub Arc<dyn Fn(i64) -> bool + Send + Sync>);

impl ValueTest {
    pub fn new(test: impl Fn(i64) -> bool + Send + Sync + 'static) -> ValueTest {
        ValueTest(Arc::new(test))
    }

    pub fn passes(&self, value: i64) -> bool {
        (self.0)(value)
    }
}

impl fmt::Debug for ValueTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ValueTest")
    }
}

/// Two tests are the same test only when they are one closure.
impl PartialEq for ValueTest {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
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
