//! Read aloud, end to end through ALSA: a recording in the signed pack is
//! played by the real window's Read aloud button into ALSA's null device
//! (a `pcm.!default { type null }` configuration, so any machine can run
//! it), the highlighted sentence moves on as it plays, and at the end the
//! words show as before. Its own test binary, so that ALSA's configuration
//! is set before anything else runs.

#[path = "ui/util.rs"]
#[allow(dead_code)]
mod util;

use std::process::Command;
use std::time::{Duration, Instant};

use content_pack::{Audio, AudioMade, Language, MediaFile, PackPath};
use kiosk::ui::{RunAdapter, ToolAdapter};
use slint::{ComponentHandle, Model};

use util::*;

/// A tone of `seconds`, made by sox as the file's name says: WAV, FLAC or
/// Ogg Vorbis (three of the formats a pack may hold).
fn tone(path: &std::path::Path, seconds: f32) {
    let ok = Command::new("sox")
        .args(["-n", "-r", "22050", "-c", "1", "-b", "16"])
        .arg(path)
        .args(["synth", &seconds.to_string(), "sine", "330"])
        .status()
        .expect("sox runs (Debian's sox package; .ci/setup installs it)")
        .success();
    assert!(ok);
}

/// Each place the highlight stood, in order, polled until `reading` is
/// over: a few seconds of recordings still playing after 30 s fail.
fn heard_until_done<T: PartialEq>(reading: impl Fn() -> bool, at: impl Fn() -> T) -> Vec<T> {
    let mut heard = Vec::new();
    let started = Instant::now();
    while reading() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "still reading after 30 s"
        );
        let now = at();
        if heard.last() != Some(&now) {
            heard.push(now);
        }
        std::thread::sleep(Duration::from_millis(20));
        settle();
    }
    heard
}

#[test]
fn read_aloud_plays_to_the_end_through_alsa_moving_the_highlight() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("asound.conf");
    std::fs::write(
        &conf,
        "pcm.!default { type null }\nctl.!default { type hw card 0 }\n",
    )
    .unwrap();
    // Before any thread starts: ALSA reads this instead of the system's.
    std::env::set_var("ALSA_CONFIG_PATH", &conf);

    // Session 1's welcome, read in 2.4 s, and the summary and steps 1 and 3
    // of the brainstorming tool in 1.2 s each: their sentences start evenly.
    let seconds = 2.4;
    let fixture = Fixture::with(|source, media_dir| {
        let mut record = |text: &mut content_pack::ParticipantText, name: &str, seconds: f32| {
            let file = media_dir.join(name);
            tone(&file, seconds);
            let n = content_pack::readability::sentences(&text.standard).len() as u32;
            text.audio.push(Audio {
                language: Language::En,
                plain: false,
                file: format!("media/audio/{name}"),
                sentence_ms: (0..n).map(|i| i * (seconds * 1000.0) as u32 / n).collect(),
                made: AudioMade::Recorded,
            });
            source.media.push(MediaFile {
                pack_path: PackPath::new(&format!("media/audio/{name}")).unwrap(),
                size: std::fs::metadata(&file).unwrap().len(),
                file,
            });
        };
        let p = &mut source.programme;
        record(&mut p.sessions[0].phases[0].text, "welcome.wav", seconds);
        let tool = p
            .tools
            .iter_mut()
            .find(|t| t.id == "brainstorming")
            .unwrap();
        record(&mut tool.summary, "summary.ogg", 1.2);
        record(&mut tool.steps[0], "step-1.wav", 1.2);
        record(&mut tool.steps[2], "step-3.flac", 1.2);
        source.media.sort_by(|a, b| a.pack_path.cmp(&b.pack_path));
    });
    // The real clock: the recording plays in real time.
    i_slint_backend_testing::init_integration_test_with_system_time();
    use_system_time();
    let (window, controller) = window(fixture.open());
    start_session(&window, &controller, 1);
    let run = window.global::<RunAdapter>();
    assert!(run.get_can_read_aloud(), "the welcome has a recording");
    assert!(!run.get_reading(), "nothing plays unless pressed");

    press(&window, "Read aloud");
    let seen = heard_until_done(
        || run.get_reading(),
        || {
            assert_eq!(
                run.get_sentences().row_count(),
                run.get_sentences().iter().count()
            );
            run.get_reading_sentence()
        },
    );
    let last = run.get_sentences().row_count() as i32 - 1;
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "the highlight only moves on: {seen:?}"
    );
    assert_eq!(seen.first(), Some(&0), "{seen:?}");
    assert!(
        seen.len() >= 3 && *seen.last().unwrap() >= last - 1,
        "{seen:?} of {last}"
    );
    assert_eq!(
        run.get_reading_sentence(),
        -1,
        "no highlight once it has ended"
    );
    assert!(
        run.get_aloud_problem().is_empty(),
        "{}",
        run.get_aloud_problem()
    );

    // The volume, beside the button: kept by the kiosk.
    assert_eq!(run.get_volume(), 7);
    press(&window, "Louder");
    press(&window, "Quieter");
    press(&window, "Quieter");
    assert_eq!(run.get_volume(), 6);
    assert_eq!(controller.kiosk().display().volume, 6);

    // Pressed again while it plays, it stops; the plain version has no
    // recording, so no control.
    press(&window, "Read aloud");
    assert!(run.get_reading());
    press(&window, "Read aloud");
    assert!(!run.get_reading());
    press(&window, "Plain language");
    assert!(!run.get_can_read_aloud());

    press(&window, "Plain language");

    // A tool, one text after another: its summary, step 1, then step 3
    // (step 2 has no recording and is never lit), each sentence in turn.
    kiosk::adapters::tool::open(&controller, "brainstorming");
    settle();
    let tool = window.global::<ToolAdapter>();
    assert!(tool.get_can_read_aloud());
    assert!(!tool.get_reading(), "nothing plays unless pressed");
    press(&window, "Read the tool aloud");
    let heard = heard_until_done(
        || tool.get_reading(),
        || (tool.get_reading_place(), tool.get_reading_sentence()),
    );
    let places: Vec<i32> = heard.iter().map(|(p, _)| *p).collect();
    assert!(
        places.windows(2).all(|w| w[0] <= w[1]),
        "in order: {heard:?}"
    );
    assert_eq!(heard.first(), Some(&(0, 0)), "the summary first: {heard:?}");
    assert!(
        places.contains(&1) && places.contains(&3) && !places.contains(&2),
        "steps 1 and 3 read, not 2: {heard:?}"
    );
    assert_eq!(
        (tool.get_reading_place(), tool.get_reading_sentence()),
        (-1, -1)
    );
    assert!(
        tool.get_aloud_problem().is_empty(),
        "{}",
        tool.get_aloud_problem()
    );
    let lines = tool.get_spoken();
    assert_eq!(lines.row_data(0).unwrap().place, 1);
    assert!(lines.row_data(0).unwrap().text.starts_with("1. "));
    let summary = tool.get_summary_spoken();
    assert_eq!(
        summary
            .iter()
            .map(|l| l.text.to_string())
            .collect::<String>(),
        tool.get_summary().replace(". ", "."),
        "the summary, one sentence a line"
    );

    // Back to the session while it reads: it stops.
    press(&window, "Read the tool aloud");
    assert!(tool.get_reading());
    press(&window, "Close the tool");
    assert!(!tool.get_reading(), "leaving the tool stops its reading");
    assert_eq!(controller.reading(), None);
}
