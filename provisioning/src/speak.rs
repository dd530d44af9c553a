//! `pack build --speak`: every room text read aloud by espeak-ng (Debian's
//! `espeak-ng`, which has English and Welsh voices), sentence by sentence,
//! each sentence's start noted, and stored as Ogg Vorbis under
//! `media/audio/` in the pack, so it is signed and hashed like every other
//! file. A text that already has a recording (made by a person) keeps it.
//!
//! Files are named by a hash of the voice and the words, so one text said in
//! many places (the same step in two tools) is one file, and building the
//! same source twice makes the same files.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::num::{NonZeroU32, NonZeroU8};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{bail, Context};
use content_pack::readability::sentences;
use content_pack::{Audio, AudioMade, Language, MediaFile, PackPath, ParticipantText, Source};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

/// Silence after each sentence, so one does not run into the next.
const PAUSE_MS: u32 = 250;

/// What `--speak` did, for the build's report.
#[derive(Debug, Default)]
pub struct Spoken {
    /// Versions of texts read aloud by espeak-ng, by language.
    pub synthesised: BTreeMap<Language, usize>,
    /// Versions that kept a person's recording.
    pub recorded: usize,
    /// Versions with no audio.
    pub without: usize,
    /// Distinct audio files made.
    pub files: usize,
    /// Their size in bytes.
    pub bytes: u64,
    /// The speech they hold, in milliseconds.
    pub ms: u64,
}

/// One text to read: the voice and the words.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Job {
    language: Language,
    words: String,
}

impl Job {
    /// `media/audio/<hash>.ogg`: the same voice and words, the same file.
    fn pack_path(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.language.voice().as_bytes());
        h.update([0]);
        h.update(self.words.as_bytes());
        format!("media/audio/{}.ogg", &hex::encode(h.finalize())[..20])
    }
}

/// Which texts have a recording and which have none yet (the versions to
/// read aloud), in every language of the programme.
pub fn census(programme: &mut content_pack::Programme) -> (Spoken, Vec<Job>) {
    let languages = languages(programme);
    let mut spoken = Spoken::default();
    let mut jobs = Vec::new();
    programme.each_room_text_mut(|text| {
        for &language in &languages {
            for plain in [false, true] {
                let words = text.pick_in(language, plain).trim();
                if words.is_empty() {
                    continue;
                } else if text.audio_in(language, plain).is_some() {
                    spoken.recorded += 1;
                } else {
                    jobs.push(Job {
                        language,
                        words: words.to_owned(),
                    });
                }
            }
        }
    });
    spoken.without = jobs.len();
    (spoken, jobs)
}

fn languages(programme: &content_pack::Programme) -> Vec<Language> {
    std::iter::once(Language::En)
        .chain(programme.translations.iter().map(|t| t.language))
        .collect()
}

/// Reads every room text of `source` that has no recording aloud into
/// `work` (a folder that must outlive the build), adds the files to the
/// source's media and the recordings to its programme. `tick` is called
/// after each text.
pub fn speak(
    source: &mut Source,
    work: &Path,
    tick: &(dyn Fn(u64, u64) + Sync),
) -> anyhow::Result<Spoken> {
    check_espeak()?;
    let languages = languages(&source.programme);
    let (mut spoken, mut jobs) = census(&mut source.programme);
    spoken.without = 0;
    jobs.sort();
    jobs.dedup();
    let total = jobs.len() as u64;
    let done = AtomicU64::new(0);
    let made: Vec<(Job, Made)> = jobs
        .into_par_iter()
        .map(|job| {
            let made = synthesise(
                &job,
                &work.join(job.pack_path().trim_start_matches("media/")),
            )
            .with_context(|| {
                format!(
                    "espeak-ng could not read aloud, in {}: {:?}",
                    job.language.english_name(),
                    job.words.chars().take(60).collect::<String>()
                )
            })?;
            tick(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            Ok((job, made))
        })
        .collect::<anyhow::Result<_>>()?;
    let made: BTreeMap<Job, Made> = made.into_iter().collect();

    for (job, m) in &made {
        spoken.files += 1;
        spoken.bytes += m.size;
        spoken.ms += u64::from(m.ms);
        source.media.push(MediaFile {
            pack_path: PackPath::new(&job.pack_path())
                .map_err(|why| anyhow::anyhow!("bad audio name {}: {why}", job.pack_path()))?,
            file: m.file.clone(),
            size: m.size,
        });
    }
    source.media.sort_by(|a, b| a.pack_path.cmp(&b.pack_path));
    source.programme.each_room_text_mut(|text| {
        for &language in &languages {
            for plain in [false, true] {
                add(text, language, plain, &made, &mut spoken);
            }
        }
    });
    source
        .programme
        .validate()
        .context("the programme with its audio does not validate")?;
    Ok(spoken)
}

/// Gives `text` its synthesised recording in `language`, unless it has one.
fn add(
    text: &mut ParticipantText,
    language: Language,
    plain: bool,
    made: &BTreeMap<Job, Made>,
    spoken: &mut Spoken,
) {
    let words = text.pick_in(language, plain).trim().to_owned();
    if words.is_empty() || text.audio_in(language, plain).is_some() {
        return;
    }
    let job = Job { language, words };
    if let Some(m) = made.get(&job) {
        text.audio.push(Audio {
            language,
            plain,
            file: job.pack_path(),
            sentence_ms: m.sentence_ms.clone(),
            made: AudioMade::Synthesised,
        });
        *spoken.synthesised.entry(language).or_default() += 1;
    }
}

/// One file made.
struct Made {
    file: PathBuf,
    size: u64,
    ms: u32,
    sentence_ms: Vec<u32>,
}

/// espeak-ng is there and has every voice a pack may need.
fn check_espeak() -> anyhow::Result<()> {
    let out = Command::new("espeak-ng")
        .arg("--voices")
        .output()
        .context("cannot run espeak-ng, which --speak reads texts aloud with: install Debian's espeak-ng package")?;
    let voices = String::from_utf8_lossy(&out.stdout);
    for l in Language::ALL {
        let has = voices
            .lines()
            .skip(1)
            .any(|v| v.split_whitespace().nth(1) == Some(l.voice()));
        if !has {
            bail!(
                "espeak-ng has no {} voice ({}): install Debian's espeak-ng-data package",
                l.english_name(),
                l.voice()
            );
        }
    }
    Ok(())
}

/// Reads `job` aloud sentence by sentence into one Ogg Vorbis file at `out`.
fn synthesise(job: &Job, out: &Path) -> anyhow::Result<Made> {
    let mut samples: Vec<i16> = Vec::new();
    let mut rate = 0u32;
    let mut sentence_ms = Vec::new();
    for sentence in sentences(&job.words) {
        let (r, mut said) = espeak(job.language, sentence)?;
        if rate != 0 && r != rate {
            bail!("espeak-ng changed its sample rate from {rate} to {r}");
        }
        rate = r;
        sentence_ms.push(ms(samples.len(), rate));
        samples.append(&mut said);
        samples.extend(std::iter::repeat_n(0, (rate * PAUSE_MS / 1000) as usize));
    }
    if samples.is_empty() {
        bail!("espeak-ng said nothing");
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot make {}", dir.display()))?;
    }
    let file =
        std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    encode(&samples, rate, &mut writer)?;
    writer.flush()?;
    drop(writer);
    let size = std::fs::metadata(out)?.len();
    Ok(Made {
        file: out.to_owned(),
        size,
        ms: ms(samples.len(), rate),
        sentence_ms,
    })
}

fn ms(samples: usize, rate: u32) -> u32 {
    (samples as u64 * 1000 / u64::from(rate.max(1))) as u32
}

/// One sentence from espeak-ng: its sample rate and 16-bit mono samples.
/// The words go in on stdin, so no text is ever taken for an option.
fn espeak(language: Language, sentence: &str) -> anyhow::Result<(u32, Vec<i16>)> {
    let mut child = Command::new("espeak-ng")
        .args(["-v", language.voice(), "--stdin", "--stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run espeak-ng")?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(sentence.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!(
            "espeak-ng failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    wav_samples(&out.stdout)
}

/// The samples of a WAV file espeak-ng wrote to a pipe (its header gives no
/// length then, so the data runs to the end).
fn wav_samples(wav: &[u8]) -> anyhow::Result<(u32, Vec<i16>)> {
    let mut reader = hound::WavReader::new(std::io::Cursor::new(wav))
        .context("espeak-ng did not write a WAV file")?;
    let spec = reader.spec();
    if spec.channels != 1 || spec.bits_per_sample != 16 {
        bail!(
            "espeak-ng wrote {} channels of {} bits; expected mono 16-bit",
            spec.channels,
            spec.bits_per_sample
        );
    }
    // A piped header says the data is as long as it can be: read what is there.
    let samples = reader.samples::<i16>().map_while(Result::ok).collect();
    Ok((spec.sample_rate, samples))
}

/// Ogg Vorbis at a speech quality: about 3 kB a second.
fn encode(samples: &[i16], rate: u32, out: &mut impl std::io::Write) -> anyhow::Result<()> {
    let rate = NonZeroU32::new(rate).context("a sample rate of 0")?;
    let mono = NonZeroU8::new(1).context("one channel")?;
    let mut encoder = vorbis_rs::VorbisEncoderBuilder::new(rate, mono, out)?
        .bitrate_management_strategy(vorbis_rs::VorbisBitrateManagementStrategy::QualityVbr {
            target_quality: 0.0,
        })
        .build()?;
    let floats: Vec<f32> = samples.iter().map(|&s| f32::from(s) / 32768.0).collect();
    for block in floats.chunks(4096) {
        encoder.encode_audio_block([block])?;
    }
    encoder.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The length sox (a decoder the project did not write) reads, in s.
    fn sox_seconds(file: &Path) -> f64 {
        let out = Command::new("soxi")
            .arg("-D")
            .arg(file)
            .output()
            .expect("soxi runs (Debian's sox package; .ci/setup installs it)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }

    #[test]
    fn a_text_is_read_sentence_by_sentence_into_ogg_that_sox_decodes() {
        let dir = tempfile::tempdir().unwrap();
        for (language, words) in [
            (Language::En, "Welcome to InsideOut. You choose your own goals.\nWe help each other."),
            (Language::Cy, "Croeso i InsideOut. Chi sy'n dewis eich nodau eich hun.\nRydyn ni'n helpu ein gilydd."),
        ] {
            let job = Job {
                language,
                words: words.into(),
            };
            let out = dir.path().join(job.pack_path().trim_start_matches("media/"));
            let made = synthesise(&job, &out).unwrap();
            assert_eq!(made.sentence_ms.len(), 3, "{words}");
            assert_eq!(made.sentence_ms[0], 0);
            assert!(made.sentence_ms.windows(2).all(|w| w[0] < w[1]));
            let seconds = sox_seconds(&out);
            assert!((seconds * 1000.0 - f64::from(made.ms)).abs() < 100.0, "{seconds} s vs {} ms", made.ms);
            assert!(f64::from(*made.sentence_ms.last().unwrap()) < seconds * 1000.0);
            // espeak-ng speaks at about 175 words a minute: 12 words take
            // some seconds, not a blip and not minutes.
            let per_word = seconds / content_pack::readability::words(words).len() as f64;
            assert!((0.15..1.0).contains(&per_word), "{per_word:.2} s a word in {language}");
            // sox decodes the whole stream.
            let stat = Command::new("sox").arg(&out).args(["-n", "stat"]).output().unwrap();
            assert!(stat.status.success(), "{}", String::from_utf8_lossy(&stat.stderr));
            assert_eq!(made.size, std::fs::metadata(&out).unwrap().len());
            assert!(out.extension().is_some_and(|e| e == "ogg"));
        }
    }

    #[test]
    fn a_text_a_person_recorded_keeps_its_recording_and_only_the_rest_is_read() {
        let mut programme = content_pack::load_source(&sample()).unwrap().programme;
        let welcome = &mut programme.sessions[0].phases[0].text;
        welcome.audio.push(Audio {
            language: Language::Cy,
            plain: true,
            file: "media/audio/rec-welcome.flac".into(),
            sentence_ms: (0..sentences(welcome.pick_in(Language::Cy, true)).len() as u32)
                .map(|i| i * 1000)
                .collect(),
            made: AudioMade::Recorded,
        });
        let plain_cy = welcome.pick_in(Language::Cy, true).trim().to_owned();
        let (spoken, jobs) = census(&mut programme);
        assert_eq!(spoken.recorded, 1);
        assert_eq!(spoken.without, jobs.len());
        assert!(
            !jobs
                .iter()
                .any(|j| j.language == Language::Cy && j.words == plain_cy),
            "the recorded version is not read again"
        );
        assert!(jobs.iter().any(|j| j.language == Language::En
            && j.words == programme.sessions[0].phases[0].text.plain.trim()));
    }

    fn sample() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../content-pack/sample")
    }

    #[test]
    fn the_same_voice_and_words_make_the_same_file_name() {
        let a = Job {
            language: Language::En,
            words: "Hello.".into(),
        };
        let b = Job {
            language: Language::Cy,
            words: "Hello.".into(),
        };
        assert_eq!(a.pack_path(), a.clone().pack_path());
        assert_ne!(a.pack_path(), b.pack_path());
        assert!(a.pack_path().starts_with("media/audio/") && a.pack_path().ends_with(".ogg"));
    }
}
