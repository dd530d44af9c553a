//! `pack handouts`: printable pages from a verified pack.
//!
//! For every session, a facilitator guide (timings, what the room sees in
//! both versions, the facilitator notes, the tools, and the safety and
//! disclosure guide); for every tool, a one-page handout in plain words with
//! its picture and an empty worksheet; an index; and the safety guide on its
//! own. Each page is one self-contained HTML file with print CSS for A4:
//! pictures are embedded as `data:` images (an `<img>` never runs an SVG's
//! scripts), there is no script, and a Content-Security-Policy forbids
//! loading anything from anywhere, so a page printed on an office PC reaches
//! no network.
//!
//! `--language cy` prints the room's words in Welsh (the pack must carry
//! the translation): the tool handouts wholly, with the Welsh pictures; the
//! facilitator guides keep their headings and notes in English.
//!
//! The pack is verified and unpacked through the same code a kiosk uses
//! (into a temporary content store that is removed afterwards), so nothing
//! is printed from a pack whose signature or hashes do not check out.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use content_pack::{
    ContentStore, GuideSection, Language, Limits, NoObserver, PhaseKind, Programme, Session, Tool,
    UnverifiedPack, WorksheetKind,
};

use crate::pack::Keys;

#[derive(Args)]
pub struct HandoutsArgs {
    /// The pack file.
    pack: PathBuf,
    #[command(flatten)]
    keys: Keys,
    /// The folder to write the pages to (made if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The language of the room's words: en (English) or cy (Welsh, when
    /// the pack has it). Headings and notes for the facilitator stay in
    /// English.
    #[arg(long, value_name = "CODE", default_value = "en")]
    language: Language,
}

/// One page to write: its file name and its HTML.
pub struct Page {
    pub file: String,
    pub html: String,
}

pub fn handouts(a: HandoutsArgs) -> anyhow::Result<()> {
    if a.keys.is_empty() {
        anyhow::bail!("give at least one --trusted-key PUB to check the pack against");
    }
    let keys = a.keys.load()?;
    let verified = UnverifiedPack::open(&a.pack, &Limits::default())?.verify(&keys)?;
    let staging = std::env::temp_dir().join(format!("insideout-handouts-{}", std::process::id()));
    let result = (|| {
        let store = ContentStore::open(&staging)?;
        let installed = store.install(verified, chrono::Utc::now(), &mut NoObserver)?;
        let programme = installed.programme()?;
        if a.language != Language::En
            && !programme
                .translations
                .iter()
                .any(|t| t.language == a.language)
        {
            anyhow::bail!(
                "this pack has no {} translation (its pack.toml claims none): print the handouts in English, or give a pack built with one",
                a.language.english_name()
            );
        }
        // The pictures, and their versions in the language where the pack
        // has them; the audio is not needed.
        let mut pictures = BTreeMap::new();
        for path in programme.media_paths() {
            if !(path.ends_with(".svg") || path.ends_with(".png")) {
                continue;
            }
            let variant = a.language.picture(path);
            let found = variant.filter(|v| installed.dir().join(v).is_file());
            for path in std::iter::once(path).chain(found.as_deref()) {
                let bytes = fs::read(installed.dir().join(path))
                    .with_context(|| format!("cannot read {path} from the pack"))?;
                pictures.insert(path.to_owned(), bytes);
            }
        }
        Ok::<_, anyhow::Error>((programme, pictures))
    })();
    // The unpacked copy is only a means to read the pack: remove it whatever happened.
    let _ = fs::remove_dir_all(&staging);
    let (programme, pictures) = result?;
    let pages = render(&programme, &pictures, a.language);
    fs::create_dir_all(&a.out).with_context(|| format!("cannot make {}", a.out.display()))?;
    for page in &pages {
        write_page(&a.out, page)?;
    }
    crate::emit(&format!(
        "wrote {} pages to {} (the room's words in {}): {} session guides, {} tool handouts, the safety guide and an index",
        pages.len(),
        a.out.display(),
        a.language.english_name(),
        programme.sessions.len(),
        programme.tools.len()
    ))
}

fn write_page(dir: &Path, page: &Page) -> anyhow::Result<()> {
    let path = dir.join(&page.file);
    fs::write(&path, &page.html).with_context(|| format!("cannot write {}", path.display()))
}

/// Every page for `programme`, the room's words in `l`, pictures taken
/// from `pictures` (pack path → bytes; a picture missing there is left out,
/// and one missing in `l` is shown as it is).
pub fn render(
    programme: &Programme,
    pictures: &BTreeMap<String, Vec<u8>>,
    l: Language,
) -> Vec<Page> {
    let mut pages = vec![Page {
        file: "index.html".into(),
        html: index(programme, l),
    }];
    pages.push(Page {
        file: "safety-guide.html".into(),
        html: page(
            "Facilitator safety and disclosure guide",
            &safety_guide(&programme.safety_guide),
            Language::En,
        ),
    });
    for s in &programme.sessions {
        pages.push(Page {
            file: session_file(s),
            html: session_guide(programme, s, pictures, l),
        });
    }
    for t in &programme.tools {
        pages.push(Page {
            file: tool_file(t),
            html: tool_handout(t, pictures, l),
        });
    }
    pages
}

fn session_file(s: &Session) -> String {
    format!("session-{:02}-{}.html", s.number, s.id)
}

fn tool_file(t: &Tool) -> String {
    format!("tool-{}.html", t.id)
}

/// Print CSS: A4, large type, no colour needed, each guide's parts kept whole.
const STYLE: &str = r#"
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 11.5pt; line-height: 1.35; color: #000; margin: 0; }
h1 { font-size: 20pt; margin: 0 0 2mm 0; }
h2 { font-size: 14pt; margin: 5mm 0 1.5mm 0; border-bottom: 1.5pt solid #000; }
h3 { font-size: 12pt; margin: 3mm 0 1mm 0; }
.sub { font-size: 12pt; margin: 0 0 3mm 0; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1pt solid #000; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
.text { white-space: pre-line; margin: 0 0 2mm 0; }
h2, h3 { break-after: avoid-page; }
.notes, ol { break-before: avoid-page; }
.notes li { margin-bottom: 1mm; }
.points img { height: 22mm; margin-right: 3mm; }
.safety { break-before: page; }
.handout { font-size: 15pt; line-height: 1.3; }
.handout h1 { font-size: 28pt; }
.handout .picture { display: block; height: 52mm; margin: 1mm auto 3mm auto; }
.handout ol { margin: 0 0 3mm 0; padding-left: 9mm; }
.handout li { margin-bottom: 1mm; }
.boxes { display: grid; gap: 2mm; }
.boxes.grid { grid-template-columns: 1fr 1fr; }
.box { border: 1.5pt solid #000; border-radius: 3mm; padding: 1.5mm 3mm; min-height: 13mm; break-inside: avoid; }
.box .label { font-weight: bold; }
.box .hint { font-size: 11pt; }
.scale { font-size: 11pt; letter-spacing: 1.2mm; }
.small { font-size: 10pt; }
"#;

/// A whole page in `l`: no script, and a policy that loads nothing from
/// anywhere.
fn page(title: &str, body: &str, l: Language) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        html_lang(l),
        esc(title)
    )
}

/// `l` as HTML names it.
fn html_lang(l: Language) -> &'static str {
    match l {
        Language::En => "en-GB",
        Language::Cy => "cy",
    }
}

/// ` lang="cy"` for an element of the room's words on an English page, so
/// that a screen reader speaks them in their language.
fn lang_attr(l: Language) -> String {
    match l {
        Language::En => String::new(),
        l => format!(" lang=\"{}\"", html_lang(l)),
    }
}

fn index(programme: &Programme, l: Language) -> String {
    let mut b = format!("<h1>{}</h1>\n", esc(&programme.title));
    b.push_str("<p>Print the facilitator guides for the people who run the sessions, and the tool handouts for the group.</p>\n");
    if let Some(t) = programme.translations.iter().find(|t| t.language == l) {
        let _ = writeln!(
            b,
            "<p>The room's words are in {}: translation {}.</p>",
            l.english_name(),
            esc(&t.reference)
        );
    }
    let lang = lang_attr(l);
    b.push_str("<h2>Safety</h2>\n<ul><li><a href=\"safety-guide.html\">Facilitator safety and disclosure guide</a></li></ul>\n");
    b.push_str("<h2>Facilitator guides</h2>\n<ul>\n");
    for s in &programme.sessions {
        let _ = writeln!(
            b,
            "<li><a href=\"{}\">Session {}: <span{lang}>{}</span></a> ({} minutes)</li>",
            session_file(s),
            s.number,
            esc(s.title.pick_in(l, false)),
            s.minutes
        );
    }
    b.push_str("</ul>\n<h2>Tool handouts</h2>\n<ul>\n");
    for t in &programme.tools {
        let _ = writeln!(
            b,
            "<li><a href=\"{}\"{lang}>{}</a> (<span{lang}>{}</span>)</li>",
            tool_file(t),
            esc(t.name.pick_in(l, true)),
            esc(t.name.pick_in(l, false))
        );
    }
    b.push_str("</ul>\n");
    page(&programme.title, &b, Language::En)
}

fn session_guide(
    programme: &Programme,
    s: &Session,
    pictures: &BTreeMap<String, Vec<u8>>,
    l: Language,
) -> String {
    let lang = lang_attr(l);
    let mut b = format!(
        "<h1>Session {}: <span{lang}>{}</span></h1>\n<p class=\"sub\">Plain words: <span{lang}>{}</span> · {} minutes · facilitator guide, not for the group</p>\n",
        s.number,
        esc(s.title.pick_in(l, false)),
        esc(s.title.pick_in(l, true)),
        s.minutes
    );
    b.push_str("<p class=\"points\">");
    for point in &s.points {
        if let Some(img) = programme.point_picture(*point).and_then(|p| {
            image(
                &picture_in(p, l, pictures),
                pictures,
                &point.to_string(),
                "",
            )
        }) {
            b.push_str(&img);
        }
    }
    let points: Vec<String> = s.points.iter().map(|p| esc(&p.to_string())).collect();
    let _ = writeln!(b, "<br>{}</p>", points.join("; "));

    b.push_str(
        "<h2>Timings</h2>\n<table>\n<tr><th>Phase</th><th>Starts at</th><th>Minutes</th></tr>\n",
    );
    let mut start = 0;
    for p in &s.phases {
        let _ = writeln!(
            b,
            "<tr><td>{}: <span{lang}>{}</span></td><td>{}:{:02}</td><td>{}</td></tr>",
            p.kind,
            esc(p.title.pick_in(l, false)),
            start / 60,
            start % 60,
            p.minutes
        );
        start += p.minutes;
    }
    let _ = writeln!(
        b,
        "<tr><th>Ends at</th><th>{}:{:02}</th><th>{}</th></tr>\n</table>",
        start / 60,
        start % 60,
        s.minutes
    );

    for p in &s.phases {
        let _ = writeln!(
            b,
            "<div class=\"phase\">\n<h2>{}: <span{lang}>{}</span> ({} minutes)</h2>",
            p.kind,
            esc(p.title.pick_in(l, false)),
            p.minutes
        );
        let _ = writeln!(
            b,
            "<h3>On the screen</h3>\n<p class=\"text\"{lang}>{}</p>\n<h3>Plain words</h3>\n<p class=\"text\"{lang}>{}</p>",
            esc(p.text.pick_in(l, false).trim()),
            esc(p.text.pick_in(l, true).trim())
        );
        b.push_str("<h3>Notes</h3>\n<ul class=\"notes\">\n");
        for n in &p.facilitator_notes {
            let _ = writeln!(b, "<li>{}</li>", esc(n));
        }
        b.push_str("</ul>\n");
        if !p.tools.is_empty() {
            b.push_str("<h3>Tools</h3>\n<ul>\n");
            for t in p.tools.iter().filter_map(|id| programme.tool(id)) {
                let _ = writeln!(
                    b,
                    "<li><b{lang}>{}</b> (<span{lang}>{}</span>): <span{lang}>{}</span> Handout: {}</li>",
                    esc(t.name.pick_in(l, false)),
                    esc(t.name.pick_in(l, true)),
                    esc(t.summary.pick_in(l, false)),
                    tool_file(t)
                );
            }
            b.push_str("</ul>\n");
        }
        if p.kind == PhaseKind::MainWork {
            b.push_str(
                "<p class=\"small\">Any tool of the programme can be opened in main work.</p>\n",
            );
        }
        b.push_str("</div>\n");
    }
    b.push_str("<div class=\"safety\">\n<h1>Safety and disclosure guide</h1>\n");
    b.push_str(&safety_guide(&programme.safety_guide));
    b.push_str("</div>\n");
    page(
        &format!("Session {}: {}", s.number, s.title.pick_in(l, false)),
        &b,
        Language::En,
    )
}

fn safety_guide(guide: &[GuideSection]) -> String {
    let mut b = String::from(
        "<p>For facilitators only. Adapt it to this prison's procedures, and keep it with you in every session.</p>\n",
    );
    for g in guide {
        let _ = writeln!(b, "<div class=\"phase\">\n<h2>{}</h2>\n<ol>", esc(&g.title));
        for step in &g.steps {
            let _ = writeln!(b, "<li>{}</li>", esc(step));
        }
        b.push_str("</ol>\n</div>\n");
    }
    b
}

/// One page for the group, in plain words, with the picture and an empty
/// worksheet to fill in.
fn tool_handout(t: &Tool, pictures: &BTreeMap<String, Vec<u8>>, l: Language) -> String {
    let plain = |text: &content_pack::ParticipantText| esc(text.pick_in(l, true));
    let mut b = String::from("<div class=\"handout\">\n");
    let _ = writeln!(
        b,
        "<h1>{}</h1>\n<p class=\"sub\">{}</p>",
        plain(&t.name),
        esc(t.name.pick_in(l, false))
    );
    let picture = picture_in(&t.picture, l, pictures);
    if let Some(img) = image(&picture, pictures, t.name.pick_in(l, true), "picture") {
        b.push_str(&img);
    }
    let _ = writeln!(b, "<p>{}</p>\n<ol>", plain(&t.summary));
    for step in &t.steps {
        let _ = writeln!(b, "<li>{}</li>", plain(step));
    }
    b.push_str("</ol>\n");
    // Two columns for a grid, for any sheet too long for one column on a
    // page under the steps, and under steps long enough to push a column of
    // four or five boxes off the page (a line holds about 62 characters at
    // this size; Welsh takes more lines than English).
    let lines: usize = std::iter::once(&t.summary)
        .chain(&t.steps)
        .map(|text| text.pick_in(l, true).chars().count().div_ceil(62))
        .sum();
    let fields = t.worksheet.fields.len();
    let kind =
        if t.worksheet.kind == WorksheetKind::Grid || fields > 5 || (fields >= 4 && lines > 12) {
            "grid"
        } else {
            "list"
        };
    let _ = writeln!(b, "<div class=\"boxes {kind}\">");
    for f in &t.worksheet.fields {
        let _ = write!(
            b,
            "<div class=\"box\"><div class=\"label\">{}</div>",
            plain(&f.label)
        );
        if !f.prompt.pick_in(l, true).trim().is_empty() {
            let _ = write!(b, "<div class=\"hint\">{}</div>", plain(&f.prompt));
        }
        if t.worksheet.kind == WorksheetKind::Rating {
            b.push_str("<div class=\"scale\">0 1 2 3 4 5 6 7 8 9 10</div>");
        }
        b.push_str("</div>\n");
    }
    b.push_str("</div>\n</div>\n");
    page(t.name.pick_in(l, true), &b, l)
}

/// The version of the picture at `path` in `l`, if `pictures` has one, or
/// the picture itself.
fn picture_in(path: &str, l: Language, pictures: &BTreeMap<String, Vec<u8>>) -> String {
    l.picture(path)
        .filter(|p| pictures.contains_key(p))
        .unwrap_or_else(|| path.to_owned())
}

/// An `<img>` of the pack's picture, embedded as a `data:` URI, or `None`
/// if the pack does not carry it or it is not an SVG or PNG.
fn image(
    path: &str,
    pictures: &BTreeMap<String, Vec<u8>>,
    alt: &str,
    class: &str,
) -> Option<String> {
    let bytes = pictures.get(path)?;
    let mime = if path.ends_with(".svg") {
        "image/svg+xml"
    } else if path.ends_with(".png") {
        "image/png"
    } else {
        return None;
    };
    Some(format!(
        "<img class=\"{class}\" alt=\"{}\" src=\"data:{mime};base64,{}\">",
        esc(alt),
        base64(bytes)
    ))
}

/// HTML-escapes text for element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 with padding (RFC 4648).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want, "{input:?}");
        }
    }

    #[test]
    fn text_from_a_pack_cannot_open_a_tag_or_leave_an_attribute() {
        assert_eq!(
            esc("<script>\"x\" & 'y'</script>\u{1b}"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
