#!/usr/bin/env python3
"""Kill trials: SIGKILL the real `insideout-kiosk import` and `export` at
random moments, thousands of times, and check after each kill what a power
cut must leave (not run in CI: it takes minutes; its counts go in the
README's benchmark table).

    tests/scripts/kill-trials.py [--imports N] [--exports N] [--bin DIR]

Import: a kiosk with version 1 installed imports version 2 (the sample with
a large extra media file, so the install takes long enough to be cut in
every step). After each kill the installed pack is checked by this script,
not by the kiosk: `content/current` names a pack folder whose every file
matches its manifest's size and SHA-256, and it is version 1 or 2; then the
kiosk itself opens the data folder and imports version 2 again (or says it
is already installed).

Export: a kiosk with 300 finished sessions exports to a folder. After each
kill: any bundle folder there verifies (`insideout-provision export
verify`), a second export either has every row or says nothing is new, and
in the second case a complete bundle was already written (the watermark
never moves without one).

Needs the workspace's debug binaries (`cargo build -p kiosk -p
provisioning`).
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--imports", type=int, default=1000)
parser.add_argument("--exports", type=int, default=1000)
parser.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "../../target/debug"))
parser.add_argument("--seed", type=int, default=20261202)
args = parser.parse_args()
BIN = os.path.abspath(args.bin)
SAMPLE = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../content-pack/sample"))
rng = random.Random(args.seed)


def run(name, *argv, check=True):
    out = subprocess.run([os.path.join(BIN, name), *argv], capture_output=True, text=True)
    if check and out.returncode != 0:
        sys.exit(f"{name} {' '.join(argv)} failed: {out.stderr}")
    return out


def killed_at(argv, delay):
    """Starts a command, SIGKILLs it after `delay` seconds (if still running)."""
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return True


def timed(argv):
    start = time.monotonic()
    subprocess.run(argv, check=True, capture_output=True)
    return time.monotonic() - start


def installed_version(data):
    """The installed pack, checked file by file; its version."""
    content = os.path.join(data, "content")
    target = os.readlink(os.path.join(content, "current"))
    pack = os.path.join(content, target)
    manifest = json.load(open(os.path.join(pack, "manifest.json")))
    for f in manifest["files"]:
        data_bytes = open(os.path.join(pack, f["path"]), "rb").read()
        assert len(data_bytes) == f["size"], f"{f['path']}: size"
        assert hashlib.sha256(data_bytes).hexdigest() == f["sha256"], f"{f['path']}: hash"
    return manifest["version"]


def import_trials(work, n):
    run("insideout-provision", "keygen", "--secret-key", f"{work}/c.key",
        "--public-key", f"{work}/c.pub", "--unencrypted")
    source = f"{work}/source"
    shutil.copytree(SAMPLE, source)
    # 8 MiB of media, so an install has many moments to be cut in.
    with open(f"{source}/media/large.bin", "wb") as f:
        f.write(os.urandom(8 << 20))
    for v in (1, 2):
        run("insideout-provision", "pack", "build", source, "--version", str(v),
            "--secret-key", f"{work}/c.key", "--out", f"{work}/v{v}.iopack")
    template = f"{work}/template"
    run("insideout-provision", "kiosk", "init", "--data-dir", template, "--site", "HMP Trial",
        "--wing", "A", "--trusted-key", f"{work}/c.pub")
    run("insideout-kiosk", "import", f"{work}/v1.iopack", "--data-dir", template)
    d = f"{work}/timing"
    shutil.copytree(template, d, symlinks=True)
    full = timed([f"{BIN}/insideout-kiosk", "import", f"{work}/v2.iopack", "--data-dir", d])
    shutil.rmtree(d)
    counts = {"old": 0, "new": 0, "finished": 0}
    for trial in range(n):
        d = f"{work}/trial"
        shutil.copytree(template, d, symlinks=True)
        cut = killed_at([f"{BIN}/insideout-kiosk", "import", f"{work}/v2.iopack", "--data-dir", d],
                        rng.uniform(0, full * 1.2))
        version = installed_version(d)
        assert version in (1, 2), f"import trial {trial}: version {version}"
        if not cut:
            counts["finished"] += 1
        counts["old" if version == 1 else "new"] += 1
        again = run("insideout-kiosk", "import", f"{work}/v2.iopack", "--data-dir", d, check=False)
        if version == 1:
            assert again.returncode == 0, f"import trial {trial}: {again.stderr}"
        else:
            assert "only a newer version" in again.stderr, f"import trial {trial}: {again.stderr}"
        assert installed_version(d) == 2
        shutil.rmtree(d)
    return full, counts


def export_trials(work, n):
    template = f"{work}/export-template"
    run("insideout-provision", "kiosk", "init", "--data-dir", template, "--site", "HMP Trial",
        "--wing", "B", "--trusted-key", f"{work}/c.pub")
    run("insideout-kiosk", "import", f"{work}/v1.iopack", "--data-dir", template)
    run("insideout-kiosk", "simulate", "--data-dir", template, "--sessions", "300",
        "--group-size", "10")
    d, stick = f"{work}/timing", f"{work}/timing-stick"
    shutil.copytree(template, d, symlinks=True)
    os.mkdir(stick)
    full = timed([f"{BIN}/insideout-kiosk", "export", "--data-dir", d, "--to", stick])
    shutil.rmtree(d)
    shutil.rmtree(stick)
    counts = {"nothing written": 0, "bundle, watermark kept": 0, "bundle and watermark": 0}
    for trial in range(n):
        d, stick, again_stick = f"{work}/trial", f"{work}/stick", f"{work}/again"
        shutil.copytree(template, d, symlinks=True)
        os.mkdir(stick)
        os.mkdir(again_stick)
        killed_at([f"{BIN}/insideout-kiosk", "export", "--data-dir", d, "--to", stick],
                  rng.uniform(0, full * 1.2))
        bundles = [b for b in os.listdir(stick) if b.startswith("insideout-export_")]
        assert len(bundles) <= 1, f"export trial {trial}: {bundles}"
        for b in bundles:
            run("insideout-provision", "export", "verify", f"{stick}/{b}",
                "--kiosk-key", f"{d}/kiosk.pub")
        again = run("insideout-kiosk", "export", "--data-dir", d, "--to", again_stick).stdout
        if again.startswith("Nothing new to export"):
            assert bundles, f"export trial {trial}: the watermark moved without a bundle"
            counts["bundle and watermark"] += 1
        else:
            assert again.startswith("Exported 300 sessions and 3000 attendances"), again
            counts["bundle, watermark kept" if bundles else "nothing written"] += 1
        for p in (d, stick, again_stick):
            shutil.rmtree(p)
    return full, counts


with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as work:
    started = time.monotonic()
    full, counts = import_trials(work, args.imports)
    print(f"import: {args.imports} trials (a whole import takes {full:.2f} s): {counts}")
    full, counts = export_trials(work, args.exports)
    print(f"export: {args.exports} trials (a whole export takes {full:.2f} s): {counts}")
    print(f"kill trials: all passed in {time.monotonic() - started:.0f} s")
