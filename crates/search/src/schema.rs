//! What a domain tells the engine about its documents: a [`Kind`] (its fields, and what each
//! is for) and, for each record, a [`Document`] holding those fields' values and the JSON the
//! search answers as it is.

use uuid::Uuid;

/// How a field is indexed, hence what a query can do with it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldKind {
    /// French text, searched by words (`analysis`); `boost` weighs a match here against the
    /// other text fields (a title above a description).
    Text { boost: f32 },
    /// A code matched whole (`Filter::AnyOf`); `facet` also counts matches per value.
    Keyword { facet: bool },
    /// A whole number (a time in microseconds, a score), for filters and sorts.
    Integer,
    /// A number, for filters and positions.
    Float,
    /// A yes/no property, for filters.
    Flag,
    /// A phrase offered as a completion of what a user types (`Engine::suggest`).
    Completion,
}

/// One field of a kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldDef {
    pub name: &'static str,
    pub kind: FieldKind,
}

/// A kind of document the engine holds: registered by the domain crate that owns the records
/// (offers now; trainings and profiles later), one index each.
#[derive(Debug, Clone, PartialEq)]
pub struct Kind {
    /// The index's folder name under the search directory, and its label in logs and metrics.
    pub name: &'static str,
    /// The change events (`resource_type`) that concern these documents.
    pub resource_type: &'static str,
    /// Raised by the domain when what it puts in a document changes without the fields
    /// changing (another source for a value): the index is rebuilt.
    pub version: u32,
    pub fields: Vec<FieldDef>,
}

impl Kind {
    pub fn new(name: &'static str, resource_type: &'static str, version: u32) -> Kind {
        Kind { name, resource_type, version, fields: Vec::new() }
    }

    pub fn field(mut self, name: &'static str, kind: FieldKind) -> Kind {
        self.fields.push(FieldDef { name, kind });
        self
    }

    pub fn text(self, name: &'static str, boost: f32) -> Kind {
        self.field(name, FieldKind::Text { boost })
    }

    pub fn keyword(self, name: &'static str) -> Kind {
        self.field(name, FieldKind::Keyword { facet: false })
    }

    pub fn facet(self, name: &'static str) -> Kind {
        self.field(name, FieldKind::Keyword { facet: true })
    }

    pub fn integer(self, name: &'static str) -> Kind {
        self.field(name, FieldKind::Integer)
    }

    pub fn float(self, name: &'static str) -> Kind {
        self.field(name, FieldKind::Float)
    }

    pub fn flag(self, name: &'static str) -> Kind {
        self.field(name, FieldKind::Flag)
    }

    pub fn completion(self, name: &'static str) -> Kind {
        self.field(name, FieldKind::Completion)
    }

    /// The field named `name`, if the kind has one.
    pub fn get(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// What an index built for this kind must match to be reused: the kind's fields and
    /// version, the analysis and the engine's own layout. Anything else is rebuilt.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}/v{}/analysis{}/engine{}/{:?}",
            self.name,
            self.version,
            crate::analysis::ANALYSIS_VERSION,
            crate::engine::ENGINE_VERSION,
            self.fields
        )
    }
}

/// A value of a document's field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Keyword(String),
    Integer(i64),
    Float(f64),
    Flag(bool),
    Completion(String),
}

/// One record as the engine indexes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub id: Uuid,
    /// What a search answers for this record: JSON, kept as it is.
    pub source: String,
    pub values: Vec<(&'static str, Value)>,
    /// The record's version this document shows, when the record has one: the indexer then
    /// skips the feed's events up to it (they are already in the document).
    pub version: Option<i64>,
}

impl Document {
    pub fn new(id: Uuid, source: String) -> Document {
        Document { id, source, values: Vec::new(), version: None }
    }

    /// The record's version this document shows.
    pub fn at_version(mut self, version: i64) -> Document {
        self.version = Some(version);
        self
    }

    pub fn with(mut self, field: &'static str, value: Value) -> Document {
        self.values.push((field, value));
        self
    }

    /// Adds `value` when there is one (a position not known is no value at all).
    pub fn with_some(self, field: &'static str, value: Option<Value>) -> Document {
        match value {
            Some(value) => self.with(field, value),
            None => self,
        }
    }
}
