//! The map of the départements for one month, drawn on the server in SVG. The referential holds
//! no boundary: each département is a dot at the mean position of its communes, coloured by its
//! figure in five classes of equal width, hatched when secret, white with a dashed outline when
//! there is no data; the overseas départements sit in a row under mainland France. The legend
//! says what each colour means, and a table gives every département's figure in words.

use plateforme_portal::page::escape;
use plateforme_reference_data::territories::{DEPARTEMENTS, departement_centre};

use super::figures::{Figure, Figures, french_number};
use super::territory::{Territory, departement_label};

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 650.0;
const RADIUS: f64 = 6.5;
/// Light to dark blue; every dot is outlined in ink, so even the lightest stands out.
const CLASSES: [&str; 5] = ["#dfe5fb", "#a9b8ef", "#6f86dd", "#3a55c4", "#000091"];
const INK: &str = "#161616";
/// Outlines the départements of the chosen territory (contrast 5:1 on white).
const CHOSEN: &str = "#b34000";
/// Mainland France and Corsica, in degrees.
const WEST: f64 = -5.2;
const NORTH: f64 = 51.15;
/// Degrees of longitude are shorter than those of latitude, by the cosine of 46.5° N.
const LONGITUDE_SHRINK: f64 = 0.688;
const PIXELS_PER_DEGREE: f64 = 54.0;
const OVERSEAS: [&str; 5] = ["971", "972", "973", "974", "976"];

/// One département's figure of the month.
pub struct DepartementFigure {
    pub code: &'static str,
    pub figure: Figure,
}

pub fn departement_figures(figures: &Figures, month: &str) -> Vec<DepartementFigure> {
    DEPARTEMENTS
        .iter()
        .map(|(code, _)| DepartementFigure { code, figure: figures.figure("departement", code, month) })
        .collect()
}

/// The classes' bounds: five of equal width from the lowest to the highest published figure.
fn bounds(departements: &[DepartementFigure]) -> Option<(f64, f64)> {
    let values = departements.iter().filter_map(|departement| departement.figure.value());
    values.fold(None, |range, value| match range {
        None => Some((value, value)),
        Some((low, high)) => Some((f64::min(low, value), f64::max(high, value))),
    })
}

fn class_of(value: f64, (low, high): (f64, f64)) -> usize {
    if high <= low {
        return CLASSES.len() - 1;
    }
    let position = (value - low) / (high - low) * CLASSES.len() as f64;
    (position.floor() as usize).min(CLASSES.len() - 1)
}

/// Where a département's dot goes.
fn position(code: &str) -> Option<(f64, f64)> {
    if let Some(slot) = OVERSEAS.iter().position(|overseas| *overseas == code) {
        return Some((60.0 + 120.0 * slot as f64, 600.0));
    }
    let (latitude, longitude) = departement_centre(code)?;
    let x = 20.0 + (longitude - WEST) * LONGITUDE_SHRINK * PIXELS_PER_DEGREE;
    let y = 16.0 + (NORTH - latitude) * PIXELS_PER_DEGREE;
    Some((x, y))
}

/// The map (SVG), then its legend (HTML).
pub fn map(departements: &[DepartementFigure], chosen: &Territory, month: &str, percent: bool, title: &str) -> String {
    let range = bounds(departements);
    let mut svg = format!(
        "<svg class=\"map\" data-month=\"{}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-labelledby=\"map-title map-desc\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"map-title\">{}</title>\n<desc id=\"map-desc\">Chaque \
         département est un point placé à la position moyenne de ses communes, coloré selon sa valeur ; la légende et \
         le tableau qui suivent donnent les valeurs.</desc>\n\
         <defs><pattern id=\"map-secret\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"4\" height=\"4\" fill=\"#ffffff\"/>\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"4\" stroke=\"{INK}\" stroke-width=\"1.5\"/></pattern></defs>\n\
         <line x1=\"10\" x2=\"590\" y1=\"570\" y2=\"570\" stroke=\"#929292\"/>\
         <text x=\"10\" y=\"588\">Outre-mer</text>\n",
        escape(month),
        escape(title)
    );
    for departement in departements {
        let Some((x, y)) = position(departement.code) else { continue };
        let label = escape(&departement_label(departement.code));
        let (fill, data, said) = match (&departement.figure, range) {
            (Figure::Published { value, .. }, Some(range)) => (
                CLASSES[class_of(value.as_f64().unwrap_or(0.0), range)].to_owned(),
                format!("data-value=\"{value}\""),
                french_number(value, percent),
            ),
            (Figure::Secret, _) => {
                ("url(#map-secret)".to_owned(), "data-hidden=\"true\"".to_owned(), "secret statistique".to_owned())
            }
            _ => ("#ffffff".to_owned(), "data-missing=\"true\"".to_owned(), "aucune donnée".to_owned()),
        };
        let dashed = if departement.figure == Figure::Missing { " stroke-dasharray=\"2 2\"" } else { "" };
        svg.push_str(&format!(
            "<circle class=\"departement\" data-departement=\"{}\" {data} cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{RADIUS}\" \
             fill=\"{fill}\" stroke=\"{INK}\"{dashed}><title>{label} : {}</title></circle>\n",
            escape(departement.code),
            escape(&said),
        ));
        if chosen.holds(departement.code) {
            svg.push_str(&format!(
                "<circle class=\"chosen\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{}\" fill=\"none\" stroke=\"{CHOSEN}\" \
                 stroke-width=\"2.5\"/>\n",
                RADIUS + 3.5
            ));
        }
        if OVERSEAS.contains(&departement.code) {
            svg.push_str(&format!("<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>\n", y + 24.0));
        }
    }
    svg.push_str("</svg>\n");
    svg + &legend(range, percent, chosen)
}

fn swatch(fill: &str, extra: &str) -> String {
    format!(
        "<svg width=\"16\" height=\"16\" viewBox=\"0 0 16 16\" aria-hidden=\"true\" focusable=\"false\">\
         <circle cx=\"8\" cy=\"8\" r=\"6.5\" fill=\"{fill}\" stroke=\"{INK}\"{extra}/></svg>"
    )
}

fn legend(range: Option<(f64, f64)>, percent: bool, chosen: &Territory) -> String {
    let mut items = Vec::new();
    if let Some((low, high)) = range {
        let width = (high - low) / CLASSES.len() as f64;
        for (index, colour) in CLASSES.iter().enumerate() {
            let from = low + width * index as f64;
            let to = if index + 1 == CLASSES.len() { high } else { from + width };
            items.push(format!("{}de {} à {}", swatch(colour, ""), rounded(from, percent), rounded(to, percent)));
            if high <= low {
                break;
            }
        }
    }
    items.push(format!("{}<span class=\"secret\">secret statistique</span>", swatch("url(#map-secret)", "")));
    items.push(format!("{}aucune donnée", swatch("#ffffff", " stroke-dasharray=\"2 2\"")));
    if *chosen != Territory::National {
        items.push(format!(
            "<svg width=\"16\" height=\"16\" viewBox=\"0 0 16 16\" aria-hidden=\"true\" focusable=\"false\">\
             <circle cx=\"8\" cy=\"8\" r=\"6.5\" fill=\"none\" stroke=\"{CHOSEN}\" stroke-width=\"2.5\"/></svg>{}",
            escape(&chosen.name())
        ));
    }
    let items: Vec<String> = items.into_iter().map(|item| format!("<li>{item}</li>")).collect();
    format!("<ul class=\"legend\" aria-label=\"Légende de la carte\">{}</ul>\n", items.join(""))
}

fn rounded(value: f64, percent: bool) -> String {
    let tenth = (value * 10.0).round() / 10.0;
    let number = if tenth.fract() == 0.0 {
        serde_json::Number::from(tenth as i64)
    } else {
        serde_json::Number::from_f64(tenth).unwrap_or_else(|| serde_json::Number::from(0))
    };
    french_number(&number, percent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_departement_has_a_place_on_the_map() {
        for (code, _) in DEPARTEMENTS {
            let (x, y) = position(code).expect(code);
            assert!((0.0..WIDTH).contains(&x) && (0.0..HEIGHT).contains(&y), "{code}: {x} {y}");
        }
    }

    #[test]
    fn classes_split_the_range_evenly() {
        assert_eq!(class_of(0.0, (0.0, 100.0)), 0);
        assert_eq!(class_of(50.0, (0.0, 100.0)), 2);
        assert_eq!(class_of(100.0, (0.0, 100.0)), 4);
        assert_eq!(class_of(7.0, (7.0, 7.0)), 4);
    }
}
