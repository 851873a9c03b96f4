//! The developer portal clicked through in headless Chromium, as a partner's developer would:
//! the home page, the switch to English, a guide, then the sandbox — a demo client chosen
//! from the per-kind list, "Authorize" in the reference, one operation run, its 200 seen.
//!
//! Chromium is driven through WebDriver (`webdriver.rs`); screenshots of each step go to the CI
//! log folder, `$CI_ARTIFACTS/portal/`, never the repository.

use std::path::{Path, PathBuf};

use plateforme_server::config::Config;

use crate::webdriver::{Session, browse, expect};

#[actix_web::test]
async fn a_developer_clicks_through_the_portal_and_runs_an_operation_in_the_sandbox() {
    // Swagger UI loads a dozen files per page: no anonymous limit in the way of the clicks.
    let config = Config { anonymous_rate_limit_per_minute: 100_000, ..Config::default() };
    browse("portal", config, click_through).await;
}

/// The steps; answers the screenshots taken.
async fn click_through(session: &Session, base_url: &str, screenshots: &Path) -> Result<Vec<PathBuf>, String> {
    let mut shots = Vec::new();
    session.go(&format!("{base_url}/portail/")).await?;
    session.wait_for("html[lang=\"fr\"] main h1").await?;
    shots.push(session.screenshot(&screenshots.join("1-accueil.png")).await?);

    session.click("nav a[hreflang=\"en\"]").await?;
    let title = session.text_of(&session.wait_for("html[lang=\"en\"] main h1").await?).await?;
    expect(title == "Developer portal", format!("the English home's title: {title:?}"))?;
    shots.push(session.screenshot(&screenshots.join("2-home-en.png")).await?);

    session.click("main a[href=\"/portail/guides/demarrage?lang=en\"]").await?;
    session.wait_for("main code.language-sh").await?;
    let url = session.url().await?;
    expect(url.ends_with("/portail/guides/demarrage?lang=en"), format!("the guide's address: {url}"))?;
    shots.push(session.screenshot(&screenshots.join("3-guide.png")).await?);

    // The sandbox, from the navigation: a demo client per partner kind; choose a mission locale.
    session.click("nav a[href=\"/portail/bac-a-sable?lang=en\"]").await?;
    session.wait_for("a[href=\"/portail/bac-a-sable/demo-cap-emploi\"]").await?;
    shots.push(session.screenshot(&screenshots.join("4-sandbox.png")).await?);
    session.click("a[href=\"/portail/bac-a-sable/demo-mission-locale\"]").await?;

    // The reference opens with the client filled in "Authorize": get its token.
    session.click("button.btn.authorize").await?;
    let client_id = session.wait_for(".auth-container input[data-name=\"clientId\"]").await?;
    let filled = session.property(&client_id, "value").await?;
    expect(filled == "demo-mission-locale", format!("Authorize is filled with {filled:?}"))?;
    session.click(".auth-container .auth-btn-wrapper button.authorize").await?;
    session.wait_for(".auth-container button[aria-label=\"Remove authorization\"]").await?;
    session.click(".auth-container .auth-btn-wrapper button.btn-done").await?;

    // One operation, tried out: the organizations of the network.
    let operation = "#operations-Organizations-list_organizations";
    session.click(&format!("{operation} .opblock-summary-control")).await?;
    session.click(&format!("{operation} .try-out__btn")).await?;
    session.click(&format!("{operation} button.execute")).await?;
    let status =
        session.wait_for(&format!("{operation} .live-responses-table tr.response .response-col_status")).await?;
    session.scroll_to(&status).await?;
    let status = session.text_of(&status).await?;
    shots.push(session.screenshot(&screenshots.join("5-operation.png")).await?);
    expect(status.trim() == "200", format!("the operation answered {status:?}"))?;
    Ok(shots)
}
