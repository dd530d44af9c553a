//! The report as a terminal table.

use std::fmt::Write;

use crate::disclosure::{Disclosure, RULE};
use crate::report::{Named, Report};

/// The report as plain text for a terminal.
pub fn text(r: &Report) -> String {
    let mut out = String::new();
    // ok: writing to a String cannot fail.
    let _ = write_text(&mut out, r);
    out
}

fn named(out: &mut String, title: &str, rows: &[Named]) -> std::fmt::Result {
    writeln!(out, "{title}")?;
    if rows.is_empty() {
        writeln!(out, "  (none recorded)")?;
    }
    for n in rows {
        writeln!(out, "  {:<44} {:>6}", n.name, n.count.to_string())?;
    }
    Ok(())
}

fn write_text(out: &mut String, r: &Report) -> std::fmt::Result {
    for w in r.warnings() {
        writeln!(out, "{w}")?;
    }
    write!(out, "Attendance report: {} export(s) read", r.read.len())?;
    if let Some((first, last)) = &r.period {
        write!(out, ", sessions from {first} to {last}")?;
    }
    writeln!(out)?;
    for p in &r.read {
        writeln!(out, "  read     {p}")?;
    }
    for s in &r.skipped {
        writeln!(out, "  skipped  {}: {}", s.path, s.reason)?;
    }
    if r.duplicate_sessions > 0 {
        writeln!(
            out,
            "({} sessions appeared in more than one export and were counted once)",
            r.duplicate_sessions
        )?;
    }
    writeln!(out, "{}", r.people_counted.sentence())?;
    writeln!(out)?;
    writeln!(out, "Sessions delivered:   {}", r.totals.sessions)?;
    writeln!(out, "Attendances:          {}", r.totals.attendances)?;
    writeln!(out, "People:               {}", r.totals.people)?;
    named(out, "People by sessions attended:", &r.dose)?;
    named(out, "Sessions by point:", &r.by_point)?;
    named(out, "Sessions by tool:", &r.by_tool)?;
    writeln!(out, "How was today? (show of hands at check-out)")?;
    writeln!(
        out,
        "  {:<24} {:<12} {:>7} {:>7} {:>7} {:>13}",
        "site", "wing", "asked", "helped", "OK", "did not help"
    )?;
    for f in r.feedback.iter().chain([&r.feedback_total]) {
        let (site, wing) = if f.site.is_empty() {
            ("All", "")
        } else {
            (f.site.as_str(), f.wing.as_str())
        };
        writeln!(
            out,
            "  {:<24} {:<12} {:>7} {:>7} {:>7} {:>13}",
            site,
            wing,
            f.sessions_asked.to_string(),
            f.helped.to_string(),
            f.ok.to_string(),
            f.did_not_help.to_string()
        )?;
    }
    writeln!(out, "By site, wing and month:")?;
    writeln!(
        out,
        "  {:<24} {:<12} {:<8} {:>9} {:>12} {:>7}",
        "site", "wing", "month", "sessions", "attendances", "people"
    )?;
    for m in &r.by_month {
        writeln!(
            out,
            "  {:<24} {:<12} {:<8} {:>9} {:>12} {:>7}",
            m.site,
            m.wing,
            m.month,
            m.counts.sessions.to_string(),
            m.counts.attendances.to_string(),
            m.counts.people.to_string()
        )?;
    }
    writeln!(out)?;
    match r.disclosure {
        Disclosure::Published => writeln!(out, "{RULE}"),
        Disclosure::Exact => writeln!(out, "Exact counts: not for publication."),
    }
}
