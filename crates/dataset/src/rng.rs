//! A small deterministic random number generator (SplitMix64), weighted choices, and
//! deterministic UUIDv7s. Written here rather than taken from a crate so that a seed keeps
//! giving the same dataset whatever a dependency's next version does.

use uuid::Uuid;

/// SplitMix64 (Steele, Lea, Flood 2014): one 64-bit state, passes BigCrush, and every seed,
/// zero included, gives a full-period sequence.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator for one purpose (`stream`) of the dataset of `seed`: each stream is
    /// independent, so adding draws to one does not shift the others.
    pub fn new(seed: u64, stream: &str) -> Rng {
        let mut rng = Rng { state: seed ^ fnv1a(stream.as_bytes()) };
        // Mix once so that neighbouring seeds start far apart.
        rng.next_u64();
        rng
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0), by Lemire's multiply-shift: unbiased enough for
    /// data generation (the bias is below 2^-32 for the bounds used here).
    pub fn below(&mut self, bound: u64) -> u64 {
        debug_assert!(bound > 0);
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// An index into a slice of `len` elements (`len` > 0).
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        debug_assert!(low <= high);
        low + self.below((high - low) as u64 + 1) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// One of `choices`, each weighted by its second member.
    pub fn weighted<T: Copy>(&mut self, choices: &[(T, u32)]) -> T {
        let total: u64 = choices.iter().map(|(_, weight)| u64::from(*weight)).sum();
        let mut draw = self.below(total.max(1));
        for (choice, weight) in choices {
            if draw < u64::from(*weight) {
                return *choice;
            }
            draw -= u64::from(*weight);
        }
        choices[choices.len() - 1].0
    }

    /// A UUIDv7 whose timestamp is `millis` (milliseconds since the Unix epoch) and whose other
    /// bits come from this generator: ids sort by time as the application's do, and the same
    /// seed gives the same ids.
    pub fn uuid_v7(&mut self, millis: i64) -> Uuid {
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        random[8..].copy_from_slice(&self.next_u64().to_le_bytes()[..2]);
        uuid::Builder::from_unix_timestamp_millis(u64::try_from(millis).unwrap_or(0), &random).into_uuid()
    }
}

/// FNV-1a, 64 bits: a stable hash for stream names and for the sets that keep generated keys
/// unique (the standard library's hasher is not promised to stay the same across releases).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Weighted choice among many items by binary search over cumulative weights: built once
/// (e.g. the 35,000 communes by population), drawn from millions of times.
#[derive(Debug, Clone)]
pub struct WeightedTable {
    cumulative: Vec<u64>,
}

impl WeightedTable {
    /// Items of weight 0 are never drawn. `None` when every weight is 0.
    pub fn new(weights: impl IntoIterator<Item = u64>) -> Option<WeightedTable> {
        let mut total = 0u64;
        let cumulative: Vec<u64> = weights
            .into_iter()
            .map(|weight| {
                total += weight;
                total
            })
            .collect();
        (total > 0).then_some(WeightedTable { cumulative })
    }

    /// The index of the drawn item.
    pub fn draw(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let target = rng.below(total);
        // The first item whose cumulative weight exceeds the draw.
        self.cumulative.partition_point(|&cumulative| cumulative <= target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let mut a = Rng::new(42, "persons");
        let mut b = Rng::new(42, "persons");
        let mut c = Rng::new(42, "organizations");
        let first: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        assert_eq!(first, (0..5).map(|_| b.next_u64()).collect::<Vec<_>>());
        assert_ne!(first, (0..5).map(|_| c.next_u64()).collect::<Vec<_>>());
        // SplitMix64's published first output for state 0 after one increment.
        let mut zero = Rng { state: 0 };
        assert_eq!(zero.next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn draws_stay_in_range_and_follow_weights() {
        let mut rng = Rng::new(1, "test");
        for _ in 0..10_000 {
            assert!(rng.below(7) < 7);
            let n = rng.between(-3, 3);
            assert!((-3..=3).contains(&n));
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
        }
        let table = WeightedTable::new([0, 1, 0, 3]).expect("weights");
        let mut counts = [0u32; 4];
        for _ in 0..40_000 {
            counts[table.draw(&mut rng)] += 1;
        }
        assert_eq!((counts[0], counts[2]), (0, 0), "weight 0 is never drawn");
        assert!((9_000..11_000).contains(&counts[1]) && (29_000..31_000).contains(&counts[3]), "{counts:?}");
        assert!(WeightedTable::new([0, 0]).is_none());
        assert_eq!(rng.weighted(&[("a", 0), ("b", 5)]), "b");
    }

    #[test]
    fn ids_are_version_7_and_sort_by_time() {
        let mut rng = Rng::new(7, "ids");
        let earlier = rng.uuid_v7(1_700_000_000_000);
        let later = rng.uuid_v7(1_700_000_000_001);
        assert_eq!(earlier.get_version_num(), 7);
        assert!(earlier.to_string() < later.to_string());
    }
}
