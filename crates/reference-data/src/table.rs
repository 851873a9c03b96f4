//! A referential held in memory: its records in code order, an index by code, and each
//! record's name folded for searches; and the reading of the embedded TSV files.

use std::collections::HashMap;

use plateforme_model::person::names::normalize;

/// Records, an index by code, and each record's normalized name for searches.
pub(crate) struct Table<T> {
    pub(crate) records: Vec<T>,
    pub(crate) by_code: HashMap<String, usize>,
    pub(crate) normalized: Vec<String>,
}

impl<T> Table<T> {
    pub(crate) fn new(records: Vec<T>, code: impl Fn(&T) -> &str, name: impl Fn(&T) -> &str) -> Table<T> {
        let by_code = records.iter().enumerate().map(|(index, record)| (code(record).to_owned(), index)).collect();
        let normalized = records.iter().map(|record| normalize(name(record))).collect();
        Table { records, by_code, normalized }
    }

    pub(crate) fn get(&self, code: &str) -> Option<&T> {
        self.by_code.get(code).and_then(|&index| self.records.get(index))
    }

    /// The records whose normalized name has a word starting with `query` once normalized:
    /// names starting with it first, then in the table's (code) order. At most `limit`.
    pub(crate) fn search_words(&self, query: &str, limit: usize) -> Vec<&T> {
        let prefix = normalize(query);
        if prefix.is_empty() {
            return Vec::new();
        }
        let word_prefix = format!(" {prefix}");
        let mut found: Vec<(bool, &T)> = self
            .records
            .iter()
            .zip(&self.normalized)
            .filter_map(|(record, name)| {
                let at_start = name.starts_with(&prefix);
                (at_start || name.contains(&word_prefix)).then_some((!at_start, record))
            })
            .collect();
        // A stable sort keeps the code order within each group.
        found.sort_by_key(|(later, _)| *later);
        found.into_iter().take(limit).map(|(_, record)| record).collect()
    }
}

/// The data lines of a TSV file (its one header line skipped).
pub(crate) fn rows(tsv: &str) -> impl Iterator<Item = &str> {
    tsv.lines().skip(1).filter(|line| !line.is_empty())
}

/// An empty cell is `Some(None)`; a cell that does not parse is `None`.
pub(crate) fn optional<T: std::str::FromStr>(cell: &str) -> Option<Option<T>> {
    if cell.is_empty() { Some(None) } else { cell.parse().ok().map(Some) }
}
