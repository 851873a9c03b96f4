//! A referential held in memory: its records in code order, an index by code, and each
//! record's name folded for searches; and the reading of the embedded TSV files.

use std::collections::HashMap;

use plateforme_model::person::names::normalize;

/// Records, an index by code, and each record's normalized name for searches.
pub(crate) struct Table<T> {
    pub(crate) records: Vec<T>,
    pub(crate) by_code: HashMap<String, usize>,
    pub(crate) normalized: Vec<String>,
    /// A record's code, kept for the searches by code prefix.
    code: fn(&T) -> &str,
}

impl<T> Table<T> {
    pub(crate) fn new(records: Vec<T>, code: fn(&T) -> &str, name: impl Fn(&T) -> &str) -> Table<T> {
        let by_code = records.iter().enumerate().map(|(index, record)| (code(record).to_owned(), index)).collect();
        let normalized = records.iter().map(|record| normalize(name(record))).collect();
        Table { records, by_code, normalized, code }
    }

    pub(crate) fn get(&self, code: &str) -> Option<&T> {
        self.by_code.get(code).and_then(|&index| self.records.get(index))
    }

    /// A search by code or by name: the records whose code starts with the prefix `code_prefix`
    /// reads in the trimmed `query` when it reads one, else those found by
    /// [`search_words`](Table::search_words). At most `limit`.
    pub(crate) fn search_code_or_words(
        &self,
        query: &str,
        limit: usize,
        code_prefix: impl Fn(&str) -> Option<String>,
    ) -> Vec<&T> {
        let query = query.trim();
        match code_prefix(query) {
            Some(prefix) => self.with_code_prefix(&prefix, limit),
            None => self.search_words(query, limit),
        }
    }

    /// The records whose code starts with `prefix`, in code order. At most `limit`.
    pub(crate) fn with_code_prefix(&self, prefix: &str, limit: usize) -> Vec<&T> {
        self.records.iter().filter(|record| (self.code)(record).starts_with(prefix)).take(limit).collect()
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

/// The `N` cells of a data line, when it has exactly `N` and the first two (the code and the
/// name, in every file) are not empty; `None` otherwise.
pub(crate) fn cells<const N: usize>(line: &str) -> Option<[&str; N]> {
    let cells: [&str; N] = line.split('\t').collect::<Vec<_>>().try_into().ok()?;
    cells.iter().take(2).all(|cell| !cell.is_empty()).then_some(cells)
}

/// An empty cell is `Some(None)`; a cell that does not parse is `None`.
pub(crate) fn optional<T: std::str::FromStr>(cell: &str) -> Option<Option<T>> {
    if cell.is_empty() { Some(None) } else { cell.parse().ok().map(Some) }
}

#[cfg(test)]
impl<T> Table<T> {
    /// What every embedded file's test checks first: each data row of `tsv` parses, the table
    /// holds one record a row, and no two records share a code (`codes` names them).
    pub(crate) fn assert_holds_every_row(&self, tsv: &str, parse: impl Fn(&str) -> Option<T>, file: &str, codes: &str) {
        for line in rows(tsv) {
            assert!(parse(line).is_some(), "{file}: {line:?}");
        }
        assert_eq!(self.records.len(), rows(tsv).count());
        assert_eq!(self.by_code.len(), self.records.len(), "{codes} are distinct");
    }
}
