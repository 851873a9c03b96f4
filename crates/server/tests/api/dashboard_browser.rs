//! The indicators' dashboard in headless Chromium, as a committee member would use it (issue 16,
//! item 6): open `/dashboard` on the demo server (its vintage is computed at start), choose the
//! Rhône in the list of territories with the keyboard, send the form with the keyboard, and find
//! the chart's bars and the table's rows holding the same numbers as the open-data file
//! `GET /v1/open-data/indicators/orientations_par_parcours.json`. Screenshots go to
//! `$CI_ARTIFACTS/dashboard/` (`webdriver.rs`), never the repository.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plateforme_server::config::Config;
use serde_json::{Value, json};

use crate::webdriver::{Session, browse, expect};

const INDICATOR: &str = "orientations_par_parcours";
const ENTER: &str = "\u{E007}";

#[actix_web::test]
async fn a_committee_member_picks_a_departement_and_reads_the_same_numbers_as_the_api() {
    browse("dashboard", Config::default(), pick_the_rhone).await;
}

/// A month's figure as drawn or written: its value, or `None` when secret.
type Figures = BTreeMap<String, Option<f64>>;

async fn pick_the_rhone(session: &Session, base_url: &str, screenshots: &Path) -> Result<Vec<PathBuf>, String> {
    let mut shots = Vec::new();
    session.go(&format!("{base_url}/dashboard")).await?;
    session.wait_for("html[lang=\"fr\"] main h1").await?;
    let indicator = session.wait_for("select#indicator").await?;
    let chosen = session.property(&indicator, "value").await?;
    expect(chosen == INDICATOR, format!("the indicator shown first: {chosen:?}"))?;
    shots.push(session.screenshot(&screenshots.join("1-france.png")).await?);

    // The keyboard: typing the code in the list selects the département; Enter on the button.
    let territory = session.wait_for("select#territory").await?;
    session.type_into(&territory, "69").await?;
    let chosen = session.property(&territory, "value").await?;
    expect(chosen == "departement-69", format!("typing 69 chose {chosen:?}"))?;
    let focused = session.focused().await?;
    expect(focused == territory, "the list has the keyboard's focus".to_owned())?;
    let outline = session.run_script("return getComputedStyle(document.activeElement).outlineStyle", json!([])).await?;
    expect(outline == "solid", format!("the focus is visible: outline {outline}"))?;
    let button = session.wait_for("form.choice button[type=\"submit\"]").await?;
    session.type_into(&button, ENTER).await?;

    let heading = session.wait_for("main h2#serie").await?;
    let url = session.url().await?;
    expect(url.contains("territory=departement-69"), format!("the form sent {url}"))?;
    let heading = session.text_of(&heading).await?;
    expect(heading.ends_with("69 — Rhône"), format!("the series' heading: {heading:?}"))?;
    shots.push(session.screenshot(&screenshots.join("2-rhone.png")).await?);

    let chart = figures(session, "svg.chart [data-month]").await?;
    let table = figures(session, "table.series tr[data-month]").await?;
    let api = open_data(base_url).await?;
    expect(!chart.is_empty(), "the chart draws months".to_owned())?;
    expect(chart.values().any(Option::is_some), format!("the Rhône has published months: {chart:?}"))?;
    expect(chart == table, format!("the chart {chart:?} and the table {table:?} disagree"))?;
    expect(chart == api, format!("the chart {chart:?} and the API {api:?} disagree"))?;

    let map = session.wait_for("svg.map circle[data-departement=\"69\"]").await?;
    session.scroll_to(&map).await?;
    shots.push(session.screenshot(&screenshots.join("3-carte.png")).await?);
    let month = session.attribute(&session.wait_for("svg.map").await?, "data-month").await?;
    let figure = chart.get(&month).ok_or_else(|| format!("the map's month {month} is not in the chart"))?;
    let drawn = session.property(&map, "outerHTML").await?;
    let expected = match figure {
        Some(value) => format!("data-value=\"{value}\""),
        None => "data-hidden=\"true\"".to_owned(),
    };
    expect(drawn.contains(&expected), format!("the Rhône on the map of {month}: {drawn} (expected {expected})"))?;
    Ok(shots)
}

/// The months of the elements `css` selects (bars or rows): each one's `data-value`, `None`
/// when it (or a cell of it) is marked secret; the months without data are left out.
async fn figures(session: &Session, css: &str) -> Result<Figures, String> {
    let script = "return Array.from(document.querySelectorAll(arguments[0])).map(element => {
        const valued = element.matches('[data-value]') ? element : element.querySelector('[data-value]');
        const secret = element.matches('[data-hidden]') || element.querySelector('[data-hidden]') !== null;
        return [element.dataset.month, valued ? valued.dataset.value : null, secret];
    })";
    let rows = session.run_script(script, json!([css])).await?;
    let mut figures = Figures::new();
    for row in rows.as_array().ok_or_else(|| format!("not a list: {rows}"))? {
        let month = row[0].as_str().ok_or_else(|| format!("no month: {row}"))?.to_owned();
        match (row[1].as_str(), row[2].as_bool()) {
            (Some(value), _) => {
                let value = value.parse::<f64>().map_err(|error| format!("{row}: {error}"))?;
                figures.insert(month, Some(value));
            }
            (None, Some(true)) => {
                figures.insert(month, None);
            }
            _ => {}
        }
    }
    Ok(figures)
}

/// The Rhône's monthly totals in the open-data file.
async fn open_data(base_url: &str) -> Result<Figures, String> {
    let url = format!("{base_url}/v1/open-data/indicators/{INDICATOR}.json");
    let response = reqwest::get(&url).await.map_err(|error| format!("{url}: {error}"))?;
    let file: Value = response.json().await.map_err(|error| format!("{url}: {error}"))?;
    let cells = file["data"].as_array().ok_or_else(|| format!("no data in {file}"))?;
    Ok(cells
        .iter()
        .filter(|cell| cell["level"] == "departement" && cell["territory"] == "69" && cell["category"] == "total")
        .filter(|cell| cell["period"].as_str().is_some_and(|period| !period.contains('Q')))
        .filter_map(|cell| Some((cell["period"].as_str()?.to_owned(), cell["value"].as_f64())))
        .collect())
}
