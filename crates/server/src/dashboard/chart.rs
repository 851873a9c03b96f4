//! The series as an SVG bar chart drawn on the server: one bar per month, a hatched mark
//! labelled « s » for a secret month, a dash for a month without data. An image for assistive
//! technologies (`role="img"`), named and described; the table under it holds the same numbers.
//! Each bar carries its month and value (`data-month`, `data-value`) for whoever checks them.

use plateforme_portal::page::escape;

use super::figures::{Figure, Point, french_number};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 48.0;
/// The blue of the portal (contrast 13:1 on white).
pub const BAR: &str = "#000091";
const GRID: &str = "#929292";

/// The chart; `title` names it and `description` says what it shows in words.
pub fn bar_chart(points: &[Point], percent: bool, title: &str, description: &str) -> String {
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let highest = points.iter().filter_map(|point| point.figure.value()).fold(0.0_f64, f64::max);
    let top = nice_ceiling(highest);
    let y = |value: f64| TOP + plot_height * (1.0 - value / top);
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" \
         xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"chart-title\">{}</title>\n<desc id=\"chart-desc\">{}</desc>\n\
         <defs><pattern id=\"chart-secret\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#3a3a3a\" stroke-width=\"2\"/></pattern></defs>\n",
        escape(title),
        escape(description)
    );
    for step in 0..=4 {
        let value = top * f64::from(step) / 4.0;
        let line_y = y(value);
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{line_y:.1}\" y2=\"{line_y:.1}\" stroke=\"{GRID}\" stroke-width=\"{}\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            WIDTH - RIGHT,
            if step == 0 { 1.5 } else { 0.5 },
            LEFT - 6.0,
            line_y + 4.0,
            axis_label(value, percent),
        ));
    }
    let slot = plot_width / points.len().max(1) as f64;
    let label_every = points.len().div_ceil(12).max(1);
    let baseline = y(0.0);
    for (index, point) in points.iter().enumerate() {
        let x = LEFT + slot * index as f64;
        let bar_width = (slot * 0.7).max(1.0);
        let bar_x = x + (slot - bar_width) / 2.0;
        let centre = x + slot / 2.0;
        let month = escape(&point.month);
        svg.push_str(&match &point.figure {
            Figure::Published { value, units } => {
                let height = (baseline - y(value.as_f64().unwrap_or(0.0))).max(0.0);
                format!(
                    "<rect class=\"bar\" data-month=\"{month}\" data-value=\"{value}\" data-units=\"{units}\" \
                     x=\"{bar_x:.1}\" y=\"{:.1}\" width=\"{bar_width:.1}\" height=\"{height:.1}\" fill=\"{BAR}\">\
                     <title>{month} : {}</title></rect>\n",
                    baseline - height,
                    french_number(value, percent),
                )
            }
            Figure::Secret => format!(
                "<g class=\"bar secret\" data-month=\"{month}\" data-hidden=\"true\"><rect x=\"{bar_x:.1}\" y=\"{:.1}\" \
                 width=\"{bar_width:.1}\" height=\"24\" fill=\"url(#chart-secret)\" stroke=\"#3a3a3a\">\
                 <title>{month} : secret statistique</title></rect>\
                 <text x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">s</text></g>\n",
                baseline - 24.0,
                baseline - 28.0,
            ),
            Figure::Missing => format!(
                "<text class=\"bar missing\" data-month=\"{month}\" data-missing=\"true\" x=\"{centre:.1}\" y=\"{:.1}\" \
                 text-anchor=\"middle\">–<title>{month} : aucune donnée</title></text>\n",
                baseline - 4.0,
            ),
        });
        if index % label_every == 0 {
            svg.push_str(&format!(
                "<text x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
                baseline + 18.0,
                escape(&month_label(&point.month)),
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// `2026-11` → `11/2026`.
pub fn month_label(month: &str) -> String {
    month.split_once('-').map_or(month.to_owned(), |(year, month)| format!("{month}/{year}"))
}

/// The top of the axis: the highest value rounded up to 1, 2 or 5 times a power of ten.
fn nice_ceiling(highest: f64) -> f64 {
    if highest <= 0.0 {
        return 1.0;
    }
    let power = 10_f64.powf(highest.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|step| step * power).find(|ceiling| *ceiling >= highest).unwrap_or(highest)
}

fn axis_label(value: f64, percent: bool) -> String {
    let number = if value.fract() == 0.0 {
        serde_json::Number::from(value as i64)
    } else {
        serde_json::Number::from_f64((value * 10.0).round() / 10.0).unwrap_or_else(|| serde_json::Number::from(0))
    };
    french_number(&number, percent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_holds_the_highest_value() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(42.0), 50.0);
        assert_eq!(nice_ceiling(100.0), 100.0);
        assert_eq!(nice_ceiling(16.7), 20.0);
    }

    #[test]
    fn each_month_is_a_bar_a_secret_or_a_gap_and_text_is_escaped() {
        let points = [
            Point { month: "2026-10".into(), figure: Figure::Published { value: 42.into(), units: 42 } },
            Point { month: "2026-11".into(), figure: Figure::Secret },
            Point { month: "2026-12".into(), figure: Figure::Missing },
        ];
        let svg = bar_chart(&points, false, "<b>", "a & b");
        assert!(svg.contains("data-month=\"2026-10\" data-value=\"42\""), "{svg}");
        assert!(svg.contains("2026-11 : secret statistique"), "{svg}");
        assert!(svg.contains("data-missing=\"true\""), "{svg}");
        assert!(svg.contains("<title id=\"chart-title\">&lt;b&gt;</title>") && svg.contains("a &amp; b"), "{svg}");
    }
}
