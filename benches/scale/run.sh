#!/usr/bin/env bash
# Scale benchmark: fazhi against its peers on one generated corpus, in one run.
#
#   benches/scale/run.sh [N] [WORKDIR]        (from anywhere; N = reports, default 100000)
#
# WORKDIR (default target/scalebench) gets the corpus (cached as corpus-N/, reused by later
# runs with the same N), the indexes, a Python venv for the peers and results/: raw JSON and
# logs, results.json (every figure) and results.md (the table, also printed on stdout).
# Needs ../shared beside the repository (FAZHI_SHARED=DIR to point elsewhere). Installs
# ripgrep, hyperfine and GNU time with apt-get when they are missing, and tantivy-py from PyPI
# into the venv.
#
# Environment (defaults in brackets): ROUNDS [10] warm rounds over the query set;
# CLI_RUNS [20] hyperfine runs per fazhi CLI command; PEER_CLI_RUNS [10] per rg / Python CLI
# command; BATCH [10000] queries in the batch file; BATCH_RUNS [3]; JIEBA_PASSES [2] (best of);
# PEERS ["fts5 tantivy"] indexed peers of ../shared/bench/peers.py (tantivy_uni also works).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/benches/scale"
N=${1:-100000}
WORK=${2:-$ROOT/target/scalebench}
SHARED=${FAZHI_SHARED:-$ROOT/../shared}
ROUNDS=${ROUNDS:-10}
CLI_RUNS=${CLI_RUNS:-20}
PEER_CLI_RUNS=${PEER_CLI_RUNS:-10}
BATCH=${BATCH:-10000}
BATCH_RUNS=${BATCH_RUNS:-3}
JIEBA_PASSES=${JIEBA_PASSES:-2}
PEERS=${PEERS:-"fts5 tantivy"}
# The literal queries timed as whole processes (fazhi, rg -c, the Python peers' CLIs).
CLI_QUERIES=(枫桥经验 行政执法三项制度 法律明白人)

die() { echo "scalebench: $*" >&2; exit 2; }
[[ $N =~ ^[0-9]+$ && $N -gt 0 ]] || die "N must be a positive number of reports, not '$N'"
for f in bench/gen_corpus.py bench/peers.py bench/queries.txt bench/jieba_throughput/Cargo.toml corpus/fulltext; do
  [[ -e "$SHARED/$f" ]] || die "$SHARED/$f is missing: this benchmark needs the shared inputs (../shared beside the repository, or FAZHI_SHARED=DIR)"
done
SHARED=$(cd "$SHARED" && pwd)
SEEDS="$ROOT/data/reports"

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
R="$WORK/results"
rm -rf "$R"
mkdir -p "$R"
PHASES="$R/phases.tsv"
printf 'phase\tseconds\tload_at_start\n' > "$PHASES"
PHASE="" PHASE_T0=0 PHASE_LOAD=""
phase() { # phase NAME: ends the current phase (if any) and starts NAME
  local now; now=$(date +%s.%N)
  [[ -n $PHASE ]] && printf '%s\t%.1f\t%s\n' "$PHASE" "$(echo "$now - $PHASE_T0" | bc)" "$PHASE_LOAD" >> "$PHASES"
  PHASE=$1 PHASE_T0=$now PHASE_LOAD=$(cut -d' ' -f1 /proc/loadavg)
  [[ -n $PHASE ]] && echo "== $(date -u +%T) $PHASE" >&2
  return 0
}

# ---------------------------------------------------------------- tools
phase "install tools"
need=()
command -v rg > /dev/null || need+=(ripgrep)
command -v hyperfine > /dev/null || need+=(hyperfine)
[[ -x /usr/bin/time ]] || need+=(time)
command -v bc > /dev/null || need+=(bc)
python3 -c 'import venv, ensurepip' 2> /dev/null || need+=(python3-venv)
if ((${#need[@]})); then
  SUDO=""; [[ $(id -u) == 0 ]] || SUDO=sudo
  echo "installing ${need[*]} with apt-get" >&2
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" > "$R/apt.log" 2>&1 \
    || die "apt-get install ${need[*]} failed (see $R/apt.log)"
fi
VENV="$WORK/venv"
PY="$VENV/bin/python"
if [[ ! -x $PY ]]; then python3 -m venv "$VENV" || die "python3 -m venv failed"; fi
if [[ " $PEERS " == *" tantivy"* ]] && ! "$PY" -c 'import tantivy' 2> /dev/null; then
  { "$PY" -m pip install -q tantivy==0.27.0 || "$PY" -m pip install -q tantivy; } > "$R/pip.log" 2>&1 || true
  if ! "$PY" -c 'import tantivy' 2> /dev/null; then
    echo "WARNING: tantivy-py did not install (see $R/pip.log); the tantivy peers are left out" >&2
    PEERS=$(echo " $PEERS " | sed 's/ tantivy_uni / /; s/ tantivy / /')
  fi
fi

# ---------------------------------------------------------------- machine
{
  echo "date_utc=$(date -u +%FT%TZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "mem_gib=$(free -g | awk '/Mem:/{print $2}')"
  echo "kernel=$(uname -sr)"
  echo "load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "fazhi_commit=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2> /dev/null || echo +dirty)"
  echo "rustc=$(rustc --version)"
  echo "ripgrep=$(rg --version | sed -n 1p)"
  echo "hyperfine=$(hyperfine --version)"
  echo "python=$("$PY" --version 2>&1)"
  echo "sqlite=$("$PY" -c 'import sqlite3; print(sqlite3.sqlite_version)')"
  echo "tantivy_py=$("$PY" -c 'import importlib.metadata as m; print(m.version("tantivy"))' 2> /dev/null || echo none)"
  echo "peers=$PEERS"
  echo "rounds=$ROUNDS"
  echo "jieba_passes=$JIEBA_PASSES"
} > "$R/machine.txt"

# ---------------------------------------------------------------- corpus (cached by N)
C="$WORK/corpus-$N"
GEN_ARGS="$SEEDS -n $N --extra $SHARED/corpus/fulltext (gen_corpus.py $(md5sum < "$SHARED/bench/gen_corpus.py" | cut -c1-12))"
if [[ -f $C/.complete && $(cat "$C/.complete") == "$GEN_ARGS" ]]; then
  echo "corpus: reusing $C" >&2
else
  phase "generate corpus"
  rm -rf "$C"
  python3 "$SHARED/bench/gen_corpus.py" "$SEEDS" "$C" -n "$N" --extra "$SHARED/corpus/fulltext" 2> "$R/gen_corpus.log" \
    || { cat "$R/gen_corpus.log" >&2; die "gen_corpus.py failed"; }
  cat "$R/gen_corpus.log" >&2
  echo "$GEN_ARGS" > "$C/.complete"
fi
TEXT_BYTES=$(python3 -c 'import json, sys; print(sum(json.loads(l)["bytes"] for l in open(sys.argv[1], encoding="utf-8")))' "$C/meta.jsonl")
echo "{\"docs\": $(wc -l < "$C/meta.jsonl"), \"text_bytes\": $TEXT_BYTES, \"jsonl_bytes\": $(stat -c %s "$C/corpus.jsonl")}" > "$R/corpus.json"
dir_bytes() { du -sb --apparent-size "$1" | cut -f1; }

# ---------------------------------------------------------------- builds
phase "cargo build"
(cd "$ROOT" && cargo build --release --locked -q) || die "cargo build failed"
TARGET=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
FAZHI="$TARGET/release/fazhi"
# benches/scale/warm.rs, built with the release profile like the binary.
WARM=$(cd "$ROOT" && cargo build --release --locked -q --bench scale_warm --message-format=json \
  | python3 -c 'import json, sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "scale_warm" and m.get("executable"):
        print(m["executable"])') || die "building benches/scale/warm.rs failed"
[[ -x $WARM ]] || die "benches/scale/warm.rs: no executable"
CARGO_TARGET_DIR="$WORK/jieba_target" cargo build --release -q --manifest-path "$SHARED/bench/jieba_throughput/Cargo.toml" \
  || die "building ../shared/bench/jieba_throughput failed"

# ---------------------------------------------------------------- indexing
gtime() { # gtime NAME CMD... : wall time and peak RSS into $R/time_NAME.txt
  local name=$1; shift
  /usr/bin/time -v -o "$R/time_$name.txt" "$@"
}
phase "fazhi index"
IDX="$WORK/fazhi-index"
rm -rf "$IDX"
gtime fazhi_index "$FAZHI" index "$C/docs" --index "$IDX" > "$R/fazhi_index.log" 2>&1 \
  || { tail -5 "$R/fazhi_index.log" >&2; die "fazhi index failed"; }
tail -1 "$R/fazhi_index.log" >&2
echo "{\"index_bytes\": $(dir_bytes "$IDX")}" > "$R/size_fazhi.json"
"$FAZHI" stats --index "$IDX" --format json > "$R/fazhi_stats.json"

for p in $PEERS; do
  phase "$p build"
  rm -rf "$WORK/index_$p"
  gtime "build_$p" "$PY" "$SHARED/bench/peers.py" build "$p" "$C/corpus.jsonl" "$WORK/index_$p" > "$R/build_$p.json"
  cat "$R/build_$p.json" >&2
done

phase "jieba-rs cut_for_search"
"$WORK/jieba_target/release/jieba_throughput" "$C/docs" "$JIEBA_PASSES" > "$R/jiebars.tsv" 2> "$R/jiebars.log"
cat "$R/jiebars.tsv" >&2

# ---------------------------------------------------------------- warm queries
Q="$WORK/queries"
python3 "$HERE/make_queries.py" "$SHARED/bench" "$Q" --batch "$BATCH"
warm_fazhi() { # warm_fazhi NAME FILE FACETS
  FAZHI_BENCH_INDEX="$IDX" FAZHI_BENCH_QUERY_FILE="$2" FAZHI_BENCH_ROUNDS="$ROUNDS" FAZHI_BENCH_FACETS="$3" \
    "$WARM" > "$R/warm_$1.json" 2> "$R/warm_$1.log" \
    || { tail -5 "$R/warm_$1.log" >&2; die "warm bench $1 failed"; }
  cut -c1-200 "$R/warm_$1.json" >&2
}
phase "fazhi warm queries"
warm_fazhi fazhi_plain "$Q/plain.txt" 0
warm_fazhi fazhi_filtered "$Q/filtered.txt" 0
warm_fazhi fazhi_facets "$Q/plain.txt" 1
S_PLAIN="${CLI_QUERIES[0]}|浙江 ${CLI_QUERIES[0]}|${CLI_QUERIES[1]}"
S_FILTERED="$(sed -n 1p "$Q/filtered.txt")|$(sed -n 6p "$Q/filtered.txt")"
for p in $PEERS; do
  phase "$p warm queries"
  for set in plain filtered; do
    samples=$S_PLAIN; [[ $set == filtered ]] && samples=$S_FILTERED
    "$PY" "$HERE/peer_warm.py" "$SHARED/bench" "$p" "$WORK/index_$p" "$Q/$set.txt" --rounds "$ROUNDS" \
      --samples "$samples" > "$R/warm_${p}_$set.json"
    cut -c1-200 "$R/warm_${p}_$set.json" >&2
  done
done

# ---------------------------------------------------------------- whole-process CLI latency
hf() { # hf NAME RUNS WARMUP CMD... (no shell: hyperfine -N; exit code 1, nothing found, is fine)
  local name=$1 runs=$2 warmup=$3; shift 3
  hyperfine -N -i --style basic --warmup "$warmup" --runs "$runs" --export-json "$R/hf_$name.json" "$@" > "$R/hf_$name.log" 2>&1 \
    || { tail -5 "$R/hf_$name.log" >&2; echo "scalebench: hyperfine $name failed" >&2; return 1; }
}
phase "fazhi CLI"
cmds=()
for q in "${CLI_QUERIES[@]}"; do cmds+=("$FAZHI search $q --index $IDX"); done
hf cli_fazhi "$CLI_RUNS" 3 "${cmds[@]}" || die "fazhi search failed"
for q in "${CLI_QUERIES[@]}"; do
  "$FAZHI" search "$q" --index "$IDX" --format json -n 1 || (($? == 1)) || die "fazhi search $q failed"
done > "$R/cli_fazhi_hits.jsonl"

phase "rg CLI"
cmds=()
for q in "${CLI_QUERIES[@]}"; do cmds+=("rg -c $q $C/docs"); done
hf cli_rg "$PEER_CLI_RUNS" 1 "${cmds[@]}" || die "rg failed"
for q in "${CLI_QUERIES[@]}"; do echo "$q	$(rg -l "$q" "$C/docs" | wc -l)"; done > "$R/cli_rg_hits.tsv"

phase "python peers CLI"
imports="import sqlite3, json"; [[ $PEERS == *tantivy* ]] && imports+=", tantivy"
hf py_startup "$PEER_CLI_RUNS" 1 "$PY -c '$imports'" || true
for p in $PEERS; do
  cmds=()
  for q in "${CLI_QUERIES[@]}"; do cmds+=("$PY $SHARED/bench/peers.py query $p $WORK/index_$p $q"); done
  if ! "$PY" "$SHARED/bench/peers.py" query "$p" "$WORK/index_$p" "${CLI_QUERIES[0]}" > /dev/null 2> "$R/cli_$p.err"; then
    echo "scalebench: peers.py query $p failed (see $R/cli_$p.err); its CLI is left out" >&2
    continue
  fi
  hf "cli_$p" "$PEER_CLI_RUNS" 1 "${cmds[@]}" || echo "scalebench: $p CLI left out" >&2
done

# ---------------------------------------------------------------- batch
phase "fazhi batch"
"$FAZHI" batch "$Q/batch.txt" --index "$IDX" -n 10 > "$WORK/batch_answers.jsonl"
python3 - "$WORK/batch_answers.jsonl" > "$R/batch_check.json" << 'EOF'
import json, sys
n = err = hits = 0
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    n += 1
    err += "error" in o
    hits += len(o.get("hits", []))
print(json.dumps({"answers": n, "errors": err, "hits_shown": hits}))
EOF
cat "$R/batch_check.json" >&2
hf batch_fazhi "$BATCH_RUNS" 0 "$FAZHI batch $Q/batch.txt --index $IDX -n 10" || die "fazhi batch failed"

# ---------------------------------------------------------------- report
phase ""
echo "load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$R/machine.txt"
python3 "$HERE/report.py" "$R" "$N" | tee "$WORK/results.md"
cp "$R/results.json" "$WORK/results.json"
