//! How easily a text reads: Flesch Reading Ease over our own syllable
//! counter, and the rule each kind of text is held to.
//!
//! Many people in a group read below the level expected of an 11-year-old,
//! so every text the room sees must score at least [`ROOM_MIN`] and a
//! facilitator's note or safety step at least [`FACILITATOR_MIN`]. Flesch
//! means little on a heading of a few words ("Family" is one word of three
//! syllables and scores −48), so a text of fewer than [`SHORT_WORDS`] words
//! is held instead to a rule that does mean something: no word over three
//! syllables, except the programme's own [`TERMS`] in the standard version.
//! A plain version also keeps every sentence to [`PLAIN_SENTENCE_WORDS`]
//! words (Easy Read).
//!
//! The counter is a rule of thumb (vowel groups less silent endings); the
//! tests check it against the CMU Pronouncing Dictionary on every word the
//! sample uses. [`judge`] takes the counter as an argument so that the
//! same rules can be run with the dictionary's counts.

/// A text with fewer words than this is a heading or a label.
pub const SHORT_WORDS: usize = 6;

/// The lowest Flesch score a text the room sees may have.
pub const ROOM_MIN: f64 = 70.0;

/// The lowest Flesch score a facilitator's note or safety step may have.
pub const FACILITATOR_MIN: f64 = 60.0;

/// The most words a sentence of a plain version may have.
pub const PLAIN_SENTENCE_WORDS: usize = 15;

/// The programme's own terms, allowed in a short standard text though they
/// have four syllables or more: SMART's tool names and the letters of a
/// SMART goal. Their plain versions use everyday words.
pub const TERMS: [&str; 7] = [
    "insideout",
    "analysis",
    "hierarchy",
    "unconditional",
    "measurable",
    "achievable",
    "interest",
];

/// Who reads a text, which sets the rule it is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The group, on the big screen, in the usual words.
    Room,
    /// The group, in the plain version.
    RoomPlain,
    /// The facilitator only: notes and the safety guide.
    Facilitator,
}

/// Why a text reads too hard.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Hard {
    /// A text of [`SHORT_WORDS`] words or more scores too low.
    #[error("it reads too hard (Flesch Reading Ease {score:.1}, at least {min} needed); use shorter sentences and everyday words")]
    Score {
        /// Its Flesch Reading Ease.
        score: f64,
        /// The lowest allowed.
        min: f64,
    },
    /// A heading or label has a long word.
    #[error(
        "\"{word}\" has {syllables} syllables, too long for a heading or label; use a shorter word"
    )]
    LongWord {
        /// The word.
        word: String,
        /// Its syllables.
        syllables: usize,
    },
    /// A sentence of a plain version is too long.
    #[error("a plain sentence of {words} words (at most {PLAIN_SENTENCE_WORDS}): \"{sentence}\"; split it")]
    LongSentence {
        /// How many words it has.
        words: usize,
        /// The sentence.
        sentence: String,
    },
}

/// The words of `text`: runs of letters, an apostrophe inside a word kept
/// ("it's"). The dictionary script in the tests splits words the same way.
pub fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let letter = c.is_ascii_alphabetic();
        let inner_apostrophe = matches!(c, '\'' | '’')
            && start.is_some()
            && chars
                .get(k + 1)
                .is_some_and(|(_, n)| n.is_ascii_alphabetic());
        match (start, letter || inner_apostrophe) {
            (None, true) if letter => start = Some(i),
            (Some(s), false) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// The sentences of `text`, in order, each trimmed: a run of `.`, `!` or
/// `?` followed by a space or the end closes one, and so does the end of a
/// line (a heading or a list line without a full stop is a sentence too).
/// The kiosk reads a text aloud and highlights it sentence by sentence in
/// exactly these pieces.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        for (k, &(i, c)) in chars.iter().enumerate() {
            let ends = matches!(c, '.' | '!' | '?');
            let next = chars.get(k + 1).map(|&(_, n)| n);
            if ends && next.is_none_or(char::is_whitespace) {
                let end = i + c.len_utf8();
                out.push(line[start..end].trim());
                start = end;
            }
        }
        out.push(line[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Sentences in `text`: runs of `.`, `!` or `?` end one; at least 1.
pub fn sentence_count(text: &str) -> usize {
    let mut sentences = 0;
    let mut in_end = false;
    for c in text.chars() {
        let end = matches!(c, '.' | '!' | '?');
        if end && !in_end {
            sentences += 1;
        }
        in_end = end;
    }
    sentences.max(1)
}

/// Flesch Reading Ease: 206.835 − 1.015 × words per sentence − 84.6 ×
/// syllables per word, with syllables from `count`; 0 for a text of no words.
pub fn flesch_with(text: &str, count: &dyn Fn(&str) -> usize) -> f64 {
    let words = words(text);
    if words.is_empty() {
        return 0.0;
    }
    let syllables: usize = words.iter().map(|w| count(w)).sum();
    let n = words.len() as f64;
    206.835 - 1.015 * (n / sentence_count(text) as f64) - 84.6 * (syllables as f64 / n)
}

/// Flesch Reading Ease with our own counter, [`syllables`].
pub fn flesch_reading_ease(text: &str) -> f64 {
    flesch_with(text, &syllables)
}

/// Syllables in a word, by rule: groups of vowels, less a silent ending.
/// An `-es` or `-ed` is silent except after the sounds that need it
/// ("urges", "wishes", "wanted"); a final `e` is silent after a consonant
/// ("hope") but not in `-le` ("table").
pub fn syllables(word: &str) -> usize {
    let w: String = word
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if w.is_empty() {
        return 0;
    }
    // A suffix after a silent e is a syllable of its own: "aware-ness",
    // "lone-ly", "use-ful".
    for suffix in ["ness", "ment", "ful", "less", "ly"] {
        if let Some(base) = w.strip_suffix(suffix) {
            if base.len() > 2 {
                return syllables(base) + 1;
            }
        }
    }
    let mut stem = w.as_str();
    let mut extra = 0;
    if let Some(s) = stem.strip_suffix("es") {
        // "urges", "boxes", "wishes", "places" say the -es.
        if s.ends_with(['s', 'x', 'z', 'g', 'c']) || s.ends_with("ch") || s.ends_with("sh") {
            extra = 1;
        }
        stem = s;
    } else if let Some(s) = stem.strip_suffix("ed") {
        if s.ends_with(['t', 'd']) {
            extra = 1;
        }
        stem = s;
    } else if let Some(s) = stem.strip_suffix('e') {
        if s.ends_with('l')
            && s.len() > 2
            && !s.ends_with("ll")
            && !ends_with_vowel(&s[..s.len() - 1])
        {
            // "table", "simple": the -le is a syllable of its own.
            extra = 1;
            stem = &s[..s.len() - 1];
        } else if s.len() > 1 && !ends_with_vowel(s) {
            stem = s;
        }
    }
    // "-ing" after a vowel is a syllable of its own: "be-ing", "car-ry-ing".
    if let Some(s) = stem.strip_suffix("ing") {
        if ends_with_vowel(s) {
            extra += 1;
        }
    }
    // "idea", "area", "create": the e and the a are sounded apart.
    if stem.ends_with("ea") || stem.starts_with("crea") {
        extra += 1;
    }
    let stem = stem.strip_prefix('y').unwrap_or(stem);
    let mut count = 0;
    let mut previous_vowel = false;
    for c in stem.chars() {
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
        if vowel && !previous_vowel {
            count += 1;
        }
        previous_vowel = vowel;
    }
    (count + extra).max(1)
}

fn ends_with_vowel(s: &str) -> bool {
    s.ends_with(['a', 'e', 'i', 'o', 'u', 'y'])
}

/// Checks `text` against the rule for its `reader`, with syllables from
/// `count`; `None` when it reads easily enough.
pub fn judge(text: &str, reader: Reader, count: &dyn Fn(&str) -> usize) -> Option<Hard> {
    let ws = words(text);
    if reader == Reader::Facilitator {
        let score = flesch_with(text, count);
        return (ws.len() >= SHORT_WORDS && score < FACILITATOR_MIN).then_some(Hard::Score {
            score,
            min: FACILITATOR_MIN,
        });
    }
    let plain = reader == Reader::RoomPlain;
    if plain {
        for sentence in text.split(['.', '!', '?', '\n']) {
            let n = words(sentence).len();
            if n > PLAIN_SENTENCE_WORDS {
                return Some(Hard::LongSentence {
                    words: n,
                    sentence: sentence.trim().to_owned(),
                });
            }
        }
    }
    if ws.len() < SHORT_WORDS {
        return ws
            .iter()
            .find(|w| count(w) > 3 && (plain || !TERMS.contains(&w.to_lowercase().as_str())))
            .map(|w| Hard::LongWord {
                word: (*w).to_owned(),
                syllables: count(w),
            });
    }
    let score = flesch_with(text, count);
    (score < ROOM_MIN).then_some(Hard::Score {
        score,
        min: ROOM_MIN,
    })
}
