//! The dashboard's HTML: the form, then for the chosen indicator and territory the chart and
//! its table, then the map and its table. Every text from data is escaped.

use plateforme_indicators::definitions::{Aggregation, Definition, Unit};
use plateforme_indicators::published::PublishedCell;
use plateforme_portal::page::escape;
use plateforme_store::indicators::vintages::Vintage;

use super::chart::{bar_chart, month_label};
use super::figures::{Figure, Figures, Point, french_number};
use super::map::{DepartementFigure, departement_figures, map};
use super::territory::{Territory, departement_label};
use super::{PATH, computed};

/// What the page shows.
pub struct Shown<'a> {
    pub definition: &'static Definition,
    pub territory: &'a Territory,
    pub vintage: &'a Vintage,
    pub threshold: i64,
    pub cells: &'a [PublishedCell],
}

pub fn body(shown: &Shown) -> String {
    let Shown { definition, territory, vintage, threshold, cells } = shown;
    let percent = definition.unit == Unit::Percent;
    let figures = Figures::new(cells);
    let series = figures.series(territory);
    let heading = format!("{} : {}", definition.label, territory.name());
    let mut html = format!(
        "<p>Les chiffres publics du millésime <strong>{vintage_id}</strong> (données arrêtées au {as_of}), \
         les mêmes que les <a href=\"/v1/open-data/indicators/{code}.json\">données ouvertes de l'indicateur</a> \
         (Licence Ouverte 2.0). Secret statistique : une case de moins de {threshold} personnes n'est pas \
         publiée, ni celles qui permettraient de la retrouver ; elle est marquée « secret statistique ».</p>\n\
         {form}<h2 id=\"serie\">{heading}</h2>\n<p>{definition_text} Unité : {unit}.</p>\n",
        vintage_id = escape(&vintage.id),
        as_of = escape(&vintage.as_of.format("%d/%m/%Y").to_string()),
        code = escape(definition.code),
        form = form(definition, territory),
        heading = escape(&heading),
        definition_text = escape(definition.definition),
        unit = escape(definition.unit.french()),
    );
    if series.is_empty() {
        html.push_str("<p>Ce millésime ne compte encore rien pour cet indicateur.</p>\n");
        return html;
    }
    let description = describe(&series, percent);
    html.push_str(&format!(
        "<figure>\n{}\n<figcaption>{} Les valeurs sont dans le tableau qui suit.</figcaption>\n</figure>\n",
        bar_chart(&series, percent, &format!("{heading}, par mois"), &description),
        escape(&description),
    ));
    html.push_str(&series_table(&heading, &series, percent));
    if let Some(month) = figures.map_month(vintage.as_of) {
        let departements = departement_figures(&figures, month);
        let title = format!("{} par département, {}", definition.label, month_label(month));
        html.push_str(&format!(
            "<h2 id=\"carte\">Carte des départements — {}</h2>\n<p>Le référentiel des communes ne contient pas le \
             contour des départements : chacun est dessiné comme un point, à la position moyenne de ses communes ; \
             les départements d'outre-mer sont sous la métropole.</p>\n<figure>\n{}<figcaption>{}</figcaption>\n\
             </figure>\n",
            escape(&month_label(month)),
            map(&departements, territory, month, percent, &title),
            escape(&title),
        ));
        html.push_str(&map_table(&title, &departements, percent));
    }
    if aggregation(definition) != Aggregation::Count {
        html.push_str("<p>L'effectif est le nombre de personnes ou d'enregistrements derrière la valeur.</p>\n");
    }
    html
}

/// The page before any vintage: the form, and why nothing else.
pub fn no_vintage(definition: &'static Definition, territory: &Territory) -> String {
    format!(
        "{}<p>Aucun millésime des indicateurs n'est encore calculé : il n'y a rien à montrer.</p>\n",
        form(definition, territory)
    )
}

fn aggregation(definition: &Definition) -> Aggregation {
    definition.computation.map_or(Aggregation::Count, |computation| computation.aggregation)
}

/// Two lists and a button: a plain GET form, usable with the keyboard alone.
fn form(chosen: &Definition, territory: &Territory) -> String {
    let mut indicators = String::new();
    for definition in computed() {
        indicators.push_str(&format!(
            "<option value=\"{}\"{}>{}</option>\n",
            escape(definition.code),
            if definition.code == chosen.code { " selected" } else { "" },
            escape(definition.label)
        ));
    }
    let mut territories = String::new();
    let chosen_territory = territory.value();
    for (group, choices) in Territory::choices() {
        territories.push_str(&format!("<optgroup label=\"{}\">\n", escape(group)));
        for (value, name) in choices {
            territories.push_str(&format!(
                "<option value=\"{}\"{}>{}</option>\n",
                escape(&value),
                if value == chosen_territory { " selected" } else { "" },
                escape(&name)
            ));
        }
        territories.push_str("</optgroup>\n");
    }
    format!(
        "<form class=\"choice\" method=\"get\" action=\"{PATH}\">\n\
         <div><label for=\"indicator\">Indicateur</label>\n<select id=\"indicator\" name=\"indicator\">\n{indicators}</select></div>\n\
         <div><label for=\"territory\">Territoire</label>\n<select id=\"territory\" name=\"territory\">\n{territories}</select></div>\n\
         <div><button type=\"submit\">Afficher</button></div>\n</form>\n"
    )
}

/// The chart in words: the months covered, the highest figure, how many are secret or missing.
fn describe(series: &[Point], percent: bool) -> String {
    let (first, last) = (series.first().map(|point| &point.month), series.last().map(|point| &point.month));
    let mut text = format!(
        "Diagramme en barres, un mois par barre, de {} à {}.",
        first.map(|month| month_label(month)).unwrap_or_default(),
        last.map(|month| month_label(month)).unwrap_or_default()
    );
    let highest = series
        .iter()
        .filter_map(|point| match &point.figure {
            Figure::Published { value, .. } => Some((value, &point.month)),
            _ => None,
        })
        .max_by(|a, b| a.0.as_f64().partial_cmp(&b.0.as_f64()).unwrap_or(std::cmp::Ordering::Equal));
    if let Some((value, month)) = highest {
        text.push_str(&format!(" Valeur la plus haute : {} en {}.", french_number(value, percent), month_label(month)));
    }
    let secret = series.iter().filter(|point| point.figure == Figure::Secret).count();
    if secret > 0 {
        text.push_str(&format!(" {secret} mois sous secret statistique."));
    }
    let missing = series.iter().filter(|point| point.figure == Figure::Missing).count();
    if missing > 0 {
        text.push_str(&format!(" {missing} mois sans donnée."));
    }
    text
}

/// A figure's two cells: the value and the persons behind it.
fn figure_cells(figure: &Figure, percent: bool) -> String {
    match figure {
        Figure::Published { value, units } => format!(
            "<td class=\"number\" data-value=\"{value}\">{}</td><td class=\"number\">{}</td>",
            french_number(value, percent),
            french_number(&(*units).into(), false)
        ),
        Figure::Secret => "<td class=\"secret\" data-hidden=\"true\" colspan=\"2\">secret statistique</td>".to_owned(),
        Figure::Missing => "<td data-missing=\"true\" colspan=\"2\">aucune donnée</td>".to_owned(),
    }
}

fn series_table(heading: &str, series: &[Point], percent: bool) -> String {
    let mut html = format!(
        "<table class=\"series\">\n<caption>{}, par mois</caption>\n<thead><tr><th scope=\"col\">Mois</th>\
         <th scope=\"col\">Valeur</th><th scope=\"col\">Effectif</th></tr></thead>\n<tbody>\n",
        escape(heading)
    );
    for point in series {
        html.push_str(&format!(
            "<tr data-month=\"{}\"><th scope=\"row\">{}</th>{}</tr>\n",
            escape(&point.month),
            escape(&month_label(&point.month)),
            figure_cells(&point.figure, percent)
        ));
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

/// The map's figures, in a table folded under it (101 rows).
fn map_table(title: &str, departements: &[DepartementFigure], percent: bool) -> String {
    let mut html = format!(
        "<details>\n<summary>Les valeurs de la carte, en tableau</summary>\n<table class=\"departements\">\n\
         <caption>{}</caption>\n<thead><tr><th scope=\"col\">Département</th><th scope=\"col\">Valeur</th>\
         <th scope=\"col\">Effectif</th></tr></thead>\n<tbody>\n",
        escape(title)
    );
    for departement in departements {
        html.push_str(&format!(
            "<tr data-departement=\"{}\"><th scope=\"row\">{}</th>{}</tr>\n",
            escape(departement.code),
            escape(&departement_label(departement.code)),
            figure_cells(&departement.figure, percent)
        ));
    }
    html.push_str("</tbody>\n</table>\n</details>\n");
    html
}
