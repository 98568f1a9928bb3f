//! A minimal SVG line chart (log-scale x, linear y from 0), enough for the cost curves in
//! docs/perf/. Hand-written rather than `plotters`: under 100 lines against a dependency
//! with its own font and image stack, for charts of five points.

use std::fmt::Write as _;

/// One line of a chart: its legend name and its (x, y) points.
pub struct Series<'a> {
    /// Legend text.
    pub name: &'a str,
    /// Points, x > 0.
    pub points: Vec<(f64, f64)>,
}

const COLORS: [&str; 4] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

fn line(s: &mut String, (x1, y1, x2, y2): (f64, f64, f64, f64), stroke: &str, width: f64) {
    let _ = writeln!(
        s,
        r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}" stroke-width="{width}"/>"#
    );
}

fn text(s: &mut String, x: f64, y: f64, anchor: &str, extra: &str, content: &str) {
    let content = content.replace('&', "&amp;").replace('<', "&lt;");
    let _ = writeln!(
        s,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" {extra}>{content}</text>"#
    );
}

fn tick(v: f64) -> String {
    let frac = v != v.round();
    let digits = usize::from(frac && v < 100.0) + usize::from(frac && v < 1.0);
    format!("{v:.digits$}")
}

/// Renders a chart. `x_ticks` are the labelled x values (log scale); y runs from 0 to the
/// largest value plus 10 %.
pub fn line_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    x_ticks: &[f64],
    series: &[Series<'_>],
) -> String {
    // Width, height, and the margins left, right, top, bottom.
    let [w, h, l, r, t, b] = [640.0, 360.0, 70.0, 20.0, 40.0, 50.0];
    let lx = |x: f64| x.max(1e-9).log10();
    let (x0, x1) = x_ticks.iter().fold((f64::MAX, f64::MIN), |(a, b), &x| {
        (a.min(lx(x)), b.max(lx(x)))
    });
    let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
    let all_y = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let y_max = Some(all_y.fold(0.0_f64, f64::max) * 1.1)
        .filter(|m| *m > 0.0)
        .unwrap_or(1.0);
    let px = |x: f64| l + (lx(x) - x0) / (x1 - x0) * (w - l - r);
    let py = |y: f64| h - b - y / y_max * (h - t - b);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
"#
    );
    text(&mut s, w / 2.0, 22.0, "middle", r#"font-size="15""#, title);
    text(&mut s, (l + w - r) / 2.0, h - 12.0, "middle", "", x_label);
    let rotate = format!(r#"transform="rotate(-90 16 {})""#, (t + h - b) / 2.0);
    text(&mut s, 16.0, (t + h - b) / 2.0, "middle", &rotate, y_label);
    for &x in x_ticks {
        line(&mut s, (px(x), h - b, px(x), h - b + 5.0), "black", 1.0);
        text(&mut s, px(x), h - b + 18.0, "middle", "", &tick(x));
    }
    for i in 0..=5 {
        let y = y_max / 5.0 * f64::from(i);
        line(&mut s, (l, py(y), w - r, py(y)), "#ddd", 1.0);
        text(&mut s, l - 6.0, py(y) + 4.0, "end", "", &tick(y));
    }
    line(&mut s, (l, h - b, w - r, h - b), "black", 1.0);
    line(&mut s, (l, t, l, h - b), "black", 1.0);
    for (k, ser) in series.iter().enumerate() {
        let c = COLORS[k % COLORS.len()];
        let pts: Vec<(f64, f64)> = ser.points.iter().map(|&(x, y)| (px(x), py(y))).collect();
        let list: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = writeln!(
            s,
            r#"<polyline fill="none" stroke="{c}" stroke-width="2" points="{}"/>"#,
            list.join(" ")
        );
        for (x, y) in pts {
            let _ = writeln!(s, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{c}"/>"#);
        }
        let ly = t + 8.0 + 16.0 * k as f64;
        line(&mut s, (l + 12.0, ly, l + 32.0, ly), c, 2.0);
        text(&mut s, l + 38.0, ly + 4.0, "start", "", ser.name);
    }
    s.push_str("</svg>\n");
    s
}
