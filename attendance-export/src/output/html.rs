//! The report as one self-contained web page, to be read on screen or
//! printed for commissioners.
//!
//! - **Self-contained.** One file: inline CSS, inline SVG charts drawn here,
//!   no script, no font, image or style sheet loaded from anywhere.
//! - **Warnings first.** The report's warnings open the page in a box, red
//!   for NOT FOR PUBLICATION and NOT VERIFIED (and repeated in the page's
//!   title and beside the rule at the end).
//! - **Charts with their figures.** Every chart is a horizontal bar chart
//!   (long names stay readable, and a chart grows down the page rather than
//!   shrinking across it), scaled to its own largest figure, with every bar
//!   labelled by its figure and followed by a table of the same figures. A
//!   hidden count is drawn as no bar and labelled `*`. Grouped charts also
//!   name every bar, so they read in black and white.
//! - **Escaped.** Site, wing and tool names come from USB sticks: every text
//!   on the page goes through [`escape`].

use std::fmt::Write;

use crate::disclosure::{Disclosure, Figure, RULE};
use crate::report::{Feedback, Named, Report};

/// `text` made safe to put in HTML or SVG text and attribute values:
/// `&`, `<`, `>`, `"` and `'` become character references.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Colours for the wings, in order: Okabe and Ito's colour-blind-safe
/// palette without its yellow (too pale on white), then three of Paul
/// Tol's. Past ten wings colours repeat, but every bar is also named.
const WING_COLOURS: [&str; 10] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#555555", "#882255",
    "#117733", "#332288",
];
/// Helped, OK, did not help.
const FEEDBACK_COLOURS: [&str; 3] = ["#009E73", "#56B4E9", "#D55E00"];
/// The one colour of a chart with one series.
const BAR_COLOUR: &str = "#0072B2";

/// Width of every chart, in SVG units (shown at up to this many CSS pixels).
const WIDTH: u32 = 900;
/// Height of one bar's row.
const ROW: u32 = 30;
/// Height of a bar.
const BAR: u32 = 22;
/// Space between groups.
const GROUP_GAP: u32 = 14;
/// Room kept right of the longest bar for its figure.
const FIGURE_ROOM: u32 = 80;
/// Where every bar starts: left of it, the labels.
const X0: u32 = 430;
/// Where a series label starts beside a short group label.
const GROUP_W: u32 = 110;
/// Characters of a one-series chart's label (the table has it whole).
const LABEL_CHARS: usize = 40;
/// Longest group label kept beside its first bar (a month is 7).
const GROUP_CHARS: usize = 10;
/// … on a line of its own.
const HEADING_CHARS: usize = 70;
/// … of a series label.
const SERIES_CHARS: usize = 30;
/// … of a series in the legend (three a line).
const LEGEND_CHARS: usize = 26;

/// The report as one HTML page.
pub fn html(report: &Report) -> String {
    let mut out = String::new();
    // ok: writing to a String cannot fail.
    let _ = write_page(&mut out, report);
    out
}

/// One chart: groups of bars, one bar per series in each group.
struct Chart<'a> {
    /// Its title (plain text).
    title: &'a str,
    /// A warning shown with the title (not for publication, not verified),
    /// or empty.
    tag: &'a str,
    /// What a figure counts, for each bar's tooltip ("sessions").
    unit: &'a str,
    /// Series names and colours; one series means no legend and no
    /// series labels.
    series: Vec<(String, &'a str)>,
    /// Each group: its label and one figure per series (`None`: the series
    /// has no bar in this group).
    groups: Vec<(String, Vec<Option<Figure>>)>,
}

/// `text` in at most `n` characters: if it is longer, its middle is cut
/// out and marked "…", so both its start and its end (a wing's number,
/// say) still show.
fn cut(text: &str, n: usize) -> String {
    let count = text.chars().count();
    if count <= n {
        return text.to_owned();
    }
    let keep = n.saturating_sub(1);
    let head = keep * 2 / 5;
    let tail = keep - head;
    let mut s: String = text.chars().take(head).collect();
    s.push('…');
    s.extend(text.chars().skip(count - tail));
    s
}

impl Chart<'_> {
    /// The chart as an `<svg>` element.
    ///
    /// Every chart's bars start at the same place, [`X0`]. Left of them, a
    /// one-series chart names each bar; a grouped chart names the group
    /// (beside its first bar if the label is short, like a month, else on
    /// a line of its own above its bars) and each bar's series.
    fn svg(&self, out: &mut String, id: &str) -> std::fmt::Result {
        let many = self.series.len() > 1;
        let headings = many
            && self
                .groups
                .iter()
                .any(|(label, _)| label.chars().count() > GROUP_CHARS);
        let series_x = if headings { 24 } else { GROUP_W };
        let span = WIDTH - X0 - FIGURE_ROOM;
        let max = self
            .groups
            .iter()
            .flat_map(|(_, f)| f.iter())
            .filter_map(|f| f.and_then(Figure::value))
            .max()
            .unwrap_or(0);
        // Legend: up to three items a line.
        let legend_lines = if many {
            self.series.len().div_ceil(3) as u32
        } else {
            0
        };
        let top = 10 + legend_lines * ROW + if many { 10 } else { 0 };
        let rows: u32 = self
            .groups
            .iter()
            .map(|(_, f)| {
                f.iter().filter(|f| f.is_some()).count().max(1) as u32 + u32::from(headings)
            })
            .sum();
        let height = top + rows * ROW + self.groups.len() as u32 * GROUP_GAP;
        writeln!(
            out,
            r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-labelledby="{id}-t"><title id="{id}-t">{} (the same figures are in the table below)</title>"#,
            escape(self.title)
        )?;
        for (i, (name, colour)) in self.series.iter().enumerate().filter(|_| many) {
            let (col, line) = ((i % 3) as u32, (i / 3) as u32);
            let (x, y) = (col * 300, 10 + line * ROW);
            writeln!(
                out,
                r#"<g class="legend"><rect x="{x}" y="{y}" width="20" height="20" fill="{colour}"/><text x="{}" y="{}">{}<title>{}</title></text></g>"#,
                x + 28,
                y + 16,
                escape(&cut(name, LEGEND_CHARS)),
                escape(name)
            )?;
        }
        let mut y = top;
        for (label, figures) in &self.groups {
            let bars: Vec<(usize, Figure)> = figures
                .iter()
                .enumerate()
                .filter_map(|(i, f)| f.map(|f| (i, f)))
                .collect();
            let (class, chars) = match (many, headings) {
                (false, _) => ("name", LABEL_CHARS),
                (true, false) => ("group", GROUP_CHARS),
                (true, true) => ("group", HEADING_CHARS),
            };
            writeln!(
                out,
                r#"<text class="{class}" x="0" y="{}">{}<title>{}</title></text>"#,
                y + 21,
                escape(&cut(label, chars)),
                escape(label)
            )?;
            if headings {
                y += ROW;
            }
            for (row, (i, figure)) in (0u32..).zip(&bars) {
                let by = y + row * ROW + (ROW - BAR) / 2;
                let (series, colour) = self
                    .series
                    .get(*i)
                    .map(|(n, c)| (n.as_str(), *c))
                    .unwrap_or(("", BAR_COLOUR));
                if many {
                    writeln!(
                        out,
                        r#"<text class="series" x="{series_x}" y="{}">{}<title>{}</title></text>"#,
                        by + 17,
                        escape(&cut(series, SERIES_CHARS)),
                        escape(series)
                    )?;
                }
                let what = if many {
                    format!("{label}, {series}")
                } else {
                    label.clone()
                };
                let len = match figure {
                    Figure::Count(n) if max > 0 => {
                        (u128::from(*n) * u128::from(span) / u128::from(max)) as u32
                    }
                    _ => 0,
                };
                if len > 0 {
                    writeln!(
                        out,
                        r#"<rect x="{X0}" y="{by}" width="{len}" height="{BAR}" fill="{colour}"><title>{}: {} {}</title></rect>"#,
                        escape(&what),
                        figure,
                        escape(self.unit)
                    )?;
                }
                writeln!(
                    out,
                    r#"<text class="figure" x="{}" y="{}">{}</text>"#,
                    X0 + len + 8,
                    by + 18,
                    figure
                )?;
            }
            y += bars.len().max(1) as u32 * ROW + GROUP_GAP;
        }
        writeln!(
            out,
            r#"<line class="axis" x1="{X0}" y1="{}" x2="{X0}" y2="{}"/>"#,
            top - 4,
            y - GROUP_GAP + 4
        )?;
        writeln!(out, "</svg>")
    }
}

/// A chart and, below it, the table of its figures; or a line saying there
/// is nothing, if nothing was recorded.
fn figure(
    out: &mut String,
    id: &str,
    chart: &Chart<'_>,
    empty: bool,
    table: &dyn Fn(&mut String) -> std::fmt::Result,
) -> std::fmt::Result {
    writeln!(out, r#"<figure id="{id}">"#)?;
    write!(out, "<figcaption>{}", escape(chart.title))?;
    if !chart.tag.is_empty() {
        write!(out, r#" <span class="tag">{}</span>"#, escape(chart.tag))?;
    }
    writeln!(out, "</figcaption>")?;
    if empty {
        writeln!(out, r#"<p class="none">None recorded.</p>"#)?;
    } else {
        chart.svg(out, id)?;
        table(out)?;
    }
    writeln!(out, "</figure>")
}

/// A table cell holding a figure.
fn num(f: Figure) -> String {
    format!(r#"<td class="n">{f}</td>"#)
}

/// A one-series chart over named counts, with its table.
fn named_figure(
    out: &mut String,
    id: &str,
    title: &str,
    tag: &str,
    (name_col, value_col): (&str, &str),
    unit: &str,
    rows: &[Named],
) -> std::fmt::Result {
    let chart = Chart {
        title,
        tag,
        unit,
        series: vec![(unit.to_owned(), BAR_COLOUR)],
        groups: rows
            .iter()
            .map(|n| (n.name.clone(), vec![Some(n.count)]))
            .collect(),
    };
    figure(out, id, &chart, rows.is_empty(), &|out| {
        writeln!(
            out,
            r#"<table><thead><tr><th scope="col">{}</th><th scope="col" class="n">{}</th></tr></thead><tbody>"#,
            escape(name_col),
            escape(value_col)
        )?;
        for n in rows {
            writeln!(out, "<tr><td>{}</td>{}</tr>", escape(&n.name), num(n.count))?;
        }
        writeln!(out, "</tbody></table>")
    })
}

/// "All" for the totals' row.
fn feedback_name(f: &Feedback) -> String {
    if f.site.is_empty() {
        "All".to_owned()
    } else {
        format!("{} {}", f.site, f.wing)
    }
}

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 62rem; padding: 1.5rem 1.5rem 3rem;
  font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif;
  font-size: 18px; line-height: 1.5; color: #111; background: #fff; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.5rem; margin: 2.5rem 0 0.75rem; padding-bottom: 0.25rem;
  border-bottom: 3px solid #0072B2; }
p { margin: 0.5rem 0; }
.lead { font-size: 1.15rem; color: #333; }
.warnings { border: 4px solid #8a5a00; background: #fff4d6; color: #3d2800;
  padding: 0.75rem 1.25rem; margin: 0 0 1.5rem; border-radius: 6px; }
.warnings.danger { border-color: #b00020; background: #fde8ea; color: #5c0011; }
.warnings p { font-weight: bold; font-size: 1.15rem; margin: 0.4rem 0; }
.totals { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.25rem 0; }
.total { flex: 1 1 12rem; border: 2px solid #0072B2; border-radius: 6px;
  padding: 0.75rem 1rem; }
.total .big { display: block; font-size: 2.5rem; font-weight: bold; line-height: 1.1; }
figure { margin: 1.5rem 0 2rem; }
figcaption { font-size: 1.25rem; font-weight: bold; margin-bottom: 0.5rem; }
svg.chart { display: block; width: 100%; max-width: 900px; height: auto; margin: 0.5rem 0 1rem; }
svg.chart text { font-size: 17px; fill: #111; }
svg.chart text.group { font-weight: bold; }
.tag { display: inline-block; margin-left: 0.5rem; padding: 0 0.5rem; border: 2px solid #b00020;
  color: #b00020; background: #fff; font-size: 1rem; vertical-align: middle; }
svg.chart text.figure { font-weight: bold; }
svg.chart .axis { stroke: #111; stroke-width: 2; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 1rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #888; padding: 0.3rem 0.7rem; text-align: left; vertical-align: top; }
th { background: #e8eef5; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.all td { font-weight: bold; border-top: 3px solid #111; }
.rule { border-left: 6px solid #0072B2; background: #eef4fa; padding: 0.75rem 1rem; }
.rule.danger { border-left-color: #b00020; background: #fde8ea; font-weight: bold; }
.none { font-style: italic; }
ul.files { padding-left: 1.25rem; }
ul.files li { overflow-wrap: anywhere; margin: 0.25rem 0; }
@page { margin: 15mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 12pt; }
  svg.chart { break-inside: avoid; }
  figcaption, h2 { break-after: avoid; }
  tr { break-inside: avoid; }
}
"#;

fn write_page(out: &mut String, r: &Report) -> std::fmt::Result {
    let warnings = r.warnings();
    let danger = r.disclosure == Disclosure::Exact || !r.verified;
    let mut title = String::from("Attendance report");
    if r.disclosure == Disclosure::Exact {
        title.insert_str(0, "NOT FOR PUBLICATION – ");
    }
    if !r.verified {
        title.insert_str(0, "NOT VERIFIED – ");
    }
    // Every chart's title repeats the red warnings, in case a page is
    // printed or copied on its own.
    let mut tags = Vec::new();
    if r.disclosure == Disclosure::Exact {
        tags.push("NOT FOR PUBLICATION");
    }
    if !r.verified {
        tags.push("NOT VERIFIED");
    }
    let tag = tags.join(", ");
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, r#"<html lang="en-GB"><head><meta charset="utf-8">"#)?;
    writeln!(
        out,
        r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
    )?;
    writeln!(out, "<title>{}</title>", escape(&title))?;
    writeln!(out, "<style>{STYLE}</style></head><body>")?;
    if !warnings.is_empty() {
        writeln!(
            out,
            r#"<div class="warnings{}" role="alert">"#,
            if danger { " danger" } else { "" }
        )?;
        for w in &warnings {
            writeln!(out, "<p>{}</p>", escape(w))?;
        }
        writeln!(out, "</div>")?;
    }
    writeln!(out, "<h1>Attendance report</h1>")?;
    let mut lead = format!(
        "SMART Recovery groups run with InsideOut: {} export(s) read",
        r.read.len()
    );
    if let Some((first, last)) = &r.period {
        if first == last {
            let _ = write!(lead, ", sessions in {first}");
        } else {
            let _ = write!(lead, ", sessions from {first} to {last}");
        }
    }
    lead.push('.');
    writeln!(out, r#"<p class="lead">{}</p>"#, escape(&lead))?;
    writeln!(out, r#"<div class="totals">"#)?;
    for (label, f) in [
        ("Sessions delivered", r.totals.sessions),
        ("Attendances", r.totals.attendances),
        ("People", r.totals.people),
    ] {
        writeln!(
            out,
            r#"<div class="total"><span class="big">{f}</span>{}</div>"#,
            escape(label)
        )?;
    }
    writeln!(out, "</div>")?;
    writeln!(out, "<p>{}</p>", escape(&r.people_counted.sentence()))?;

    // By month, per wing.
    writeln!(out, "<h2>By month and wing</h2>")?;
    let mut wings: Vec<(&str, &str)> = Vec::new();
    let mut months: Vec<&str> = Vec::new();
    for m in &r.by_month {
        if !wings.contains(&(m.site.as_str(), m.wing.as_str())) {
            wings.push((m.site.as_str(), m.wing.as_str()));
        }
        if !months.contains(&m.month.as_str()) {
            months.push(&m.month);
        }
    }
    months.sort_unstable();
    // Wings of one prison are named by their wing alone.
    let one_site = wings.windows(2).all(|w| w[0].0 == w[1].0);
    if let (true, Some((site, _))) = (one_site, wings.first()) {
        writeln!(out, "<p>Every wing here is at {}.</p>", escape(site))?;
    }
    let series: Vec<(String, &str)> = wings
        .iter()
        .enumerate()
        .map(|(i, (site, wing))| {
            let name = if one_site {
                (*wing).to_owned()
            } else {
                format!("{site} {wing}")
            };
            (name, WING_COLOURS[i % WING_COLOURS.len()])
        })
        .collect();
    let by_month =
        |pick: &dyn Fn(&crate::report::Counts) -> Figure| -> Vec<(String, Vec<Option<Figure>>)> {
            months
                .iter()
                .map(|month| {
                    let figures = wings
                        .iter()
                        .map(|(site, wing)| {
                            r.by_month
                                .iter()
                                .find(|m| m.month == *month && m.site == *site && m.wing == *wing)
                                .map(|m| pick(&m.counts))
                        })
                        .collect();
                    ((*month).to_owned(), figures)
                })
                .collect()
        };
    let month_table = |out: &mut String| -> std::fmt::Result {
        writeln!(
            out,
            r#"<table><caption>Sessions, attendances and people by site, wing and month</caption><thead><tr><th scope="col">Site</th><th scope="col">Wing</th><th scope="col">Month</th><th scope="col" class="n">Sessions</th><th scope="col" class="n">Attendances</th><th scope="col" class="n">People</th></tr></thead><tbody>"#
        )?;
        for m in &r.by_month {
            writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td>{}{}{}</tr>",
                escape(&m.site),
                escape(&m.wing),
                escape(&m.month),
                num(m.counts.sessions),
                num(m.counts.attendances),
                num(m.counts.people)
            )?;
        }
        writeln!(
            out,
            r#"<tr class="all"><td>All</td><td></td><td></td>{}{}{}</tr>"#,
            num(r.totals.sessions),
            num(r.totals.attendances),
            num(r.totals.people)
        )?;
        writeln!(out, "</tbody></table>")
    };
    let empty = r.by_month.is_empty();
    figure(
        out,
        "sessions-by-month",
        &Chart {
            title: "Sessions delivered, by month and wing",
            tag: &tag,
            unit: "sessions",
            series: series.clone(),
            groups: by_month(&|c| c.sessions),
        },
        empty,
        &|_| Ok(()),
    )?;
    figure(
        out,
        "people-by-month",
        &Chart {
            title: "People who attended, by month and wing",
            tag: &tag,
            unit: "people",
            series,
            groups: by_month(&|c| c.people),
        },
        empty,
        &month_table,
    )?;

    writeln!(out, "<h2>How many sessions people reached</h2>")?;
    named_figure(
        out,
        "dose",
        "People by the number of sessions they attended",
        &tag,
        ("Sessions attended", "People"),
        "people",
        &r.dose,
    )?;

    writeln!(out, "<h2>What the sessions worked on</h2>")?;
    named_figure(
        out,
        "by-point",
        "Sessions by SMART Recovery point",
        &tag,
        ("Point", "Sessions"),
        "sessions",
        &r.by_point,
    )?;
    named_figure(
        out,
        "by-tool",
        "Sessions by tool used",
        &tag,
        ("Tool", "Sessions"),
        "sessions",
        &r.by_tool,
    )?;

    writeln!(out, "<h2>How was today?</h2>")?;
    writeln!(
        out,
        "<p>A show of hands at check-out: how many said the session helped, was OK, or did not help. Only counts are kept, never who said what.</p>"
    )?;
    let rows: Vec<&Feedback> = r.feedback.iter().chain([&r.feedback_total]).collect();
    let feedback_chart = Chart {
        title: "Group feedback, by site and wing",
        tag: &tag,
        unit: "hands",
        series: ["Helped", "OK", "Did not help"]
            .iter()
            .zip(FEEDBACK_COLOURS)
            .map(|(n, c)| ((*n).to_owned(), c))
            .collect(),
        groups: rows
            .iter()
            .map(|f| {
                (
                    feedback_name(f),
                    vec![Some(f.helped), Some(f.ok), Some(f.did_not_help)],
                )
            })
            .collect(),
    };
    figure(
        out,
        "feedback",
        &feedback_chart,
        // No group asked (exactly: 0 is never a hidden count).
        r.feedback_total.sessions_asked == Figure::Count(0),
        &|out| {
            writeln!(
                out,
                r#"<table><thead><tr><th scope="col">Site</th><th scope="col">Wing</th><th scope="col" class="n">Sessions asked</th><th scope="col" class="n">Helped</th><th scope="col" class="n">OK</th><th scope="col" class="n">Did not help</th></tr></thead><tbody>"#
            )?;
            for f in &rows {
                let all = f.site.is_empty();
                writeln!(
                    out,
                    "<tr{}><td>{}</td><td>{}</td>{}{}{}{}</tr>",
                    if all { r#" class="all""# } else { "" },
                    escape(if all { "All" } else { &f.site }),
                    escape(&f.wing),
                    num(f.sessions_asked),
                    num(f.helped),
                    num(f.ok),
                    num(f.did_not_help)
                )?;
            }
            writeln!(out, "</tbody></table>")
        },
    )?;

    writeln!(out, "<h2>About these figures</h2>")?;
    match r.disclosure {
        Disclosure::Published => writeln!(
            out,
            r#"<p class="rule" id="rule">{} A bar is not drawn for a hidden count.</p>"#,
            escape(RULE)
        )?,
        Disclosure::Exact => writeln!(
            out,
            r#"<p class="rule danger" id="rule">{}</p>"#,
            escape(crate::disclosure::NOT_FOR_PUBLICATION)
        )?,
    }
    if !r.verified {
        writeln!(
            out,
            r#"<p class="rule danger">NOT VERIFIED: the exports' signatures were not checked against the kiosks' keys.</p>"#
        )?;
    }
    writeln!(out, "<p>{}</p>", escape(&r.people_counted.sentence()))?;
    if r.duplicate_sessions > 0 {
        writeln!(
            out,
            "<p>{} session(s) appeared in more than one export and were counted once.</p>",
            r.duplicate_sessions
        )?;
    }

    writeln!(out, "<h2>Exports read ({})</h2>", r.read.len())?;
    if r.read.is_empty() {
        writeln!(out, r#"<p class="none">None.</p>"#)?;
    } else {
        writeln!(out, r#"<ul class="files">"#)?;
        for p in &r.read {
            writeln!(out, "<li>{}</li>", escape(p))?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(out, "<h2>Exports skipped ({})</h2>", r.skipped.len())?;
    if r.skipped.is_empty() {
        writeln!(out, r#"<p class="none">None.</p>"#)?;
    } else {
        writeln!(out, r#"<ul class="files">"#)?;
        for s in &r.skipped {
            writeln!(
                out,
                "<li><strong>{}</strong>: {}</li>",
                escape(&s.path),
                escape(&s.reason)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(out, "</body></html>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn cut_keeps_short_text_and_marks_cut_text() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcdefghijk", 6), "ab…ijk");
        assert_eq!(cut("HMP Example Wing 12", 12).chars().count(), 12);
        assert!(cut("HMP Example Wing 12", 12).ends_with("ng 12"));
    }

    #[test]
    fn a_chart_of_zeros_and_hidden_figures_draws_no_bar() {
        let chart = Chart {
            title: "t",
            tag: "",
            unit: "sessions",
            series: vec![("sessions".into(), BAR_COLOUR)],
            groups: vec![
                ("a".into(), vec![Some(Figure::Count(0))]),
                ("b".into(), vec![Some(Figure::Hidden)]),
            ],
        };
        let mut out = String::new();
        chart.svg(&mut out, "x").unwrap();
        assert!(!out.contains("<rect"), "{out}");
        assert!(out.contains(">*</text>"), "{out}");
        assert!(out.contains(">0</text>"), "{out}");
    }
}
