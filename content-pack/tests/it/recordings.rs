//! Recordings made by a person (issue 13), placed beside the text in the
//! source folder: each goes into the pack under `media/audio/`, given to the
//! text and version it reads, its sentences timed from its pauses or its
//! label file; a recording that fits no text, will not decode, or whose
//! labels do not fit is refused, naming the file.
//!
//! The "person" is espeak-ng reading one sentence at a time, joined with
//! pauses by sox and saved as WAV, FLAC, Ogg Vorbis (sox) and MP3 (lame):
//! tools the project did not write, which also say where each sentence
//! really starts.

use std::fs;
use std::path::Path;
use std::process::Command;

use content_pack::recording::Timing;
use content_pack::*;

use crate::source_errors::{edit, load_err, valid_source, welsh_source};
use crate::util::*;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("{cmd:?} runs (espeak-ng, sox, lame: .ci/setup installs them): {e}")
    });
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `sentences` read by espeak-ng's `voice` one at a time, each followed by
/// `pause` seconds of quiet, saved at `out` (its type by its name). Returns
/// where each sentence starts, in milliseconds, as sox measures the parts.
fn record(out: &Path, voice: &str, sentences: &[&str], pause: f64) -> Vec<u32> {
    let work = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    let mut starts = Vec::new();
    let mut at = 0.0;
    for (i, s) in sentences.iter().enumerate() {
        let said = work.path().join(format!("said-{i}.wav"));
        let part = work.path().join(format!("part-{i}.wav"));
        run(Command::new("espeak-ng")
            .args(["-v", voice, "-w"])
            .arg(&said)
            .arg(s));
        run(Command::new("sox")
            .arg(&said)
            .arg(&part)
            .args(["pad", "0", &pause.to_string()]));
        starts.push((at * 1000.0) as u32);
        at += run(Command::new("soxi").arg("-D").arg(&part))
            .trim()
            .parse::<f64>()
            .unwrap();
        parts.push(part);
    }
    let joined = work.path().join("joined.wav");
    run(Command::new("sox").args(&parts).arg(&joined));
    if out.extension().is_some_and(|e| e == "mp3") {
        run(Command::new("lame")
            .args(["--quiet", "-V", "6"])
            .arg(&joined)
            .arg(out));
    } else {
        run(Command::new("sox").arg(&joined).arg(out));
    }
    starts
}

/// Each found start is no more than 0.25 s from where the sentence was
/// put (the first is lit from the start).
fn assert_near(found: &[u32], put: &[u32], what: &str) {
    assert_eq!(found.len(), put.len(), "{what}: {found:?} vs {put:?}");
    assert_eq!(found[0], 0, "{what}");
    for (f, p) in found.iter().zip(put).skip(1) {
        assert!(
            f.abs_diff(*p) <= 250,
            "{what}: found {found:?}, put {put:?}"
        );
    }
}

const WELCOME: [&str; 3] = [
    "Welcome to the group.",
    "We meet here, every week, in this room.",
    "Please sit where you like.",
];

#[test]
fn a_persons_recordings_go_into_the_pack_each_given_to_the_text_it_reads() {
    let dir = valid_source();
    let root = dir.path();
    edit(
        root,
        "sessions/01-test.toml",
        "text = \"Hello.\"",
        &format!("text = \"{}\"", WELCOME.join(" ")),
    );
    edit(
        root,
        "sessions/01-test.toml",
        "plain = \"Hi.\"",
        "plain = \"Welcome. Sit where you like.\"",
    );
    edit(
        root,
        "sessions/01-test.toml",
        "text = \"Let us do the ABC.\"",
        "text = \"Let us do the ABC. It has three parts.\"",
    );
    fs::create_dir_all(root.join("sessions/01-test")).unwrap();
    fs::create_dir_all(root.join("tools/abc")).unwrap();
    let welcome = record(
        &root.join("sessions/01-test/phase-1.text.flac"),
        "en-gb",
        &WELCOME,
        0.7,
    );
    let plain = record(
        &root.join("sessions/01-test/phase-1.plain.mp3"),
        "en-gb",
        &["Welcome.", "Sit where you like."],
        0.6,
    );
    record(
        &root.join("sessions/01-test/title.ogg"),
        "en-gb",
        &["Test session"],
        0.2,
    );
    record(
        &root.join("tools/abc/step-2.text.wav"),
        "en-gb",
        &["Write B."],
        0.2,
    );
    // Read without pauses, but timed by a label file as Audacity writes it.
    record(
        &root.join("sessions/01-test/phase-4.text.wav"),
        "en-gb",
        &["Let us do the ABC.", "It has three parts."],
        0.0,
    );
    fs::write(
        root.join("sessions/01-test/phase-4.text.txt"),
        "0.000000\t1.100000\tLet us do the ABC.\n1.200000\t2.300000\tIt has three parts.\n",
    )
    .unwrap();
    fs::write(
        root.join("sessions/01-test/NOTES.md"),
        "recorded by J in room 2",
    )
    .unwrap();

    // Decoding reports its progress in bytes of the recordings, to the end.
    let reports = std::sync::Mutex::new(Vec::new());
    let source = load_source_with(root, &|done, total| {
        reports.lock().unwrap().push((done, total))
    })
    .unwrap();
    let sizes: u64 = source
        .recordings
        .iter()
        .map(|r| fs::metadata(root.join(&r.file)).unwrap().len())
        .sum();
    let mut reports = reports.into_inner().unwrap();
    reports.sort();
    assert_eq!(reports.len(), 5, "one report a recording: {reports:?}");
    assert_eq!(reports.last(), Some(&(sizes, sizes)), "{reports:?}");
    let p = &source.programme;
    let phases = &p.sessions[0].phases;
    let heard =
        |text: &ParticipantText, plain: bool| text.audio_in(Language::En, plain).cloned().unwrap();
    let a = heard(&phases[0].text, false);
    assert_eq!(a.made, AudioMade::Recorded);
    assert!(
        a.file.starts_with("media/audio/rec-") && a.file.ends_with(".flac"),
        "{}",
        a.file
    );
    assert_near(
        &a.sentence_ms,
        &welcome,
        "FLAC, pauses within a sentence too",
    );
    let a = heard(&phases[0].text, true);
    assert!(a.file.ends_with(".mp3"));
    assert_near(&a.sentence_ms, &plain, "MP3");
    assert_eq!(heard(&phases[3].text, false).sentence_ms, vec![0, 1200]);
    assert!(heard(&p.sessions[0].title, false).file.ends_with(".ogg"));
    assert!(heard(&p.tools[0].steps[1], false).file.ends_with(".wav"));
    assert!(
        p.tools[0].steps[0].audio.is_empty(),
        "step 1 has no recording"
    );
    assert!(phases[1].text.audio.is_empty());

    let said: Vec<(&str, Timing)> = source
        .recordings
        .iter()
        .map(|r| (r.file.as_str(), r.timing))
        .collect();
    assert_eq!(
        said,
        [
            ("tools/abc/step-2.text.wav", Timing::Pauses),
            ("sessions/01-test/phase-1.text.flac", Timing::Pauses),
            ("sessions/01-test/phase-1.plain.mp3", Timing::Pauses),
            ("sessions/01-test/phase-4.text.wav", Timing::Labels),
            ("sessions/01-test/title.ogg", Timing::Pauses),
        ]
    );
    assert!(source
        .origins
        .notes
        .contains(&"sessions/01-test/NOTES.md".to_owned()));

    // Built, signed and installed, each recording is the file as recorded.
    let fx = Fixture::new();
    let pack = fx.path("recorded.iopack");
    let options = BuildOptions {
        version: 1,
        created: t0(),
        expires: None,
        rotations: Vec::new(),
    };
    build_pack_from_source(&source, &options, &fx.key, &pack, &mut |_, _| {}).unwrap();
    let installed = fx.install(&pack).unwrap();
    let a = heard(
        &installed.programme().unwrap().sessions[0].phases[0].text,
        false,
    );
    assert_eq!(
        installed.read_checked(&a.file).unwrap(),
        fs::read(root.join("sessions/01-test/phase-1.text.flac")).unwrap()
    );
}

#[test]
fn a_welsh_recording_reads_the_welsh_version() {
    let dir = welsh_source();
    let root = dir.path();
    fs::create_dir_all(root.join("sessions/01-test")).unwrap();
    // The Welsh of "Hello." is "Cy: Hello." here: one sentence.
    record(
        &root.join("sessions/01-test/phase-1.text_cy.ogg"),
        "cy",
        &["Helo."],
        0.2,
    );
    let source = load_source(root).unwrap();
    let text = &source.programme.sessions[0].phases[0].text;
    assert!(text.audio_in(Language::Cy, false).is_some());
    assert!(text.audio_in(Language::En, false).is_none());
}

#[test]
fn a_recorder_that_names_its_files_in_capitals_is_heard_the_same() {
    let dir = valid_source();
    let root = dir.path();
    fs::create_dir_all(root.join("sessions/01-test")).unwrap();
    record(
        &root.join("sessions/01-test/phase-1.text.WAV"),
        "en-gb",
        &["Hello."],
        0.2,
    );
    fs::write(
        root.join("sessions/01-test/phase-1.text.TXT"),
        "0.0\t0.5\tHello.\n",
    )
    .unwrap();
    let source = load_source(root).unwrap();
    let audio = source.programme.sessions[0].phases[0]
        .text
        .audio_in(Language::En, false)
        .expect("the recording reads the text");
    assert!(audio.file.ends_with(".wav"), "{}", audio.file);
    assert_eq!(
        source.recordings[0].file,
        "sessions/01-test/phase-1.text.WAV"
    );
    assert_eq!(source.recordings[0].timing, Timing::Labels);
}

#[test]
fn a_recording_that_fits_no_text_or_cannot_be_heard_is_refused_naming_it() {
    let silent = |p: &Path| {
        run(Command::new("sox")
            .args(["-n", "-r", "22050", "-c", "1"])
            .arg(p)
            .args(["trim", "0", "1"]));
    };
    let tone = |p: &Path| {
        run(Command::new("sox")
            .args(["-n", "-r", "22050", "-c", "1"])
            .arg(p)
            .args(["synth", "1", "sine", "300"]));
    };
    type Case = (&'static str, Box<dyn Fn(&Path)>, &'static [&'static str]);
    let cases: Vec<Case> = vec![
        (
            "sessions/01-test/phase-9.text.wav",
            Box::new(move |p| tone(p)),
            &[
                "sessions/01-test/phase-9.text.wav",
                "no text of sessions/01-test.toml has this name",
                "phase-2.text.wav",
            ],
        ),
        (
            "sessions/01-test/phase-1.facilitator_notes.wav",
            Box::new(move |p| tone(p)),
            &["no text of sessions/01-test.toml has this name"],
        ),
        (
            "sessions/01-test/phase-1.text_cy.wav",
            Box::new(move |p| tone(p)),
            &[
                "sessions/01-test/phase-1.text_cy.wav",
                "there is no text in field `text_cy`",
            ],
        ),
        (
            "sessions/01-test/phase-1.text.flac",
            Box::new(|p| fs::write(p, b"not a recording at all, just words").unwrap()),
            &["sessions/01-test/phase-1.text.flac", "cannot be decoded"],
        ),
        (
            "sessions/01-test/phase-1.text.wav",
            Box::new(move |p| silent(p)),
            &["is silent"],
        ),
        (
            "sessions/01-test/phase-1.text.mp4",
            Box::new(|p| fs::write(p, b"a film").unwrap()),
            &[
                "sessions/01-test/phase-1.text.mp4",
                "holds only recordings (.wav, .flac, .ogg, .mp3)",
            ],
        ),
        (
            "sessions/02-missing/phase-1.text.wav",
            Box::new(move |p| tone(p)),
            &["sessions/02-missing", "there is no such file"],
        ),
        (
            "sessions/01-test/phase-1.text.wav",
            Box::new(|p| {
                let file = fs::File::create(p).unwrap();
                file.set_len(65 << 20).unwrap();
            }),
            &[
                "sessions/01-test/phase-1.text.wav",
                "it is 65 MB, over the limit of 64 MB",
            ],
        ),
        (
            "sessions/01-test/phase-1.text.flac",
            Box::new(|p| {
                run(Command::new("sox")
                    .args(["-n", "-r", "8000", "-c", "1"])
                    .arg(p)
                    .args(["synth", "601", "sine", "300"]));
            }),
            &[
                "sessions/01-test/phase-1.text.flac",
                "it is over 10 minutes long",
            ],
        ),
        (
            "sessions/01-test/title.txt",
            Box::new(|p| fs::write(p, "0.0\t1.0\tTest\n").unwrap()),
            &["sessions/01-test/title.txt", "there is none"],
        ),
    ];
    for (file, make, parts) in cases {
        let dir = valid_source();
        let path = dir.path().join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        make(&path);
        let (_, message) = load_err(dir.path());
        for part in parts {
            assert!(
                message.contains(part),
                "{file}: {message:?} does not mention {part:?}"
            );
        }
    }

    // Labels that do not fit the text, and two recordings of one text.
    let dir = valid_source();
    let folder = dir.path().join("sessions/01-test");
    fs::create_dir_all(&folder).unwrap();
    record(&folder.join("phase-1.text.wav"), "en-gb", &["Hello."], 0.2);
    fs::write(
        folder.join("phase-1.text.txt"),
        "0.0\t0.5\tHello.\n0.6\t0.9\tAgain.\n",
    )
    .unwrap();
    let (_, message) = load_err(dir.path());
    assert!(message.contains("sessions/01-test/phase-1.text.wav: its label file has 2 labels, the text has 1 sentences"), "{message}");
    fs::remove_file(folder.join("phase-1.text.txt")).unwrap();
    record(&folder.join("phase-1.text.flac"), "en-gb", &["Hello."], 0.2);
    let (_, message) = load_err(dir.path());
    assert!(
        message.contains("reads the same text; keep one of them"),
        "{message}"
    );
}
