//! The ROME 4.0 job codes (Répertoire opérationnel des métiers et des emplois).

use std::sync::LazyLock;

use serde::Serialize;
use utoipa::ToSchema;

use crate::table::{Table, cells, rows};

const ROME_TSV: &str = include_str!("../../../referentials/rome.tsv");

/// A ROME 4.0 job code (fiche métier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"code": "M1805", "label": "Développeur / Développeuse informatique"}))]
pub struct Rome {
    /// ROME code (code ROME 4.0): a letter A–N then 4 digits.
    #[schema(example = "M1805")]
    pub code: String,
    /// Label (intitulé de la fiche métier).
    #[schema(example = "Développeur / Développeuse informatique")]
    pub label: String,
}

static ROME_CODES: LazyLock<Table<Rome>> = LazyLock::new(|| {
    let records = rows(ROME_TSV).filter_map(parse_rome).collect();
    Table::new(records, |rome: &Rome| &rome.code, |rome| &rome.label)
});

/// One line of `rome.tsv`; `None` when malformed.
fn parse_rome(line: &str) -> Option<Rome> {
    let [code, label] = cells(line)?;
    Some(Rome { code: code.to_owned(), label: label.to_owned() })
}

/// Every ROME code, ordered by code.
pub fn rome_codes() -> &'static [Rome] {
    &ROME_CODES.records
}

/// The ROME code's record.
pub fn rome(code: &str) -> Option<&'static Rome> {
    ROME_CODES.get(code)
}

/// ROME codes starting with `query` (a letter then digits; ordered by code), or whose label
/// has a word starting with `query`, accents and case folded (labels starting with it first,
/// then by code). At most `limit` results.
pub fn search_rome(query: &str, limit: usize) -> Vec<&'static Rome> {
    ROME_CODES.search_code_or_words(query, limit, rome_code_prefix)
}

/// The code prefix `query` reads as (`m18` → `M18`), when it is a letter then digits.
fn rome_code_prefix(query: &str) -> Option<String> {
    let mut chars = query.chars();
    let code_like = chars.next().is_some_and(|first| first.is_ascii_alphabetic())
        && !chars.as_str().is_empty()
        && chars.as_str().bytes().all(|byte| byte.is_ascii_digit());
    code_like.then(|| query.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_embedded_file_parses() {
        ROME_CODES.assert_holds_every_row(ROME_TSV, parse_rome, "rome.tsv", "ROME codes");
        assert_eq!(rome_codes().len(), 1_584, "as in the source");
    }

    #[test]
    fn rome_codes_are_found() {
        assert!(rome("M1805").unwrap().label.starts_with("Développeur"));
        assert!(rome("Z9999").is_none());
        assert!(search_rome("m18", 50).iter().any(|r| r.code == "M1805"));
        assert!(search_rome("m18", 50).iter().all(|r| r.code.starts_with("M18")));
        let developers = search_rome("developpeu", 10);
        assert!(developers.iter().any(|r| r.code == "M1805"), "{developers:?}");
        assert!(search_rome("informatique", 50).iter().any(|r| r.code == "M1805"), "by a later word");
    }
}
