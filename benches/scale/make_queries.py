#!/usr/bin/env python3
"""Query files for the scale benchmark, all derived from ../shared/bench/queries.txt.

    make_queries.py SHARED_BENCH OUT_DIR [--batch 10000]

Writes into OUT_DIR:
  plain.txt     the 32 lines of queries.txt as they are (a year or a province name in a line
                is a filter for fazhi and for every peer alike).
  filtered.txt  each line's text terms with one province and one year filter: the line's own
                if it has them, else province PROVINCES[(5*i) % 31] and year 2019 + i % 6
                (i = line number from 0), so every query is filtered on both.
  batch.txt     BATCH lines for `fazhi batch`: line j (from 0) takes queries.txt line j % 32,
                k = j // 32, and variant k % 4 of it: 0 the line as it is; 1 its terms plus
                the province p = PROVINCES[(j + k) % 31]; 2 its terms plus the year
                2019 + (j + k) % 6; 3 a JSON line {"query": terms, "region": p,
                "year": "2021.."}. So a quarter of the lines are queries.txt as it is, a
                quarter add a province, a quarter a year, and a quarter are JSON with a
                province and a year range; none asks for facet counts. Deterministic.
"""
import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("shared_bench")
    ap.add_argument("out_dir")
    ap.add_argument("--batch", type=int, default=10000)
    a = ap.parse_args()
    sys.path.insert(0, a.shared_bench)
    from peers import PROVINCES, parse  # noqa: E402  (../shared/bench/peers.py)

    with open(os.path.join(a.shared_bench, "queries.txt"), encoding="utf-8") as fh:
        lines = [l.strip() for l in fh if l.strip() and not l.startswith("#")]
    os.makedirs(a.out_dir, exist_ok=True)

    def write(name, rows):
        with open(os.path.join(a.out_dir, name), "w", encoding="utf-8") as fh:
            fh.write("".join(r + "\n" for r in rows))

    write("plain.txt", lines)
    filtered = []
    for i, line in enumerate(lines):
        terms, prov, year = parse(line)
        prov = prov or PROVINCES[(5 * i) % len(PROVINCES)][0]
        year = year or 2019 + i % 6
        filtered.append(" ".join(terms + [prov, str(year)]))
    write("filtered.txt", filtered)

    batch = []
    for j in range(a.batch):
        line = lines[j % len(lines)]
        k = j // len(lines)
        terms = " ".join(parse(line)[0])
        prov = PROVINCES[(j + k) % len(PROVINCES)][0]
        variant = k % 4
        if variant == 0:
            batch.append(line)
        elif variant == 1:
            batch.append(f"{terms} {prov}")
        elif variant == 2:
            batch.append(f"{terms} {2019 + (j + k) % 6}")
        else:
            batch.append(json.dumps({"query": terms, "region": prov, "year": "2021.."}, ensure_ascii=False))
    write("batch.txt", batch)
    print(f"{len(lines)} plain, {len(filtered)} filtered, {len(batch)} batch queries in {a.out_dir}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
