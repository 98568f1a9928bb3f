//! Outlier-robust statistics: medians, percentiles, and the median of per-round ratios with
//! its p10–p90 spread (the figure every `ratio` line carries).

use std::fmt;

/// The median (upper middle for an even count); 0 for no values.
pub fn median(v: &[f64]) -> f64 {
    percentile(v, 0.5)
}

/// The `p` quantile (0..=1) by nearest rank; 0 for no values.
pub fn percentile(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return 0.0;
    }
    let idx = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[idx.min(v.len() - 1)]
}

/// The ratios `a[i] / b[i]` of pairs measured back to back, summarised: their median is the
/// figure (robust against a round hit by another process), their p10–p90 the noise.
#[derive(Clone, Copy, Debug)]
pub struct Ratio {
    /// Median of the per-round ratios.
    pub median: f64,
    /// 10th percentile of the per-round ratios.
    pub p10: f64,
    /// 90th percentile of the per-round ratios.
    pub p90: f64,
    /// How many rounds.
    pub rounds: usize,
}

impl Ratio {
    /// Per-round ratios of `a` over `b` (equal lengths; extra values are ignored).
    pub fn of(a: &[f64], b: &[f64]) -> Ratio {
        let r: Vec<f64> = a.iter().zip(b).map(|(a, b)| a / b).collect();
        Ratio {
            median: median(&r),
            p10: percentile(&r, 0.1),
            p90: percentile(&r, 0.9),
            rounds: r.len(),
        }
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ratio {:.3} (median of {} per-round ratios, p10–p90 {:.3}–{:.3})",
            self.median, self.rounds, self.p10, self.p90
        )
    }
}
