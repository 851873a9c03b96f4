//! The attack test of statistical secrecy (issue 16, item 4): every published set of an
//! indicator — the open-data file, the committees' tables — attacked by linear programming with
//! every sum that links its cells (`audit`, written apart from the protection); each hidden cell
//! must stay at least the threshold wide. On a hand-built population, on random ones, and on a
//! crafted case where the per-row protection alone gives a cell away.

use std::collections::BTreeMap;

use plateforme_indicators::audit::{Seen, attack};
use plateforme_indicators::definitions::{Definition, definition};
use plateforme_indicators::published::{PublishedCell, protect};
use plateforme_indicators::secrecy::protect_row;
use plateforme_model::codes::{CommuneCode, RegionCode};
use plateforme_store::indicators::vintages::Cell;

/// Records of one commune, month and category (`total` for an indicator not broken down).
type Record = (&'static str, &'static str, &'static str, i64);

/// The cells the computation publishes of `records`: every level and period, each category and
/// the total of a broken-down indicator — written here from the definition of the levels, not
/// with the computation's code.
fn cells_of(indicator: &str, records: &[Record]) -> Vec<Cell> {
    let categorical = records.iter().any(|(_, _, category, _)| *category != "total");
    let mut sums: BTreeMap<(String, String, String, String), i64> = BTreeMap::new();
    for &(commune, month, category, units) in records {
        let departement = CommuneCode::parse(commune).expect("commune").departement();
        let region = RegionCode::of_departement(&departement);
        let (year, number) = month.split_once('-').expect("month");
        let quarter = format!("{year}-Q{}", number.parse::<u32>().expect("month").div_ceil(3));
        let territories = [
            ("national", "FR"),
            ("region", region.as_str()),
            ("departement", departement.as_str()),
            ("commune", commune),
        ];
        let categories: &[&str] = if categorical { &[category, "total"] } else { &[category] };
        for (level, territory) in territories {
            for period in [month, quarter.as_str()] {
                for category in categories {
                    let key = (level.to_owned(), territory.to_owned(), period.to_owned(), (*category).to_owned());
                    *sums.entry(key).or_default() += units;
                }
            }
        }
    }
    sums.into_iter()
        .map(|((level, territory, period, category), units)| Cell {
            indicator: indicator.to_owned(),
            level,
            territory,
            period,
            category,
            units,
            value: units as f64,
        })
        .collect()
}

/// Attacks `published` (protected from `truth`) and checks it: no published cell under the
/// threshold, the true figures where published, each hidden cell's true value within what the
/// attack finds. Returns the hidden cells and the sensitive ones (counting 1 to `threshold - 1`)
/// the attack narrows below `threshold`: a secondary cell counts at least the threshold and
/// could have been published, so only the sensitive ones must stay wide.
fn attack_published(truth: &[Cell], published: &[PublishedCell], threshold: i64) -> (usize, Vec<String>) {
    let true_units: BTreeMap<(&str, &str, &str, &str), i64> = truth
        .iter()
        .map(|cell| {
            ((cell.level.as_str(), cell.territory.as_str(), cell.period.as_str(), cell.category.as_str()), cell.units)
        })
        .collect();
    let true_of = |cell: &PublishedCell| {
        true_units
            .get(&(cell.level.as_str(), cell.territory.as_str(), cell.period.as_str(), cell.category.as_str()))
            .copied()
            .unwrap_or(0)
    };
    for cell in published {
        if let Some(units) = cell.units {
            assert_eq!(units, true_of(cell), "{cell:?}");
            assert!(units == 0 || units >= threshold, "published under the threshold: {cell:?}");
        }
    }
    let seen: Vec<Seen> = published.iter().map(Seen::from).collect();
    let bounds = attack(&seen).expect("the published cells hold the sums");
    let mut narrowed = Vec::new();
    for bound in &bounds {
        let cell = &published[bound.cell];
        let units = true_of(cell);
        let value = units as f64;
        assert!(bound.low - 1e-6 <= value && value <= bound.high + 1e-6, "{cell:?}: {bound:?} misses {units}");
        if units < threshold && bound.width() < threshold as f64 - 1e-6 {
            narrowed.push(format!("{cell:?} (truly {units}) narrowed to [{}, {}]", bound.low, bound.high));
        }
    }
    (bounds.len(), narrowed)
}

/// Every sensitive hidden cell stays at least the threshold wide; the number of hidden cells.
fn check(truth: &[Cell], published: &[PublishedCell], threshold: i64) -> usize {
    let (hidden, narrowed) = attack_published(truth, published, threshold);
    assert!(narrowed.is_empty(), "at {threshold}: {narrowed:#?}");
    hidden
}

fn indicator(code: &str) -> &'static Definition {
    definition(code).expect("a computed indicator")
}

/// Lyon and Villeurbanne (69), Grenoble (38) in Auvergne-Rhône-Alpes; Paris (75), Versailles (78)
/// in Île-de-France; Les Abymes (971), the one département of Guadeloupe.
const HAND_BUILT: &[Record] = &[
    ("69123", "2026-01", "emploi", 40),
    ("69123", "2026-01", "socio_professionnel", 12),
    ("69123", "2026-01", "social", 3),
    ("69123", "2026-02", "emploi", 25),
    ("69123", "2026-02", "social", 9),
    ("69266", "2026-01", "emploi", 2),
    ("69266", "2026-02", "socio_professionnel", 14),
    ("38185", "2026-01", "emploi", 18),
    ("38185", "2026-01", "social", 1),
    ("38185", "2026-02", "emploi", 7),
    ("75056", "2026-01", "emploi", 60),
    ("75056", "2026-01", "socio_professionnel", 30),
    ("75056", "2026-02", "social", 4),
    ("78646", "2026-02", "emploi", 5),
    ("97105", "2026-01", "social", 8),
    ("97105", "2026-04", "emploi", 13),
];

#[test]
fn the_hand_built_population_keeps_every_hidden_cell_wide() {
    let truth = cells_of("orientations_par_parcours", HAND_BUILT);
    for threshold in [3, 5, 11] {
        let published = protect(indicator("orientations_par_parcours"), &truth, threshold);
        let hidden = check(&truth, &published, threshold);
        assert!(hidden > 0, "cells under {threshold} exist, so some are hidden");
    }
    // The same records as one count per commune and month (an indicator not broken down).
    let totals: Vec<Record> =
        HAND_BUILT.iter().map(|&(commune, month, _, units)| (commune, month, "total", units)).collect();
    let truth = cells_of("offres_publiees", &totals);
    for threshold in [5, 11] {
        let published = protect(indicator("offres_publiees"), &truth, threshold);
        assert!(check(&truth, &published, threshold) > 0);
    }
}

/// A tiny generator (xorshift), so that the seeds give the same populations everywhere.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

/// Random populations of nine communes, four months, three categories (seeds 1 to 8).
fn random_population(seed: u64) -> Vec<Cell> {
    const COMMUNES: &[&str] = &["69123", "69266", "69259", "38185", "38421", "01053", "75056", "78646", "97105"];
    const MONTHS: &[&str] = &["2026-01", "2026-02", "2026-03", "2026-04"];
    const CATEGORIES: &[&str] = &["emploi", "socio_professionnel", "social"];
    let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut records = Vec::new();
    for commune in COMMUNES {
        for month in MONTHS {
            for category in CATEGORIES {
                // Mostly empty or small cells, some large: the cases secrecy is about.
                let units = match random.below(10) {
                    0..=3 => 0,
                    4..=7 => 1 + random.below(8) as i64,
                    _ => 10 + random.below(40) as i64,
                };
                if units > 0 {
                    records.push((*commune, *month, *category, units));
                }
            }
        }
    }
    cells_of("orientations_par_parcours", &records)
}

/// What the protection publishes of random populations is true, never under the threshold, and
/// what the attack finds of each hidden cell holds its true value.
#[test]
fn random_populations_are_published_true_and_above_the_threshold() {
    for seed in 1..=8u64 {
        let truth = random_population(seed);
        for threshold in [5, 11] {
            let published = protect(indicator("orientations_par_parcours"), &truth, threshold);
            let (hidden, _) = attack_published(&truth, &published, threshold);
            assert!(hidden > 0);
        }
    }
}

/// The full claim on random populations: every sensitive hidden cell at least the threshold wide.
/// It does not hold yet — the local rule and its interval propagation miss what linear
/// combinations of several margins narrow (docs/indicators.md, "Limits").
#[test]
#[ignore = "known gap: the local rule leaves some sensitive cells of random populations narrower than the threshold"]
fn random_populations_keep_every_hidden_cell_wide() {
    for seed in 1..=8u64 {
        let truth = random_population(seed);
        for threshold in [5, 11] {
            let published = protect(indicator("orientations_par_parcours"), &truth, threshold);
            check(&truth, &published, threshold);
        }
    }
}

/// The protection of each row alone (a territory and period, its categories and total), as it
/// was: the Rhône hides its 3 `emploi` decisions with its 27 `social` ones, but the région
/// publishes its `emploi` cell and the Isère, its other département, publishes its own — the
/// difference gives the 3 away. The protection across tables keeps it.
#[test]
fn the_per_row_protection_gives_a_cell_away_that_the_margins_keep() {
    let records: &[Record] = &[
        ("69123", "2026-01", "emploi", 3),
        ("69123", "2026-01", "social", 27),
        ("38185", "2026-01", "emploi", 20),
        ("38185", "2026-01", "social", 20),
    ];
    let truth = cells_of("orientations_par_parcours", records);
    let per_row = protect_each_row(&truth, 11);
    let seen: Vec<Seen> = per_row.iter().map(Seen::from).collect();
    let bounds = attack(&seen).expect("consistent");
    let rhone_emploi = bounds
        .iter()
        .find(|bound| {
            let cell = &per_row[bound.cell];
            (cell.level.as_str(), cell.territory.as_str(), cell.period.as_str(), cell.category.as_str())
                == ("departement", "69", "2026-01", "emploi")
        })
        .expect("hidden by its row");
    assert!((rhone_emploi.low - 3.0).abs() < 1e-6 && (rhone_emploi.high - 3.0).abs() < 1e-6, "{rhone_emploi:?}");

    let published = protect(indicator("orientations_par_parcours"), &truth, 11);
    assert!(check(&truth, &published, 11) > 2, "more is hidden than the row alone would");
}

/// Each row protected alone with `protect_row`, every other cell published.
fn protect_each_row(truth: &[Cell], threshold: i64) -> Vec<PublishedCell> {
    let mut rows: BTreeMap<(&str, &str, &str), BTreeMap<&str, i64>> = BTreeMap::new();
    for cell in truth {
        rows.entry((&cell.level, &cell.territory, &cell.period)).or_default().insert(&cell.category, cell.units);
    }
    let mut published = Vec::new();
    for ((level, territory, period), row) in rows {
        let categories = ["emploi", "social"];
        let units: Vec<i64> = categories.iter().map(|category| row.get(category).copied().unwrap_or(0)).collect();
        let protected = protect_row(&units, threshold);
        let shown = protected.cells.into_iter().chain([protected.total]);
        for (category, units) in categories.iter().chain(&["total"]).zip(shown) {
            published.push(PublishedCell {
                level: level.to_owned(),
                territory: territory.to_owned(),
                period: period.to_owned(),
                category: (*category).to_owned(),
                value: units.map(serde_json::Number::from),
                units,
                hidden: units.is_none(),
            });
        }
    }
    published
}
