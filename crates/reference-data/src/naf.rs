//! The NAF rév. 2 activity codes (nomenclature d'activités française, codes APE) at the
//! sub-class level.

use std::sync::LazyLock;

use serde::Serialize;
use utoipa::ToSchema;

use crate::table::{Table, cells, rows};

const NAF_TSV: &str = include_str!("../../../referentials/naf.tsv");

/// A NAF rév. 2 sub-class (sous-classe of the nomenclature d'activités française), the level of
/// the code APE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"code": "62.01Z", "label": "Programmation informatique", "section": "J", "division": "62"}))]
pub struct Naf {
    /// NAF code (code APE) in its INSEE form: 2 digits, a dot, 2 digits and a letter.
    #[schema(example = "62.01Z")]
    pub code: String,
    /// Label (intitulé de la sous-classe).
    #[schema(example = "Programmation informatique")]
    pub label: String,
    /// Section (section de la NAF): a letter A–U.
    #[schema(example = "J")]
    pub section: String,
    /// Division (division de la NAF): the code's first 2 digits.
    #[schema(example = "62")]
    pub division: String,
}

static NAF_CODES: LazyLock<Table<Naf>> = LazyLock::new(|| {
    let records = rows(NAF_TSV).filter_map(parse_naf).collect();
    Table::new(records, |naf: &Naf| &naf.code, |naf| &naf.label)
});

/// One line of `naf.tsv`; `None` when malformed.
fn parse_naf(line: &str) -> Option<Naf> {
    let [code, label, section, division] = cells(line)?;
    Some(Naf {
        code: code.to_owned(),
        label: label.to_owned(),
        section: section.to_owned(),
        division: division.to_owned(),
    })
}

/// Every NAF rév. 2 sub-class, ordered by code.
pub fn naf_codes() -> &'static [Naf] {
    &NAF_CODES.records
}

/// The NAF rév. 2 sub-class with this code, in its INSEE form `62.01Z` (`NafCode::parse`
/// normalizes `6201Z`).
pub fn naf(code: &str) -> Option<&'static Naf> {
    NAF_CODES.get(code)
}

/// NAF sub-classes whose code starts with `query` (digits, with or without the dot, then maybe
/// the letter: `62`, `6201`, `62.01z`; ordered by code), or whose label has a word starting
/// with `query`, accents and case folded (labels starting with it first, then by code). At
/// most `limit` results.
pub fn search_naf(query: &str, limit: usize) -> Vec<&'static Naf> {
    NAF_CODES.search_code_or_words(query, limit, naf_code_prefix)
}

/// The code prefix `query` reads as (`6201z` → `62.01Z`), when it is digits then maybe dots
/// and letters.
fn naf_code_prefix(query: &str) -> Option<String> {
    let code_like =
        query.starts_with(|c: char| c.is_ascii_digit()) && query.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    if !code_like {
        return None;
    }
    let mut prefix: String = query.chars().filter(|c| *c != '.').map(|c| c.to_ascii_uppercase()).collect();
    if prefix.len() > 2 {
        prefix.insert(2, '.');
    }
    Some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_embedded_file_parses() {
        NAF_CODES.assert_holds_every_row(NAF_TSV, parse_naf, "naf.tsv", "NAF codes");
        assert_eq!(naf_codes().len(), 732, "as in the source");
    }

    #[test]
    fn naf_codes_are_well_formed_and_complete() {
        for naf in naf_codes() {
            let parsed = plateforme_model::codes::NafCode::parse(&naf.code).ok();
            assert_eq!(parsed.as_ref().map(|code| code.as_str()), Some(naf.code.as_str()), "{naf:?}");
            assert!(naf.section.len() == 1 && ("A"..="U").contains(&naf.section.as_str()), "{naf:?}");
            assert_eq!(naf.division, naf.code[..2], "{naf:?}");
            assert_eq!(naf.label.trim(), naf.label, "{naf:?}");
            assert!(!naf.label.contains("  "), "{naf:?}");
        }
        let sections: std::collections::BTreeSet<&str> = naf_codes().iter().map(|naf| naf.section.as_str()).collect();
        assert_eq!(sections.len(), 21, "sections A to U");
        assert!(naf_codes().windows(2).all(|w| w[0].code < w[1].code), "ordered by code");
    }

    #[test]
    fn naf_codes_are_found() {
        let programming = naf("62.01Z").unwrap();
        assert_eq!(programming.label, "Programmation informatique");
        assert_eq!((programming.section.as_str(), programming.division.as_str()), ("J", "62"));
        assert!(naf("62.01Y").is_none());
        assert!(naf("99.99Z").is_none());
        assert!(naf("6201Z").is_none(), "the INSEE form only");
        // By label words, accents and case folded; labels starting with the word first.
        let bakeries = search_naf("boulangerie", 10);
        let codes: Vec<&str> = bakeries.iter().map(|naf| naf.code.as_str()).collect();
        assert_eq!(codes, ["10.71C", "10.71B"], "{bakeries:?}");
        assert_eq!(search_naf("BOULANGERIE", 10), bakeries);
        assert!(search_naf("pâtisserie", 10).iter().any(|naf| naf.code == "10.71D"));
        assert!(search_naf("patisserie", 10).iter().any(|naf| naf.code == "10.71D"));
        assert!(search_naf("informatique", 20).iter().any(|naf| naf.code == "62.01Z"), "by a later word");
        // By code prefix, with or without the dot.
        let division = search_naf("62", 50);
        assert!(!division.is_empty() && division.iter().all(|naf| naf.code.starts_with("62.")));
        assert_eq!(search_naf("6201", 5), search_naf("62.01", 5));
        assert_eq!(search_naf("6201z", 5).iter().map(|naf| naf.code.as_str()).collect::<Vec<_>>(), ["62.01Z"]);
        assert_eq!(search_naf("62.01Z", 5).len(), 1);
        assert_eq!(search_naf("01", 3).len(), 3);
        assert!(search_naf("00", 5).is_empty());
        assert!(search_naf("zzzzqq", 5).is_empty());
        assert!(search_naf("!!", 5).is_empty());
    }
}
