//! Times statistical secrecy over one indicator of a real vintage: its cells as the store keeps
//! them (one line per cell: level, territory, period, category, units, value, tab-separated),
//! protected with the totals first for the committees (5), then for the public (11), and what
//! each level keeps. Dump the cells from a database, then run in a release build:
//! `psql -Atc "SELECT cells FROM indicator_vintage_cells WHERE indicator = 'orientations_par_parcours'
//! AND vintage_id = '…'" > cells.tsv`
//! `cargo run --release -p plateforme-model --example secrecy_vintage -- cells.tsv`
//! (see docs/performance.md, "Statistical secrecy").

use std::time::Instant;

use plateforme_model::secrecy::cube::{self, Entry};

fn main() -> Result<(), String> {
    let path = std::env::args().nth(1).ok_or("the cells' file")?;
    let text = std::fs::read_to_string(&path).map_err(|error| format!("{path}: {error}"))?;
    let mut entries = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [level, territory, period, category, units, ..] = fields[..] else {
            return Err(format!("not a cell: {line:?}"));
        };
        let units = units.parse().map_err(|_| format!("not a count: {line:?}"))?;
        entries.push(Entry { level, territory, period, category, units });
    }
    let started = Instant::now();
    let committees = cube::protect_totals_first(&entries, &[5], &cube::kept_totals, &[]);
    println!("{} cells: the committees' pattern in {:?}", entries.len(), started.elapsed());
    let started = Instant::now();
    let public = cube::protect_totals_first(&entries, &[11], &cube::kept_totals, &committees);
    println!("the public's (on top of it) in {:?}", started.elapsed());
    // What is published: every level but the communes', which are not even listed.
    let shown: Vec<usize> = (0..entries.len()).filter(|&index| entries[index].level != "commune").collect();
    let published: Vec<Entry<'_>> = shown.iter().map(|&index| entries[index]).collect();
    for (name, hidden, threshold) in [("committees", &committees, 5), ("public", &public, 11)] {
        let hidden: Vec<bool> = shown.iter().map(|&index| hidden[index]).collect();
        let bounds = cube::attack(&published, &hidden, true);
        let narrow =
            hidden.iter().zip(&bounds).filter(|(hidden, bounds)| **hidden && bounds.width() < threshold).count();
        let started = Instant::now();
        let exposed = cube::exposed_exactly(&published, &hidden, true, threshold);
        println!(
            "attacked, the {name}'s: {narrow} hidden cells narrower than {threshold} by propagation, {} by the \
             linear program (checked in {:?})",
            exposed.len(),
            started.elapsed()
        );
    }
    for level in ["commune", "departement", "region", "national"] {
        let of_level = |hidden: &[bool]| {
            entries.iter().zip(hidden).filter(|(entry, hidden)| entry.level == level && **hidden).count()
        };
        let cells = entries.iter().filter(|entry| entry.level == level).count();
        println!(
            "{level}: {cells} cells, hidden {} for the committees, {} for the public",
            of_level(&committees),
            of_level(&public)
        );
    }
    Ok(())
}
