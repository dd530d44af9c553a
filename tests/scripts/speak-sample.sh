#!/usr/bin/env bash
# speak-sample.sh — issue 13's check of `pack build --speak` over the whole
# sample programme: every text the room sees, in English and Welsh, both
# versions, gets audio; sox (which the project did not write) decodes every
# file and its length is plausible for its words. Prints the build time and
# the pack's audio size. Takes some minutes (hours of speech), so it is a
# script, not a CI test; CI tests the same code on a few texts.
#
# Needs: espeak-ng, sox, python3. Builds insideout-provision in release.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
cargo build --release --locked -q -p provisioning
bin=${CARGO_TARGET_DIR:-$root/target}/release/insideout-provision
"$bin" keygen --secret-key "$work/c.key" --public-key "$work/c.pub" --unencrypted >/dev/null
start=$(date +%s)
"$bin" pack build content-pack/sample --version 1 --secret-key "$work/c.key" \
    --out "$work/spoken.iopack" --speak | tee "$work/build.log"
echo "build with --speak: $(( $(date +%s) - start )) s"
"$bin" pack verify "$work/spoken.iopack" --trusted-key "$work/c.pub" | head -n 1

python3 - "$work" <<'PY'
import json, os, subprocess, sys, tarfile
work = sys.argv[1]
out = os.path.join(work, "x")
with tarfile.open(os.path.join(work, "spoken.iopack")) as t:
    t.extractall(out, filter="data")
programme = json.load(open(os.path.join(out, "programme.json")))
languages = ["en"] + [t["language"] for t in programme.get("translations", [])]

def texts(node):
    if isinstance(node, dict):
        if "standard" in node and "plain" in node:
            # A room text (its translations are inside it, not texts).
            yield node
            return
        for v in node.values():
            yield from texts(v)
    elif isinstance(node, list):
        for v in node:
            yield from texts(v)

def words_of(text, lang, plain):
    version = "plain" if plain else "standard"
    if lang == "en":
        return text[version]
    # A blank text (a worksheet box without a prompt) has no translation.
    return text.get("translations", {}).get(lang, {}).get(version, "")

seconds = {}
def duration(path):
    if path not in seconds:
        r = subprocess.run(["soxi", "-D", path], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"sox cannot decode {path}: {r.stderr.strip()}")
        seconds[path] = float(r.stdout)
    return seconds[path]

checked = missing = 0
bad = []
for text in texts(programme):
    for lang in languages:
        for plain in (False, True):
            words = words_of(text, lang, plain).strip()
            if not words:
                continue
            audio = [a for a in text.get("audio", []) if a["language"] == lang and a["plain"] == plain]
            if not audio:
                missing += 1
                bad.append(f"no audio: {lang} {'plain' if plain else 'standard'}: {words[:50]!r}")
                continue
            secs = duration(os.path.join(out, audio[0]["file"]))
            n = max(1, len(words.split()))
            # espeak-ng says about 3 words a second; each sentence ends
            # with a pause, and a one-word heading takes about a second.
            if not 0.15 * n <= secs <= 1.0 * n + 1.5:
                bad.append(f"{audio[0]['file']}: {secs:.1f} s for {n} words")
            checked += 1
files = {os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(out, "media", "audio")) for f in fs}
size = sum(os.path.getsize(f) for f in files)
total = sum(duration(f) for f in files)
print(f"checked {checked} text versions ({', '.join(languages)}), {missing} without audio; "
      f"{len(files)} files decode with sox, {size / 1e6:.1f} MB, {total / 60:.0f} min of speech")
if bad:
    print("\n".join(bad[:20]))
    sys.exit(1)
PY
