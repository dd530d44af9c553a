//! The report as tidy CSV tables, one file per table, each with a header
//! row: numbers are bare numbers and hidden counts `*`. No cell can be taken
//! for a formula by a spreadsheet: a text cell that starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's advice).
//! `about.csv` (columns `item,value`) holds the report's warnings (not for
//! publication, not verified, exports skipped), the disclosure rule, how
//! people were counted, the period, the totals, how many exports were read,
//! skipped and seen twice, and each export read or skipped (with why).
//!
//! When there are warnings, every table's first column is `note` and holds
//! the first of them (NOT FOR PUBLICATION with `--exact`, else NOT
//! VERIFIED, else exports skipped) on every row, so no table, and no row
//! copied out of one, can be passed on without it. The header stays the
//! first line, so `csv.DictReader`, pandas and spreadsheets read every file
//! as one plain table.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::disclosure::{Disclosure, Figure, RULE};
use crate::report::{Named, Report};

/// A cell: text made safe, or a figure.
enum Cell<'a> {
    Text(&'a str),
    Figure(Figure),
}

fn safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn write_table(
    path: &Path,
    note: Option<&str>,
    header: &[&str],
    rows: Vec<Vec<Cell<'_>>>,
) -> io::Result<()> {
    write_rows(path, note, header, rows)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

fn write_rows(
    path: &Path,
    note: Option<&str>,
    header: &[&str],
    rows: Vec<Vec<Cell<'_>>>,
) -> io::Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(io::Error::other)?;
    let mut head: Vec<&str> = note.map(|_| "note").into_iter().collect();
    head.extend(header);
    w.write_record(&head).map_err(io::Error::other)?;
    for row in rows {
        let mut out: Vec<String> = note.map(safe).into_iter().collect();
        out.extend(row.into_iter().map(|c| match c {
            Cell::Text(t) => safe(t),
            Cell::Figure(f) => f.to_string(),
        }));
        w.write_record(&out).map_err(io::Error::other)?;
    }
    w.flush()
}

fn named(rows: &[Named]) -> Vec<Vec<Cell<'_>>> {
    rows.iter()
        .map(|n| vec![Cell::Text(&n.name), Cell::Figure(n.count)])
        .collect()
}

/// Writes the tables into `dir` (made if missing); returns the files written.
pub fn write_csv(report: &Report, dir: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let warnings = report.warnings();
    let note = warnings.first().map(String::as_str);
    let mut written = Vec::new();
    let mut table = |name: &str, header: &[&str], rows: Vec<Vec<Cell<'_>>>| {
        let path = dir.join(name);
        write_table(&path, note, header, rows)?;
        written.push(path);
        io::Result::Ok(())
    };
    let rule = match report.disclosure {
        Disclosure::Published => RULE,
        Disclosure::Exact => crate::disclosure::NOT_FOR_PUBLICATION,
    };
    let people = report.people_counted.sentence();
    let mut about: Vec<Vec<Cell<'_>>> = warnings
        .iter()
        .map(|w| vec![Cell::Text("warning"), Cell::Text(w)])
        .collect();
    about.push(vec![Cell::Text("rule"), Cell::Text(rule)]);
    about.push(vec![Cell::Text("people"), Cell::Text(&people)]);
    let period = match &report.period {
        Some((first, last)) => format!("{first} to {last}"),
        None => String::new(),
    };
    about.push(vec![Cell::Text("period"), Cell::Text(&period)]);
    for (item, f) in [
        ("total_sessions", report.totals.sessions),
        ("total_attendances", report.totals.attendances),
        ("total_people", report.totals.people),
    ] {
        about.push(vec![Cell::Text(item), Cell::Figure(f)]);
    }
    let counts = [
        ("exports_read", report.read.len().to_string()),
        ("exports_skipped", report.skipped.len().to_string()),
        ("duplicate_sessions", report.duplicate_sessions.to_string()),
    ];
    for (item, n) in &counts {
        about.push(vec![Cell::Text(item), Cell::Text(n)]);
    }
    for r in &report.read {
        about.push(vec![Cell::Text("read"), Cell::Text(r)]);
    }
    let skipped: Vec<String> = report
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.path, s.reason))
        .collect();
    for s in &skipped {
        about.push(vec![Cell::Text("skipped"), Cell::Text(s)]);
    }
    table("about.csv", &["item", "value"], about)?;
    table(
        "by_month.csv",
        &["site", "wing", "month", "sessions", "attendances", "people"],
        report
            .by_month
            .iter()
            .map(|m| {
                vec![
                    Cell::Text(&m.site),
                    Cell::Text(&m.wing),
                    Cell::Text(&m.month),
                    Cell::Figure(m.counts.sessions),
                    Cell::Figure(m.counts.attendances),
                    Cell::Figure(m.counts.people),
                ]
            })
            .collect(),
    )?;
    table(
        "dose.csv",
        &["sessions_attended", "people"],
        named(&report.dose),
    )?;
    table(
        "by_point.csv",
        &["point", "sessions"],
        named(&report.by_point),
    )?;
    table("by_tool.csv", &["tool", "sessions"], named(&report.by_tool))?;
    table(
        "feedback.csv",
        &[
            "site",
            "wing",
            "sessions_asked",
            "helped",
            "ok",
            "did_not_help",
        ],
        report
            .feedback
            .iter()
            .chain([&report.feedback_total])
            .map(|f| {
                let all = f.site.is_empty();
                vec![
                    Cell::Text(if all { "All" } else { &f.site }),
                    Cell::Text(if all { "" } else { &f.wing }),
                    Cell::Figure(f.sessions_asked),
                    Cell::Figure(f.helped),
                    Cell::Figure(f.ok),
                    Cell::Figure(f.did_not_help),
                ]
            })
            .collect(),
    )?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_evaluate_is_quoted() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-B", "@SUM(A1)", "\tx", "\rx"] {
            assert!(safe(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(safe("HMP Example"), "HMP Example");
        assert_eq!(safe("2–4"), "2–4");
    }
}
