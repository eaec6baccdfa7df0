#!/usr/bin/env bash
# Concordance throughput: `fazhi kwic TERM --all --format jsonl` against `rg -o TERM` (every
# occurrence, one line each) on the same corpus, in one run.
#
#   benches/kwic/run.sh DOCS_DIR [WORKDIR]
#
# DOCS_DIR: a folder of .txt reports (e.g. a corpus from ../shared/bench/gen_corpus.py
# --format dir). WORKDIR (default target/kwicbench) gets the index and results.md. Needs rg
# and hyperfine (installed with apt-get when missing). TERMS="枫桥经验 法治 …" picks the terms.
#
# rg reads the files as they are; fazhi reads its index's stored text and also finds terms
# across punctuation and line breaks, and in traditional script, so its counts can be higher.
# Both counts are reported beside the times.
set -euo pipefail
DOCS=$(realpath "${1:?usage: benches/kwic/run.sh DOCS_DIR [WORKDIR]}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(realpath -m "${2:-$ROOT/target/kwicbench}")
TERMS=${TERMS:-"枫桥经验 矛盾纠纷 行政执法 法治"}
mkdir -p "$W"
need=()
command -v rg > /dev/null || need+=(ripgrep)
command -v hyperfine > /dev/null || need+=(hyperfine)
if [ ${#need[@]} -gt 0 ]; then apt-get install -y "${need[@]}" > /dev/null; fi
(cd "$ROOT" && cargo build --release --locked -q)
F="$ROOT/target/release/fazhi"
if [ ! -e "$W/index/fazhi-index.json" ]; then "$F" index "$DOCS" --index "$W/index" 2> "$W/index.log"; fi
{
  echo "| term | fazhi lines | rg -o lines | fazhi s | rg -o s | fazhi lines/s | rg lines/s | fazhi / rg time |"
  echo "|---|---|---|---|---|---|---|---|"
  for t in $TERMS; do
    fl=$("$F" kwic "$t" --literal --all --format jsonl --index "$W/index" | wc -l)
    rl=$(rg -o --no-filename "$t" "$DOCS" | wc -l)
    hyperfine -N --warmup 1 --runs "${RUNS:-5}" --export-json "$W/$t.json" \
      "$F kwic $t --literal --all --format jsonl --index $W/index" "rg -o --no-filename $t $DOCS" > /dev/null
    python3 - "$W/$t.json" "$t" "$fl" "$rl" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
f, r = runs[0]["median"], runs[1]["median"]
t, fl, rl = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
print(f"| {t} | {fl} | {rl} | {f:.3f} | {r:.3f} | {fl / f:,.0f} | {rl / r:,.0f} | {f / r:.2f}× |")
PY
  done
} | tee "$W/results.md"
