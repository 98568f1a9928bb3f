//! A minimal SVG line chart (log-scale x, linear y from 0), enough for the cost curves in
//! docs/perf/. Hand-written rather than `plotters`: ~70 lines against a dependency with its
//! own font and image stack, for charts of five points.

use std::fmt::Write as _;

/// One line of a chart: its legend name and its (x, y) points.
pub struct Series<'a> {
    /// Legend text.
    pub name: &'a str,
    /// Points, x > 0.
    pub points: Vec<(f64, f64)>,
}

const COLORS: [&str; 4] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

/// Renders a chart. `x_ticks` are the labelled x values (log scale); y runs from 0 to the
/// largest value plus 10 %.
pub fn line_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    x_ticks: &[f64],
    series: &[Series<'_>],
) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 360.0, 70.0, 20.0, 40.0, 50.0);
    let lx = |x: f64| x.max(1e-9).log10();
    let (x0, x1) = x_ticks.iter().fold((f64::MAX, f64::MIN), |(a, b), &x| {
        (a.min(lx(x)), b.max(lx(x)))
    });
    let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
    let y_max = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0_f64, f64::max)
        * 1.1;
    let y_max = if y_max > 0.0 { y_max } else { 1.0 };
    let px = |x: f64| left + (lx(x) - x0) / (x1 - x0) * (w - left - right);
    let py = |y: f64| h - bottom - y / y_max * (h - top - bottom);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{}" y="22" text-anchor="middle" font-size="15">{}</text>
<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="black"/><line x1="{left}" y1="{top}" x2="{left}" y2="{}" stroke="black"/>
<text x="{}" y="{}" text-anchor="middle">{}</text>
<text transform="translate(16 {}) rotate(-90)" text-anchor="middle">{}</text>
"#,
        w / 2.0,
        esc(title),
        h - bottom,
        w - right,
        h - bottom,
        h - bottom,
        (left + w - right) / 2.0,
        h - 12.0,
        esc(x_label),
        (top + h - bottom) / 2.0,
        esc(y_label)
    );
    for &x in x_ticks {
        let _ = writeln!(
            s,
            r#"<line x1="{0:.1}" y1="{1}" x2="{0:.1}" y2="{2}" stroke="black"/><text x="{0:.1}" y="{3}" text-anchor="middle">{4}</text>"#,
            px(x),
            h - bottom,
            h - bottom + 5.0,
            h - bottom + 18.0,
            tick(x)
        );
    }
    for i in 0..=5 {
        let y = y_max / 5.0 * f64::from(i);
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{0:.1}" x2="{1}" y2="{0:.1}" stroke="#ddd"/><text x="{2}" y="{3:.1}" text-anchor="end">{4}</text>"##,
            py(y),
            w - right,
            left - 6.0,
            py(y) + 4.0,
            tick(y)
        );
    }
    for (k, ser) in series.iter().enumerate() {
        let c = COLORS[k % COLORS.len()];
        let pts: Vec<String> = ser
            .points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline fill="none" stroke="{c}" stroke-width="2" points="{}"/>"#,
            pts.join(" ")
        );
        for p in &pts {
            let (cx, cy) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = writeln!(s, r#"<circle cx="{cx}" cy="{cy}" r="3" fill="{c}"/>"#);
        }
        let ly = top + 8.0 + 16.0 * k as f64;
        let _ = writeln!(
            s,
            r#"<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="{c}" stroke-width="2"/><text x="{3}" y="{4}">{5}</text>"#,
            left + 12.0,
            ly,
            left + 32.0,
            left + 38.0,
            ly + 4.0,
            esc(ser.name)
        );
    }
    s.push_str("</svg>\n");
    s
}

fn tick(v: f64) -> String {
    if v >= 100.0 || v == v.round() {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn esc(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
