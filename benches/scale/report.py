#!/usr/bin/env python3
"""The scale benchmark's table, from the results folder benches/scale/run.sh fills.

    report.py RESULTS_DIR N

Prints Markdown (the table, then the details) and writes RESULTS_DIR/results.json with
every figure. In the table each peer cell is `value (fazhi's advantage)`: the peer's time,
size or memory divided by fazhi's, or fazhi's throughput divided by the peer's, so above
1× fazhi is better and below 1× it is worse.
"""
import glob
import json
import os
import re
import sys

R = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else None


def load(name):
    try:
        with open(os.path.join(R, name), encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def kv(name):
    out = {}
    try:
        for line in open(os.path.join(R, name), encoding="utf-8"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    except OSError:
        pass
    return out


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def gnu_time(name):
    """Wall seconds and peak RSS (MB) from a `/usr/bin/time -v` report."""
    try:
        text = open(os.path.join(R, f"time_{name}.txt"), encoding="utf-8").read()
    except OSError:
        return None
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
    h, m, s = wall.groups()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return {"wall_s": int(h or 0) * 3600 + int(m) * 60 + float(s), "peak_rss_mb": rss * 1024 / 1e6}


def hyperfine(name):
    """Per command: median, p95, mean (ms), runs."""
    d = load(f"hf_{name}.json")
    if not d:
        return None
    return [{"command": r["command"], "p50_ms": pct(r["times"], 0.5) * 1e3, "p95_ms": pct(r["times"], 0.95) * 1e3,
             "mean_ms": r["mean"] * 1e3, "runs": len(r["times"])} for r in d["results"]]


def jieba():
    out = {}
    try:
        for line in open(os.path.join(R, "jiebars.tsv"), encoding="utf-8"):
            f = line.rstrip("\n").split("\t")
            out[f[0]] = {k: float(v) for k, v in (x.split("=", 1) for x in f[1:] if "=" in x)} if len(f) > 2 else float(f[1])
    except OSError:
        pass
    return out


machine, corpus = kv("machine.txt"), load("corpus.json")
text_mb = corpus["text_bytes"] / 1e6
peers = [p for p in machine.get("peers", "").split() if load(f"build_{p}.json")]

# ------------------------------------------------------------------ gather
F = {"index": gnu_time("fazhi_index"), "size": load("size_fazhi.json"), "stats": load("fazhi_stats.json"),
     "warm": {s: load(f"warm_fazhi_{s}.json") for s in ("plain", "filtered", "facets")},
     "cli": hyperfine("cli_fazhi"), "batch": hyperfine("batch_fazhi"), "batch_check": load("batch_check.json")}
F["index"]["mb_s"] = text_mb / F["index"]["wall_s"]
F["size_ratio"] = F["size"]["index_bytes"] / corpus["text_bytes"]
F["batch_qps"] = F["batch_check"]["answers"] / (F["batch"][0]["p50_ms"] / 1e3) if F["batch"] else None
try:
    F["cli_hits"] = [json.loads(l)["total"] for l in open(os.path.join(R, "cli_fazhi_hits.jsonl"), encoding="utf-8")]
except OSError:
    F["cli_hits"] = []

P = {}
for p in peers:
    b = load(f"build_{p}.json")
    t = gnu_time(f"build_{p}")
    warm = {s: load(f"warm_{p}_{s}.json") for s in ("plain", "filtered")}
    lat = [w["mean_ms"] for w in warm.values() if w]
    P[p] = {"name": b["peer"], "build": b, "index": dict(t, mb_s=text_mb / t["wall_s"]),
            "size_ratio": b["index_bytes"] / corpus["text_bytes"], "warm": warm, "cli": hyperfine(f"cli_{p}"),
            # No batch mode: one thread, queries one after another, from the warm mean latency.
            "qps_1thread": 1e3 / (sum(lat) / len(lat)) if lat else None}
J = jieba()
RG = {"cli": hyperfine("cli_rg")}
try:
    RG["hits"] = [int(l.split("\t")[1]) for l in open(os.path.join(R, "cli_rg_hits.tsv"), encoding="utf-8")]
except OSError:
    RG["hits"] = []
PY_START = hyperfine("py_startup")

# ------------------------------------------------------------------ table
LOWER, HIGHER = 0, 1


def fmt(x, unit=""):
    if x is None:
        return "—"
    nd = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2
    return f"{x:,.{nd}f}{unit}"


def cell(peer_value, fazhi_value, better, unit=""):
    if peer_value is None:
        return "—"
    if not fazhi_value or not peer_value:
        return fmt(peer_value, unit)
    adv = peer_value / fazhi_value if better == LOWER else fazhi_value / peer_value
    return f"{fmt(peer_value, unit)} ({adv:.2f}×)"


def mark(ok):
    return "✅" if ok else "❌"


cols = ["jieba-rs `cut_for_search`, 1 thread", "`rg -c` (no index)"] + [P[p]["name"] for p in peers]
rows = []


def row(metric, fazhi_value, unit, better, target, jieba_v=None, rg_v=None, peer_vs=None):
    peer_vs = peer_vs or {}
    cells = [cell(jieba_v, fazhi_value, better, unit), cell(rg_v, fazhi_value, better, unit)]
    cells += [cell(peer_vs.get(p), fazhi_value, better, unit) for p in peers]
    rows.append(f"| {metric} | **{fmt(fazhi_value, unit)}** | {target} | " + " | ".join(cells) + " |")


cfs = J.get("cut_for_search", {})
peer_walls = [P[p]["index"]["wall_s"] for p in peers]
fi = F["index"]
row("index build, wall", fi["wall_s"], " s", LOWER,
    f"< every peer {mark(all(fi['wall_s'] < w for w in peer_walls))}",
    jieba_v=cfs.get("secs"), peer_vs={p: P[p]["index"]["wall_s"] for p in peers})
row("indexing throughput", fi["mb_s"], " MB/s", HIGHER,
    f"≥ 0.6× jieba {mark(cfs and fi['mb_s'] >= 0.6 * cfs['MB_per_s'])}",
    jieba_v=cfs.get("MB_per_s"), peer_vs={p: P[p]["index"]["mb_s"] for p in peers})
row("indexing peak RSS", fi["peak_rss_mb"], " MB", LOWER, f"≤ 1,000 MB {mark(fi['peak_rss_mb'] <= 1000)}",
    peer_vs={p: P[p]["index"]["peak_rss_mb"] for p in peers})
row("index size ÷ text size", F["size_ratio"], "×", LOWER, f"≤ 1.0× {mark(F['size_ratio'] <= 1.0)}",
    peer_vs={p: P[p]["size_ratio"] for p in peers})
for s, label, peer_set in (("plain", "warm, plain", "plain"), ("filtered", "warm, filtered (province + year)", "filtered"),
                           ("facets", "warm, plain + `--facets` †", "plain")):
    w = F["warm"][s]
    if not w:
        continue
    for q in ("p50", "p95", "p99"):
        target = {"p50": f"≤ 2 ms {mark(w['p50_ms'] <= 2)}", "p99": f"≤ 20 ms {mark(w['p99_ms'] <= 20)}"}.get(q, "")
        row(f"{label}, {q}", w[f"{q}_ms"], " ms", LOWER, target,
            peer_vs={p: (P[p]["warm"][peer_set] or {}).get(f"{q}_ms") for p in peers})
cli = F["cli"][0] if F["cli"] else None
rg = RG["cli"][0] if RG["cli"] else None
if cli:
    ok = cli["p50_ms"] <= 30 and rg is not None and rg["p50_ms"] / cli["p50_ms"] >= 15
    for q in ("p50", "p95"):
        row(f"whole process `search 枫桥经验`, {q}", cli[f"{q}_ms"], " ms", LOWER,
            f"≤ 30 ms and ≥ 15× rg {mark(ok)}" if q == "p50" else "",
            rg_v=rg and rg[f"{q}_ms"], peer_vs={p: P[p]["cli"] and P[p]["cli"][0][f"{q}_ms"] for p in peers})
if F["batch_qps"]:
    row(f"batch, {F['batch_check']['answers']:,} queries ‡", F["batch_qps"], " q/s", HIGHER,
        f"≥ 1,000 q/s {mark(F['batch_qps'] >= 1000)}", peer_vs={p: P[p]["qps_1thread"] for p in peers})
hits_row = [str(F["cli_hits"][0]) if F["cli_hits"] else "—", "", "—", str(RG["hits"][0]) if RG["hits"] else "—"]
hits_row += [str((P[p]["warm"]["plain"] or {}).get("hits", {}).get("枫桥经验", "—")) for p in peers]
rows.append("| reports matching 枫桥经验 | " + " | ".join(hits_row) + " |")

docs = corpus["docs"]
out = [f"## fazhi scale benchmark: {docs:,} reports, {text_mb:,.0f} MB of text",
       "",
       f"{machine.get('date_utc', '?')}; {machine.get('nproc', '?')} cores ({machine.get('cpu', '?')}), "
       f"{machine.get('mem_gib', '?')} GiB RAM; fazhi {machine.get('fazhi_commit', '?')}; "
       f"load average {machine.get('load_at_start', '?')} at start, {machine.get('load_at_end', '?')} at end.",
       "",
       "| metric | fazhi | target | " + " | ".join(cols) + " |",
       "|---|---|---|" + "---|" * len(cols)] + rows
out += ["",
        "Peer cells: the peer's figure (fazhi's advantage: peer ÷ fazhi for times, sizes and memory, fazhi ÷ peer "
        "for throughput; above 1× fazhi is better). Index build = whole process under `/usr/bin/time -v`, "
        "from files to a committed index (fazhi: "
        f"{docs:,} .txt files, metadata extracted from the text; peers: `peers.py build` from one JSONL file "
        "with the metadata given); MB/s = report text bytes ÷ that time. jieba-rs = "
        "`../shared/bench/jieba_throughput`, `cut_for_search` of the text already in memory, best of "
        f"{machine.get('jieba_passes', '?')} passes, default dictionary.",
        f"Warm = in process, {F['warm']['plain']['queries']} queries of `../shared/bench/queries.txt` "
        f"× {F['warm']['plain']['rounds']} rounds after one untimed pass, top 10 with a highlighted snippet per hit "
        "(fazhi: `Engine::search`, benches/scale/warm.rs; peers: their `search`, benches/scale/peer_warm.py). "
        "Filtered = each query's terms with a province and a year (benches/scale/make_queries.py).",
        "† Peers have no facet counts; their cells are their plain queries.",
        "‡ fazhi: `fazhi batch FILE -n 10` as a whole process on all cores, median of "
        f"{F['batch'][0]['runs'] if F['batch'] else '?'} runs; the mix is in benches/scale/make_queries.py. "
        "Peers have no batch mode: their cell is 1 ÷ their mean warm latency (one thread, plain and filtered).",
        "Whole process = `hyperfine -N` (no shell), warm page cache; the Python peers pay the interpreter's start-up "
        f"({fmt(PY_START[0]['p50_ms'], ' ms') if PY_START else '?'} for `python -c 'import sqlite3, json, tantivy'`).",
        ""]

# ------------------------------------------------------------------ details
out.append("### Details")
out.append("")
out.append("| whole process, p50 / p95 (ms) | " + " | ".join(["fazhi search", "rg -c"] + [P[p]["name"] for p in peers]) + " |")
out.append("|---|" + "---|" * (2 + len(peers)))
from_cli = [F["cli"], RG["cli"]] + [P[p]["cli"] for p in peers]
hits_by = [F["cli_hits"], RG["hits"]] + [[] for _ in peers]
queries = ["枫桥经验", "行政执法三项制度", "法律明白人"]
for i, q in enumerate(queries):
    cells = []
    for res, hits in zip(from_cli, hits_by):
        if not res or i >= len(res):
            cells.append("—")
            continue
        h = f"; {hits[i]} reports" if i < len(hits) else ""
        cells.append(f"{res[i]['p50_ms']:.1f} / {res[i]['p95_ms']:.1f}{h}")
    out.append(f"| {q} | " + " | ".join(cells) + " |")
out.append("")
out.append("Reports matching sample queries (fazhi ignores punctuation inside a term, so 行政执法三项制度 also "
           "matches 行政执法“三项制度”; the peers and rg match the characters as written):")
out.append("")
out.append("| query | fazhi | " + " | ".join(P[p]["name"] for p in peers) + " |")
out.append("|---|---|" + "---|" * len(peers))
for s in ("plain", "filtered"):
    samples = list(((P[peers[0]]["warm"][s] or {}).get("hits") or {}) if peers else [])
    for q in samples:
        fz = (F["warm"][s] or {}).get("hits", {}).get(q, "—")
        out.append(f"| {q} | {fz} | " + " | ".join(str((P[p]["warm"][s] or {}).get("hits", {}).get(q, "—"))
                                                   for p in peers) + " |")
out.append("")
out.append("Warm latency, mean, worst single search and slowest query (median over rounds):")
out.append("")
for name, w in [(f"fazhi {s}", F["warm"][s]) for s in F["warm"]] + \
               [(f"{P[p]['name']} {s}", P[p]["warm"][s]) for p in peers for s in P[p]["warm"]]:
    if w:
        out.append(f"- {name}: mean {w['mean_ms']:.2f} ms, max {w['max_ms']:.1f} ms, slowest "
                   f"`{w['slowest_query']}` {w['max_query_median_ms']:.1f} ms")
for p in peers:
    b = P[p]["build"]
    out.append(f"- {b['peer']} build: {b['build_s']} s in process (peers.py), index {b['index_bytes'] / 1e6:,.0f} MB"
               + (f" (FTS part {b['fts_part_bytes'] / 1e6:,.0f} MB)" if "fts_part_bytes" in b else ""))
try:
    out.append("- fazhi index summary line: " + open(os.path.join(R, "fazhi_index.log"), encoding="utf-8").read().strip().splitlines()[-1])
except (OSError, IndexError):
    pass
st = F["stats"] or {}
out.append(f"- fazhi index: {F['size']['index_bytes'] / 1e6:,.0f} MB; stats "
           + json.dumps({k: st[k] for k in st if not isinstance(st[k], (dict, list))}, ensure_ascii=False))
if cfs:
    out.append(f"- jieba-rs: `cut` {J['cut']['MB_per_s']:.1f} MB/s, `cut_for_search` {cfs['MB_per_s']:.1f} MB/s "
               f"({cfs['MB']:.0f} MB, {cfs['secs']:.1f} s)")
bc = F["batch_check"]
out.append(f"- batch: {bc['answers']:,} answers, {bc['errors']} errors, {bc['hits_shown']:,} hits shown")
out.append("")
out.append("Where the run spent its time:")
out.append("")
out.append("| phase | seconds | load average at start |")
out.append("|---|---|---|")
phases = []
for line in list(open(os.path.join(R, "phases.tsv"), encoding="utf-8"))[1:]:
    name, secs, load_ = line.rstrip("\n").split("\t")
    phases.append({"phase": name, "seconds": float(secs), "load": load_})
    out.append(f"| {name} | {float(secs):.0f} | {load_} |")
out.append(f"| total | {sum(p['seconds'] for p in phases):.0f} | |")
print("\n".join(out))

with open(os.path.join(R, "results.json"), "w", encoding="utf-8") as fh:
    json.dump({"machine": machine, "corpus": corpus, "fazhi": F, "peers": P, "jieba_rs": J, "rg": RG,
               "python_startup": PY_START, "phases": phases,
               "raw_files": sorted(os.path.basename(f) for f in glob.glob(os.path.join(R, "*")))},
              fh, ensure_ascii=False, indent=1)
