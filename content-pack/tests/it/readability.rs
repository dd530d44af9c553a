//! How easily the sample reads (issues 3 and 10), field by field, never
//! joined: every text the room sees scores at least 70 on Flesch Reading
//! Ease, a plain version keeps every sentence to 15 words (Easy Read), and a
//! facilitator's note or safety step scores at least 60.
//!
//! Flesch means little on a heading of a few words ("Family" is one word of
//! three syllables and scores −48), so a text of fewer than
//! [`SHORT_WORDS`] words is held to a rule that does mean something: no
//! word over three syllables, except the programme's own terms in the
//! standard version (the plain version never has them).
//!
//! Two counters score every field. Ours (below) is quick and runs
//! everywhere; `tests/scripts/readability.py` counts syllables with the CMU
//! Pronouncing Dictionary and pyphen, which the project did not write. Both
//! must pass, and ours must agree with the dictionary on the words the
//! sample uses. Each test prints the ten hardest fields it found.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};

use crate::sample::{facilitator_fields, participant_fields, sample, Field};

/// A text with fewer words than this is a heading or a label.
pub const SHORT_WORDS: usize = 6;

/// The programme's own terms, allowed in a short standard text though they
/// have four syllables or more: SMART's tool names and the letters of a
/// SMART goal. Their plain versions use everyday words.
const TERMS: [&str; 7] = [
    "insideout",
    "analysis",
    "hierarchy",
    "unconditional",
    "measurable",
    "achievable",
    "interest",
];

/// The score a field gets, and whether it passes.
struct Scored {
    at: String,
    text: String,
    score: f64,
    problem: Option<String>,
}

fn words(text: &str) -> Vec<&str> {
    // Runs of letters, an apostrophe inside a word kept: the same rule as
    // the dictionary script.
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

fn sentence_count(text: &str) -> usize {
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
/// syllables per word, with syllables from `count`.
fn flesch_with(text: &str, count: &dyn Fn(&str) -> usize) -> f64 {
    let words = words(text);
    if words.is_empty() {
        return 0.0;
    }
    let syllables: usize = words.iter().map(|w| count(w)).sum();
    let n = words.len() as f64;
    206.835 - 1.015 * (n / sentence_count(text) as f64) - 84.6 * (syllables as f64 / n)
}

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

/// Scores `fields` with a syllable counter and checks each against its rule.
fn score_participant(fields: &[Field], count: &dyn Fn(&str) -> usize) -> Vec<Scored> {
    fields
        .iter()
        .map(|f| {
            let score = flesch_with(&f.text, count);
            let ws = words(&f.text);
            let mut problem = None;
            if ws.len() < SHORT_WORDS {
                if let Some(long) = ws.iter().find(|w| {
                    count(w) > 3 && (f.plain || !TERMS.contains(&w.to_lowercase().as_str()))
                }) {
                    problem = Some(format!("{long:?} has {} syllables", count(long)));
                }
            } else if score < 70.0 {
                problem = Some(format!("Flesch {score:.1} < 70"));
            }
            if f.plain {
                for sentence in f.text.split(['.', '!', '?', '\n']) {
                    let n = words(sentence).len();
                    if n > 15 {
                        problem = Some(format!("a plain sentence of {n} words: {sentence:?}"));
                    }
                }
            }
            Scored {
                at: f.at.clone(),
                text: f.text.clone(),
                score,
                problem,
            }
        })
        .collect()
}

fn score_notes(fields: &[(String, String)], count: &dyn Fn(&str) -> usize) -> Vec<Scored> {
    fields
        .iter()
        .map(|(at, text)| {
            let score = flesch_with(text, count);
            let short = words(text).len() < SHORT_WORDS;
            Scored {
                at: at.clone(),
                text: text.clone(),
                score,
                problem: (!short && score < 60.0).then(|| format!("Flesch {score:.1} < 60")),
            }
        })
        .collect()
}

/// The ten lowest-scoring fields of at least [`SHORT_WORDS`] words.
fn worst_ten(scored: &[Scored]) -> String {
    let mut long: Vec<&Scored> = scored
        .iter()
        .filter(|s| words(&s.text).len() >= SHORT_WORDS)
        .collect();
    long.sort_by(|a, b| a.score.total_cmp(&b.score));
    long.iter()
        .take(10)
        .map(|s| {
            format!(
                "  {:6.1}  {}: {:.60}",
                s.score,
                s.at,
                s.text.replace('\n', " ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_all_pass(what: &str, scored: &[Scored]) {
    println!("{what}: the ten hardest fields\n{}", worst_ten(scored));
    let failed: Vec<String> = scored
        .iter()
        .filter_map(|s| s.problem.as_ref().map(|p| format!("{}: {p}", s.at)))
        .collect();
    assert!(
        failed.is_empty(),
        "{what}: {} fields read badly:\n{}\nthe ten hardest:\n{}",
        failed.len(),
        failed.join("\n"),
        worst_ten(scored)
    );
}

#[test]
fn every_participant_text_reads_easily_field_by_field() {
    let fields = participant_fields(&sample().programme);
    assert!(fields.len() > 1000, "only {} fields", fields.len());
    assert_all_pass("participant texts", &score_participant(&fields, &syllables));
}

#[test]
fn every_facilitator_note_and_safety_step_reads_at_60_or_more() {
    let fields = facilitator_fields(&sample().programme);
    assert_all_pass("facilitator texts", &score_notes(&fields, &syllables));
}

#[test]
fn the_readability_score_behaves_like_flesch() {
    assert!(flesch_reading_ease("The cat sat on the mat. It was fun.") > 100.0);
    assert!(
        flesch_reading_ease(
            "Institutional confidentiality considerations necessitate comprehensive organisational documentation procedures."
        ) < 0.0
    );
    for (word, n) in [
        ("cat", 1),
        ("table", 2),
        ("hope", 1),
        ("motivation", 4),
        ("urges", 2),
        ("wished", 1),
        ("wanted", 2),
        ("idea", 3),
        ("simple", 2),
    ] {
        assert_eq!(syllables(word), n, "{word}");
    }
    assert_eq!(
        words("Cost–benefit: it's A, B, C."),
        ["Cost", "benefit", "it's", "A", "B", "C"]
    );
}

/// What the dictionary script answers.
struct Dictionary {
    /// Syllables per pronunciation, by word.
    words: BTreeMap<String, Vec<usize>>,
}

impl Dictionary {
    /// The first pronunciation's count, as textstat takes it.
    fn count(&self, word: &str) -> usize {
        self.words
            .get(&word.to_lowercase())
            .and_then(|c| c.first().copied())
            .unwrap_or_else(|| panic!("the dictionary script did not count {word:?}"))
    }
}

/// Runs `tests/scripts/readability.py` over `words` (it installs its pinned
/// packages into a virtual environment under the target folder on first use).
fn dictionary(words: &BTreeSet<String>) -> Dictionary {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/readability.py");
    let venv = concat!(env!("CARGO_TARGET_TMPDIR"), "/readability-venv");
    let request = serde_json::json!({ "fields": [], "words": words });
    let mut child = Command::new("python3")
        .arg(script)
        .arg(venv)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(request.to_string().as_bytes())
            .expect("request written");
    }
    let out = child.wait_with_output().expect("the script ends");
    assert!(
        out.status.success(),
        "readability.py failed: {}",
        out.status
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON answer");
    let words = answer["words"]
        .as_object()
        .expect("words")
        .iter()
        .map(|(w, c)| {
            let counts = c
                .as_array()
                .expect("counts")
                .iter()
                .map(|n| n.as_u64().expect("a count") as usize)
                .collect();
            (w.clone(), counts)
        })
        .collect();
    Dictionary { words }
}

/// The same rules, with syllables from the CMU dictionary (pyphen for a word
/// it lacks), and our counter agreeing with it on the sample's words.
#[test]
fn a_dictionary_counter_agrees_and_every_field_passes_by_its_count_too() {
    let programme = sample().programme;
    let fields = participant_fields(&programme);
    let notes = facilitator_fields(&programme);
    let mut all_words: BTreeSet<String> = fields
        .iter()
        .map(|f| f.text.as_str())
        .chain(notes.iter().map(|(_, t)| t.as_str()))
        .flat_map(words)
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect();
    all_words.extend(["urges", "our"].map(String::from));
    let dict = dictionary(&all_words);
    let count = |w: &str| dict.count(&w.replace('’', "'"));

    // Our counter agrees where the dictionary allows its count.
    let disagree: Vec<String> = all_words
        .iter()
        .filter(|w| !dict.words[*w].contains(&syllables(w)))
        .map(|w| {
            format!(
                "{w} (ours {}, dictionary {:?})",
                syllables(w),
                dict.words[w]
            )
        })
        .collect();
    let share = disagree.len() as f64 / all_words.len() as f64;
    println!(
        "{} distinct words, {} counted differently ({:.1}%)",
        all_words.len(),
        disagree.len(),
        share * 100.0
    );
    for w in ["urges", "our"] {
        assert!(
            dict.words[w].contains(&syllables(w)),
            "{w}: ours {}",
            syllables(w)
        );
    }
    assert!(
        share < 0.05,
        "our counter disagrees on {:.1}%:\n{}",
        share * 100.0,
        disagree.join("\n")
    );

    assert_all_pass(
        "participant texts (dictionary)",
        &score_participant(&fields, &count),
    );
    assert_all_pass(
        "facilitator texts (dictionary)",
        &score_notes(&notes, &count),
    );
}
