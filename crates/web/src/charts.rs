//! Charts drawn on the server as SVG, readable without JavaScript: a trend (a line over
//! periods) and horizontal bars (label → value). Each is an image with a `<title>` that
//! `aria-labelledby` names; a page showing one shows its numbers in a table as well, for
//! screen readers and for reading exact figures. Colours are presentation attributes, not
//! `style`, which the pages' content policy forbids. A shared room: it uses no feature.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// One value to draw: its label, its value and the value as the page writes it (through
/// `crate::format`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    pub label: String,
    pub value: Decimal,
    pub shown: String,
}

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 32.0;
const INK: &str = "#1f4e8c";
const MUTED: &str = "#5b6470";

/// Text for SVG: `&`, `<`, `>` and quotes escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A coordinate with at most one decimal (`64`, `91.5`).
fn at(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

fn open(id: &str, title: &str, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{}</title>",
        at(WIDTH),
        at(height),
        escape(title)
    )
}

/// A line over periods (e.g. eight quarters), oldest first; the scale runs from the lower of
/// zero and the least value to the higher of zero and the greatest, so zero is always on it.
pub(crate) fn trend(id: &str, title: &str, points: &[Point]) -> String {
    let values: Vec<f64> = points
        .iter()
        .map(|p| p.value.to_f64().unwrap_or(0.0))
        .collect();
    let high = values.iter().copied().fold(0.0, f64::max);
    let low = values.iter().copied().fold(0.0, f64::min);
    let span = if high > low { high - low } else { 1.0 };
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let x = |i: usize| match points.len() {
        0 | 1 => LEFT + plot_width / 2.0,
        n => LEFT + plot_width * i as f64 / (n - 1) as f64,
    };
    let y = |v: f64| TOP + (high - v) / span * plot_height;
    let mut svg = open(id, title, HEIGHT);
    svg.push_str(&format!(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{MUTED}\"/>",
        at(LEFT),
        at(y(0.0)),
        at(WIDTH - RIGHT),
        at(y(0.0))
    ));
    let line: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{},{}", at(x(i)), at(y(*v))))
        .collect();
    svg.push_str(&format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"2\"/>",
        line.join(" ")
    ));
    for (i, (point, v)) in points.iter().zip(&values).enumerate() {
        svg.push_str(&format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{INK}\"><title>{}: {}</title></circle>",
            at(x(i)),
            at(y(*v)),
            escape(&point.label),
            escape(&point.shown)
        ));
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
            at(x(i)),
            at(HEIGHT - 12.0),
            escape(&point.label)
        ));
    }
    if let Some((point, v)) = points.iter().zip(&values).max_by(|a, b| a.1.total_cmp(b.1)) {
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"{MUTED}\">{}</text>",
            at(LEFT - 6.0),
            at(y(*v) + 4.0),
            escape(&point.shown)
        ));
    }
    svg.push_str("</svg>");
    svg
}

const ROW: f64 = 24.0;
const LABELS: f64 = 144.0;
const BAR_ROOM: f64 = 264.0;

/// Horizontal bars, one per label, longest for the greatest value; a value at or below zero
/// draws no bar.
pub(crate) fn bars(id: &str, title: &str, points: &[Point]) -> String {
    let values: Vec<f64> = points
        .iter()
        .map(|p| p.value.to_f64().unwrap_or(0.0).max(0.0))
        .collect();
    let high = values.iter().copied().fold(0.0, f64::max);
    let height = ROW * points.len() as f64 + 8.0;
    let mut svg = open(id, title, height);
    for (i, (point, v)) in points.iter().zip(&values).enumerate() {
        let top = 4.0 + ROW * i as f64;
        let width = if high > 0.0 { v / high * BAR_ROOM } else { 0.0 };
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"{MUTED}\">{}</text>",
            at(LABELS - 8.0),
            at(top + 16.0),
            escape(&point.label)
        ));
        svg.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" fill=\"{INK}\"/>",
            at(LABELS),
            at(top + 4.0),
            at(width)
        ));
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{MUTED}\">{}</text>",
            at(LABELS + width + 6.0),
            at(top + 16.0),
            escape(&point.shown)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(label: &str, value: i64, shown: &str) -> Point {
        Point {
            label: label.into(),
            value: Decimal::from(value),
            shown: shown.into(),
        }
    }

    fn three(labels: [&str; 3], values: [i64; 3], shown: [&str; 3]) -> Vec<Point> {
        (0..3)
            .map(|i| point(labels[i], values[i], shown[i]))
            .collect()
    }

    #[test]
    fn a_trend_of_three_points_at_literal_coordinates() {
        // The plot runs x 64–464 and y 16–168: 0 at the bottom, 100 at the top, 50 between.
        let svg = trend(
            "won",
            "Won <per> quarter",
            &three(["Q1", "Q2", "Q3"], [0, 50, 100], ["$0", "$50", "$100"]),
        );
        assert_eq!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 480 200\" role=\"img\" aria-labelledby=\"won-title\"><title id=\"won-title\">Won &lt;per&gt; quarter</title>\
             <line x1=\"64\" y1=\"168\" x2=\"464\" y2=\"168\" stroke=\"#5b6470\"/>\
             <polyline points=\"64,168 264,92 464,16\" fill=\"none\" stroke=\"#1f4e8c\" stroke-width=\"2\"/>\
             <circle cx=\"64\" cy=\"168\" r=\"3\" fill=\"#1f4e8c\"><title>Q1: $0</title></circle><text x=\"64\" y=\"188\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6470\">Q1</text>\
             <circle cx=\"264\" cy=\"92\" r=\"3\" fill=\"#1f4e8c\"><title>Q2: $50</title></circle><text x=\"264\" y=\"188\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6470\">Q2</text>\
             <circle cx=\"464\" cy=\"16\" r=\"3\" fill=\"#1f4e8c\"><title>Q3: $100</title></circle><text x=\"464\" y=\"188\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6470\">Q3</text>\
             <text x=\"58\" y=\"20\" font-size=\"11\" text-anchor=\"end\" fill=\"#5b6470\">$100</text></svg>"
        );
    }

    #[test]
    fn a_negative_value_puts_zero_inside_the_scale() {
        // From -50 to 100: zero sits a third of the way up (168 - 152 / 3 = 117.3).
        let svg = trend(
            "net",
            "Net new",
            &[point("Q1", -50, "-$50"), point("Q2", 100, "$100")],
        );
        assert!(
            svg.contains("<line x1=\"64\" y1=\"117.3\" x2=\"464\" y2=\"117.3\""),
            "{svg}"
        );
        assert!(svg.contains("points=\"64,168 464,16\""), "{svg}");
    }

    #[test]
    fn bars_of_three_labels_at_literal_coordinates() {
        let svg = bars(
            "bands",
            "Partners by band",
            &three(
                ["Healthy", "At risk", "Intervene"],
                [4, 2, 0],
                ["4 partners", "2 partners", "0 partners"],
            ),
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 480 80\" role=\"img\" aria-labelledby=\"bands-title\"><title id=\"bands-title\">Partners by band</title>"));
        // The greatest value fills the 264 of bar room, half of it half.
        assert!(svg.contains("<rect x=\"144\" y=\"8\" width=\"264\" height=\"16\" fill=\"#1f4e8c\"/><text x=\"414\" y=\"20\" font-size=\"12\" fill=\"#5b6470\">4 partners</text>"), "{svg}");
        assert!(
            svg.contains("<rect x=\"144\" y=\"32\" width=\"132\" height=\"16\""),
            "{svg}"
        );
        assert!(
            svg.contains("<rect x=\"144\" y=\"56\" width=\"0\" height=\"16\""),
            "{svg}"
        );
        assert!(svg.contains("<text x=\"136\" y=\"68\" font-size=\"12\" text-anchor=\"end\" fill=\"#5b6470\">Intervene</text>"), "{svg}");
    }
}
