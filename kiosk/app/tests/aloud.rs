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
use kiosk::ui::RunAdapter;
use slint::{ComponentHandle, Model};

use util::*;

/// A tone of `seconds` as a WAV file, made by sox.
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

    // Session 1's welcome, read in 2.4 s: its sentences start evenly.
    let seconds = 2.4;
    let fixture = Fixture::with(|source, media_dir| {
        let file = media_dir.join("welcome.wav");
        tone(&file, seconds);
        let text = &mut source.programme.sessions[0].phases[0].text;
        let n = content_pack::readability::sentences(&text.standard).len() as u32;
        text.audio.push(Audio {
            language: Language::En,
            plain: false,
            file: "media/audio/welcome.wav".into(),
            sentence_ms: (0..n).map(|i| i * (seconds * 1000.0) as u32 / n).collect(),
            made: AudioMade::Recorded,
        });
        source.media.push(MediaFile {
            pack_path: PackPath::new("media/audio/welcome.wav").unwrap(),
            size: std::fs::metadata(&file).unwrap().len(),
            file,
        });
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
    let mut seen = Vec::new();
    let started = Instant::now();
    while run.get_reading() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "a 2.4 s recording is still playing after 30 s"
        );
        let i = run.get_reading_sentence();
        if seen.last() != Some(&i) {
            seen.push(i);
        }
        assert_eq!(
            run.get_sentences().row_count(),
            run.get_sentences().iter().count()
        );
        std::thread::sleep(Duration::from_millis(20));
        settle();
    }
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
}
