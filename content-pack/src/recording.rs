//! Recordings made by a person: decoded (symphonia, pure Rust, the decoder
//! the kiosk plays them with), checked, and timed sentence by sentence so
//! the kiosk can light the sentence being read.
//!
//! A recording's sentence starts come from a label file beside it (one label
//! a sentence, as Audacity's "Export Labels" writes them) when there is one;
//! otherwise from the pauses between sentences, matched to where each
//! sentence should fall by its length; and if the reader hardly paused, from
//! the sentences' lengths alone.

use std::fs::File;
use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as Symphonia;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// Largest recording a source may hold; a text read aloud takes a few
/// minutes at most, and the kiosk decodes a whole recording before it plays.
pub const MAX_RECORDING_BYTES: u64 = 64 << 20;

/// Longest recording a source may hold.
pub const MAX_RECORDING_MS: u32 = 10 * 60 * 1000;

/// The loudness is measured in frames this long.
const FRAME_MS: u32 = 10;

/// A pause this long or longer may be the gap between two sentences.
const MIN_PAUSE_FRAMES: usize = 12;

/// The next sentence is lit this long before the voice comes back.
const LEAD_FRAMES: usize = 5;

/// A recording, decoded: how long it is and how loud each moment is.
#[derive(Debug, Clone)]
pub struct Heard {
    /// Its length in milliseconds.
    pub ms: u32,
    /// Loudness (RMS of all channels) of each [`FRAME_MS`] frame.
    frames: Vec<f32>,
}

/// How a recording's sentence starts were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// From the label file beside it.
    Labels,
    /// From the pauses between sentences.
    Pauses,
    /// From the sentences' lengths: the reader did not pause between them.
    Lengths,
}

impl Timing {
    /// How `pack build` describes it.
    pub fn said(self) -> &'static str {
        match self {
            Timing::Labels => "sentences timed by its label file",
            Timing::Pauses => "sentences timed by its pauses",
            Timing::Lengths => {
                "sentences timed by their lengths (few pauses: a label file would time them exactly)"
            }
        }
    }
}

/// Decodes the recording at `path` (its extension says its type: `wav`,
/// `flac`, `ogg` Vorbis or `mp3`). The error says what is wrong with it in
/// words for the content team.
pub fn listen(path: &Path) -> Result<Heard, String> {
    let file = File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let damaged = |e: Symphonia| {
        format!("it cannot be decoded ({e}); is it damaged, or another type under this name?")
    };
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            MediaSourceStream::new(Box::new(file), Default::default()),
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .map_err(damaged)?;
    let mut format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or("it holds no sound")?;
    let track_id = track.id;
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(damaged)?;

    let mut frames = Vec::new();
    let mut frame_len = 0usize;
    let (mut sum, mut in_frame, mut samples_seen, mut rate) = (0f64, 0usize, 0u64, 0u32);
    let mut buf: Option<SampleBuffer<f32>> = None;
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(Symphonia::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(Symphonia::ResetRequired) => break,
            Err(e) => return Err(damaged(e)),
        };
        if packet.track_id() != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            // One bad packet is skipped, as a player would; a file that
            // never decodes is refused below.
            Err(Symphonia::DecodeError(_)) => continue,
            Err(e) => return Err(damaged(e)),
        };
        let spec = *decoded.spec();
        let channels = spec.channels.count().max(1);
        if rate == 0 {
            rate = spec.rate;
            frame_len = (rate * FRAME_MS / 1000).max(1) as usize * channels;
        }
        let b = match &mut buf {
            Some(b) if b.capacity() >= decoded.capacity() * channels => b,
            _ => buf.insert(SampleBuffer::new(decoded.capacity() as u64, spec)),
        };
        b.copy_interleaved_ref(decoded);
        for &s in b.samples() {
            sum += f64::from(s) * f64::from(s);
            in_frame += 1;
            if in_frame == frame_len {
                frames.push((sum / in_frame as f64).sqrt() as f32);
                (sum, in_frame) = (0.0, 0);
            }
        }
        samples_seen += (b.samples().len() / channels) as u64;
        if rate > 0 && samples_seen * 1000 / u64::from(rate) > u64::from(MAX_RECORDING_MS) {
            return Err(format!(
                "it is over {} minutes long; a text read aloud takes a few minutes at most",
                MAX_RECORDING_MS / 60_000
            ));
        }
    }
    if rate == 0 || samples_seen == 0 {
        return Err("it holds no sound it can decode; is it damaged?".into());
    }
    let ms = (samples_seen * 1000 / u64::from(rate)) as u32;
    if frames.iter().all(|&f| f < 1e-3) {
        return Err("it is silent; was the microphone on?".into());
    }
    Ok(Heard { ms, frames })
}

/// The starts, in milliseconds, of the labels in an Audacity label file:
/// one line a label, `start<TAB>end<TAB>words` in seconds (Audacity's
/// spectral lines, starting `\`, are skipped).
pub fn labels(text: &str) -> Result<Vec<u32>, String> {
    let mut starts = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('\\') {
            continue;
        }
        let start = line
            .split('\t')
            .next()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .ok_or_else(|| {
                format!(
                    "line {}: expected a label as Audacity exports it (start, end and words, separated by tabs), found `{}`",
                    n + 1,
                    crate::untrusted::shown_str(line)
                )
            })?;
        starts.push((start * 1000.0).round() as u32);
    }
    Ok(starts)
}

/// Where each of `sentences` starts in `heard`, in milliseconds: from
/// `labelled` starts when given (one a sentence), else as the module says.
/// The first sentence is lit from the start.
pub fn time_sentences(
    heard: &Heard,
    sentences: &[&str],
    labelled: Option<Vec<u32>>,
) -> Result<(Vec<u32>, Timing), String> {
    if let Some(mut starts) = labelled {
        if starts.len() != sentences.len() {
            return Err(format!(
                "its label file has {} labels, the text has {} sentences; give one label a sentence",
                starts.len(),
                sentences.len()
            ));
        }
        if let Some(i) = (1..starts.len()).find(|&i| starts[i] <= starts[i - 1]) {
            return Err(format!(
                "in its label file, label {} does not start after label {}",
                i + 1,
                i
            ));
        }
        if let Some(i) = starts.iter().position(|&s| s >= heard.ms) {
            return Err(format!(
                "in its label file, label {} starts after the recording ends ({:.1} s)",
                i + 1,
                f64::from(heard.ms) / 1000.0
            ));
        }
        if let Some(first) = starts.first_mut() {
            *first = 0;
        }
        return Ok((starts, Timing::Labels));
    }
    Ok(heard.time(sentences))
}

/// A stretch of quiet between two stretches of speech, in frames.
#[derive(Debug, Clone, Copy)]
struct Pause {
    from: usize,
    to: usize,
}

impl Pause {
    fn len(self) -> usize {
        self.to - self.from
    }

    /// The frame the next sentence is lit from.
    fn next_start(self) -> usize {
        self.to
            .saturating_sub(LEAD_FRAMES)
            .max(self.from + self.len() / 2)
    }
}

impl Heard {
    fn time(&self, sentences: &[&str]) -> (Vec<u32>, Timing) {
        let n = sentences.len();
        let ms = |frame: usize| (frame as u32 * FRAME_MS).min(self.ms.saturating_sub(1));
        if n <= 1 {
            return (vec![0; n], Timing::Pauses);
        }
        let (speech, pauses) = self.pauses();
        // Where each sentence after the first would start if the reader kept
        // one pace: its share of the letters.
        let letters: Vec<usize> = sentences
            .iter()
            .map(|s| s.chars().filter(|c| c.is_alphanumeric()).count().max(1))
            .collect();
        let total: usize = letters.iter().sum();
        let span = (speech.1 - speech.0).max(1) as f64;
        let expected: Vec<f64> = (1..n)
            .map(|i| {
                speech.0 as f64 + span * letters[..i].iter().sum::<usize>() as f64 / total as f64
            })
            .collect();
        let starts = match choose(&pauses, &expected, span) {
            Some(chosen) => (chosen, Timing::Pauses),
            None => (
                expected.iter().map(|&e| e.round() as usize).collect(),
                Timing::Lengths,
            ),
        };
        let mut out = vec![0];
        for f in starts.0 {
            let next = ms(f).max(out[out.len() - 1] + 1);
            out.push(next);
        }
        (out, starts.1)
    }

    /// The first and last frame of speech, and the pauses between.
    fn pauses(&self) -> ((usize, usize), Vec<Pause>) {
        let mut sorted = self.frames.clone();
        sorted.sort_by(f32::total_cmp);
        // Speech level: loud, but not the loudest click.
        let level = sorted[(sorted.len() * 9 / 10).min(sorted.len() - 1)];
        let quiet = (level * 0.1).max(1e-4);
        let loud: Vec<bool> = self.frames.iter().map(|&f| f > quiet).collect();
        let first = loud.iter().position(|&l| l).unwrap_or(0);
        let last = loud.iter().rposition(|&l| l).unwrap_or(loud.len());
        let mut pauses = Vec::new();
        let mut from = None;
        for (i, &l) in loud.iter().enumerate().take(last + 1).skip(first) {
            match (l, from) {
                (false, None) => from = Some(i),
                (true, Some(f)) => {
                    if i - f >= MIN_PAUSE_FRAMES {
                        pauses.push(Pause { from: f, to: i });
                    }
                    from = None;
                }
                _ => {}
            }
        }
        ((first, last), pauses)
    }
}

/// The pause that starts each sentence after the first, in order: close to
/// where the sentence should start, and long (a reader pauses longer between
/// sentences than within one). `None` when there are too few pauses.
fn choose(pauses: &[Pause], expected: &[f64], span: f64) -> Option<Vec<usize>> {
    let (k, m) = (expected.len(), pauses.len());
    if m < k {
        return None;
    }
    let longest = pauses.iter().map(|p| p.len()).max().unwrap_or(1) as f64;
    let cost = |i: usize, j: usize| {
        let p = pauses[j];
        (p.next_start() as f64 - expected[i]).abs() / span - 0.5 * p.len() as f64 / longest
    };
    // best[i][j]: the cheapest choice for sentences 0..=i with sentence i
    // starting at pause j; from[i][j] the pause chosen for sentence i - 1.
    let mut best = vec![vec![f64::INFINITY; m]; k];
    let mut from = vec![vec![0usize; m]; k];
    best[0] = (0..m).map(|j| cost(0, j)).collect();
    for i in 1..k {
        let (mut low, mut at) = (f64::INFINITY, 0);
        for j in 0..m {
            if j > 0 && best[i - 1][j - 1] < low {
                (low, at) = (best[i - 1][j - 1], j - 1);
            }
            if low.is_finite() {
                best[i][j] = low + cost(i, j);
                from[i][j] = at;
            }
        }
    }
    let (mut j, _) = best[k - 1]
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))?;
    let mut chosen = vec![0; k];
    for i in (0..k).rev() {
        chosen[i] = pauses[j].next_start();
        j = from[i][j];
    }
    Some(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recording of `parts`: (speech frames, pause frames) in turn.
    fn heard(parts: &[(usize, usize)]) -> Heard {
        let mut frames = vec![0.0; 20];
        for &(speech, pause) in parts {
            frames.extend(std::iter::repeat_n(0.3, speech));
            frames.extend(std::iter::repeat_n(0.0, pause));
        }
        Heard {
            ms: frames.len() as u32 * FRAME_MS,
            frames,
        }
    }

    #[test]
    fn the_long_pauses_between_sentences_are_chosen_over_short_ones_within() {
        // Three sentences of equal length; a short pause inside each.
        let h = heard(&[
            (100, 15),
            (100, 40),
            (100, 15),
            (100, 40),
            (100, 15),
            (100, 20),
        ]);
        let (starts, timing) = h.time(&["One two.", "Three four.", "Five six."]);
        assert_eq!(timing, Timing::Pauses);
        // 20 quiet frames, then speech; sentence 2 comes back at frame
        // 20 + 215 + 40 = 275 and sentence 3 at 275 + 215 + 40 = 530, each
        // lit 5 frames (50 ms) before.
        assert_eq!(starts, vec![0, 2700, 5250]);
    }

    #[test]
    fn a_reader_who_never_pauses_is_timed_by_the_sentences_lengths() {
        let h = heard(&[(300, 20)]);
        let (starts, timing) = h.time(&["Short.", "A much longer sentence."]);
        assert_eq!(timing, Timing::Lengths);
        assert_eq!(starts.len(), 2);
        assert!(starts[1] > 200 && starts[1] < 1500, "{starts:?}");
    }

    #[test]
    fn labels_are_read_as_audacity_writes_them_and_must_fit() {
        let text = "0.250000\t1.500000\tFirst\n\\\t200.0\t3000.0\n1.750000\t3.000000\tSecond\n";
        assert_eq!(labels(text).unwrap(), vec![250, 1750]);
        let h = heard(&[(400, 20)]);
        let (starts, timing) = time_sentences(&h, &["A.", "B."], Some(vec![250, 1750])).unwrap();
        assert_eq!((starts, timing), (vec![0, 1750], Timing::Labels));
        let e = time_sentences(&h, &["A.", "B.", "C."], Some(vec![0, 100])).unwrap_err();
        assert!(e.contains("2 labels, the text has 3 sentences"), "{e}");
        let e = time_sentences(&h, &["A.", "B."], Some(vec![0, 9000])).unwrap_err();
        assert!(e.contains("label 2 starts after the recording ends"), "{e}");
        let e = labels("start\tend\n").unwrap_err();
        assert!(e.starts_with("line 1:"), "{e}");
    }
}
