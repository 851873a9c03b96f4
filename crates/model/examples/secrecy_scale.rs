//! Times statistical secrecy over a synthetic national table: 95 départements of `N` communes
//! (300 by default), 3 months and their quarter, 3 categories and their total, counts of 1 to 4
//! per commune, month and category (none a fifth of the time), protected for the committees (5)
//! then the public (11), and attacked by propagation and by the linear program. Run in a release build:
//! `cargo run --release -p plateforme-model --example secrecy_scale -- 300`
//! (see docs/performance.md, "Statistical secrecy").

use std::collections::BTreeMap;
use std::time::Instant;

use plateforme_model::secrecy::cube::{self, Entry, NATION, TOTAL};

fn main() {
    let communes: usize = std::env::args().nth(1).and_then(|arg| arg.parse().ok()).unwrap_or(300);
    let table = national_table(communes);
    let entries: Vec<Entry<'_>> = table
        .iter()
        .map(|((level, territory, period, category), &units)| Entry { level, territory, period, category, units })
        .collect();
    let started = Instant::now();
    let hidden = cube::protect(&entries, &[5, 11], &cube::kept_totals, &[]);
    let protected_in = started.elapsed();
    // The communes are published to nobody, not even listed: the attacks read the levels above.
    let shown: Vec<usize> = (0..entries.len()).filter(|&index| entries[index].level != "commune").collect();
    let published: Vec<Entry<'_>> = shown.iter().map(|&index| entries[index]).collect();
    let shown_hidden: Vec<bool> = shown.iter().map(|&index| hidden[index]).collect();
    let started = Instant::now();
    let bounds = cube::attack(&published, &shown_hidden, true);
    let attacked_in = started.elapsed();
    let narrow = shown_hidden.iter().zip(&bounds).filter(|(hidden, bounds)| **hidden && bounds.width() < 11).count();
    let started = Instant::now();
    let exposed = cube::exposed_exactly(&published, &shown_hidden, true, 11);
    println!(
        "{} cells protected in {protected_in:?}, attacked in {attacked_in:?}; {narrow} published-level cells \
         narrower than 11 by propagation, {} by the linear program (checked in {:?})",
        entries.len(),
        exposed.len(),
        started.elapsed()
    );
    for level in ["commune", "departement", "region", "national"] {
        let of_level: Vec<bool> =
            entries.iter().zip(&hidden).filter(|(entry, _)| entry.level == level).map(|(_, &hidden)| hidden).collect();
        println!("{level}: {} of {} hidden", of_level.iter().filter(|hidden| **hidden).count(), of_level.len());
    }
}

type Key = (String, String, String, String);

fn national_table(communes: usize) -> BTreeMap<Key, i64> {
    let mut state = 12_345_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut table: BTreeMap<Key, i64> = BTreeMap::new();
    let departements = (1..=95).map(|number| format!("{number:02}")).filter(|code| code != "20");
    for departement in departements {
        let region = cube::region_of(&departement);
        for number in 1..=communes {
            let commune = format!("{departement}{number:03}");
            for month in ["2026-10", "2026-11", "2026-12"] {
                for category in ["emploi", "social", "socio_professionnel"] {
                    let count = (next() % 5) as i64;
                    if count == 0 {
                        continue;
                    }
                    let territories = [
                        ("commune", commune.as_str()),
                        ("departement", departement.as_str()),
                        ("region", region.as_str()),
                        ("national", NATION),
                    ];
                    for (level, territory) in territories {
                        for period in [month, "2026-Q4"] {
                            for category in [category, TOTAL] {
                                let key =
                                    (level.to_owned(), territory.to_owned(), period.to_owned(), category.to_owned());
                                *table.entry(key).or_default() += count;
                            }
                        }
                    }
                }
            }
        }
    }
    table
}
