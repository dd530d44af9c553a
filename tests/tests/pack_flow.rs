//! The content team's flow end to end, through the real binaries:
//! keygen → pack build → pack verify/inspect → kiosk init → import, and the
//! programme the kiosk installed equals the source it was built from.

use std::path::Path;
use std::process::Output;

use content_pack::{load_source, ContentStore};
use tests::{p, sample_dir};

const PASSWORD: &str = "correct horse battery staple";

fn run(name: &str, args: &[&str]) -> Output {
    tests::run(name, args, None, Some(PASSWORD))
}

fn ok(name: &str, args: &[&str]) -> String {
    let out = run(name, args);
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `pack build` of `source` as `version`, signed with the
/// password-protected key `secret`, to `out`; what it printed.
fn build(source: &Path, version: &str, secret: &Path, out: &Path) -> String {
    ok(
        "insideout-provision",
        &[
            "pack",
            "build",
            p(source),
            "--version",
            version,
            "--secret-key",
            p(secret),
            "--out",
            p(out),
        ],
    )
}

/// `source` built as version 1, signed with `key`, to `out`, in this
/// process: for a source the test changed in memory.
fn pack_in_process(source: &content_pack::Source, key: &content_pack::SigningKey, out: &Path) {
    let options = content_pack::BuildOptions {
        version: 1,
        created: chrono::Utc::now(),
        expires: None,
        rotations: Vec::new(),
    };
    content_pack::build_pack_from_source(source, &options, key, out, &mut |_, _| {}).unwrap();
}

/// Runs a command that must fail, and returns its one stderr line.
fn refused(name: &str, args: &[&str]) -> String {
    let out = run(name, args);
    assert_eq!(out.status.code(), Some(1), "{name} {args:?} should fail");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line on stderr: {err}"
    );
    err
}

#[test]
fn a_signed_sample_pack_goes_from_keygen_to_an_installed_programme() {
    let dir = tempfile::tempdir().unwrap();
    let (sk, pk) = (
        dir.path().join("content.key"),
        dir.path().join("content.pub"),
    );
    let pack = dir.path().join("insideout-v4.iopack");
    let data = dir.path().join("kiosk");

    ok(
        "insideout-provision",
        &["keygen", "--secret-key", p(&sk), "--public-key", p(&pk)],
    );
    assert!(
        std::fs::read_to_string(&sk).unwrap().len() > 100,
        "a password-protected secret key is written"
    );
    let built = build(&sample_dir(), "4", &sk, &pack);
    assert!(built.contains("version 4"), "{built}");
    let verified = ok(
        "insideout-provision",
        &["pack", "verify", p(&pack), "--trusted-key", p(&pk)],
    );
    assert!(verified.starts_with("OK:"), "{verified}");
    assert!(verified.contains("checked as a kiosk checks"), "{verified}");
    assert!(
        verified.contains("not checked: that it is newer"),
        "{verified}"
    );
    // With the kiosks' version, the version is checked too, as a kiosk does.
    let newer = ok(
        "insideout-provision",
        &[
            "pack",
            "verify",
            p(&pack),
            "--trusted-key",
            p(&pk),
            "--installed-version",
            "3",
        ],
    );
    assert!(newer.contains("it is newer than version 3"), "{newer}");
    let err = refused(
        "insideout-provision",
        &[
            "pack",
            "verify",
            p(&pack),
            "--trusted-key",
            p(&pk),
            "--installed-version",
            "4",
        ],
    );
    assert!(
        err.contains("only a newer version can be installed"),
        "{err}"
    );

    // An expiry given as a date; 60 days on (as `faketime` sets the clock)
    // `pack verify` refuses the pack as a kiosk would.
    let expired = dir.path().join("expires.iopack");
    let day = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive();
    let day_text = day.format("%Y-%m-%d").to_string();
    let built = ok(
        "insideout-provision",
        &[
            "pack",
            "build",
            p(&sample_dir()),
            "--version",
            "5",
            "--secret-key",
            p(&sk),
            "--out",
            p(&expired),
            "--expires",
            &day_text,
        ],
    );
    assert!(built.contains("version 5"), "{built}");
    let later = std::process::Command::new("faketime")
        .args(["-f", "+60d"])
        .arg(tests::bin("insideout-provision"))
        .args(["pack", "verify", p(&expired), "--trusted-key", p(&pk)])
        .output()
        .expect("faketime runs (.ci/setup installs it)");
    let err = String::from_utf8_lossy(&later.stderr);
    assert_eq!(later.status.code(), Some(1), "{err}");
    let end = day.succ_opt().unwrap().format("%Y-%m-%dT00:00:00+00:00");
    assert!(err.contains(&format!("expired on {end}")), "{err}");
    let out = run(
        "insideout-provision",
        &[
            "pack",
            "build",
            p(&sample_dir()),
            "--version",
            "6",
            "--secret-key",
            p(&sk),
            "--out",
            p(&expired),
            "--expires",
            "30/06/2027",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a date like 2027-06-30"), "{err}");

    let inspected: serde_json::Value = serde_json::from_str(&ok(
        "insideout-provision",
        &[
            "pack",
            "inspect",
            p(&pack),
            "--trusted-key",
            p(&pk),
            "--json",
        ],
    ))
    .unwrap();
    let source = load_source(&sample_dir()).unwrap();
    assert_eq!(inspected["verified"], true);
    assert_eq!(inspected["manifest"]["version"], 4);
    assert_eq!(
        inspected["sessions"].as_array().unwrap().len(),
        source.programme.sessions.len()
    );
    assert_eq!(
        inspected["tools"].as_array().unwrap().len(),
        source.programme.tools.len()
    );

    ok(
        "insideout-provision",
        &[
            "kiosk",
            "init",
            "--data-dir",
            p(&data),
            "--site",
            "HMP Example",
            "--wing",
            "B",
            "--trusted-key",
            p(&pk),
        ],
    );
    ok(
        "insideout-kiosk",
        &["import", p(&pack), "--data-dir", p(&data)],
    );
    let store = ContentStore::open(&data.join("content")).unwrap();
    let installed = store.installed().unwrap().expect("a pack is installed");
    assert_eq!(installed.manifest().version, 4);
    assert_eq!(installed.programme().unwrap(), source.programme);
    for media in &source.media {
        assert_eq!(
            std::fs::read(installed.dir().join(media.pack_path.as_str())).unwrap(),
            std::fs::read(&media.file).unwrap()
        );
    }

    // The same pack again is refused, and says why.
    let err = refused(
        "insideout-kiosk",
        &["import", p(&pack), "--data-dir", p(&data)],
    );
    assert!(err.contains("version 4 is installed"), "{err}");

    // A pack signed by another key is refused, naming the key.
    let (sk2, _) = tests::content_key(dir.path(), "other");
    let other = dir.path().join("other.iopack");
    tests::build_sample(&sk2, 5, &other);
    let err = refused(
        "insideout-kiosk",
        &["import", p(&other), "--data-dir", p(&data)],
    );
    assert!(err.contains("not a trusted key"), "{err}");
    let err = refused(
        "insideout-provision",
        &["pack", "verify", p(&other), "--trusted-key", p(&pk)],
    );
    assert!(err.contains("not a trusted key"), "{err}");
    assert_eq!(store.installed().unwrap().unwrap().manifest().version, 4);
}

#[test]
fn a_source_mistake_names_the_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    copy_dir(&sample_dir(), &src);
    let session = std::fs::read_dir(src.join("sessions"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&session).unwrap();
    std::fs::write(&session, text.replacen("minutes", "minutez", 1)).unwrap();
    let (sk, _) = tests::content_key(dir.path(), "k");
    let out = dir.path().join("x.iopack");
    let err = refused(
        "insideout-provision",
        &[
            "pack",
            "build",
            p(&src),
            "--version",
            "1",
            "--secret-key",
            p(&sk),
            "--out",
            p(&out),
        ],
    );
    let file_name = session.file_name().unwrap().to_str().unwrap();
    assert!(err.contains(file_name) && err.contains("minutez"), "{err}");
    assert!(!out.exists(), "no pack is written");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `pack inspect` without a trusted key shows what a pack claims; a pack
/// whose texts hold terminal escapes cannot drive the terminal.
#[test]
fn inspecting_an_unverified_pack_escapes_its_texts() {
    use content_pack::*;
    let dir = tempfile::tempdir().unwrap();
    let keys = generate_keys(KeyProtection::Unencrypted).unwrap();
    let key = SigningKey::from_text(&keys.secret_key, None).unwrap();
    let mut source = load_source(&sample_dir()).unwrap();
    source.programme.title = "Sample\u{1b}]0;owned\u{7}\u{1b}[2J".into();
    source.approval = Approval {
        approved_by: "Lead\u{1b}[31m".into(),
        reference: "CR\r\n-1".into(),
    };
    let pack = dir.path().join("escapes.iopack");
    pack_in_process(&source, &key, &pack);
    let out = ok("insideout-provision", &["pack", "inspect", p(&pack)]);
    assert!(out.contains("NOT VERIFIED"), "{out}");
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\r'),
        "{out:?}"
    );
    assert!(
        out.contains("approved:  Lead\\u{1b}[31m (CR\\u{d}\\u{a}-1)"),
        "{out}"
    );
}

/// `pack inspect --json` shows the whole sample programme (issue 10): at
/// least 24 sessions and 20 tools, and every tool used by a session, so it
/// can be reached on the kiosk.
#[test]
fn the_inspected_sample_has_24_sessions_20_tools_and_every_tool_is_reachable() {
    let dir = tempfile::tempdir().unwrap();
    let (sk, pk, pack) = keys_and_sample_pack(dir.path());
    let _ = sk;
    let inspected: serde_json::Value = serde_json::from_str(&ok(
        "insideout-provision",
        &[
            "pack",
            "inspect",
            p(&pack),
            "--trusted-key",
            p(&pk),
            "--json",
        ],
    ))
    .unwrap();
    let sessions = inspected["sessions"].as_array().unwrap();
    let tools = inspected["tools"].as_array().unwrap();
    assert!(sessions.len() >= 24, "{} sessions", sessions.len());
    assert!(tools.len() >= 20, "{} tools", tools.len());
    for tool in tools {
        let id = tool["id"].as_str().unwrap();
        assert!(
            sessions
                .iter()
                .any(|s| s["tools"].as_array().unwrap().iter().any(|t| t == id)),
            "tool {id} is used by no session"
        );
    }
    for s in sessions {
        let minutes = s["minutes"].as_u64().unwrap();
        assert!((60..=90).contains(&minutes), "{s}");
    }
}

/// Makes a key pair and builds the sample into a pack, in `dir`.
fn keys_and_sample_pack(
    dir: &Path,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let (sk, pk) = (dir.join("content.key"), dir.join("content.pub"));
    let pack = dir.join("sample.iopack");
    ok(
        "insideout-provision",
        &["keygen", "--secret-key", p(&sk), "--public-key", p(&pk)],
    );
    build(&sample_dir(), "1", &sk, &pack);
    (sk, pk, pack)
}

/// Pages of a PDF, by `pdfinfo` (poppler-utils, from `.ci/setup`).
fn pdf_pages(pdf: &Path) -> u32 {
    let out = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs (.ci/setup installs poppler-utils)");
    assert!(out.status.success(), "pdfinfo {}", pdf.display());
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo gave no page count: {text}"))
}

/// Prints an HTML file to PDF with Debian's headless Chromium.
fn print_to_pdf(html: &Path, pdf: &Path) {
    let out = tests::chromium(&pdf.with_extension("profile"))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs (.ci/setup installs it)");
    assert!(
        out.status.success() && pdf.exists(),
        "chromium could not print {}: {}",
        html.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `pack handouts` writes self-contained pages (no script, nothing loaded
/// from anywhere) that Chromium prints: one A4 page per tool handout, and a
/// facilitator guide per session with its timings, notes and the safety
/// guide. Three pages are kept as PNGs under the target folder to look at.
#[test]
fn handouts_print_one_page_per_tool_and_a_guide_per_session() {
    let dir = tempfile::tempdir().unwrap();
    let (_, pk, pack) = keys_and_sample_pack(dir.path());
    let out_dir = dir.path().join("handouts");
    let said = ok(
        "insideout-provision",
        &[
            "pack",
            "handouts",
            p(&pack),
            "--trusted-key",
            p(&pk),
            "--out",
            p(&out_dir),
        ],
    );
    let source = load_source(&sample_dir()).unwrap();
    let programme = &source.programme;
    assert!(
        said.contains(&format!("{} session guides", programme.sessions.len())),
        "{said}"
    );

    // Without a key nothing is printed.
    let err = refused(
        "insideout-provision",
        &["pack", "handouts", p(&pack), "--out", p(&out_dir)],
    );
    assert!(err.contains("--trusted-key"), "{err}");

    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        2 + programme.sessions.len() + programme.tools.len(),
        "{names:?}"
    );
    for name in &names {
        let html = std::fs::read_to_string(out_dir.join(name)).unwrap();
        assert!(
            !html.to_lowercase().contains("<script"),
            "{name} has a script"
        );
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{name} links out"
        );
        assert!(
            html.contains("default-src 'none'; img-src data:"),
            "{name} has no policy against loading"
        );
    }
    for s in &programme.sessions {
        let file = format!("session-{:02}-{}.html", s.number, s.id);
        let html = std::fs::read_to_string(out_dir.join(&file)).unwrap();
        for p in &s.phases {
            assert!(html.contains(&format!("({} minutes)", p.minutes)), "{file}");
        }
        assert!(html.contains("Safety and disclosure guide"), "{file}");
        assert!(html.contains("ACCT"), "{file}");
    }
    for t in &programme.tools {
        let html = std::fs::read_to_string(out_dir.join(format!("tool-{}.html", t.id))).unwrap();
        assert!(
            html.contains("src=\"data:image/svg+xml;base64,"),
            "{} has no picture",
            t.id
        );
        let plain_step = t.steps[0]
            .plain
            .replace('\'', "&#39;")
            .replace('"', "&quot;");
        assert!(html.contains(&plain_step), "{} lacks its plain steps", t.id);
    }

    // Print every page with Chromium; each tool handout is one A4 page.
    let pdfs = dir.path().join("pdf");
    std::fs::create_dir_all(&pdfs).unwrap();
    let mut total = 0;
    let mut longest = (0, String::new());
    for name in &names {
        let pdf = pdfs.join(name.replace(".html", ".pdf"));
        print_to_pdf(&out_dir.join(name), &pdf);
        let pages = pdf_pages(&pdf);
        total += pages;
        if name.starts_with("tool-") {
            assert_eq!(pages, 1, "{name} prints on {pages} pages");
        }
        if name.starts_with("session-") {
            assert!(pages >= 3, "{name}: {pages} pages");
            if pages > longest.0 {
                longest = (pages, name.clone());
            }
        }
    }
    println!(
        "{} files printed to {total} pages; longest session guide {} ({} pages)",
        names.len(),
        longest.1,
        longest.0
    );

    // Three pages as PNGs, to look at: a tool handout, a rating worksheet,
    // and the first page of a session guide.
    let look = Path::new(env!("CARGO_TARGET_TMPDIR")).join("handouts-png");
    let _ = std::fs::remove_dir_all(&look);
    std::fs::create_dir_all(&look).unwrap();
    for (pdf, png) in [
        ("tool-deads.pdf", "tool-deads"),
        ("tool-lifestyle-costs.pdf", "tool-lifestyle-costs"),
        ("session-17-s17-lapse-and-relapse.pdf", "session-17"),
    ] {
        let status = std::process::Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
            .arg(pdfs.join(pdf))
            .arg(look.join(png))
            .status()
            .expect("pdftoppm runs (.ci/setup installs poppler-utils)");
        assert!(status.success(), "{pdf}");
        assert!(look.join(format!("{png}.png")).exists());
    }
}

/// A person's recording beside a session file goes into the pack with the
/// text it reads, and `pack build` says which texts have one and how their
/// sentences were timed. The "person" is espeak-ng, one sentence at a time,
/// joined with pauses by sox.
#[test]
fn pack_build_says_which_texts_a_person_recorded() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    copy_dir(&sample_dir(), &src);
    let source = load_source(&src).unwrap();
    let welcome = &source.programme.sessions[0].phases[0].text.standard;
    let folder = src.join("sessions/01-welcome-to-insideout");
    std::fs::create_dir_all(&folder).unwrap();
    let mut parts = Vec::new();
    for (i, sentence) in content_pack::readability::sentences(welcome)
        .iter()
        .enumerate()
    {
        let part = dir.path().join(format!("{i}.wav"));
        let said = dir.path().join(format!("{i}-said.wav"));
        for cmd in [
            Command::new("espeak-ng")
                .args(["-v", "en-gb", "-w"])
                .arg(&said)
                .arg(sentence),
            Command::new("sox")
                .arg(&said)
                .arg(&part)
                .args(["pad", "0", "0.6"]),
        ] {
            assert!(
                cmd.status().unwrap().success(),
                "{cmd:?} (.ci/setup installs espeak-ng and sox)"
            );
        }
        parts.push(part);
    }
    let recording = folder.join("phase-1.text.flac");
    assert!(Command::new("sox")
        .args(&parts)
        .arg(&recording)
        .status()
        .unwrap()
        .success());

    let (sk, _) = tests::content_key(dir.path(), "k");
    let pack = dir.path().join("recorded.iopack");
    let built = build(&src, "1", &sk, &pack);
    assert!(built.contains(", 1 with a person's recording,"), "{built}");
    assert!(
        built.contains("recorded: sessions/01-welcome-to-insideout/phase-1.text.flac: sentences timed by its pauses"),
        "{built}"
    );
    let inspected = ok(
        "insideout-provision",
        &["pack", "inspect", p(&pack), "--json"],
    );
    assert!(
        inspected.contains("\"media/audio/rec-"),
        "the recording is in the pack's manifest: {inspected}"
    );
}

/// `pack handouts --language cy`: each tool handout is in Welsh (its words
/// and, where the pack has one, its Welsh picture, as Python decodes it from
/// the page) on one A4 page as Chromium prints it; the facilitator guides
/// show the room's Welsh words under English headings. A pack without Welsh
/// is refused, saying so.
#[test]
fn welsh_handouts_print_the_welsh_words_and_pictures_one_page_a_tool() {
    use content_pack::{Language, ParticipantText};
    let dir = tempfile::tempdir().unwrap();
    let (_, pk, pack) = keys_and_sample_pack(dir.path());
    let out_dir = dir.path().join("handouts-cy");
    let handouts = |pack: &Path, out: &Path| {
        run(
            "insideout-provision",
            &[
                "pack",
                "handouts",
                p(pack),
                "--trusted-key",
                p(&pk),
                "--out",
                p(out),
                "--language",
                "cy",
            ],
        )
    };
    let said = handouts(&pack, &out_dir);
    let said = String::from_utf8_lossy(&said.stdout);
    assert!(said.contains("the room's words in Welsh"), "{said}");
    let source = load_source(&sample_dir()).unwrap();
    let programme = &source.programme;
    let html_of = |text: &str| text.replace('\'', "&#39;").replace('"', "&quot;");
    let welsh = |t: &ParticipantText| html_of(t.pick_in(Language::Cy, true));

    let mut pictures = Vec::new();
    for t in &programme.tools {
        let page = out_dir.join(format!("tool-{}.html", t.id));
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(html.contains("<html lang=\"cy\">"), "{}", t.id);
        assert!(html.contains(&welsh(&t.name)), "{}: its Welsh name", t.id);
        for step in &t.steps {
            assert!(html.contains(&welsh(step)), "{}: {}", t.id, welsh(step));
            assert!(
                !html.contains(&html_of(&step.plain)),
                "{}: English left",
                t.id
            );
        }
        let cy = sample_dir().join(t.picture.replacen("media/", "media/cy/", 1));
        pictures.push((
            page.clone(),
            if cy.exists() {
                cy
            } else {
                sample_dir().join(&t.picture)
            },
        ));
        let pdf = dir.path().join(format!("tool-{}.pdf", t.id));
        print_to_pdf(&page, &pdf);
        assert_eq!(
            pdf_pages(&pdf),
            1,
            "{} in Welsh prints on more than one page",
            t.id
        );
    }
    // And the first session guide's first point's picture.
    let s = &programme.sessions[0];
    let guide = out_dir.join(format!("session-{:02}-{}.html", s.number, s.id));
    let point = programme.point_picture(s.points[0]).unwrap();
    pictures.push((
        guide.clone(),
        sample_dir().join(point.replacen("media/", "media/cy/", 1)),
    ));
    // Python's base64 reads each page's first picture: the Welsh one, byte
    // for byte.
    let check = r#"
import base64, re, sys
args = sys.argv[1:]
for page, picture in zip(args[::2], args[1::2]):
    html = open(page, encoding="utf-8").read()
    data = re.search(r'<img [^>]*src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    assert base64.b64decode(data) == open(picture, "rb").read(), page
print(len(args) // 2)
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(check)
        .args(pictures.iter().flat_map(|(page, picture)| [page, picture]))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        pictures.len().to_string()
    );

    let guide = std::fs::read_to_string(&guide).unwrap();
    let text = html_of(s.phases[0].text.pick_in(Language::Cy, false).trim());
    assert!(
        guide.contains(&format!("<p class=\"text\" lang=\"cy\">{text}</p>")),
        "the welcome in Welsh, marked as Welsh"
    );
    assert!(guide.contains("<h3>On the screen</h3>") && guide.contains("ACCT"));

    // The same programme packed with no Welsh.
    let mut english = load_source(&sample_dir()).unwrap();
    english.programme.translations.clear();
    english
        .programme
        .each_room_text_mut(|t| t.translations.clear());
    let (sk, pk_en) = tests::content_key(dir.path(), "en");
    let key = content_pack::SigningKey::from_file(&sk, None).unwrap();
    let pack_en = dir.path().join("english.iopack");
    pack_in_process(&english, &key, &pack_en);
    let out = tests::run(
        "insideout-provision",
        &[
            "pack",
            "handouts",
            p(&pack_en),
            "--trusted-key",
            p(&pk_en),
            "--out",
            p(&dir.path().join("none")),
            "--language",
            "cy",
        ],
        None,
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("this pack has no Welsh translation (its pack.toml claims none)"),
        "{err}"
    );
    assert!(!dir.path().join("none").exists(), "nothing written");
}
