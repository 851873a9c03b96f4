//! The employment committees' counts of orientation decisions: every table a client with
//! `indicators:read` reads keeps statistical secrecy (no published cell under the threshold, no
//! hidden cell narrowed below it by the sums between the tables' cells), and bad queries are
//! refused with their rule.

use plateforme_client::{Client, IndicatorTable, OrientationDecisionTable, OrientationDecisionsQuery};
use plateforme_model::secrecy::cube::{self, Entry};

use super::{Verdict, expect_error, step};
use crate::report::Report;
use crate::suite::Suite;

const SCOPE: &str = "indicators:read";

pub async fn run(suite: &Suite, report: &mut Report) {
    match suite.actors().iter().find(|actor| actor.has_scope(SCOPE)) {
        Some(reader) => {
            report.record("indicators.secrecy", secrecy(&reader.client).await);
            report.record("indicators.problems", problems(&reader.client).await);
            report.record("indicators.read", read(&reader.client).await);
            report.record("indicators.list", list(&reader.client).await);
            report.record("indicators.live", live(&reader.client).await);
        }
        None => {
            report.skip("indicators.secrecy", "no client with indicators:read given");
            report.skip("indicators.problems", "no client with indicators:read given");
            report.skip("indicators.read", "no client with indicators:read given");
            report.skip("indicators.list", "no client with indicators:read given");
            report.skip("indicators.live", "no client with indicators:read given");
        }
    }
    match suite.actors().first() {
        Some(actor) => report.record("indicators.open_data", open_data(&actor.client).await),
        None => report.skip("indicators.open_data", "no client given"),
    }
}

/// The committees' catalogue, read in small pages: every indicator of the open-data catalogue
/// once, in the order of the codes, each computed one naming the latest vintage and where it is
/// read, each other one saying why it is not computed.
async fn list(client: &Client) -> Verdict {
    let catalogue = step("read the open-data catalogue", client.indicator_catalogue().await)?;
    let listed = step("list the indicators, 3 a page", client.indicators(Some(3)).all().await)?;
    let codes: Vec<&str> = listed.iter().map(|summary| summary.definition.code.as_str()).collect();
    let mut expected: Vec<&str> = catalogue.indicators.iter().map(|definition| definition.code.as_str()).collect();
    expected.sort_unstable();
    if codes != expected {
        return Err(format!("listed {codes:?}, the catalogue holds {expected:?}"));
    }
    let latest = catalogue.vintage.as_ref().map(|vintage| (vintage.id.as_str(), vintage.as_of.as_str()));
    for summary in &listed {
        let code = &summary.definition.code;
        let named = summary.latest_vintage.as_ref().map(|vintage| (vintage.id.as_str(), vintage.as_of.as_str()));
        if summary.definition.computed {
            if named != latest || summary.read.as_deref() != Some(format!("/v1/indicators/{code}").as_str()) {
                return Err(format!("{code}: {summary:?} does not name the latest vintage {latest:?} and its read"));
            }
        } else if summary.definition.not_computed_because.is_none() || named.is_some() {
            return Err(format!("{code}: declared, but {summary:?}"));
        }
    }
    Ok(())
}

/// Each computed indicator of the latest vintage, read with `indicators:read` at each level:
/// no published cell under the caller's threshold.
async fn read(client: &Client) -> Verdict {
    let catalogue = step("read the catalogue", client.indicator_catalogue().await)?;
    if catalogue.vintage.is_none() {
        return Ok(());
    }
    for definition in catalogue.indicators.iter().filter(|definition| definition.computed) {
        for level in ["national", "region", "departement"] {
            let table = step(
                &format!("read {} at {level}", definition.code),
                client.indicator(&definition.code, Some(level), None, None).await,
            )?;
            kept_secret(&definition.code, &table)?;
        }
    }
    Ok(())
}

/// Each computed indicator's live figures (`vintage=live`) at each level: named `live`, under
/// the same secrecy as a vintage. A deployment whose live figures are not built answers 404
/// `not_found` for all of them, which passes.
async fn live(client: &Client) -> Verdict {
    let catalogue = step("read the catalogue", client.indicator_catalogue().await)?;
    for definition in catalogue.indicators.iter().filter(|definition| definition.computed) {
        for level in ["national", "region", "departement"] {
            let table = match client.live_indicator(&definition.code, Some(level), None, None).await {
                Ok(table) => table,
                Err(error) if error.status() == Some(404) && error.code() == Some("not_found") => return Ok(()),
                Err(error) => return Err(format!("read the live {} at {level}: {error}", definition.code)),
            };
            if table.vintage.id != "live" || table.vintage.revision != 0 {
                return Err(format!("{}: the live figures are named {:?}", definition.code, table.vintage));
            }
            kept_secret(&definition.code, &table)?;
        }
    }
    Ok(())
}

/// No published cell under the caller's threshold; a hidden cell has no value.
fn kept_secret(code: &str, table: &IndicatorTable) -> Verdict {
    for cell in &table.cells {
        if cell.hidden != cell.value.is_none() {
            return Err(format!("{code}: {cell:?}: hidden and value disagree"));
        }
        if cell.units.is_some_and(|units| units > 0 && units < table.threshold) {
            return Err(format!("{code}: {cell:?} is published under the threshold {}", table.threshold));
        }
    }
    Ok(())
}

/// The open data, read without a token: the catalogue states the Licence Ouverte 2.0; each
/// computed indicator's file of the latest vintage publishes no cell under the public
/// threshold, describes its columns with a Table Schema, and its CSV holds the same cells.
async fn open_data(client: &Client) -> Verdict {
    let catalogue = step("read the catalogue", client.indicator_catalogue().await)?;
    if catalogue.licence.id != "etalab-2.0" {
        return Err(format!("the licence is {:?}, not etalab-2.0", catalogue.licence));
    }
    let Some(vintage) = catalogue.vintage else { return Ok(()) };
    for definition in catalogue.indicators.iter().filter(|definition| definition.computed) {
        let file = step(&format!("read {}.json", definition.code), client.indicator_file(&definition.code).await)?;
        if file.vintage != vintage {
            return Err(format!(
                "{}: vintage {} in the file, {} in the catalogue",
                definition.code, file.vintage.id, vintage.id
            ));
        }
        if file.schema["fields"].as_array().is_none_or(|fields| fields.len() != 7) {
            return Err(format!("{}: no Table Schema of the 7 columns", definition.code));
        }
        for cell in &file.data {
            if cell.hidden != cell.value.is_none() {
                return Err(format!("{}: {cell:?}: hidden and value disagree", definition.code));
            }
            if cell.units.is_some_and(|units| units > 0 && units < file.threshold) {
                return Err(format!(
                    "{}: {cell:?} is published under the threshold {}",
                    definition.code, file.threshold
                ));
            }
        }
        let csv = step(&format!("read {}.csv", definition.code), client.indicator_csv(&definition.code).await)?;
        if csv.lines().count() != file.data.len() + 1 {
            return Err(format!("{}: the CSV and the JSON file hold different cells", definition.code));
        }
    }
    Ok(())
}

/// Five years of tables by each breakdown, every level in months and quarters, attacked together
/// with every sum between their cells.
async fn secrecy(client: &Client) -> Verdict {
    for by in ["path_type", "deciding_kind", "within_30_days", "employment_situation"] {
        let mut tables = Vec::new();
        for level in ["national", "region", "departement"] {
            for period in ["month", "quarter"] {
                let query = OrientationDecisionsQuery {
                    from: "2025-01".to_owned(),
                    to: "2029-12".to_owned(),
                    level: Some(level.to_owned()),
                    by: Some(by.to_owned()),
                    period: Some(period.to_owned()),
                    ..OrientationDecisionsQuery::default()
                };
                let name = format!("count by {by} at {level} per {period}");
                tables.push(step(&name, client.orientation_decisions(&query).await)?);
            }
        }
        attack(&tables).map_err(|why| format!("by {by}: {why}"))?;
    }
    Ok(())
}

/// Published cells empty or at least the threshold; each hidden cell uncertain by at least the
/// threshold under every sum of the tables, solved as linear programs (the territories a client
/// may not read counted as unknown).
fn attack(tables: &[OrientationDecisionTable]) -> Verdict {
    let threshold = tables.first().map_or(0, |table| table.threshold);
    let mut entries = Vec::new();
    let mut hidden = Vec::new();
    for table in tables {
        for cell in &table.cells {
            if cell.hidden != cell.decisions.is_none() {
                return Err(format!("{cell:?}: hidden and decisions disagree"));
            }
            if cell.decisions.is_some_and(|count| count > 0 && count < threshold) {
                return Err(format!("{cell:?} is published under the threshold {threshold}"));
            }
            entries.push(Entry {
                level: &table.level,
                territory: &cell.territory,
                period: &cell.period,
                category: &cell.category,
                units: cell.decisions.unwrap_or(0),
            });
            hidden.push(cell.hidden);
        }
    }
    // The linear programs of the tables: what an attacker with a solver learns, which no chain of
    // subtractions narrows further.
    match cube::exposed_exactly(&entries, &hidden, false, threshold).first() {
        Some((cell, bounds)) => Err(format!("{:?} is known within [{}, {}]", entries[*cell], bounds.low, bounds.high)),
        None => Ok(()),
    }
}

async fn problems(client: &Client) -> Verdict {
    let query = |from: &str, to: &str| OrientationDecisionsQuery {
        from: from.to_owned(),
        to: to.to_owned(),
        ..OrientationDecisionsQuery::default()
    };
    for (bad, rule) in [(query("2026-13", "2026-12"), "month.format"), (query("2026-05", "2026-04"), "month.range")] {
        let problem = expect_error(client.orientation_decisions(&bad).await, 400, "invalid_query")?;
        if !problem.errors.iter().any(|error| error.rule == rule) {
            return Err(format!("{bad:?}: expected the rule {rule}, got {:?}", problem.errors));
        }
    }
    Ok(())
}
