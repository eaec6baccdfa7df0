#!/usr/bin/env python3
"""Warm in-process latency of one peer of ../shared/bench/peers.py, with p99.

    peer_warm.py SHARED_BENCH PEER INDEX QUERIES [--rounds R] [--samples 'q1|q2']

The protocol of benches/scale/warm.rs (fazhi's side): one untimed pass over all
queries, then R timed rounds over all of them in order; each search is the
peer's own `search` (top 10 by its relevance with a highlighted snippet per
hit), exactly as `peers.py bench` runs it. peers.py bench reports only p50/p95
and warms one query, so this driver imports its engines instead. Prints one
JSON line.
"""
import argparse
import json
import statistics
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("shared_bench")
    ap.add_argument("peer")
    ap.add_argument("index")
    ap.add_argument("queries")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--samples", default="")
    a = ap.parse_args()
    sys.path.insert(0, a.shared_bench)
    import peers  # noqa: E402  (../shared/bench/peers.py)

    P = peers.PEERS[a.peer]
    t = time.perf_counter()
    eng = P(a.index)
    open_ms = (time.perf_counter() - t) * 1e3
    with open(a.queries, encoding="utf-8") as fh:
        qs = [l.strip() for l in fh if l.strip() and not l.startswith("#")]
    for q in qs:  # untimed pass
        eng.search(q)
    lat = {q: [] for q in qs}
    for _ in range(a.rounds):
        for q in qs:
            t = time.perf_counter()
            eng.search(q)
            lat[q].append((time.perf_counter() - t) * 1e3)
    allv = [x for v in lat.values() for x in v]
    med = {q: statistics.median(v) for q, v in lat.items()}
    slowest = max(med, key=med.get)
    samples = [s for s in a.samples.split("|") if s]
    r2 = lambda x: round(x, 2)
    print(json.dumps({
        "peer": P.name, "queries": len(qs), "rounds": a.rounds, "open_ms": r2(open_ms),
        "p50_ms": r2(peers.pct(allv, 0.5)), "p95_ms": r2(peers.pct(allv, 0.95)),
        "p99_ms": r2(peers.pct(allv, 0.99)), "mean_ms": r2(statistics.fmean(allv)),
        "max_ms": r2(max(allv)), "max_query_median_ms": r2(med[slowest]), "slowest_query": slowest,
        "hits": {s: eng.count(s) for s in samples},
        "per_query_median_ms": {q: r2(m) for q, m in med.items()},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
