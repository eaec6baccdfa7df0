#!/usr/bin/env bash
# Load benchmark of `fazhi serve`, against the same queries through `fazhi batch`.
#
#   benches/serve/run.sh INDEX [WORKDIR]
#
# INDEX: a fazhi index; the figures in the README are on the 100,000-report index of
# benches/scale/run.sh (target/scalebench/fazhi-index-100000), or build one with
#   python3 ../shared/bench/gen_corpus.py data/reports C -n 100000 --format dir --extra ../shared/corpus/fulltext
#   fazhi index C/docs --index INDEX
# WORKDIR (default target/servebench) gets the request mix, the logs and results.json.
#
# CLIENTS [32] threads, each with its own connection, send a mix of plain, filtered
# (region and year) and facet searches over the queries of ../shared/bench/queries.txt
# (or a built-in list) for DURATION [30] seconds after WARMUP [3] seconds; the server's resident
# memory is sampled every second. Then `fazhi batch` answers the same mix, repeated to
# BATCH_LINES [20000] lines, on the same cores. Targets (issue 18): no errors, p99 <= 50 ms,
# throughput at least batch's, memory flat. It also reports CPU per answer (the server's
# threads against batch's) and the cores the clients themselves took.
#
# SERVER_CPUS and CLIENT_CPUS (taskset lists, e.g. 0-3 and 4-5) pin the server and batch to
# the same cores and the clients to others, so that the clients take nothing from either.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
INDEX=${1:?usage: benches/serve/run.sh INDEX [WORKDIR]}
WORK=${2:-$ROOT/target/servebench}
CLIENTS=${CLIENTS:-32}
SECONDS_RUN=${DURATION:-30}
WARMUP=${WARMUP:-3}
BATCH_LINES=${BATCH_LINES:-20000}
QUERIES=${FAZHI_SHARED:-$ROOT/../shared}/bench/queries.txt

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
cd "$ROOT"
SERVER_PIN=() CLIENT_PIN=()
[[ -n ${SERVER_CPUS:-} ]] && SERVER_PIN=(taskset -c "$SERVER_CPUS")
[[ -n ${CLIENT_CPUS:-} ]] && CLIENT_PIN=(taskset -c "$CLIENT_CPUS")
cargo build --release --quiet
BIN=$ROOT/target/release/fazhi

# The request mix: each query plain, with a region and a year, and with facets.
python3 - "$QUERIES" "$WORK" "$BATCH_LINES" <<'PY'
import json, os, sys, urllib.parse
queries_file, work, batch_lines = sys.argv[1], sys.argv[2], int(sys.argv[3])
queries = []
if os.path.exists(queries_file):
    for line in open(queries_file, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            queries.append(line)
if not queries:
    queries = ["枫桥经验", "行政执法三项制度", "法律明白人", "行政复议", "调解 2023", "放管服", "依法治县 浙江"]
regions = ["浙江", "江苏", "广东", "四川", "河南", "山东"]
years = ["2021", "2022", "2023", "2019..2021"]
paths, lines = [], []
for i, q in enumerate(queries):
    region, year = regions[i % len(regions)], years[i % len(years)]
    for params, line in [
        ({"q": q}, {"query": q}),
        ({"q": q, "region": region, "year": year}, {"query": q, "region": region, "year": year}),
        ({"q": q, "facets": "1"}, {"query": q, "facets": True}),
    ]:
        paths.append("/api/search?" + urllib.parse.urlencode(params))
        lines.append(json.dumps(line, ensure_ascii=False))
open(os.path.join(work, "requests.txt"), "w").write("\n".join(paths) + "\n")
with open(os.path.join(work, "batch.jsonl"), "w", encoding="utf-8") as out:
    for n in range(batch_lines):
        out.write(lines[n % len(lines)] + "\n")
print(f"servebench: {len(paths)} requests in the mix ({len(queries)} queries)", file=sys.stderr)
PY

# The server, on a free port; its memory sampled every second.
"${SERVER_PIN[@]}" "$BIN" serve --index "$INDEX" --port 0 2> "$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q 'http://' "$WORK/serve.log" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$WORK/serve.log" | head -1)
[[ -n $URL ]] || { cat "$WORK/serve.log" >&2; exit 2; }
: > "$WORK/rss.tsv"
( while kill -0 $SERVER 2>/dev/null; do
    printf '%s\t%s\t%s\n' "$(date +%s.%N)" "$(awk '/VmRSS/ {print $2}' /proc/$SERVER/status 2>/dev/null)" \
      "$(awk '{print $14 + $15}' /proc/$SERVER/stat 2>/dev/null)" >> "$WORK/rss.tsv"
    sleep 1
  done ) &

echo "servebench: $CLIENTS clients for ${SECONDS_RUN} s (after ${WARMUP} s warm-up) on $URL" >&2
cargo bench --quiet --bench serve_load --no-run 2>/dev/null
date +%s > "$WORK/load.start"
FAZHI_BENCH_URL=$URL FAZHI_BENCH_REQUESTS=$WORK/requests.txt FAZHI_BENCH_CLIENTS=$CLIENTS \
  FAZHI_BENCH_SECONDS=$SECONDS_RUN FAZHI_BENCH_WARMUP=$WARMUP \
  "${CLIENT_PIN[@]}" cargo bench --quiet --bench serve_load > "$WORK/load.json"
kill -INT $SERVER; wait $SERVER 2>/dev/null || true
trap - EXIT

# The same mix through fazhi batch, one process on the same cores; its CPU
# time too, so that CPU per answer compares the two whatever else runs.
echo "servebench: fazhi batch, $BATCH_LINES lines" >&2
"${SERVER_PIN[@]}" python3 - "$BIN" "$WORK" "$INDEX" <<'PY'
import json, resource, subprocess, sys, time
binary, work, index = sys.argv[1:4]
start = time.time()
with open(f"{work}/batch.out", "w") as out:
    subprocess.run([binary, "batch", f"{work}/batch.jsonl", "--index", index], stdout=out, check=True)
end = time.time()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"start": start, "end": end, "cpu_s": usage.ru_utime + usage.ru_stime}, open(f"{work}/batch.time", "w"))
PY

python3 - "$WORK" "$BATCH_LINES" <<'PY'
import json, sys
work, lines = sys.argv[1], int(sys.argv[2])
timing = json.load(open(f"{work}/batch.time"))
start, end = timing["start"], timing["end"]
load = json.load(open(f"{work}/load.json"))
answers = [json.loads(l) for l in open(f"{work}/batch.out", encoding="utf-8")]
batch_errors = sum(1 for a in answers if "error" in a)
# Memory from the end of the warm-up (load.start + WARMUP) to the end of the load.
load_start = int(open(f"{work}/load.start").read()) + int(load.get("warmup", 0))
load_end = load_start + load["seconds"]
samples = [r.split("\t") for r in open(f"{work}/rss.tsv") if len(r.split("\t")) == 3 and r.split("\t")[1].isdigit()]
samples = [(float(t), int(kb), float(ticks)) for t, kb, ticks in samples]
rss = [kb for t, kb, _ in samples if t >= load_start]
warm = rss or [0]
# The server's CPU over the measured time, from the samples nearest its ends.
during = [(t, ticks) for t, _, ticks in samples if load_start <= t <= load_end]
server_cores = (during[-1][1] - during[0][1]) / 100 / (during[-1][0] - during[0][0]) if len(during) > 1 else 0.0
result = {
    "serve": load,
    "batch": {"lines": lines, "seconds": round(end - start, 2), "throughput_per_s": round(lines / (end - start), 1),
              "errors": batch_errors, "answers": len(answers)},
    "serve_vs_batch_throughput": round(load["throughput_per_s"] / (lines / (end - start)), 2),
    # CPU per answer: the server's (all its threads) and batch's, and the
    # share of the cores the clients themselves took.
    "cpu_ms_per_answer": {"serve": round(server_cores * 1000 / max(load["throughput_per_s"], 1e-9), 3),
                          "batch": round(timing["cpu_s"] * 1000 / lines, 3)},
    "cores_used": {"server": round(server_cores, 2), "clients": round(load.get("client_cpu_s", 0) / load["seconds"], 2)},
    "rss_mb": {"after_warmup": round(warm[0] / 1024, 1), "peak": round(max(warm) / 1024, 1),
               "end": round(warm[-1] / 1024, 1), "samples": len(rss)},
}
json.dump(result, open(f"{work}/results.json", "w"), indent=1, ensure_ascii=False)
s = result["serve"]
print(f"| | requests | errors | throughput /s | p50 ms | p99 ms | max ms |")
print(f"|---|---|---|---|---|---|---|")
print(f"| fazhi serve, {s['clients']} clients, {s['seconds']} s | {s['requests']} | {s['errors']} | {s['throughput_per_s']:.0f} | {s['p50_ms']:.1f} | {s['p99_ms']:.1f} | {s['max_ms']:.1f} |")
b = result["batch"]
print(f"| fazhi batch, same mix | {b['lines']} | {b['errors']} | {b['throughput_per_s']:.0f} | | | |")
c = result["cpu_ms_per_answer"]
print(f"\nCPU per answer: serve {c['serve']} ms, batch {c['batch']} ms; cores used by the server "
      f"{result['cores_used']['server']}, by the clients {result['cores_used']['clients']}")
print(f"serve / batch throughput: {result['serve_vs_batch_throughput']}×; server RSS after warm-up "
      f"{result['rss_mb']['after_warmup']} MB, peak {result['rss_mb']['peak']} MB, end {result['rss_mb']['end']} MB")
PY
