//! The kiosk's own words in the language the screen speaks.
//!
//! The view-models say everything in English; [`tr`] gives the words in
//! the kiosk's [`Language`], from the catalogue the Slint UI bundles for its
//! own words (`kiosk/lang/<code>/LC_MESSAGES/kiosk.po`, compiled in by
//! `build.rs`). A template's `{}` are filled in order, `{0}`, `{1}`… by
//! position, as Slint's `@tr` does, so a translation may reorder them.
//! Words the catalogue lacks stay in English; a test checks it lacks none.

use std::fmt::Display;

use content_pack::Language;

include!(concat!(env!("OUT_DIR"), "/cy.rs"));

/// `english` in `language`.
pub fn tr(language: Language, english: &'static str) -> &'static str {
    let table = match language {
        Language::En => return english,
        Language::Cy => CY,
    };
    table
        .binary_search_by(|(en, _)| (*en).cmp(english))
        .map_or(english, |i| table[i].1)
}

/// `english` in `language`, its `{}` and `{N}` filled from `args`.
pub fn trf(language: Language, english: &'static str, args: &[&dyn Display]) -> String {
    fill(tr(language, english), args)
}

/// Fills `{}` (the next argument) and `{N}` (argument N) in `template`.
fn fill(template: &str, args: &[&dyn Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inside = &after[..close];
        let index = if inside.is_empty() {
            next += 1;
            Some(next - 1)
        } else {
            inside.parse::<usize>().ok()
        };
        match index.and_then(|i| args.get(i)) {
            Some(arg) => out.push_str(&arg.to_string()),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The catalogue's English words, for the test that every word the kiosk
/// says has its translation.
pub fn catalogue(language: Language) -> impl Iterator<Item = (&'static str, &'static str)> {
    let table: &[(&str, &str)] = match language {
        Language::En => &[],
        Language::Cy => CY,
    };
    table.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_in_order_or_by_position() {
        assert_eq!(fill("Session {}: {}", &[&3, &"Urges"]), "Session 3: Urges");
        assert_eq!(
            fill("{1} yw sesiwn {0}", &[&3, &"Ysfeydd"]),
            "Ysfeydd yw sesiwn 3"
        );
        assert_eq!(fill("{} and {5} and {", &[&1]), "1 and {5} and {");
        assert_eq!(tr(Language::En, "Next"), "Next");
    }

    #[test]
    fn the_welsh_table_is_sorted_for_lookup_and_has_the_run_screen_words() {
        assert!(CY.windows(2).all(|w| w[0].0 < w[1].0));
        assert_ne!(tr(Language::Cy, "Check-in"), "Check-in");
        assert_eq!(tr(Language::Cy, "no such words here"), "no such words here");
    }
}
