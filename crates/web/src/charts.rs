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
const INK: &str = "#1f4e8c";
const MUTED: &str = "#5b6470";
const RULE: &str = "#d0d7de";

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

/// One period of a trend: its label, its value (none where there is no data, drawn as a gap
/// rather than as zero) and the value as the page writes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Period {
    pub label: String,
    pub value: Option<Decimal>,
    pub shown: String,
}

/// The trend's viewBox is narrow and its text large so that, scaled down to a phone's width
/// (about 320 px of card), the text stays at 11 px or more; `svg.chart` caps its width on a
/// desktop so the text does not grow past about 16 px.
const TREND_WIDTH: f64 = 360.0;
const TREND_HEIGHT: f64 = 200.0;
const TREND_LEFT: f64 = 84.0;
const TREND_RIGHT: f64 = 30.0;
const TREND_TOP: f64 = 12.0;
const TREND_BOTTOM: f64 = 34.0;
const TREND_FONT: f64 = 13.0;

/// A round number at or above `value` (1, 2, 2.5 or 5 times a power of ten), so the middle
/// tick is round too; 1 when there is nothing to scale.
fn round_top(value: f64) -> Decimal {
    if value <= 0.0 {
        return Decimal::ONE;
    }
    let exponent = value.log10().floor() as i32;
    let power = if exponent >= 0 {
        Decimal::from(10i64.pow(exponent.unsigned_abs()))
    } else {
        Decimal::new(1, exponent.unsigned_abs())
    };
    [10, 20, 25, 50, 100]
        .iter()
        .map(|tenths| Decimal::new(*tenths, 1) * power)
        .find(|top| top.to_f64().unwrap_or(0.0) >= value)
        .unwrap_or(Decimal::TEN * power)
}

/// The rough width of a label: a character is about six tenths of the font size.
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * TREND_FONT * 0.6
}

/// A line over periods (e.g. eight quarters), oldest first, under a visible caption. The
/// scale runs from the lower of zero and the least value to a round number at or above the
/// greatest, with ticks at zero, the middle and the top written by `axis` (with units). A
/// period without a value breaks the line. When the labels would overlap, every second (or
/// third…) one is written, counting back from the last.
pub(crate) fn trend(
    id: &str,
    title: &str,
    periods: &[Period],
    axis: &dyn Fn(Decimal) -> String,
) -> String {
    let values: Vec<Option<f64>> = periods
        .iter()
        .map(|p| p.value.map(|v| v.to_f64().unwrap_or(0.0)))
        .collect();
    let top = round_top(values.iter().flatten().copied().fold(0.0, f64::max));
    let least = periods
        .iter()
        .filter_map(|p| p.value)
        .fold(Decimal::ZERO, Decimal::min);
    let high = top.to_f64().unwrap_or(1.0);
    let low = least.to_f64().unwrap_or(0.0);
    let span = high - low;
    let plot_width = TREND_WIDTH - TREND_LEFT - TREND_RIGHT;
    let plot_height = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM;
    let step = match periods.len() {
        0 | 1 => plot_width,
        n => plot_width / (n - 1) as f64,
    };
    let x = |i: usize| match periods.len() {
        0 | 1 => TREND_LEFT + plot_width / 2.0,
        _ => TREND_LEFT + step * i as f64,
    };
    let y = |v: f64| TREND_TOP + (high - v) / span * plot_height;
    let mut svg = format!(
        "<figure class=\"chart\"><figcaption id=\"{id}-title\">{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"{id}-title\">",
        escape(title),
        at(TREND_WIDTH),
        at(TREND_HEIGHT)
    );
    let mut ticks = vec![Decimal::ZERO, top / Decimal::TWO, top];
    if least < Decimal::ZERO {
        ticks.insert(0, least);
    }
    for tick in ticks {
        let at_y = y(tick.to_f64().unwrap_or(0.0));
        let ink = if tick.is_zero() { MUTED } else { RULE };
        svg.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{ink}\"/><text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"end\" fill=\"{MUTED}\">{}</text>",
            at(TREND_LEFT),
            at(at_y),
            at(TREND_WIDTH - TREND_RIGHT),
            at(at_y),
            at(TREND_LEFT - 6.0),
            at(at_y + 4.0),
            at(TREND_FONT),
            escape(&axis(tick.normalize()))
        ));
    }
    for run in values
        .iter()
        .enumerate()
        .collect::<Vec<_>>()
        .split(|(_, v)| v.is_none())
        .filter(|run| run.len() > 1)
    {
        let line: Vec<String> = run
            .iter()
            .filter_map(|(i, v)| v.map(|v| format!("{},{}", at(x(*i)), at(y(v)))))
            .collect();
        svg.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"2\"/>",
            line.join(" ")
        ));
    }
    let widest = periods
        .iter()
        .map(|p| text_width(&p.label))
        .fold(0.0, f64::max);
    let stride = ((widest + 6.0) / step).ceil().max(1.0) as usize;
    let last = periods.len().saturating_sub(1);
    for (i, (period, v)) in periods.iter().zip(&values).enumerate() {
        if let Some(v) = v {
            svg.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{INK}\"><title>{}: {}</title></circle>",
                at(x(i)),
                at(y(*v)),
                escape(&period.label),
                escape(&period.shown)
            ));
        }
        if (last - i).is_multiple_of(stride) {
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
                at(x(i)),
                at(TREND_HEIGHT - 10.0),
                at(TREND_FONT),
                escape(&period.label)
            ));
        }
    }
    svg.push_str("</svg></figure>");
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

    fn periods(values: &[(&str, Option<i64>)]) -> Vec<Period> {
        values
            .iter()
            .map(|(label, value)| Period {
                label: (*label).into(),
                value: value.map(Decimal::from),
                shown: value.map_or("no data".into(), |v| format!("${v}")),
            })
            .collect()
    }

    fn dollars(v: Decimal) -> String {
        format!("${v}")
    }

    #[test]
    fn a_trend_of_three_points_at_literal_coordinates() {
        // The plot runs x 84–330 and y 12–166: 0 at the bottom, 100 at the top, 50 between;
        // the ticks write 0, 50 and 100 left of the plot, the caption is visible above it.
        let svg = trend(
            "won",
            "Won <per> quarter",
            &periods(&[("Q1", Some(0)), ("Q2", Some(50)), ("Q3", Some(100))]),
            &dollars,
        );
        assert_eq!(
            svg,
            "<figure class=\"chart\"><figcaption id=\"won-title\">Won &lt;per&gt; quarter</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 360 200\" role=\"img\" aria-labelledby=\"won-title\">\
             <line x1=\"84\" y1=\"166\" x2=\"330\" y2=\"166\" stroke=\"#5b6470\"/><text x=\"78\" y=\"170\" font-size=\"13\" text-anchor=\"end\" fill=\"#5b6470\">$0</text>\
             <line x1=\"84\" y1=\"89\" x2=\"330\" y2=\"89\" stroke=\"#d0d7de\"/><text x=\"78\" y=\"93\" font-size=\"13\" text-anchor=\"end\" fill=\"#5b6470\">$50</text>\
             <line x1=\"84\" y1=\"12\" x2=\"330\" y2=\"12\" stroke=\"#d0d7de\"/><text x=\"78\" y=\"16\" font-size=\"13\" text-anchor=\"end\" fill=\"#5b6470\">$100</text>\
             <polyline points=\"84,166 207,89 330,12\" fill=\"none\" stroke=\"#1f4e8c\" stroke-width=\"2\"/>\
             <circle cx=\"84\" cy=\"166\" r=\"3\" fill=\"#1f4e8c\"><title>Q1: $0</title></circle><text x=\"84\" y=\"190\" font-size=\"13\" text-anchor=\"middle\" fill=\"#5b6470\">Q1</text>\
             <circle cx=\"207\" cy=\"89\" r=\"3\" fill=\"#1f4e8c\"><title>Q2: $50</title></circle><text x=\"207\" y=\"190\" font-size=\"13\" text-anchor=\"middle\" fill=\"#5b6470\">Q2</text>\
             <circle cx=\"330\" cy=\"12\" r=\"3\" fill=\"#1f4e8c\"><title>Q3: $100</title></circle><text x=\"330\" y=\"190\" font-size=\"13\" text-anchor=\"middle\" fill=\"#5b6470\">Q3</text>\
             </svg></figure>"
        );
    }

    #[test]
    fn the_top_tick_is_a_round_number_and_a_period_without_data_is_a_gap() {
        // Greatest 3 → top 5, middle 2.5. x steps 82 from 84; y(3) = 12 + 2/5 × 154 = 73.6,
        // y(1) = 12 + 4/5 × 154 = 135.2. Q1 stands alone (no line), Q2 has no point.
        let svg = trend(
            "days",
            "Days",
            &periods(&[
                ("Q1", Some(2)),
                ("Q2", None),
                ("Q3", Some(3)),
                ("Q4", Some(1)),
            ]),
            &dollars,
        );
        assert!(svg.contains(">$2.5</text>"), "{svg}");
        assert!(svg.contains(">$5</text>"), "{svg}");
        assert_eq!(svg.matches("<polyline").count(), 1, "{svg}");
        assert!(
            svg.contains("<polyline points=\"248,73.6 330,135.2\""),
            "{svg}"
        );
        assert_eq!(svg.matches("<circle").count(), 3, "{svg}");
        assert!(!svg.contains("<title>Q2:"), "{svg}");
        assert!(svg.contains(">Q2</text>"), "{svg}");
    }

    #[test]
    fn crowded_labels_are_thinned_back_from_the_last_which_stays_inside() {
        // Eight labels of 7 characters (about 55 wide) on steps of 35: every second, from the
        // last at x 330, whose right edge (about 357) is inside the 360 of the viewBox.
        let quarters: Vec<(String, Option<i64>)> =
            (1..=8).map(|i| (format!("2025-Q{i}"), Some(i))).collect();
        let named: Vec<(&str, Option<i64>)> =
            quarters.iter().map(|(l, v)| (l.as_str(), *v)).collect();
        let svg = trend("q", "Quarters", &periods(&named), &dollars);
        for shown in ["2025-Q2", "2025-Q4", "2025-Q6", "2025-Q8"] {
            assert!(svg.contains(&format!(">{shown}</text>")), "{shown}: {svg}");
        }
        for hidden in ["2025-Q1", "2025-Q3", "2025-Q5", "2025-Q7"] {
            assert!(
                !svg.contains(&format!(">{hidden}</text>")),
                "{hidden}: {svg}"
            );
        }
        assert!(svg.contains("<text x=\"330\" y=\"190\" font-size=\"13\" text-anchor=\"middle\" fill=\"#5b6470\">2025-Q8</text>"), "{svg}");
    }

    #[test]
    fn a_negative_value_puts_zero_inside_the_scale() {
        // From -50 to 100: zero sits a third of the way up (166 - 154 / 3 = 114.7), and the
        // least value has its own tick.
        let svg = trend(
            "net",
            "Net new",
            &periods(&[("Q1", Some(-50)), ("Q2", Some(100))]),
            &dollars,
        );
        assert!(
            svg.contains(
                "<line x1=\"84\" y1=\"114.7\" x2=\"330\" y2=\"114.7\" stroke=\"#5b6470\"/>"
            ),
            "{svg}"
        );
        assert!(svg.contains(">$-50</text>"), "{svg}");
        assert!(svg.contains("points=\"84,166 330,12\""), "{svg}");
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
