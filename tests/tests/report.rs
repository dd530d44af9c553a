//! The service report across the wings of a prison, through the real
//! binaries: kiosks given one site pseudonym key count each person once and
//! add up their sessions; kiosks with their own keys count per kiosk, and
//! the report says so. The keyring binds each kiosk key to its wing, and the
//! stick's folder is searched, with what was skipped listed. The expected
//! figures are worked out from the exports' CSVs by Python's `csv` module.

use std::path::{Path, PathBuf};

use tests::{ok, p, refused};

struct Prison {
    t: PathBuf,
    pack: PathBuf,
    content_pub: PathBuf,
    stick: PathBuf,
}

impl Prison {
    fn new(t: &Path) -> Prison {
        let (sk, pk) = tests::content_key(t, "content");
        let pack = t.join("programme.iopack");
        tests::build_sample(&sk, 1, &pack);
        let stick = t.join("stick");
        std::fs::create_dir(&stick).unwrap();
        Prison {
            t: t.to_owned(),
            pack,
            content_pub: pk,
            stick,
        }
    }

    /// Sets up wing `wing` (with `site_key` if given), runs `sessions`
    /// sessions over six months with people `offset..offset + pool` of the
    /// prison's list, exports to the stick and files its public key in
    /// `keys` as SITE_WING.pub.
    fn wing(&self, wing: &str, site_key: Option<&Path>, offset: usize, keys: &Path) {
        let data = self.t.join(format!("kiosk-{wing}"));
        let mut init = vec![
            "kiosk",
            "init",
            "--data-dir",
            p(&data),
            "--site",
            "HMP Example",
            "--wing",
            wing,
            "--trusted-key",
            p(&self.content_pub),
        ];
        if let Some(k) = site_key {
            init.extend(["--pseudonym-key", p(k)]);
        }
        let out = ok("insideout-provision", &init, None);
        let expected = match site_key {
            Some(_) => "uses site pseudonym key",
            None => "has its own pseudonym key",
        };
        assert!(out.contains(expected), "{out}");
        assert!(out.contains(&format!("HMP-Example_{wing}.pub")), "{out}");
        ok(
            "insideout-kiosk",
            &["import", p(&self.pack), "--data-dir", p(&data)],
            None,
        );
        let offset = offset.to_string();
        let seed = (wing.as_bytes()[0] as u64).to_string();
        ok(
            "insideout-kiosk",
            &[
                "simulate",
                "--data-dir",
                p(&data),
                "--sessions",
                "26",
                "--group-size",
                "8",
                "--seed",
                &seed,
                "--people-seed",
                "77",
                "--pool",
                "14",
                "--pool-offset",
                &offset,
                "--days",
                "180",
            ],
            None,
        );
        ok(
            "insideout-kiosk",
            &["export", "--data-dir", p(&data), "--to", p(&self.stick)],
            None,
        );
        std::fs::create_dir_all(keys).unwrap();
        std::fs::copy(
            data.join("kiosk.pub"),
            keys.join(format!("HMP-Example_{wing}.pub")),
        )
        .unwrap();
    }
}

fn report(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["export", "report"];
    all.extend(args);
    all.extend(["--exact", "--json"]);
    serde_json::from_str(&ok("insideout-provision", &all, None)).unwrap()
}

/// People and each one's sessions, from the bundles' attendance.csv files
/// under `stick` whose folder names contain one of `wings`, read by Python.
fn people_by_python(stick: &Path, wings: &[&str]) -> (u64, [u64; 4]) {
    let script = r#"
import csv, glob, os, sys
stick, wings = sys.argv[1], sys.argv[2].split(",")
runs = {}
for path in sorted(glob.glob(os.path.join(stick, "insideout-export_*", "attendance.csv"))):
    if not any("_HMP-Example_%s_" % w in path for w in wings):
        continue
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["participant"]:
                runs.setdefault(row["participant"], set()).add(row["run_id"])
bands = [0, 0, 0, 0]
for r in runs.values():
    n = len(r)
    bands[0 if n == 1 else 1 if n <= 4 else 2 if n <= 9 else 3] += 1
print(len(runs), *bands)
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, p(stick), &wings.join(",")])
        .output()
        .expect("python3 (bash .ci/setup installs what the tests need)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nums: Vec<u64> = String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    (nums[0], [nums[1], nums[2], nums[3], nums[4]])
}

fn dose(r: &serde_json::Value) -> [u64; 4] {
    let d = r["dose"].as_array().unwrap();
    [0, 1, 2, 3].map(|i| d[i]["count"].as_u64().unwrap())
}

#[test]
fn one_site_key_counts_each_person_once_across_wings_and_adds_up_their_sessions() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let prison = Prison::new(t);
    let site_key = t.join("site.key");
    let out = ok(
        "insideout-provision",
        &["site", "keygen", "--out", p(&site_key)],
        None,
    );
    assert!(out.starts_with("Site pseudonym key "), "{out}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&site_key).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let again = refused(
        "insideout-provision",
        &["site", "keygen", "--out", p(&site_key)],
    );
    assert!(again.contains("never overwritten"), "{again}");

    // Four wings share the site key; their people overlap (B and C the same
    // fourteen, D and E shifted along the list: people who moved wing).
    let keys = t.join("kiosk-keys");
    for (wing, offset) in [("B", 0), ("C", 0), ("D", 7), ("E", 14)] {
        prison.wing(wing, Some(&site_key), offset, &keys);
    }
    // A half-written export on the stick is listed, not read.
    std::fs::create_dir(
        prison
            .stick
            .join(".partial-insideout-export_HMP-Example_F_x"),
    )
    .unwrap();

    let r = report(&[p(&prison.stick), "--kiosk-keys", p(&keys)]);
    assert_eq!(r["verified"], true);
    assert_eq!(r["read"].as_array().unwrap().len(), 4);
    let skipped = r["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("an export that did not finish"));
    assert_eq!(r["people_counted"]["pseudonym_keys"], 1);
    assert_eq!(r["people_counted"]["per_kiosk"], false);
    assert_eq!(r["totals"]["sessions"], 104);
    let (people, bands) = people_by_python(&prison.stick, &["B", "C", "D", "E"]);
    assert_eq!(people, 28, "offsets 0, 0, 7, 14 with 14 each: 28 people");
    assert_eq!(r["totals"]["people"], people);
    assert_eq!(dose(&r), bands);
    let months: std::collections::BTreeSet<&str> = r["by_month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert!(months.len() >= 6, "{months:?}");
    render_published_page(&prison.stick, &keys, t);

    // B and C alone: the same fourteen people, counted once, their sessions
    // on both wings added up.
    let bc = t.join("bc");
    std::fs::create_dir(&bc).unwrap();
    for w in ["B", "C"] {
        std::fs::copy(
            keys.join(format!("HMP-Example_{w}.pub")),
            bc.join(format!("HMP-Example_{w}.pub")),
        )
        .unwrap();
    }
    let r = report(&[p(&prison.stick), "--kiosk-keys", p(&bc), "--unverified"]);
    let (people, bands) = people_by_python(&prison.stick, &["B", "C"]);
    let wing_people = |wing: &str| -> u64 {
        let (n, _) = people_by_python(&prison.stick, &[wing]);
        n
    };
    assert_eq!(people, 14);
    assert_eq!((wing_people("B"), wing_people("C")), (14, 14));
    assert_eq!(r["verified"], false, "D and E were read unverified");
    let r_bc = report(&[p(&prison.stick), "--kiosk-keys", p(&bc)]);
    // Without --unverified, D's and E's exports are refused and listed.
    let skipped = r_bc["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(
        skipped
            .iter()
            .filter(|s| s["reason"]
                .as_str()
                .unwrap()
                .contains("or give --unverified"))
            .count()
            == 2,
        "{skipped:?}"
    );
    assert_eq!(r_bc["verified"], true);
    assert_eq!(r_bc["totals"]["people"], 14);
    assert_eq!(dose(&r_bc), bands);
    assert!(
        bands[3] > 0,
        "sessions on both wings add up to 10+: {bands:?}"
    );
    let text = ok(
        "insideout-provision",
        &["export", "report", p(&prison.stick), "--kiosk-keys", p(&bc)],
        None,
    );
    assert!(
        text.contains("People are counted once across both kiosks"),
        "{text}"
    );

    // A key filed under the wrong wing: its exports are refused.
    let swapped = t.join("swapped");
    std::fs::create_dir(&swapped).unwrap();
    std::fs::copy(
        keys.join("HMP-Example_B.pub"),
        swapped.join("HMP-Example_C.pub"),
    )
    .unwrap();
    let r = report(&[p(&prison.stick), "--kiosk-keys", p(&swapped)]);
    let reasons: Vec<&str> = r["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("signed by the key of HMP-Example C")
                && r.contains("says it is from HMP Example B")),
        "{reasons:?}"
    );
    assert_eq!(r["read"].as_array().unwrap().len(), 0);
}

/// The published page for the whole prison (4 wings, 6 months), rendered
/// by Chromium to a PNG kept under the target folder to look at
/// (`report-html/prison-4-wings.png`); the DOM Chromium built holds every
/// wing's rows, the feedback table with counts, and the rule.
fn render_published_page(stick: &Path, keys: &Path, t: &Path) {
    let page = t.join("report.html");
    ok(
        "insideout-provision",
        &[
            "export",
            "report",
            p(stick),
            "--kiosk-keys",
            p(keys),
            "--html",
            p(&page),
        ],
        None,
    );
    let png = t.join("report.png");
    let shot = tests::chromium(&t.join("profile-shot"))
        .arg("--window-size=1280,4000")
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        shot.status.success(),
        "chromium could not take a screenshot: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() > 50_000,
        "a nearly empty page ({} bytes)",
        bytes.len()
    );
    let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-html");
    std::fs::create_dir_all(&kept).unwrap();
    std::fs::copy(&png, kept.join("prison-4-wings.png")).unwrap();
    std::fs::copy(&page, kept.join("prison-4-wings.html")).unwrap();

    let dom = tests::chromium(&t.join("profile-dom"))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(dom.status.success(), "chromium could not dump the DOM");
    let dom = String::from_utf8(dom.stdout).unwrap();
    for wing in ["B", "C", "D", "E"] {
        assert!(
            dom.contains(&format!("<td>{wing}</td>")),
            "no rows for wing {wing}"
        );
    }
    for words in [
        "How was today?",
        "Did not help",
        "Counts from 1 to 7 are shown as *",
    ] {
        assert!(dom.contains(words), "the page lacks {words:?}");
    }
    // The simulated groups were asked at most check-outs: the feedback
    // chart is drawn, not "None recorded".
    let feedback = &dom[dom
        .find(r#"<figure id="feedback">"#)
        .expect("a feedback figure")..];
    let feedback = &feedback[..feedback.find("</figure>").unwrap()];
    assert!(feedback.contains("<svg"), "{feedback}");
}

#[test]
fn kiosks_with_their_own_keys_count_people_per_kiosk_and_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let prison = Prison::new(t);
    let keys = t.join("kiosk-keys");
    for wing in ["B", "C"] {
        prison.wing(wing, None, 0, &keys);
    }
    let r = report(&[p(&prison.stick), "--kiosk-keys", p(&keys)]);
    assert_eq!(r["people_counted"]["per_kiosk"], true);
    assert_eq!(r["people_counted"]["pseudonym_keys"], 2);
    // The same fourteen people on both wings count twice.
    assert_eq!(r["totals"]["people"], 28);
    let text = ok(
        "insideout-provision",
        &[
            "export",
            "report",
            p(&prison.stick),
            "--kiosk-keys",
            p(&keys),
        ],
        None,
    );
    assert!(text.contains("People are counted per kiosk"), "{text}");
}

/// The CSV tables, read by Python's `csv` module: a header row, numbers as
/// numbers or `*`, and no cell a spreadsheet would evaluate, even for a
/// site named like a formula.
#[test]
fn the_csv_tables_read_in_python_and_hold_no_formula() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let prison = Prison::new(t);
    let keys = t.join("kiosk-keys");
    prison.wing("B", None, 0, &keys);
    let out = t.join("csv");
    let pubkey = keys.join("HMP-Example_B.pub");
    ok(
        "insideout-provision",
        &[
            "export",
            "report",
            p(&prison.stick),
            "--kiosk-key",
            p(&pubkey),
            "--csv",
            p(&out),
        ],
        None,
    );
    let script = r#"
import csv, glob, os, sys
out = sys.argv[1]
names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(out, "*.csv")))
assert names == ["about.csv", "by_month.csv", "by_point.csv", "by_tool.csv", "dose.csv", "feedback.csv"], names
numbers = {"sessions", "attendances", "people", "sessions_asked", "helped", "ok", "did_not_help"}
for name in names:
    with open(os.path.join(out, name), newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for col, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, col, cell)
            if col in numbers:
                assert cell == "*" or (cell.isdigit() and int(cell) % 5 == 0), (name, col, cell)
with open(os.path.join(out, "by_month.csv"), newline="") as f:
    months = list(csv.DictReader(f))
assert len(months) >= 6 and all(m["site"] == "HMP Example" for m in months), months
with open(os.path.join(out, "about.csv"), newline="") as f:
    about = {r["item"]: r["value"] for r in csv.DictReader(f)}
assert about["rule"].startswith("Counts from 1 to 7 are shown as *"), about
print("ok")
"#;
    let run = std::process::Command::new("python3")
        .args(["-c", script, p(&out)])
        .output()
        .expect("python3");
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}
