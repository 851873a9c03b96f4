//! The report of an LHEO import: the count of each outcome per level, and one entry per
//! formation, action and session that was created, updated, rejected or closed.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::lheo::map::{Level, Rejected};

/// What became of one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
            Self::Rejected => "rejected",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Held before and absent now: a formation of the publisher's previous import (a full
    /// import only), or an action or session of an updated formation.
    pub closed: u64,
}

impl Counts {
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Rejected => self.rejected += 1,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ImportSummary {
    pub formations: Counts,
    pub actions: Counts,
    pub sessions: Counts,
}

/// A rule broken or an oddity noticed, where.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"element": "action[A-1]/lieu-de-formation[0]/coordonnees/adresse/code-INSEE-commune",
    "rule": "commune.postal_code_given", "message": "69001 is a postal code, not an INSEE code: read as Lyon 1er Arrondissement (69381)", "line": 42}))]
pub struct ReportIssue {
    pub element: String,
    pub rule: String,
    pub message: String,
    /// Line of the element in the document (where its start tag ends).
    pub line: u64,
}

/// One formation, action or session of the document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportEntry {
    /// `formation`, `action` or `session`.
    #[schema(example = "session")]
    pub level: String,
    /// Its LHEO `@numero`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numero: Option<String>,
    /// The `@numero` of the formation of an action or session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formation_numero: Option<String>,
    /// Its line in the document (absent for what was closed: it is not in the document).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// `created`, `updated`, `unchanged` (listed only with warnings), `rejected` or `closed`.
    #[schema(example = "created")]
    pub outcome: String,
    /// Its identifier in the catalogue (the training's for a formation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// Why it was rejected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ReportIssue>,
    /// Data-quality warnings (on a formation's entry: those of its actions and sessions too),
    /// kept on the record.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ReportIssue>,
}

impl ReportEntry {
    pub fn kept(
        level: Level,
        numero: &str,
        formation: Option<&str>,
        line: u64,
        outcome: Outcome,
        id: Uuid,
        warnings: Vec<ReportIssue>,
    ) -> Self {
        ReportEntry {
            level: level.as_str().into(),
            numero: Some(numero.into()),
            formation_numero: formation.map(Into::into),
            line: Some(line),
            outcome: outcome.as_str().into(),
            id: Some(id),
            errors: Vec::new(),
            warnings,
        }
    }

    pub fn closed(level: Level, numero: &str, formation: Option<&str>, id: Uuid) -> Self {
        ReportEntry {
            level: level.as_str().into(),
            numero: Some(numero.into()),
            formation_numero: formation.map(Into::into),
            line: None,
            outcome: "closed".into(),
            id: Some(id),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn rejected(rejected: &Rejected) -> Self {
        ReportEntry {
            level: rejected.level.as_str().into(),
            numero: rejected.numero.clone(),
            formation_numero: rejected.formation.clone(),
            line: Some(rejected.line),
            outcome: Outcome::Rejected.as_str().into(),
            id: None,
            errors: rejected
                .errors
                .iter()
                .map(|finding| ReportIssue {
                    element: finding.element.clone(),
                    rule: finding.rule.clone(),
                    message: finding.message.clone(),
                    line: finding.line,
                })
                .collect(),
            warnings: Vec::new(),
        }
    }
}

/// The report of an import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    /// The LHEO version the document declared (`2.3` or `2.2`).
    #[schema(example = "2.3")]
    pub lheo_version: String,
    /// Whether the import was a full catalogue (closing what it lacks).
    pub snapshot: bool,
    pub summary: ImportSummary,
    /// Every element created, updated, rejected or closed, in document order (closures last);
    /// unchanged ones are only counted, unless they carry warnings.
    pub entries: Vec<ReportEntry>,
}

impl ImportReport {
    pub fn new(snapshot: bool) -> Self {
        ImportReport { lheo_version: String::new(), snapshot, summary: ImportSummary::default(), entries: Vec::new() }
    }
}
