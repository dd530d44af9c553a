//! Disclosure control: the one rule every published figure follows.
//!
//! NHS Digital's rule for published statistics: a count from 1 to 7 is shown
//! as `*`; every other count is rounded to the nearest 5 (0 stays 0). Totals
//! are worked out from the exact counts and then rounded the same way, never
//! summed from rounded cells. Because a rounded figure stands for any of five
//! values and a hidden one for any of seven, no hidden cell can be worked
//! back exactly from the others, the totals, or a second report over an
//! overlapping set of exports (`tests/it/differencing.rs` tries).
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
pub const RULE: &str = "Counts from 1 to 7 are shown as *. Every other count is rounded to the nearest 5; totals are worked out from the exact counts, then rounded the same way, so they need not equal the sum of the rows. This is NHS Digital's rule for published statistics.";
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
            Disclosure::Published => Figure::Count((n + ROUND_TO / 2) / ROUND_TO * ROUND_TO),
        }
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
}
