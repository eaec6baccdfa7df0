// fazhi's search page. Everything it shows comes from the API as data and
// is put in the page as text nodes, never parsed as HTML, so a report
// holding <script> shows it as text. The whole state lives in the URL.
"use strict";

const $ = (id) => document.getElementById(id);
const LIST_PARAMS = ["region", "year", "level", "type"];
const LABELS = { region: "地区", year: "年份", level: "级别", type: "类型" };
const PAGE = 20;

/** An element with text and attributes; children are elements or strings (as text). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "onclick") node.addEventListener("click", v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** `text` with char ranges [start, end) marked. */
function marked(text, ranges) {
  const chars = Array.from(text);
  const out = [];
  let at = 0;
  for (const [start, end] of ranges || []) {
    if (start > at) out.push(chars.slice(at, start).join(""));
    out.push(el("mark", {}, chars.slice(start, end).join("")));
    at = end;
  }
  if (at < chars.length) out.push(chars.slice(at).join(""));
  return out;
}

// --- state <-> URL ---------------------------------------------------------

function state() {
  const p = new URLSearchParams(location.search);
  const s = { q: p.get("q") || "", sort: p.get("sort") || "", offset: +(p.get("offset") || 0),
              report: p.get("report") || "", shade: p.get("shade") || "count" };
  for (const name of LIST_PARAMS) s[name] = p.getAll(name);
  return s;
}

function urlOf(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  for (const name of LIST_PARAMS) for (const v of s[name]) p.append(name, v);
  if (s.sort) p.set("sort", s.sort);
  if (s.offset) p.set("offset", s.offset);
  if (s.shade && s.shade !== "count") p.set("shade", s.shade);
  if (s.report) p.set("report", s.report);
  const query = p.toString();
  return query ? `/?${query}` : "/";
}

/** Moves to a new state: a new history entry, or the same one while typing. */
function go(change, replace = false) {
  const s = Object.assign(state(), change);
  // Another question starts from its first page; opening a report does not.
  if (["q", "sort", ...LIST_PARAMS].some((k) => k in change) && !("offset" in change)) s.offset = 0;
  const url = urlOf(s);
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  render();
}

// --- requests ----------------------------------------------------------------

let inflight = null;

async function api(path, params) {
  if (inflight) inflight.abort();
  inflight = new AbortController();
  const response = await fetch(`${path}?${params}`, { signal: inflight.signal });
  const body = await response.json().catch(() => ({ error: `服务器返回 ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `服务器返回 ${response.status}`);
  return body;
}

function searchParams(s) {
  const p = new URLSearchParams();
  p.set("q", s.q);
  for (const name of LIST_PARAMS) for (const v of s[name]) p.append(name, v);
  if (s.sort) p.set("sort", s.sort);
  p.set("limit", PAGE);
  p.set("offset", s.offset);
  p.set("facets", "1");
  p.set("pivot", "region,year");
  if (s.shade === "share") p.set("measure", "share");
  return p;
}

// --- rendering -----------------------------------------------------------------

let last = null;

async function render() {
  const s = state();
  if (document.activeElement !== $("q")) $("q").value = s.q;
  $("sort").value = s.sort;
  $("shade").value = s.shade;
  const empty = !s.q && LIST_PARAMS.every((n) => s[n].length === 0);
  if (empty) {
    showWelcome();
  } else {
    try {
      $("status").textContent = "检索中…";
      last = await api("/api/search", searchParams(s));
      showAnswer(s, last);
    } catch (e) {
      if (e.name === "AbortError") return;
      $("status").replaceChildren(el("span", { class: "error" }, e.message));
      for (const id of ["hits", "facets", "years-chart", "pivot", "pages", "chips", "interpretation"]) $(id).replaceChildren();
    }
  }
  if (s.report) showReport(s.report, s.q);
  else $("report").hidden = true;
}

function showWelcome() {
  last = null;
  $("status").textContent = "输入检索词开始；也可以只选地区或年份。";
  for (const id of ["hits", "facets", "years-chart", "pivot", "pages", "chips", "interpretation"]) $(id).replaceChildren();
}

function showAnswer(s, r) {
  const shown = r.hits.length ? `，第 ${s.offset + 1}–${s.offset + r.hits.length} 篇` : "";
  const loose = r.match === "loose" ? "（没有完全匹配的报告，这是宽松匹配：各词都出现，不必相连）" : "";
  $("status").textContent = r.total ? `共 ${r.total} 篇报告${shown}${loose}` : "没有找到匹配的报告";
  $("chips").replaceChildren(...LIST_PARAMS.flatMap((name) => s[name].map((v) =>
    el("button", { type: "button", title: "去掉这个条件",
      onclick: () => go({ [name]: s[name].filter((x) => x !== v) }) }, `${LABELS[name]}：${v} ×`))));
  const readings = (r.interpretation || []).filter((w) => w.as !== "text")
    .map((w) => `“${w.word}”按${LABELS[w.as] || w.as}理解为 ${w.value}`);
  $("interpretation").textContent = readings.join("；");
  showFacets(s, r);
  showYears(r);
  showPivot(s, r);
  $("hits").replaceChildren(...r.hits.map((hit) => showHit(hit)));
  $("hits").start = s.offset + 1;
  showPages(s, r);
}

function regionOf(hit) {
  return [hit.province, hit.city, hit.county, hit.township].filter(Boolean).join("/") || "地区未知";
}

function showHit(hit) {
  const title = hit.title || hit.path.split("/").pop();
  const meta = [regionOf(hit), hit.level || "级别未知", hit.year ? `${hit.year}年` : "年份未知",
    hit.unit ? `单位：${hit.unit}` : null, hit.publish_date ? `发布：${hit.publish_date}` : null,
    hit.type].filter(Boolean).join(" · ");
  const counts = Object.entries(hit.occurrences || {}).map(([t, n]) => `${t} ${n} 次`).join("，");
  return el("li", {},
    el("button", { type: "button", class: "hit-title", onclick: () => go({ report: hit.id }) }, title),
    el("div", { class: "meta" }, meta),
    ...(hit.snippets || []).map((sn) => el("p", { class: "snippet" }, marked(sn.text, sn.highlights))),
    el("div", { class: "meta" }, counts ? `出现：${counts} · ` : "", `文件：${hit.path}`, hit.url ? ` · ${hit.url}` : "",
      hit.duplicates && hit.duplicates.length ? ` · 另见转载 ${hit.duplicates.length} 处：${hit.duplicates.join("；")}` : ""));
}

function showFacets(s, r) {
  const f = r.facets || {};
  const panels = [];
  // Region: a breadcrumb of the filtered place, then the places one level below.
  const path = (r.filters.region || [])[0];
  const crumbs = path ? path.split("/") : [];
  const crumbBar = el("div", { class: "crumbs" },
    el("button", { type: "button", onclick: () => go({ region: [] }) }, "全国"),
    ...crumbs.flatMap((name, i) => [" › ", el("button", { type: "button", onclick: () => go({ region: [name] }) }, name)]));
  panels.push(el("h3", {}, "地区"), crumbBar, list(f.region || [], (b) => {
    const own = b.value && b.value.endsWith("（本级）");
    return { label: b.value || "未知", pressed: s.region.includes(b.value), disabled: own || !b.value,
      click: () => go({ region: [b.value] }) };
  }));
  for (const name of ["year", "level", "type"]) {
    panels.push(el("h3", {}, LABELS[name]), list(f[name] || [], (b) => {
      const value = b.value === null ? "unknown" : b.value;
      const pressed = s[name].includes(value);
      return { label: b.value === null ? "未知" : b.value, pressed,
        click: () => go({ [name]: pressed ? s[name].filter((x) => x !== value) : [...s[name], value] }) };
    }));
  }
  $("facets").replaceChildren(...panels);
}

function list(buckets, describe) {
  return el("ul", {}, ...buckets.map((b) => {
    const d = describe(b);
    return el("li", {}, el("button", { type: "button", "aria-pressed": d.pressed ? "true" : "false",
      disabled: d.disabled, onclick: d.click }, el("span", {}, d.label), el("span", { class: "count" }, b.count)));
  }));
}

function showYears(r) {
  const years = ((r.facets || {}).year || []).filter((b) => b.value !== null)
    .sort((a, b) => String(a.value).localeCompare(String(b.value)));
  const most = Math.max(1, ...years.map((b) => b.count));
  $("years-chart").replaceChildren(el("div", { class: "bars", role: "img", "aria-label": "按年份的匹配篇数" },
    ...years.map((b) => el("div", { class: "bar", title: `${b.value}年：${b.count} 篇` },
      el("small", {}, b.count),
      el("span", { class: "fill", style: `height:${Math.round((b.count / most) * 90)}px` }),
      el("small", {}, b.value)))));
}

function showPivot(s, r) {
  const p = r.pivot;
  if (!p) { $("pivot").replaceChildren(); return; }
  const share = s.shade === "share" && p.share_cells;
  const values = share ? p.share_cells : p.cells;
  const most = Math.max(1e-9, ...values.flat().filter((v) => typeof v === "number"));
  const head = el("tr", {}, el("th", {}, "地区 \\ 年份"), ...p.column_values.map((c) => el("th", {}, c ?? "未知")), el("th", {}, "合计"));
  const rows = p.row_values.map((row, i) => el("tr", {}, el("th", {}, row ?? "未知"),
    ...values[i].map((v, j) => {
      const shown = share ? (v === null ? "—" : `${(v * 100).toFixed(1)}%`) : v;
      const alpha = typeof v === "number" ? (v / most) * 0.75 : 0;
      return el("td", { style: `background: rgba(179,38,30,${alpha.toFixed(3)})`,
        title: `${row ?? "未知"} ${p.column_values[j] ?? "未知"}：${p.cells[i][j]} 篇` }, shown);
    }),
    el("td", {}, p.row_totals[i])));
  $("pivot").replaceChildren(el("div", { class: "pivot-wrap" }, el("table", { class: "pivot" }, head, ...rows)));
}

/** The pivot as CSV (UTF-8 with a BOM, for Excel), as on screen. */
function pivotCsv() {
  const p = last && last.pivot;
  if (!p) return;
  const quote = (v) => { const t = v === null || v === undefined ? "" : String(v); return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t; };
  const share = state().shade === "share" && p.share_cells;
  const lines = [["地区", ...p.column_values, "合计"].map(quote).join(",")];
  p.row_values.forEach((row, i) => lines.push([row, ...(share ? p.share_cells[i] : p.cells[i]), p.row_totals[i]].map(quote).join(",")));
  const blob = new Blob(["\ufeff" + lines.join("\n") + "\n"], { type: "text/csv;charset=utf-8" });
  const a = el("a", { href: URL.createObjectURL(blob), download: share ? "地区-年份-占比.csv" : "地区-年份.csv" });
  document.body.append(a);
  a.click();
  a.remove();
}

function showPages(s, r) {
  const prev = s.offset > 0;
  const next = s.offset + r.hits.length < r.total;
  $("pages").replaceChildren(
    el("button", { type: "button", disabled: !prev, onclick: () => go({ offset: Math.max(0, s.offset - PAGE) }) }, "上一页"),
    el("span", { class: "meta" }, r.total ? `${Math.floor(s.offset / PAGE) + 1} / ${Math.ceil(r.total / PAGE)}` : ""),
    el("button", { type: "button", disabled: !next, onclick: () => go({ offset: s.offset + PAGE }) }, "下一页"));
}

const FIELD_LABELS = [["title", "标题"], ["type", "类型"], ["unit", "单位"], ["unit_type", "单位类型"], ["level", "级别"],
  ["province", "省"], ["city", "市"], ["county", "县"], ["township", "乡镇"], ["year", "年份"], ["publish_date", "发布日期"]];

async function showReport(id, q) {
  const box = $("report");
  box.hidden = false;
  $("report-title").textContent = "读取中…";
  $("report-meta").replaceChildren();
  $("report-text").replaceChildren();
  $("report-counts").textContent = "";
  try {
    const params = new URLSearchParams();
    if (q) params.set("highlight", q);
    const response = await fetch(`/api/reports/${encodeURIComponent(id)}?${params}`);
    const r = await response.json().catch(() => ({ error: `服务器返回 ${response.status}` }));
    if (!response.ok) throw new Error(r.error || `服务器返回 ${response.status}`);
    $("report-title").textContent = r.title || r.path;
    const rows = [["ID", r.id, null, null], ["文件", r.path, null, null]].concat(FIELD_LABELS.map(([k, label]) =>
      [label, r[k], (r.confidence || {})[k], (r.evidence || {})[k]]));
    $("report-meta").replaceChildren(...rows.map(([label, value, conf, evidence]) => el("tr", {},
      el("th", {}, label), el("td", {}, value ?? "—"),
      el("td", { class: "evidence" }, conf === undefined || conf === null ? "" : `[${Number(conf).toFixed(2)}] ${evidence || ""}`))));
    if (r.duplicates && r.duplicates.length) $("report-meta").append(el("tr", {}, el("th", {}, "转载"), el("td", {}, r.duplicates.join("；"))));
    const counts = Object.entries(r.occurrences || {}).map(([t, n]) => `${t} ${n} 次`).join("，");
    $("report-counts").textContent = r.highlights && counts ? `出现次数：${counts}` : "";
    $("report-text").replaceChildren(...marked(r.text || "", r.highlights || []));
    $("report-close").focus();
  } catch (e) {
    $("report-title").replaceChildren(el("span", { class: "error" }, e.message));
  }
}

// --- events ------------------------------------------------------------------

let typing = null;
$("q").addEventListener("input", () => {
  // Answers as you type, without a request per key: 300 ms after the last one.
  clearTimeout(typing);
  typing = setTimeout(() => go({ q: $("q").value.trim() }, true), 300);
});
$("search").addEventListener("submit", (e) => {
  e.preventDefault();
  clearTimeout(typing);
  go({ q: $("q").value.trim() });
});
$("sort").addEventListener("change", () => go({ sort: $("sort").value }));
$("shade").addEventListener("change", () => go({ shade: $("shade").value }, true));
$("pivot-csv").addEventListener("click", pivotCsv);
$("report-close").addEventListener("click", () => go({ report: "" }));
$("report").addEventListener("click", (e) => { if (e.target === $("report")) go({ report: "" }); });
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && !$("report").hidden) go({ report: "" });
  else if (e.key === "/" && document.activeElement !== $("q")) { e.preventDefault(); $("q").focus(); }
});
window.addEventListener("popstate", render);
render();
