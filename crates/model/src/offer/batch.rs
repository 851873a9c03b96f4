//! The count of a batch publication's outcomes, as the server answers it and its readers (the
//! typed client, the benchmark) read and add it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many lines of a batch had each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchSummary {
    pub lines: u64,
    pub created: u64,
    pub merged: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

impl BatchSummary {
    /// Counts one line answered with `outcome`: `created`, `merged`, `updated`, `unchanged`, or
    /// anything else, a rejection.
    pub fn count(&mut self, outcome: &str) {
        self.lines += 1;
        let counter = match outcome {
            "created" => &mut self.created,
            "merged" => &mut self.merged,
            "updated" => &mut self.updated,
            "unchanged" => &mut self.unchanged,
            _ => &mut self.rejected,
        };
        *counter += 1;
    }

    /// Adds another batch's counts. The destructuring names every field: one added later does
    /// not compile until it is summed too.
    pub fn add(&mut self, other: BatchSummary) {
        let BatchSummary { lines, created, merged, updated, unchanged, rejected } = other;
        self.lines += lines;
        self.created += created;
        self.merged += merged;
        self.updated += updated;
        self.unchanged += unchanged;
        self.rejected += rejected;
    }

    /// Lines published (every outcome but `rejected`).
    pub fn published(&self) -> u64 {
        self.created + self.merged + self.updated + self.unchanged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_are_counted_and_added() {
        let mut batch = BatchSummary::default();
        for outcome in ["created", "merged", "rejected", "unchanged", "updated", "created"] {
            batch.count(outcome);
        }
        assert_eq!(batch, BatchSummary { lines: 6, created: 2, merged: 1, updated: 1, unchanged: 1, rejected: 1 });
        assert_eq!(batch.published(), 5);
        let mut total = batch;
        total.add(batch);
        assert_eq!((total.lines, total.created, total.rejected), (12, 4, 2));
    }
}
