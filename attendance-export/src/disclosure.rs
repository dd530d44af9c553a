//! Disclosure control: the one rule every published figure follows.
//!
//! NHS Digital's rule for published statistics: a count from 1 to 7 is shown
//! as `*`; every other count is rounded to the nearest 5 (0 stays 0). Totals
//! are worked out from the exact counts and then rounded the same way, never
//! summed from rounded cells.
//!
//! Rounding alone does not stop subtraction: where every other figure of a
//! sum sits at the edge of its range (bands of 8, 13 and 1 people of 22,
//! shown 10, 15, `*` and total 20), the hidden one is the only value left
//! (22 − 8 − 13 = 1). So the figures of each sum are shown by
//! [`Disclosure::show_sum`], which checks every hidden count against what a
//! reader could work out and, where one would be pinned, hides one more
//! figure of the sum (secondary suppression, also shown as `*`). The check
//! assumes a reader who even knows which `*` were hidden for being small and
//! which to protect them. `tests/differencing.rs` attacks whole reports,
//! alone and two over overlapping sets of exports, and recovers nothing.
//!
//! [`Disclosure::Exact`] (`--exact`) shows exact counts, for the service's
//! own use; every output then says "not for publication" at its top.

use std::fmt;

use serde::Serialize;

/// Counts from 1 up to this are hidden.
pub const HIDDEN_UP_TO: u64 = 7;
/// Every other count is rounded to a multiple of this.
pub const ROUND_TO: u64 = 5;

/// The rule, as every output states it.
pub const RULE: &str = "Counts from 1 to 7 are shown as *. Every other count is rounded to the nearest 5; totals are worked out from the exact counts, then rounded the same way, so they need not equal the sum of the rows. Where a * could still be worked out from the other figures and their total, one more figure is shown as * to protect it. This is NHS Digital's rule for published statistics.";
/// What `--exact` outputs say at their top.
pub const NOT_FOR_PUBLICATION: &str = "NOT FOR PUBLICATION: exact counts, for the service's own use only. Do not share this report or any figure from it; publish the report made without --exact.";

/// How figures are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disclosure {
    /// Fit for publication: [`RULE`].
    Published,
    /// Exact counts ([`NOT_FOR_PUBLICATION`]).
    Exact,
}

impl Disclosure {
    /// How `n` is shown under this rule.
    pub fn show(self, n: u64) -> Figure {
        match self {
            Disclosure::Exact => Figure::Count(n),
            Disclosure::Published if n == 0 => Figure::Count(0),
            Disclosure::Published if n <= HIDDEN_UP_TO => Figure::Hidden,
            Disclosure::Published => Figure::Count(round(n)),
        }
    }

    /// How the parts of a sum and their total are shown: each under
    /// [`Disclosure::show`], then, while a hidden count could be worked out
    /// from the rest, one more figure is hidden: the smallest part whose
    /// hiding is enough, else the largest part (and the search goes on),
    /// and the total only once every part is hidden.
    pub fn show_sum(self, parts: &[u64], total: u64) -> (Vec<Figure>, Figure) {
        let mut protecting = vec![false; parts.len()];
        let mut total_protecting = false;
        if self == Disclosure::Published {
            let sum = Sum { parts, total };
            while !total_protecting && sum.pins(&protecting) {
                let mut shown: Vec<usize> = (0..parts.len())
                    .filter(|&i| !protecting[i] && parts[i] > HIDDEN_UP_TO)
                    .collect();
                shown.sort_by_key(|&i| parts[i]);
                let enough = shown.iter().copied().find(|&i| {
                    let mut p = protecting.clone();
                    p[i] = true;
                    !sum.pins(&p)
                });
                match enough.or(shown.last().copied()) {
                    Some(i) => protecting[i] = true,
                    None => total_protecting = true,
                }
            }
        }
        let figure = |n, protect| {
            if protect {
                Figure::Hidden
            } else {
                self.show(n)
            }
        };
        (
            parts
                .iter()
                .zip(&protecting)
                .map(|(&n, &p)| figure(n, p))
                .collect(),
            figure(total, total_protecting),
        )
    }
}

/// `n` rounded to the nearest [`ROUND_TO`].
fn round(n: u64) -> u64 {
    (n + ROUND_TO / 2) / ROUND_TO * ROUND_TO
}

/// Larger than any count: the upper end of a figure hidden to protect
/// another, which could be any count from 8 up.
const UNBOUNDED: u64 = u64::MAX / 4;

/// One sum as a reader sees it.
struct Sum<'a> {
    parts: &'a [u64],
    total: u64,
}

impl Sum<'_> {
    /// What a reader knows of a count as published: its least and greatest
    /// values. A `*` that protects another is known only to be 8 or more.
    fn range(n: u64, protecting: bool) -> (u64, u64) {
        match n {
            _ if protecting => (HIDDEN_UP_TO + 1, UNBOUNDED),
            0 => (0, 0),
            1..=HIDDEN_UP_TO => (1, HIDDEN_UP_TO),
            _ => {
                let r = round(n);
                ((r - ROUND_TO / 2).max(HIDDEN_UP_TO + 1), r + ROUND_TO / 2)
            }
        }
    }

    /// Whether some count hidden for being small (a part, or the total) has
    /// only one value left once the parts are known to add up to the total.
    /// For one sum of ranges this is exact: the values a part can take are
    /// the total's range less the others' ranges.
    fn pins(&self, protecting: &[bool]) -> bool {
        let ranges: Vec<(u64, u64)> = self
            .parts
            .iter()
            .zip(protecting)
            .map(|(&n, &p)| Sum::range(n, p))
            .collect();
        let (tlo, thi) = Sum::range(self.total, false);
        let (slo, shi) = ranges
            .iter()
            .fold((0, 0), |(a, b), &(l, h)| (a + l, (b + h).min(UNBOUNDED)));
        let small = |n: u64| (1..=HIDDEN_UP_TO).contains(&n);
        let part_pinned =
            self.parts
                .iter()
                .zip(&ranges)
                .zip(protecting)
                .any(|((&n, &(lo, hi)), &p)| {
                    if p || !small(n) {
                        return false;
                    }
                    // The others add up to somewhere in (slo − lo)..=(shi − hi).
                    let least = tlo.saturating_sub(shi.saturating_sub(hi)).max(lo);
                    let most = thi.saturating_sub(slo - lo).min(hi);
                    least >= most
                });
        let total_pinned = small(self.total) && slo.max(tlo) >= shi.min(thi);
        part_pinned || total_pinned
    }
}

/// A count as published: a number, or hidden (`*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Figure {
    /// A number (rounded unless the report is exact).
    Count(u64),
    /// A count from 1 to [`HIDDEN_UP_TO`].
    Hidden,
}

impl Figure {
    /// The number, if shown.
    pub fn value(self) -> Option<u64> {
        match self {
            Figure::Count(n) => Some(n),
            Figure::Hidden => None,
        }
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Figure::Count(n) => fmt::Display::fmt(n, f),
            Figure::Hidden => f.pad("*"),
        }
    }
}

/// A number in JSON, or the string `"*"`.
impl Serialize for Figure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Figure::Count(n) => s.serialize_u64(*n),
            Figure::Hidden => s.serialize_str("*"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_rule_hides_1_to_7_and_rounds_the_rest_to_5() {
        let p = |n| Disclosure::Published.show(n).to_string();
        let shown: Vec<String> = (0..=18).map(p).collect();
        assert_eq!(
            shown,
            [
                "0", "*", "*", "*", "*", "*", "*", "*", "10", "10", "10", "10", "10", "15", "15",
                "15", "15", "15", "20"
            ]
        );
        assert_eq!(Disclosure::Exact.show(3), Figure::Count(3));
        assert_eq!(serde_json::to_string(&Figure::Hidden).unwrap(), "\"*\"");
        assert_eq!(serde_json::to_string(&Figure::Count(15)).unwrap(), "15");
    }

    fn shown(parts: &[u64], total: u64) -> String {
        let (p, t) = Disclosure::Published.show_sum(parts, total);
        let p: Vec<String> = p.iter().map(|f| f.to_string()).collect();
        format!("{} = {t}", p.join(" "))
    }

    #[test]
    fn a_hidden_count_that_subtraction_would_pin_gets_a_second_hidden_figure() {
        // 10 + 15 + * + 0 = 20 would pin * to 1 (22 − 8 − 13): the 13 is
        // hidden too, the 8 alone would not do (it adds nothing).
        assert_eq!(shown(&[8, 13, 1, 0], 22), "10 * * 0 = 20");
        // Nothing at the edges: nothing more hidden.
        assert_eq!(shown(&[10, 13, 3, 0], 26), "10 15 * 0 = 25");
        assert_eq!(shown(&[0, 0, 0], 0), "0 0 0 = 0");
        // One part and its total, both small: neither pins the other.
        assert_eq!(shown(&[0, 5, 0], 5), "0 * 0 = *");
        // 8 + 8 + 1 = 17: hiding both eights still leaves 17 − 16 = 1, so
        // the total goes too.
        assert_eq!(shown(&[8, 8, 1], 17), "* * * = *");
        assert_eq!(
            Disclosure::Exact.show_sum(&[8, 13, 1], 22).1,
            Figure::Count(22)
        );
    }
}
