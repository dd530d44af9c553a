#!/usr/bin/env bash
# run.sh SECONDS [TARGET...] — seed the corpora from real files and run each
# cargo-fuzz target (all four by default) for SECONDS, then print how many
# inputs each ran. CI runs it for 30 seconds a target; long runs (the goal is
# 10M executions a target, 0 crashes) are e.g. `run.sh 3600`.
#
# Seeds: a pack and an export bundle made by the real binaries (built if
# missing), and the sample's source files. Needs cargo-fuzz
# (`cargo install cargo-fuzz --locked`) and python3; on the stable toolchain
# cargo-fuzz's nightly flags need RUSTC_BOOTSTRAP=1, which this sets.
# A crash makes the script fail and leaves the input in artifacts/TARGET/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:?usage: run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pack_reader signed_tail bundle_reader source_loader)
export RUSTC_BOOTSTRAP=1
# The targets write and fsync small files for every input: on tmpfs that
# costs little.
if [ -z "${TMPDIR:-}" ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi

target_dir=${CARGO_TARGET_DIR:-$root/target}
bin=$target_dir/debug
if [ ! -x "$bin/insideout-provision" ] || [ ! -x "$bin/insideout-kiosk" ]; then
    (cd "$root" && cargo build --locked -q -p provisioning -p kiosk)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=$here/corpus
mkdir -p "$corpus"/{pack_reader,signed_tail,bundle_reader,source_loader}

# A real pack and a real export bundle.
"$bin/insideout-provision" keygen --secret-key "$work/c.key" --public-key "$work/c.pub" --unencrypted >/dev/null
"$bin/insideout-provision" pack build "$root/content-pack/sample" --version 1 \
    --secret-key "$work/c.key" --out "$work/sample.iopack" >/dev/null
"$bin/insideout-provision" kiosk init --data-dir "$work/data" --site "HMP Fuzz" --wing A \
    --trusted-key "$work/c.pub" >/dev/null
"$bin/insideout-kiosk" import "$work/sample.iopack" --data-dir "$work/data" >/dev/null
"$bin/insideout-kiosk" simulate --data-dir "$work/data" --sessions 3 --group-size 4 >/dev/null
mkdir "$work/stick"
"$bin/insideout-kiosk" export --data-dir "$work/data" --to "$work/stick" >/dev/null

python3 - "$work" "$corpus" "$root/content-pack/sample" <<'PY'
import glob, os, struct, sys, tarfile
work, corpus, sample = sys.argv[1:4]
pack = open(f"{work}/sample.iopack", "rb").read()
open(f"{corpus}/pack_reader/sample.iopack", "wb").write(pack)
with tarfile.open(f"{work}/sample.iopack") as t:
    members = t.getmembers()
manifest = pack[members[0].offset_data:members[0].offset_data + members[0].size]
sig = members[1]
tail = pack[sig.offset_data + (sig.size + 511) // 512 * 512:]
open(f"{corpus}/signed_tail/sample", "wb").write(struct.pack("<H", len(manifest)) + manifest + tail)
bundle = glob.glob(f"{work}/stick/insideout-export_*")[0]
names = ["manifest.json", "manifest.sig", "attendance.csv", "sessions.csv", "summary.json"]
files = [open(os.path.join(bundle, n), "rb").read()[:65535] for n in names]
open(f"{corpus}/bundle_reader/sample", "wb").write(
    b"".join(struct.pack("<H", len(f)) for f in files) + b"".join(files))
packtoml = open(f"{sample}/pack.toml", "rb").read()
for i, (s, t) in enumerate(zip(sorted(glob.glob(f"{sample}/sessions/*.toml"))[:4],
                              sorted(glob.glob(f"{sample}/tools/*.toml"))[:4])):
    session, tool = open(s, "rb").read(), open(t, "rb").read()
    open(f"{corpus}/source_loader/sample-{i}", "wb").write(
        struct.pack("<HH", len(packtoml), len(session)) + packtoml + session + tool)
PY

cd "$here"
report=()
for t in "${targets[@]}"; do
    log=$work/$t.log
    if ! cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$seconds" \
        -max_len=262144 -print_final_stats=1 >"$log" 2>&1; then
        tail -40 "$log" >&2
        echo "fuzz: $t crashed; the input is in $here/artifacts/$t/" >&2
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    report+=("$t: $runs executions in ${seconds}s, 0 crashes")
done
printf 'fuzz: %s\n' "${report[@]}"
