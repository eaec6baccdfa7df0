#!/usr/bin/env bash
# Parser throughput and the cost of parsing in worker processes (issue 14).
#
#   benches/parsers/run.sh TXT_DIR [BASELINE_BIN] [WORKDIR]
#
# TXT_DIR: a folder of generated reports (e.g. ../shared/bench/gen_corpus.py -n 100000 ... --format dir,
# its docs/ folder). From its first 5,000 files this makes 5,000 HTML pages (a government page
# template with menus, breadcrumbs and a footer around the text), and 1,000 copies of
# tests/fixtures/ingest/report.pdf. It then times `fazhi index` (fresh index, /usr/bin/time) of
# the HTML, the PDFs and TXT_DIR itself, twice each, with target/release/fazhi and, when given,
# BASELINE_BIN (a build from before the change, the peer measured in the same run), alternating.
# Prints a TSV: what, seconds, peak RSS (KB), fazhi's summary line.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TXT=${1:?usage: run.sh TXT_DIR [BASELINE_BIN] [WORKDIR]}
BASE=${2:-}
WORK=${3:-$ROOT/target/parserbench}
NEW=$ROOT/target/release/fazhi
(cd "$ROOT" && cargo build --release --locked -q)
mkdir -p "$WORK/html" "$WORK/pdf"
python3 - "$TXT" "$WORK/html" <<'PY'
import html, os, sys
src, out = sys.argv[1], sys.argv[2]
for i, f in enumerate(sorted(os.listdir(src))[:5000]):
    lines = [l for l in open(os.path.join(src, f), encoding="utf-8").read().split("\n") if l.strip()]
    title = html.escape(lines[0]) if lines else ""
    body = "\n".join("<p>%s</p>" % html.escape(l) for l in lines[1:])
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_某某县人民政府</title>
<meta name="PubDate" content="2024-03-01 10:00"></head><body>
<div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a></div>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 法治政府建设</div>
<div class="content"><h1>{title}</h1><div class="info">发布时间：2024-03-01 来源：司法局 【字体：大 中 小】 打印本页</div>
<div id="zoom" class="TRS_Editor">{body}</div></div>
<div class="share">分享到：</div><div class="footer">版权所有：某某县人民政府 ICP备12345678号</div></body></html>"""
    open(os.path.join(out, "%05d.html" % i), "w", encoding="utf-8").write(page)
PY
for i in $(seq -w 0 999); do cp "$ROOT/tests/fixtures/ingest/report.pdf" "$WORK/pdf/r$i.pdf"; done
run() { # name bin corpus
  rm -rf "$WORK/index"
  /usr/bin/time -f "%e	%M" -o "$WORK/time" "$2" index "$3" --index "$WORK/index" > "$WORK/log" 2>&1
  printf '%s\t%s\t%s\n' "$1" "$(cat "$WORK/time")" "$(tail -1 "$WORK/log")"
}
for corpus in html pdf txt; do
  dir=$WORK/$corpus; [[ $corpus == txt ]] && dir=$TXT
  for _ in 1 2; do
    [[ -n $BASE ]] && run "$corpus-baseline" "$BASE" "$dir"
    run "$corpus" "$NEW" "$dir"
  done
done
