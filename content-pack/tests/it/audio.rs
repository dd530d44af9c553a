//! Audio in a pack (issue 13): a recording of a room text travels as a
//! media file, listed and hashed in the signed manifest like every other,
//! so a damaged one is refused at import and nothing is installed; the
//! programme says which text, language and version it reads and when each
//! sentence starts, and a recording that does not fit its text is refused.
//! The WAV is made by `sox`, a tool the project did not write.

use std::fs;
use std::process::Command;

use content_pack::*;

use crate::util::*;

/// A 1.5 s tone as a WAV file, made by sox.
fn wav(fx: &Fixture) -> Vec<u8> {
    let out = fx.path("tone.wav");
    let status = Command::new("sox")
        .args(["-n", "-r", "22050", "-c", "1", "-b", "16"])
        .arg(&out)
        .args(["synth", "1.5", "sine", "440"])
        .status()
        .expect("sox runs (Debian's sox package; .ci/setup installs it)");
    assert!(status.success());
    fs::read(out).unwrap()
}

fn with_audio(audio: Audio) -> Programme {
    let mut p = tiny_programme("Read aloud");
    p.sessions[0].phases[0].text.audio.push(audio);
    p
}

fn welcome_audio() -> Audio {
    Audio {
        language: Language::En,
        plain: false,
        file: "media/audio/welcome.wav".into(),
        // "We talk about the week." is one sentence.
        sentence_ms: vec![0],
        made: AudioMade::Recorded,
    }
}

#[test]
fn a_recording_travels_in_the_pack_and_a_damaged_one_is_refused_at_import() {
    let fx = Fixture::new();
    let bytes = wav(&fx);
    let media = fx.media(&[("media/audio/welcome.wav", &bytes)]);
    let pack = fx.build_with(&with_audio(welcome_audio()), 1, None, &media);

    // Damaged: one byte of the recording changed inside the signed pack.
    let (_, start, len) = entry_offsets(&pack)
        .into_iter()
        .find(|(name, _, _)| name == "media/audio/welcome.wav")
        .expect("the pack carries the recording");
    assert_eq!(len, bytes.len() as u64);
    let mut damaged = fs::read(&pack).unwrap();
    damaged[(start + len / 2) as usize] ^= 0x01;
    let bad = fx.path("damaged.iopack");
    fs::write(&bad, damaged).unwrap();
    match fx.install(&bad) {
        Err(PackError::HashMismatch(file)) => assert_eq!(file, "media/audio/welcome.wav"),
        Err(e) => panic!("a damaged recording must be refused by its hash, got {e:?}"),
        Ok(_) => panic!("a damaged recording was installed"),
    }
    assert!(
        fx.store().installed().unwrap().is_none(),
        "nothing is installed"
    );

    // Intact, it installs, with the recording where the programme says.
    let installed = fx.install(&pack).unwrap();
    let programme = installed.programme().unwrap();
    let text = &programme.sessions[0].phases[0].text;
    let audio = text.audio_in(Language::En, false).unwrap();
    assert_eq!(audio.made, AudioMade::Recorded);
    assert!(
        text.audio_in(Language::En, true).is_none(),
        "no plain recording"
    );
    assert_eq!(installed.read_checked(&audio.file).unwrap(), bytes);
}

#[test]
fn a_recording_that_does_not_fit_its_text_is_refused_naming_it() {
    let cases: [(Audio, &str); 5] = [
        (
            Audio {
                sentence_ms: vec![0, 900],
                ..welcome_audio()
            },
            "it times 2 sentences, the text has 1",
        ),
        (
            Audio {
                file: "media/welcome.wav".into(),
                ..welcome_audio()
            },
            "must be a .ogg, .flac, .wav or .mp3 file under media/audio/",
        ),
        (
            Audio {
                file: "media/audio/welcome.exe".into(),
                ..welcome_audio()
            },
            "must be a .ogg, .flac, .wav or .mp3 file",
        ),
        (
            Audio {
                language: Language::Cy,
                ..welcome_audio()
            },
            "there is no such text to read",
        ),
        (
            Audio {
                sentence_ms: vec![],
                ..welcome_audio()
            },
            "it times 0 sentences",
        ),
    ];
    for (audio, expected) in cases {
        let e = with_audio(audio).validate().unwrap_err().to_string();
        assert!(
            e.contains("phase Welcome") && e.contains("audio 1 (text, ") && e.contains(expected),
            "{e}"
        );
    }
    let mut twice = with_audio(welcome_audio());
    twice.sessions[0].phases[0].text.audio.push(welcome_audio());
    let e = twice.validate().unwrap_err().to_string();
    assert!(
        e.contains("another recording in this language and version"),
        "{e}"
    );
    // A pack must carry every recording its programme names.
    let fx = Fixture::new();
    let media = fx.media(&[]);
    let e = build_pack(
        &PackInput {
            pack_id: "test-pack",
            approval: &Approval {
                approved_by: "Content lead".into(),
                reference: "CR-1".into(),
            },
            programme: &with_audio(welcome_audio()),
            media: &media,
        },
        &BuildOptions {
            version: 1,
            created: t0(),
            expires: None,
            rotations: Vec::new(),
        },
        &fx.key,
        &fx.path("missing.iopack"),
        &mut |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("media/audio/welcome.wav"), "{e}");
}
