//! How easily the sample reads (issues 3 and 10), cross-checked. The rule
//! and our syllable counter are library code (`content_pack::readability`,
//! run by `content_pack::rules::check` in `pack build`, `pack check` and the
//! sample's tests); here `tests/scripts/readability.py` counts syllables
//! with the CMU Pronouncing Dictionary and pyphen, which the project did not
//! write. Every field must pass the same rule by its counts too, and our
//! counter must agree with the dictionary on the words the sample uses.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};

use content_pack::readability::{flesch_reading_ease, syllables, words};
use content_pack::rules::{self, Broken};

use crate::sample::sample;

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
    let source = sample();
    let texts = rules::texts(&source);
    let mut all_words: BTreeSet<String> = texts
        .iter()
        .flat_map(|t| words(t.text))
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

    let hard: Vec<String> = rules::check_with(&source, &count)
        .unwrap()
        .into_iter()
        .filter(|f| matches!(f.broken, Broken::HardToRead(_)))
        .map(|f| f.to_string())
        .collect();
    assert!(
        hard.is_empty(),
        "by the dictionary's counts, {} texts read badly:\n{}",
        hard.len(),
        hard.join("\n")
    );
}

/// The pieces the kiosk reads aloud and highlights one at a time.
#[test]
fn sentences_split_at_full_stops_and_line_ends_only() {
    use content_pack::readability::sentences;
    assert_eq!(
        sentences("Welcome to InsideOut. It is based on SMART Recovery!\nYou choose.\nPoint 1: motivation"),
        [
            "Welcome to InsideOut.",
            "It is based on SMART Recovery!",
            "You choose.",
            "Point 1: motivation"
        ]
    );
    assert_eq!(
        sentences("Wait... what? Version 3.5 is out."),
        ["Wait...", "what?", "Version 3.5 is out."]
    );
    assert!(sentences(" \n ").is_empty());
}
