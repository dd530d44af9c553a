//! Read aloud: recordings from the installed pack, one after another, decoded in
//! pure Rust (rodio over symphonia: Ogg Vorbis, FLAC, WAV, MP3) and played
//! through ALSA's default device. The sound device is opened at the first
//! press of Read aloud, never before: nothing plays unless pressed.
//!
//! Which sentence is being read is kiosk-core's
//! ([`kiosk_core::views::ReadAloud::sentence_at`]); this module only plays,
//! stops and says how far it has got.

use std::io::Cursor;
use std::time::{Duration, Instant};

use kiosk_core::MAX_VOLUME;
use rodio::buffer::SamplesBuffer;
use rodio::{Decoder, OutputStream, OutputStreamHandle, Sink, Source};

/// Why a recording cannot be played.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// No sound device could be opened.
    #[error(
        "no sound: the kiosk cannot open its sound device ({0}); check the speakers are plugged in"
    )]
    NoDevice(String),
    /// The recording could not be decoded.
    #[error("this recording cannot be played ({0}); ask the content team for a new pack")]
    Decode(String),
}

/// The kiosk's speaker: at most one recording playing.
#[derive(Default)]
pub struct Speaker {
    output: Option<(OutputStream, OutputStreamHandle)>,
    playing: Option<Playing>,
}

/// The recording playing, since when, and how long it lasts.
struct Playing {
    sink: Sink,
    started: Instant,
    length: Duration,
}

impl Speaker {
    /// Plays `recordings` one after another at `volume` (0 to
    /// [`MAX_VOLUME`]), stopping whatever was playing; returns how long
    /// each lasts.
    pub fn play(
        &mut self,
        recordings: Vec<Vec<u8>>,
        volume: u8,
    ) -> Result<Vec<Duration>, AudioError> {
        self.stop();
        // Decoded whole before a sound is made: a recording that does not
        // decode to its end is refused, not half played, and its length
        // is known.
        let decoded = recordings
            .into_iter()
            .map(decode)
            .collect::<Result<Vec<_>, _>>()?;
        if self.output.is_none() {
            let output =
                OutputStream::try_default().map_err(|e| AudioError::NoDevice(e.to_string()))?;
            self.output = Some(output);
        }
        let Some((_, handle)) = &self.output else {
            return Err(AudioError::NoDevice("not opened".into()));
        };
        let sink = Sink::try_new(handle).map_err(|e| AudioError::NoDevice(e.to_string()))?;
        sink.set_volume(loudness(volume));
        let mut lengths = Vec::with_capacity(decoded.len());
        for (source, length) in decoded {
            sink.append(source);
            lengths.push(length);
        }
        self.playing = Some(Playing {
            sink,
            started: Instant::now(),
            length: lengths.iter().sum(),
        });
        Ok(lengths)
    }

    /// Changes the volume of what plays now (and nothing else).
    pub fn set_volume(&self, volume: u8) {
        if let Some(p) = &self.playing {
            p.sink.set_volume(loudness(volume));
        }
    }

    /// Stops playing.
    pub fn stop(&mut self) {
        if let Some(p) = self.playing.take() {
            p.sink.stop();
        }
    }

    /// How far the room has heard the recording playing: the time since
    /// it started (the device takes samples ahead of what the speakers
    /// sound, by its buffer, so its own count runs ahead); `None` once the
    /// recording's length has passed, or if nothing plays.
    pub fn position(&self) -> Option<Duration> {
        let p = self.playing.as_ref()?;
        let elapsed = p.started.elapsed();
        (elapsed < p.length).then_some(elapsed)
    }
}

/// A whole recording, decoded, and how long it lasts.
fn decode(bytes: Vec<u8>) -> Result<(SamplesBuffer<i16>, Duration), AudioError> {
    let decoder =
        Decoder::new(Cursor::new(bytes)).map_err(|e| AudioError::Decode(e.to_string()))?;
    let (channels, rate) = (decoder.channels(), decoder.sample_rate());
    let samples: Vec<i16> = decoder.collect();
    if samples.is_empty() || channels == 0 || rate == 0 {
        return Err(AudioError::Decode("it holds no sound".into()));
    }
    let length =
        Duration::from_secs_f64(samples.len() as f64 / f64::from(channels) / f64::from(rate));
    Ok((SamplesBuffer::new(channels, rate, samples), length))
}

/// The volume setting as a gain: 0 is silent, and each step sounds about as
/// much louder as the one before (the ear hears loudness roughly as the
/// square of the gain).
fn loudness(volume: u8) -> f32 {
    let v = f32::from(volume.min(MAX_VOLUME)) / f32::from(MAX_VOLUME);
    v * v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_volume_runs_from_silent_to_full() {
        assert_eq!(loudness(0), 0.0);
        assert_eq!(loudness(MAX_VOLUME), 1.0);
        assert!(loudness(5) < loudness(6));
        assert_eq!(loudness(200), 1.0);
    }

    #[test]
    fn a_damaged_recording_is_refused_not_played() {
        let mut speaker = Speaker::default();
        let e = speaker
            .play(vec![b"not audio at all".to_vec()], 5)
            .unwrap_err();
        assert!(matches!(e, AudioError::Decode(_)), "{e}");
        assert!(speaker.position().is_none());
    }
}
