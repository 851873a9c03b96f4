//! `/dashboard` over plain HTTP (issue 16, item 6): the public figures of the latest vintage, a
//! secret cell written « secret statistique » and never 0, every text escaped, and bad queries
//! answered with an HTML page of the right status. The browser's walk is `dashboard_browser.rs`.

use chrono::{Days, Utc};
use plateforme_model::codes::CommuneCode;
use plateforme_model::organization::OrganizationKind;
use plateforme_model::person::{OrientationBasis, PathType};
use plateforme_store::indicators::orientation_decisions::{self, DecisionFacts};

use crate::helpers::{TestApp, header};
use crate::indicators::this_month;
use crate::on_both_backends;

on_both_backends!(with crate::indicators::committee_config();
    the_dashboard_shows_the_public_figures_and_keeps_secrets,
    the_dashboard_answers_bad_queries_with_a_page,
);

/// Records `count` orientation decisions to `path` decided today by persons of `commune`.
pub async fn record_decisions(app: &TestApp, commune: &str, path: PathType, count: usize) {
    let today = Utc::now().date_naive();
    let facts = DecisionFacts {
        decided_on: today,
        requested_on: today,
        registered_on: today.checked_sub_days(Days::new(20)).expect("date"),
        first_orientation: true,
        path_type: path,
        intensive: false,
        deciding_kind: OrganizationKind::FranceTravail,
        referent_kind: OrganizationKind::MissionLocale,
        basis: OrientationBasis::Remit,
        rsa_beneficiary: false,
        commune: Some(CommuneCode::parse(commune).expect("a commune")),
        criteria: None,
    };
    for _ in 0..count {
        let facts = facts.clone();
        app.store.run(move |conn| orientation_decisions::record(conn, &facts)).await.expect("record");
    }
}

async fn page(app: &TestApp, query: &str) -> (u16, String) {
    let response = app.client.get(app.url(&format!("/dashboard{query}"))).send().await.expect("GET");
    let status = response.status().as_u16();
    let content_type = header(&response, "content-type");
    assert!(
        content_type.as_deref().is_some_and(|value| value.starts_with("text/html")),
        "{query}: {status} {content_type:?} {}",
        response.text().await.unwrap_or_default()
    );
    assert!(header(&response, "content-security-policy").is_some_and(|value| value.contains("default-src 'none'")));
    (status, response.text().await.expect("body"))
}

/// The row of the series table for `month`.
fn series_row<'a>(html: &'a str, month: &str) -> &'a str {
    let start = html.find(&format!("<tr data-month=\"{month}\">")).unwrap_or_else(|| panic!("no row {month}: {html}"));
    let row = &html[start..];
    &row[..row.find("</tr>").expect("the row ends")]
}

async fn the_dashboard_shows_the_public_figures_and_keeps_secrets(app: TestApp) {
    // Before any vintage: the form, and nothing made up.
    let (status, html) = page(&app, "").await;
    assert_eq!(status, 200);
    assert!(html.contains("Aucun millésime"), "{html}");
    assert!(html.contains("<select id=\"territory\" name=\"territory\">"));

    // Lyon 30 decisions this month, Bordeaux 25, Paris 2: the public threshold (6 here) hides
    // Paris, and Bordeaux with it, else the nation's total less the two others' gives Paris away.
    record_decisions(&app, "69123", PathType::Emploi, 30).await;
    record_decisions(&app, "33063", PathType::Emploi, 25).await;
    record_decisions(&app, "75056", PathType::Emploi, 2).await;
    let today = Utc::now().date_naive();
    let (vintage, _) = app.compute_vintage(today).await.expect("compute");
    let month = this_month();

    let (status, html) = page(&app, "").await;
    assert_eq!(status, 200);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"), "{html}");
    assert!(html.contains(&vintage.id), "the vintage is named");
    assert!(html.contains("<option value=\"orientations_par_parcours\" selected>"), "the default indicator");
    assert!(html.contains("<option value=\"FR\" selected>"), "the default territory");
    assert!(html.contains("<svg class=\"chart\"") && html.contains("role=\"img\""), "a chart");
    assert!(html.contains("<desc id=\"chart-desc\">"), "described in words");
    assert!(html.contains(&format!("data-month=\"{month}\" data-value=\"57\"")), "the national bar: {html}");
    assert!(series_row(&html, &month).contains("data-value=\"57\""));
    // The map: the Rhône published, Paris and the Gironde secret, the Ain without data.
    assert!(html.contains("data-departement=\"69\" data-value=\"30\""), "{html}");
    assert!(html.contains("data-departement=\"75\" data-hidden=\"true\""), "{html}");
    assert!(html.contains("data-departement=\"33\" data-hidden=\"true\""), "{html}");
    assert!(html.contains("data-departement=\"01\" data-missing=\"true\""), "{html}");

    // Paris: a secret, said so, never a 0.
    let (status, html) = page(&app, "?indicator=orientations_par_parcours&territory=departement-75").await;
    assert_eq!(status, 200);
    let row = series_row(&html, &month);
    assert!(row.contains("secret statistique") && row.contains("data-hidden=\"true\""), "{row}");
    assert!(!row.contains("data-value"), "{row}");
    assert!(html.contains(&format!("data-month=\"{month}\" data-hidden=\"true\"")), "the chart marks it");
    assert!(html.contains("1 mois sous secret statistique"), "the description says it");
    assert!(html.contains("<option value=\"departement-75\" selected>75 — Paris</option>"), "{html}");

    // The Rhône, published; its région adds up to its départements.
    let (_, html) = page(&app, "?indicator=orientations_par_parcours&territory=departement-69").await;
    assert!(series_row(&html, &month).contains("data-value=\"30\""), "{html}");
    let (_, html) = page(&app, "?territory=region-84").await;
    assert!(series_row(&html, &month).contains("data-value=\"30\""), "{html}");
    assert!(html.contains("Orientations par parcours : Auvergne-Rhône-Alpes"));

    // A share: French decimals and the percent sign, from the same cells.
    let (status, html) = page(&app, "?indicator=part_orientes_30_jours&territory=departement-69").await;
    assert_eq!(status, 200);
    assert!(series_row(&html, &month).contains("100,0\u{202f}%"), "{html}");
}

async fn the_dashboard_answers_bad_queries_with_a_page(app: TestApp) {
    record_decisions(&app, "69123", PathType::Emploi, 8).await;
    let today = Utc::now().date_naive();
    app.compute_vintage(today).await.expect("compute");

    // What a visitor writes comes back escaped, never as markup.
    let (status, html) = page(&app, "?indicator=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(status, 404);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("Indicateur inconnu") && html.contains("href=\"/dashboard\""), "{html}");
    let (status, html) = page(&app, "?territory=%22%3E%3Cimg%20src=x%3E").await;
    assert_eq!(status, 400);
    assert!(!html.contains("<img") && html.contains("&quot;&gt;&lt;img"), "{html}");

    // Declared but not computed: 404, and why.
    let (status, html) = page(&app, "?indicator=retours_emploi").await;
    assert_eq!(status, 404);
    assert!(html.contains("pas encore calculé") && html.contains("reprise d&#39;emploi"), "{html}");

    // An unknown territory is not found; a malformed one, or another parameter, is a bad query.
    for (query, status, says) in [
        ("?territory=departement-96", 404, "Territoire inconnu"),
        ("?territory=region-99", 404, "Territoire inconnu"),
        ("?territory=departement-6", 400, "Demande incorrecte"),
        ("?territory=commune-69123", 400, "Demande incorrecte"),
        ("?period=quarter", 400, "Demande incorrecte"),
        ("?indicator=inscriptions&indicator=taux_pourvoi", 400, "Demande incorrecte"),
    ] {
        let (answered, html) = page(&app, query).await;
        assert_eq!(answered, status, "{query}: {html}");
        assert!(html.contains(says) && html.contains("lang=\"fr\""), "{query}: {html}");
    }
}
