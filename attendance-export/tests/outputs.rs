//! The CSV tables and the web page, checked by tools this project did not
//! write: Python's `csv` module reads every table, and headless Chromium
//! renders the page (a screenshot, and the DOM it built).
//!
//! The report is made the real way: bundles written with [`BundleWriter`]
//! and signed with throw-away kiosk keys, counted by [`ReportBuilder`]. Its
//! site and wing names are ones a spreadsheet would evaluate or a browser
//! would take for markup.

use std::path::{Path, PathBuf};
use std::process::Command;

use attendance_export::bundle::{ATTENDANCE_COLUMNS, ATTENDANCE_FILE, SESSIONS_FILE, SUMMARY_FILE};
use attendance_export::output::{csv::write_csv, html::html};
use attendance_export::{
    bundle_dir_name, open_bundle, BundleTrust, BundleWriter, Disclosure, ExportSummary, Report,
    ReportBuilder, SessionRecord,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use content_pack::{generate_keys, KeyProtection, SigningKey, TrustedKey, TrustedKeys};

/// A site name a spreadsheet would run as a formula.
const FORMULA_SITE: &str = "=HYPERLINK(\"x\")";
/// A wing name a spreadsheet would take for a negative number or formula.
const MINUS_WING: &str = "-B";
/// A wing name a browser would take for markup.
const MARKUP_WING: &str = "<C> & 'D'";

struct Kiosk {
    key: SigningKey,
    public: TrustedKey,
    site: String,
    wing: String,
}

impl Kiosk {
    fn new(site: &str, wing: &str) -> Kiosk {
        let k = generate_keys(KeyProtection::Unencrypted).unwrap();
        Kiosk {
            key: SigningKey::from_text(&k.secret_key, None).unwrap(),
            public: TrustedKey::from_text(&k.public_key).unwrap(),
            site: site.into(),
            wing: wing.into(),
        }
    }
}

/// One session: when, who (a person number or anonymous), which tools and
/// points, and the show of hands (helped, OK, did not help).
struct Session {
    started: DateTime<Utc>,
    attendees: Vec<Option<u64>>,
    tools: &'static str,
    points: &'static str,
    hands: Option<(u32, u32, u32)>,
}

/// The pseudonym key all kiosks here share.
const PSEUDONYM_KEY: &str = "00c0ffee00c0ffee";

fn pseudonym(person: u64) -> String {
    format!("{person:064x}")
}

fn day(month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, 10, 0, 0).unwrap()
}

fn write_bundle(parent: &Path, kiosk: &Kiosk, sessions: &[Session]) -> PathBuf {
    let created = day(6, 1);
    let mut w =
        BundleWriter::create(parent, &bundle_dir_name(&kiosk.site, &kiosk.wing, created)).unwrap();
    let records: Vec<SessionRecord> = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| SessionRecord {
            run_id: format!("run-{i}"),
            site: kiosk.site.clone(),
            wing: kiosk.wing.clone(),
            session_id: format!("smart-{:02}", i % 12 + 1),
            session_number: (i % 12 + 1) as u32,
            pack_version: 3,
            facilitator_id: "peer-1".into(),
            started: s.started,
            ended: s.started + Duration::minutes(90),
            planned_minutes: 90,
            elapsed_minutes: 90,
            phases_completed: 5,
            phase_count: 5,
            tools_used: s.tools.into(),
            attended: s.attendees.len() as u32,
            anonymous: s.attendees.iter().filter(|a| a.is_none()).count() as u32,
            left_early: 0,
            points: s.points.into(),
            feedback_helped: s.hands.map(|h| h.0),
            feedback_ok: s.hands.map(|h| h.1),
            feedback_not_helped: s.hands.map(|h| h.2),
        })
        .collect();
    w.add_file(SESSIONS_FILE, |out| {
        let mut csv = csv::Writer::from_writer(out);
        for r in &records {
            csv.serialize(r).map_err(std::io::Error::other)?;
        }
        csv.flush()
    })
    .unwrap();
    w.add_file(ATTENDANCE_FILE, |out| {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(ATTENDANCE_COLUMNS)
            .map_err(std::io::Error::other)?;
        for (r, s) in records.iter().zip(sessions) {
            let date = s.started.format("%Y-%m-%d").to_string();
            for a in &s.attendees {
                let participant = a.map(pseudonym).unwrap_or_default();
                csv.write_record([
                    r.run_id.as_str(),
                    &date,
                    &kiosk.site,
                    &kiosk.wing,
                    &r.session_id,
                    &participant,
                    "false",
                ])
                .map_err(std::io::Error::other)?;
            }
        }
        csv.flush()
    })
    .unwrap();
    let summary = ExportSummary {
        site: kiosk.site.clone(),
        wing: kiosk.wing.clone(),
        kiosk_key_id: kiosk.key.key_id().to_string(),
        pseudonym_key_id: PSEUDONYM_KEY.into(),
        created,
        scope: "new".into(),
        sessions: sessions.len() as u64,
        attendances: sessions.iter().map(|s| s.attendees.len() as u64).sum(),
        first_started: sessions.iter().map(|s| s.started).min(),
        last_ended: sessions
            .iter()
            .map(|s| s.started + Duration::minutes(90))
            .max(),
    };
    w.add_file(SUMMARY_FILE, |out| {
        serde_json::to_writer_pretty(out, &summary).map_err(std::io::Error::other)
    })
    .unwrap();
    w.finish(
        &kiosk.key,
        PSEUDONYM_KEY,
        &kiosk.site,
        &kiosk.wing,
        created,
        "new",
    )
    .unwrap()
}

/// Two wings' exports in `dir`, and the kiosks' public keys.
///
/// `=HYPERLINK("x")` `-B`: 10 sessions in March (9 people each: counts
/// that are shown) and 3 in April (hidden). `HMP Example` `<C> & 'D'`: 9
/// sessions in April, with anonymous attendees, tools named like formulas,
/// and feedback asked in some only.
fn exports(dir: &Path) -> (Vec<PathBuf>, TrustedKeys) {
    let b = Kiosk::new(FORMULA_SITE, MINUS_WING);
    let c = Kiosk::new("HMP Example", MARKUP_WING);
    let mut sessions_b: Vec<Session> = (0..10)
        .map(|i| Session {
            started: day(3, 2 + i),
            attendees: (0..9).map(|p| Some((i as u64 + p) % 12)).collect(),
            tools: "goal-setting;cost-benefit",
            points: "1;2",
            hands: Some((5, 3, 1)),
        })
        .collect();
    sessions_b.extend((0..3).map(|i| Session {
        started: day(4, 2 + i),
        attendees: (0..4).map(|p| Some(p + 3)).collect(),
        tools: "goal-setting",
        points: "1",
        hands: Some((2, 1, 1)),
    }));
    let sessions_c: Vec<Session> = (0..9)
        .map(|i| Session {
            started: day(4, 6 + i),
            attendees: (0..10)
                .map(|p| if p < 2 { None } else { Some(100 + p) })
                .collect(),
            tools: "@SUM(A1);+tool;hierarchy-of-values",
            points: "3;4",
            hands: if i % 2 == 0 { Some((6, 2, 0)) } else { None },
        })
        .collect();
    let bundles = vec![
        write_bundle(dir, &b, &sessions_b),
        write_bundle(dir, &c, &sessions_c),
    ];
    (bundles, TrustedKeys::new(vec![b.public, c.public]))
}

/// The report as published: signatures checked, nothing skipped.
fn published(dir: &Path) -> Report {
    let (bundles, keys) = exports(dir);
    let mut r = ReportBuilder::new();
    for b in &bundles {
        r.add(&open_bundle(b, BundleTrust::SignedBy(&keys)).unwrap())
            .unwrap();
    }
    let report = r.finish(Disclosure::Published);
    assert!(report.warnings().is_empty(), "{:?}", report.warnings());
    report
}

/// Exact counts, signatures not checked, one export skipped.
fn exact_unverified(dir: &Path) -> Report {
    let (bundles, _) = exports(dir);
    let mut r = ReportBuilder::new();
    for b in &bundles {
        r.add(&open_bundle(b, BundleTrust::FilesOnly).unwrap())
            .unwrap();
    }
    r.skip(
        &dir.join("insideout-export_broken"),
        "<script>alert(1)</script> is not an export".into(),
    );
    r.finish(Disclosure::Exact)
}

/// Runs a Python script with `args`; fails the test with its output if it fails.
fn python(script: &str, args: &[&Path]) -> String {
    let run = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("python3 does not run ({e}): run `bash .ci/setup`"));
    let out = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "python3 failed:\n{out}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

/// Reads every table with Python's `csv` module and checks it; `mode` is
/// `published` or `exact`.
const CHECK_CSV: &str = r#"
import csv, os, sys
out, mode = sys.argv[1], sys.argv[2]
exact = mode == "exact"
headers = {
    "about.csv": ["item", "value"],
    "by_month.csv": ["site", "wing", "month", "sessions", "attendances", "people"],
    "dose.csv": ["sessions_attended", "people"],
    "by_point.csv": ["point", "sessions"],
    "by_tool.csv": ["tool", "sessions"],
    "feedback.csv": ["site", "wing", "sessions_asked", "helped", "ok", "did_not_help"],
}
numbers = {"sessions", "attendances", "people", "sessions_asked", "helped", "ok", "did_not_help"}
assert sorted(os.listdir(out)) == sorted(headers), os.listdir(out)
tables = {}
for name, header in headers.items():
    with open(os.path.join(out, name), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    expected = (["note"] if exact else []) + header
    assert rows[0] == expected, (name, rows[0])
    assert len(rows) > 1, (name, "no data rows")
    for row in rows[1:]:
        assert len(row) == len(expected), (name, row)
        for col, cell in zip(expected, row):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, col, cell)
            if col in numbers:
                assert cell == "*" or int(cell) >= 0, (name, col, cell)
                if not exact:
                    assert cell == "*" or int(cell) % 5 == 0, (name, col, cell)
            if col == "note":
                assert cell.startswith("NOT FOR PUBLICATION"), (name, cell)
    tables[name] = [dict(zip(expected, r)) for r in rows[1:]]

months = tables["by_month.csv"]
b = [m for m in months if m["site"] == "'=HYPERLINK(\"x\")"]
assert [m["wing"] for m in b] == ["'-B", "'-B"], months
assert [m["month"] for m in b] == ["2026-03", "2026-04"], months
c = [m for m in months if m["site"] == "HMP Example"]
assert [(m["wing"], m["month"]) for m in c] == [("<C> & 'D'", "2026-04")], months
if exact:
    assert (b[0]["sessions"], b[0]["people"], b[1]["sessions"]) == ("10", "12", "3"), b
    assert c[0]["attendances"] == "90" and c[0]["people"] == "8", c
else:
    # 3 sessions, 4 people: hidden. 10 sessions, 12 people: rounded.
    assert (b[0]["sessions"], b[0]["people"]) == ("10", "10"), b
    assert (b[1]["sessions"], b[1]["people"]) == ("*", "*"), b
tools = {t["tool"]: t["sessions"] for t in tables["by_tool.csv"]}
assert "'@SUM(A1)" in tools and "'+tool" in tools, tools
feedback = tables["feedback.csv"]
assert feedback[-1]["site"] == "All" and feedback[-1]["wing"] == "", feedback
assert [f["site"] for f in feedback[:-1]] == ["'=HYPERLINK(\"x\")", "HMP Example"], feedback
about = {}
for r in tables["about.csv"]:
    about.setdefault(r["item"], []).append(r["value"])
assert about["exports_read"] == ["2"], about
if exact:
    assert about["warning"][0].startswith("NOT FOR PUBLICATION"), about
    assert any(w.startswith("NOT VERIFIED") for w in about["warning"]), about
    assert about["exports_skipped"] == ["1"], about
    assert "is not an export" in about["skipped"][0], about
    assert about["total_sessions"] == ["22"], about
else:
    assert "warning" not in about, about
    assert about["rule"][0].startswith("Counts from 1 to 7 are shown as *"), about
    assert about["exports_skipped"] == ["0"], about
    assert about["period"] == ["2026-03 to 2026-04"], about
    assert about["total_sessions"] == ["20"], about
print("ok")
"#;

#[test]
fn python_reads_the_published_csv_tables_and_finds_no_formula() {
    let tmp = tempfile::tempdir().unwrap();
    let report = published(tmp.path());
    let out = tmp.path().join("csv").join("new");
    let files = write_csv(&report, &out).unwrap();
    assert_eq!(files.len(), 6, "{files:?}");
    assert!(files.iter().all(|f| f.starts_with(&out) && f.is_file()));
    python(CHECK_CSV, &[&out, Path::new("published")]);
}

#[test]
fn every_exact_csv_table_says_not_for_publication_on_every_row() {
    let tmp = tempfile::tempdir().unwrap();
    let report = exact_unverified(tmp.path());
    let out = tmp.path().join("csv");
    write_csv(&report, &out).unwrap();
    python(CHECK_CSV, &[&out, Path::new("exact")]);
}

#[test]
fn the_csv_error_names_the_file_it_could_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let report = published(tmp.path());
    let out = tmp.path().join("csv");
    std::fs::create_dir(&out).unwrap();
    // A folder where a table should go.
    std::fs::create_dir(out.join("dose.csv")).unwrap();
    let e = write_csv(&report, &out).unwrap_err();
    assert!(e.to_string().contains("dose.csv"), "{e}");
}

/// Headless Chromium, failing the test if it is not installed.
fn chromium(profile: &Path) -> Command {
    let bin = Path::new("/usr/bin/chromium");
    assert!(
        bin.exists(),
        "/usr/bin/chromium is missing: run `bash .ci/setup` (it installs chromium)"
    );
    let mut c = Command::new("timeout");
    c.arg("120").arg(bin).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]);
    c.arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Renders `page` to a PNG (1280 × `height`) and returns the DOM Chromium built.
fn render(page: &Path, png: &Path, height: u32) -> String {
    let dir = page.parent().unwrap();
    let shot = chromium(&dir.join("profile-shot"))
        .arg(format!("--window-size=1280,{height}"))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        shot.status.success(),
        "chromium could not take a screenshot: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(png).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR",
        "not a PNG"
    );
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, h), (1280, height));
    assert!(
        bytes.len() > 30_000,
        "the screenshot is nearly empty ({} bytes)",
        bytes.len()
    );
    let dom = chromium(&dir.join("profile-dom"))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "chromium could not dump the DOM: {}",
        String::from_utf8_lossy(&dom.stderr)
    );
    String::from_utf8(dom.stdout).unwrap()
}

/// Nothing on the page runs or is loaded from anywhere.
fn assert_self_contained(page: &str) {
    let lower = page.to_lowercase();
    for bad in [
        "<script", "http://", "https://", "src=", "<link", "<img", "<iframe", "<object", "url(",
        "@import", "href=",
    ] {
        assert!(!lower.contains(bad), "the page holds {bad:?}");
    }
}

/// Keeps a copy of a page and its screenshot under the target folder, to look at.
fn keep(page: &Path, png: &Path, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-html");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(png, dir.join(format!("{name}.png"))).unwrap();
    std::fs::copy(page, dir.join(format!("{name}.html"))).unwrap();
}

#[test]
fn chromium_renders_the_published_page_with_its_charts_tables_and_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let report = published(tmp.path());
    let page = html(&report);
    assert_self_contained(&page);
    // Names from the stick are escaped, not markup.
    assert!(page.contains("=HYPERLINK(&quot;x&quot;)"));
    assert!(page.contains("&lt;C&gt; &amp; &#39;D&#39;"));
    assert!(!page.contains("<C>"));
    assert!(!page.contains("class=\"warnings"), "no warnings to show");

    let file = tmp.path().join("report.html");
    std::fs::write(&file, &page).unwrap();
    let png = tmp.path().join("report.png");
    let dom = render(&file, &png, 2400);
    keep(&file, &png, "published");

    assert_eq!(dom.matches("<svg").count(), 6, "six charts");
    for id in [
        "sessions-by-month",
        "people-by-month",
        "dose",
        "by-point",
        "by-tool",
        "feedback",
    ] {
        assert!(dom.contains(&format!("<figure id=\"{id}\">")), "{id}");
    }
    assert!(
        dom.matches("<table>").count() >= 5,
        "a table for each chart"
    );
    assert!(
        dom.contains(attendance_export::disclosure::RULE),
        "the rule"
    );
    // The browser built no element from a name: `<C>` stayed text.
    assert!(!dom.to_lowercase().contains("<c>"));
    assert!(dom.contains("&lt;C&gt; &amp; 'D'"));
    // A hidden count has its `*` and no bar; shown counts have bars.
    assert!(dom.contains(r#"<text class="figure""#) && dom.contains(">*</text>"));
    assert!(dom.contains("<rect"));
    // The people sentence and the list of exports read.
    assert!(dom.contains("Exports read (2)"));
    assert!(dom.contains("Exports skipped (0)"));
    assert_self_contained(&dom);
}

#[test]
fn the_exact_unverified_page_says_so_first_in_red() {
    let tmp = tempfile::tempdir().unwrap();
    let report = exact_unverified(tmp.path());
    let page = html(&report);
    assert_self_contained(&page);
    let warnings = page.find(r#"<div class="warnings danger" role="alert">"#);
    let h1 = page.find("<h1>").unwrap();
    assert!(warnings.is_some_and(|w| w < h1), "the red box comes first");
    let top = &page[..h1];
    assert!(top.contains("NOT FOR PUBLICATION"));
    assert!(top.contains("NOT VERIFIED"));
    assert!(page.contains("<title>NOT VERIFIED – NOT FOR PUBLICATION – Attendance report</title>"));
    assert!(!page.contains(attendance_export::disclosure::RULE));
    // The skipped export's reason is text, not a script.
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; is not an export"));

    let file = tmp.path().join("report.html");
    std::fs::write(&file, &page).unwrap();
    let png = tmp.path().join("report.png");
    let dom = render(&file, &png, 2400);
    keep(&file, &png, "exact");
    assert_eq!(dom.matches("<svg").count(), 6, "six charts");
    assert!(dom.contains("Exports skipped (1)"));
    assert!(!dom.to_lowercase().contains("<script"));
}

/// Nine wings (more than there are colours) with long names over six
/// months, no tools and no feedback: every label fits or is cut with "…",
/// and the empty charts say "None recorded".
#[test]
fn a_page_with_many_wings_and_nothing_recorded_for_some_charts_renders() {
    let tmp = tempfile::tempdir().unwrap();
    let keys: Vec<TrustedKey> = (0..9)
        .map(|w| {
            let kiosk = Kiosk::new(
                "HMP A Prison With A Very Long Name Indeed",
                &format!("Wing {w} (the long-stay unit)"),
            );
            let sessions: Vec<Session> = (0..6)
                .map(|m| Session {
                    started: day(1 + m, 3 + w),
                    attendees: (0..(w as u64 * 2 + m as u64)).map(Some).collect(),
                    tools: "",
                    points: "",
                    hands: None,
                })
                .collect();
            write_bundle(tmp.path(), &kiosk, &sessions);
            kiosk.public
        })
        .collect();
    let keys = TrustedKeys::new(keys);
    let mut r = ReportBuilder::new();
    for entry in std::fs::read_dir(tmp.path()).unwrap() {
        let dir = entry.unwrap().path();
        r.add(&open_bundle(&dir, BundleTrust::SignedBy(&keys)).unwrap())
            .unwrap();
    }
    let report = r.finish(Disclosure::Published);
    assert_eq!(report.by_month.len(), 54);
    let page = html(&report);
    assert_self_contained(&page);
    assert_eq!(
        page.matches("None recorded.").count(),
        2,
        "tools and feedback"
    );
    assert!(page.contains("Wing 8 (the long-stay unit)"));

    let file = tmp.path().join("many.html");
    std::fs::write(&file, &page).unwrap();
    let png = tmp.path().join("many.png");
    let dom = render(&file, &png, 2400);
    keep(&file, &png, "many-wings");
    assert_eq!(dom.matches("<svg").count(), 4, "months twice, dose, points");
    assert!(dom.contains(attendance_export::disclosure::RULE));
}
