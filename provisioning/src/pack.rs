//! `pack check`, `pack build`, `pack verify`, `pack inspect`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Args;
use content_pack::{
    build_new_pack_from_source, build_pack_from_source, check_offer, load_source_with, rules,
    BuildOptions, Limits, Manifest, Programme, SigningKey, Source, TrustedKey, TrustedKeys,
    UnverifiedPack,
};
use serde::Serialize;

use content_pack::untrusted;

use crate::{progress, speak};

#[derive(Args)]
pub struct BuildArgs {
    /// The pack source folder (pack.toml, sessions/, tools/, media/).
    source: PathBuf,
    /// The pack version: a whole number above the version on the kiosks.
    #[arg(long)]
    version: u64,
    /// The minisign secret key to sign with (asks for its password, or reads
    /// INSIDEOUT_KEY_PASSWORD).
    #[arg(long, value_name = "FILE")]
    secret_key: PathBuf,
    /// Where to write the pack (*.iopack); a file already there is kept
    /// unless --force is given.
    #[arg(long, value_name = "PACK")]
    out: PathBuf,
    /// Replace the file at --out if there is one.
    #[arg(long)]
    force: bool,
    /// Read every text the room sees aloud with espeak-ng (in English and
    /// each language of the pack) where no recording was made, and carry
    /// the audio in the pack.
    #[arg(long)]
    speak: bool,
    /// Optional expiry: a date (2027-06-30: kiosks refuse the pack once that
    /// day is over, UTC) or a time (RFC 3339, 2027-06-30T12:00:00Z).
    #[arg(long, value_name = "DATE", value_parser = parse_expiry)]
    expires: Option<DateTime<Utc>>,
    /// A key rotation statement to carry (from `rotate-key`); repeat for a
    /// chain, oldest first, ending with the key given as --secret-key.
    #[arg(long, value_name = "FILE")]
    rotation: Vec<PathBuf>,
}

#[derive(Args)]
pub struct CheckArgs {
    /// The pack source folder (pack.toml, sessions/, tools/, media/).
    source: PathBuf,
}

/// `--expires`: a date means the end of that day (UTC).
fn parse_expiry(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.succ_opt())
        .map(|next| next.and_time(chrono::NaiveTime::MIN).and_utc())
        .ok_or_else(|| {
            format!("`{text}` is not a date like 2027-06-30 or a time like 2027-06-30T12:00:00Z")
        })
}

/// `--trusted-key PUB`, repeatable.
#[derive(Args)]
pub struct Keys {
    /// A trusted public key (.pub); give it more than once to trust several.
    #[arg(long = "trusted-key", value_name = "PUB")]
    trusted_keys: Vec<PathBuf>,
}

impl Keys {
    /// Whether no key was given.
    pub(crate) fn is_empty(&self) -> bool {
        self.trusted_keys.is_empty()
    }

    pub(crate) fn load(&self) -> anyhow::Result<TrustedKeys> {
        let keys = self
            .trusted_keys
            .iter()
            .map(|p| TrustedKey::from_file(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustedKeys::new(keys))
    }
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The pack file.
    pack: PathBuf,
    #[command(flatten)]
    keys: Keys,
    /// The version installed on the kiosks: the pack must be newer, as they
    /// require.
    #[arg(long, value_name = "N")]
    installed_version: Option<u64>,
}

#[derive(Args)]
pub struct InspectArgs {
    /// The pack file.
    pack: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Check the signature with these keys first (without, the output is marked NOT VERIFIED).
    #[command(flatten)]
    keys: Keys,
}

pub(crate) fn load_key(path: &Path) -> anyhow::Result<SigningKey> {
    let password = if SigningKey::file_needs_password(path)? {
        Some(crate::password::existing_password()?)
    } else {
        None
    };
    Ok(SigningKey::from_file(path, password.as_deref())?)
}

/// Loads the source folder and checks every content rule; each finding is
/// printed on stdout, one a line, and the error says how many there were.
fn load_and_check(folder: &Path, then: &str) -> anyhow::Result<Source> {
    let bar = progress::bytes("hearing");
    let source = load_source_with(folder, &|done, total| progress::update(&bar, done, total))?;
    bar.finish_and_clear();
    let found = rules::check(&source)?;
    if found.is_empty() {
        return Ok(source);
    }
    let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
    crate::emit(&lines.join("\n"))?;
    anyhow::bail!(
        "{} breaks {} content rule{} (each is listed above, with its file and field){then}",
        folder.display(),
        found.len(),
        if found.len() == 1 { "" } else { "s" },
    )
}

pub fn check(a: CheckArgs) -> anyhow::Result<()> {
    let source = load_and_check(&a.source, "; fix them and check again")?;
    crate::emit(&format!(
        "{} passes every content rule: {} sessions, {} tools, {} texts checked{}",
        a.source.display(),
        source.programme.sessions.len(),
        source.programme.tools.len(),
        rules::texts(&source).len(),
        match source.recordings.len() {
            0 => String::new(),
            n => format!(", {n} recordings heard"),
        }
    ))
}

pub fn build(a: BuildArgs) -> anyhow::Result<()> {
    // Before the password is asked for: a taken name or a broken rule
    // needs no key.
    if !a.force && std::fs::symlink_metadata(&a.out).is_ok() {
        anyhow::bail!(
            "{} already exists; give --force to replace it, or choose another --out",
            a.out.display()
        );
    }
    let mut source = load_and_check(&a.source, "; no pack was built: fix them and build again")?;
    // The audio is made before the password is asked for, and lives until
    // the pack is written.
    let work = a
        .speak
        .then(tempfile::tempdir)
        .transpose()
        .context("cannot make a folder for the audio")?;
    let spoken = if let Some(work) = &work {
        let started = std::time::Instant::now();
        let bar = progress::count("reading aloud", 0);
        let spoken = speak::speak(&mut source, work.path(), &|done, total| {
            progress::update(&bar, done, total)
        })?;
        bar.finish_and_clear();
        format!(
            "{} (in {:.0} s)",
            audio_line(&spoken),
            started.elapsed().as_secs_f64()
        )
    } else {
        audio_line(&speak::census(&mut source.programme).0)
    };
    let rotations = a
        .rotation
        .iter()
        .map(|p| std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display())))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let key = load_key(&a.secret_key)?;
    let options = BuildOptions {
        version: a.version,
        created: Utc::now(),
        expires: a.expires,
        rotations,
    };
    let bar = progress::bytes("packing");
    let build = if a.force {
        build_pack_from_source
    } else {
        build_new_pack_from_source
    };
    let manifest = build(&source, &options, &key, &a.out, &mut |done, total| {
        progress::update(&bar, done, total)
    })
    .with_context(|| format!("cannot build the pack from {}", a.source.display()))?;
    bar.finish_and_clear();
    // Which texts a person recorded, so the content team sees each was found.
    let recorded: String = source
        .recordings
        .iter()
        .map(|r| format!("\n  recorded: {}: {}", r.file, r.timing.said()))
        .collect();
    crate::emit(&format!(
        "built {}: pack {} version {}, {} sessions, {} tools, {} files, {} bytes, signed by key {}\n{spoken}{recorded}",
        a.out.display(),
        manifest.pack_id,
        manifest.version,
        source.programme.sessions.len(),
        source.programme.tools.len(),
        manifest.files.len(),
        manifest.total_bytes(),
        manifest.signer_key_id
    ))
}

/// "audio: 1964 texts read aloud by espeak-ng (en 982, cy 982), 0 recorded, 0 without; 1700 files, 41 MB, 251 min".
fn audio_line(s: &speak::Spoken) -> String {
    let by_language: Vec<String> = s
        .synthesised
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    let synthesised: usize = s.synthesised.values().sum();
    let mut line = format!(
        "audio: {synthesised} texts read aloud by espeak-ng{}, {} with a person's recording, {} without audio",
        if by_language.is_empty() {
            String::new()
        } else {
            format!(" ({})", by_language.join(", "))
        },
        s.recorded,
        s.without
    );
    if s.files > 0 {
        line.push_str(&format!(
            "; {} files, {:.1} MB, {} min of speech",
            s.files,
            s.bytes as f64 / 1e6,
            s.ms / 60_000
        ));
    }
    if s.without > 0 {
        line.push_str(" (give --speak to read them aloud)");
    }
    line
}

pub fn verify(a: VerifyArgs) -> anyhow::Result<()> {
    if a.keys.trusted_keys.is_empty() {
        anyhow::bail!("give at least one --trusted-key PUB to check the pack against");
    }
    let keys = a.keys.load()?;
    let pack = UnverifiedPack::open(&a.pack, &Limits::default())?.verify(&keys)?;
    let bar = progress::bytes("verifying");
    pack.check_contents(&|done, total| progress::update(&bar, done, total))?;
    bar.finish_and_clear();
    // Every check a kiosk makes, against this computer's clock.
    let now = Utc::now();
    check_offer(
        pack.manifest(),
        now,
        a.installed_version.map(|v| (v, DateTime::<Utc>::MIN_UTC)),
    )?;
    let m = pack.manifest();
    let mut version_line = match a.installed_version {
        Some(v) => format!("it is newer than version {v}"),
        None => "not checked: that it is newer than the version the kiosks have (give --installed-version N)".into(),
    };
    for r in pack.rotations() {
        version_line.push_str(&format!(
            "\nkey rotation: key {} handed over to key {} on {}; kiosks that trust key {} move to key {} when they install it",
            r.from,
            r.to.key_id(),
            r.created.format("%-d %B %Y"),
            r.from,
            pack.signer()
        ));
    }
    crate::emit(&format!(
        "OK: {} is pack {} version {}, signed by trusted key {}, approved by {} ({}); all {} files match\n\
         checked as a kiosk checks: the programme is valid, every picture and sound it names is in the pack, and its dates suit this computer's clock ({})\n\
         {version_line}",
        a.pack.display(),
        m.pack_id,
        m.version,
        pack.signer(),
        m.approval.approved_by,
        m.approval.reference,
        m.files.len(),
        now.format("%-d %B %Y %H:%M UTC"),
    ))
}

/// The `--json` shape of `pack inspect`: its own type, so the output format
/// changes only on purpose.
#[derive(Serialize)]
struct InspectJson<'a> {
    verified: bool,
    manifest: &'a Manifest,
    /// The languages besides English, each with its approval reference.
    translations: &'a [content_pack::Translation],
    sessions: Vec<SessionJson<'a>>,
    tools: Vec<ToolJson<'a>>,
}

#[derive(Serialize)]
struct SessionJson<'a> {
    number: u32,
    id: &'a str,
    title: &'a str,
    points: Vec<u8>,
    minutes: u32,
    tools: Vec<&'a str>,
}

#[derive(Serialize)]
struct ToolJson<'a> {
    id: &'a str,
    name: &'a str,
    points: Vec<u8>,
    summary: &'a str,
}

pub fn inspect(a: InspectArgs) -> anyhow::Result<()> {
    let pack = UnverifiedPack::open(&a.pack, &Limits::default())?;
    let (verified, manifest, programme, signer) = if a.keys.trusted_keys.is_empty() {
        let seen = pack.inspect_untrusted()?;
        (false, seen.manifest, seen.programme, None)
    } else {
        let pack = pack.verify(&a.keys.load()?)?;
        let programme = pack.read_programme()?;
        (
            true,
            pack.manifest().clone(),
            programme,
            Some(pack.signer()),
        )
    };
    if a.json {
        let out = InspectJson {
            verified,
            manifest: &manifest,
            translations: &programme.translations,
            sessions: sessions_json(&programme),
            tools: programme
                .tools
                .iter()
                .map(|t| ToolJson {
                    id: &t.id,
                    name: &t.name.standard,
                    points: t.points.iter().map(|p| p.number()).collect(),
                    summary: &t.summary.standard,
                })
                .collect(),
        };
        return crate::emit(&serde_json::to_string_pretty(&out)?);
    }
    // Without --trusted-key nothing here is vouched for: every text is
    // escaped, so a hostile pack cannot drive the terminal.
    let t = |text: &str| untrusted::escape(text, 500);
    let mut out = String::new();
    match signer {
        Some(k) => writeln!(out, "signature: OK, trusted key {k}")?,
        None => writeln!(
            out,
            "signature: NOT VERIFIED (signed by key {}; give --trusted-key to check it)",
            t(&manifest.signer_key_id)
        )?,
    }
    writeln!(
        out,
        "pack:      {} version {}",
        t(&manifest.pack_id),
        manifest.version
    )?;
    writeln!(out, "for:       {}", t(&manifest.compatible))?;
    writeln!(out, "created:   {}", manifest.created.to_rfc3339())?;
    if let Some(e) = manifest.expires {
        writeln!(out, "expires:   {}", e.to_rfc3339())?;
    }
    writeln!(
        out,
        "approved:  {} ({})",
        t(&manifest.approval.approved_by),
        t(&manifest.approval.reference)
    )?;
    let mut languages = vec!["English".to_owned()];
    languages.extend(
        programme
            .translations
            .iter()
            .map(|tr| format!("{} ({})", tr.language.english_name(), t(&tr.reference))),
    );
    writeln!(out, "languages: {}", languages.join("; "))?;
    writeln!(
        out,
        "files:     {} ({} bytes)",
        manifest.files.len(),
        manifest.total_bytes()
    )?;
    writeln!(
        out,
        "\n{}: {} sessions",
        t(&programme.title),
        programme.sessions.len()
    )?;
    for s in &programme.sessions {
        let points: Vec<String> = s.points.iter().map(|p| p.number().to_string()).collect();
        writeln!(
            out,
            "  {:>2}. {} — point {}, {} min, tools: {}",
            s.number,
            t(&s.title.standard),
            points.join("+"),
            s.minutes,
            t(&s.tool_ids().join(", "))
        )?;
    }
    writeln!(out, "\n{} tools", programme.tools.len())?;
    for tool in &programme.tools {
        writeln!(out, "  {:<24} {}", t(&tool.id), t(&tool.summary.standard))?;
    }
    crate::emit(&out)
}

fn sessions_json(programme: &Programme) -> Vec<SessionJson<'_>> {
    programme
        .sessions
        .iter()
        .map(|s| SessionJson {
            number: s.number,
            id: &s.id,
            title: &s.title.standard,
            points: s.points.iter().map(|p| p.number()).collect(),
            minutes: s.minutes,
            tools: s.tool_ids(),
        })
        .collect()
}
