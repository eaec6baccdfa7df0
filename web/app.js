// fazhi serve's search page: the state is the URL (q, region, year, level,
// type, offset; id for one report), every answer comes from the HTTP API,
// and everything from the index reaches the page as text nodes only (no
// innerHTML anywhere), so a report containing <script> shows it as text.
"use strict";

const LIST = ["region", "year", "level", "type"];
const LABEL = { region: "地区", year: "年份", level: "级别", type: "类型" };
const PAGE = 20;

// An element with attributes and children; a string child is a text node.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "style") node.style.cssText = value; // CSSOM: allowed by the page's CSP
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Replaces the children of the element `id` (nulls skipped, arrays flattened).
function put(id, ...children) {
  document.getElementById(id).replaceChildren(...el("div", {}, ...children).childNodes);
}

function state() {
  const p = new URLSearchParams(location.search);
  const s = { q: p.get("q") || "", offset: Math.max(0, parseInt(p.get("offset") || "0", 10) || 0), id: p.get("id") || "", measure: p.get("measure") === "share" ? "share" : "reports" };
  for (const name of LIST) s[name] = p.getAll(name);
  return s;
}

// The URL of a state (only what is set).
function href(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  for (const name of LIST) for (const v of s[name] || []) p.append(name, v);
  if (s.offset) p.set("offset", s.offset);
  if (s.measure === "share") p.set("measure", "share");
  if (s.id) p.set("id", s.id);
  const query = p.toString();
  return "/" + (query ? "?" + query : "");
}

function change(patch) {
  return Object.assign(state(), { offset: 0, id: "" }, patch);
}

// The API's parameters for a state's query and filters.
function apiParams(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  for (const name of LIST) for (const v of s[name]) p.append(name, v);
  return p;
}

let inFlight = null;
async function api(path) {
  const response = await fetch(path, { signal: inFlight ? inFlight.signal : undefined, headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({ error: "回答不是 JSON（" + response.status + "）" }));
  if (!response.ok) throw new Error(body.error || String(response.status));
  return body;
}

// Text with [start, end) char ranges marked.
function marked(text, ranges) {
  const chars = Array.from(text || "");
  const out = [];
  let at = 0;
  for (const [start, end] of ranges || []) {
    if (start < at || end > chars.length || start >= end) continue;
    out.push(chars.slice(at, start).join(""), el("mark", {}, chars.slice(start, end).join("")));
    at = end;
  }
  out.push(chars.slice(at).join(""));
  return out;
}

function place(h) {
  return [h.province, h.city, h.county, h.township].filter(Boolean).join(" · ");
}

function link(s, text, attrs) {
  return el("a", Object.assign({ href: href(s), onclick: follow }, attrs || {}), text);
}

function follow(event) {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  history.pushState(null, "", event.currentTarget.getAttribute("href"));
  render();
}

function chips(s) {
  const nav = document.getElementById("chips");
  const list = [];
  for (const name of LIST) {
    for (const v of s[name]) {
      const rest = s[name].filter((x) => x !== v);
      list.push(link(change({ [name]: rest }), LABEL[name] + "：" + v + " ✕", { class: "chip", title: "去掉这个条件" }));
    }
  }
  nav.replaceChildren(...list);
}

// One facet panel; a region drills down (replaces the region filter), the
// others add a value (any of them).
function panel(s, dim, buckets) {
  const items = (buckets || []).filter((b) => b.count > 0 || (b.all || 0) > 0).map((b) => {
    const value = b.value === null ? "unknown" : String(b.value);
    const chosen = s[dim].includes(value);
    const next = dim === "region" ? [value] : chosen ? s[dim].filter((x) => x !== value) : s[dim].concat([value]);
    return el("li", {}, link(change({ [dim]: next }), [el("span", {}, b.value === null ? "不明" : value), el("span", { class: "count" }, b.count)], { "aria-current": chosen ? "true" : null }));
  });
  const head = [el("h2", {}, LABEL[dim])];
  if (dim === "region" && s.region.length) {
    head.push(el("div", { class: "crumbs" }, link(change({ region: [] }), "全国"), " › ", s.region.join("、")));
  }
  return el("section", {}, head, items.length ? el("ul", {}, items) : el("p", { class: "count" }, "（无）"));
}

function facetPanels(s, facets) {
  put("facets", LIST.map((dim) => panel(s, dim, facets[dim])));
}

function chart(s, buckets) {
  const years = (buckets || []).filter((b) => b.value !== null).sort((a, b) => Number(a.value) - Number(b.value));
  if (!years.length) return null;
  const top = Math.max(...years.map((b) => b.count), 1);
  return el("div", { class: "chart", role: "img", "aria-label": "按年份的报告数" },
    years.map((b) => link(change({ year: [String(b.value)] }), [
      el("span", { class: "count" }, b.count),
      el("span", { class: "fill", style: "height:" + Math.round((b.count / top) * 100) + "%" }),
      el("span", {}, b.value),
    ], { class: "bar", title: b.value + " 年：" + b.count + " 篇" })));
}

function csvCell(v) {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function pivotTable(s, pivot) {
  if (!pivot || !pivot.row_values.length) return null;
  const share = s.measure === "share" && pivot.share_cells;
  const value = (r, c) => (share ? pivot.share_cells[r][c] : pivot.cells[r][c]);
  const values = pivot.row_values.flatMap((_, r) => pivot.column_values.map((_, c) => value(r, c) || 0));
  const top = Math.max(...values, share ? 0 : 1) || 1;
  const name = (v) => (v === null ? "不明" : String(v));
  const show = (v) => (v === null || v === undefined ? "–" : share ? (v * 100).toFixed(1) + "%" : String(v));
  const rows = pivot.row_values.map((row, r) => el("tr", {},
    el("th", {}, link(change({ region: [row === null ? "unknown" : String(row)] }), name(row))),
    pivot.column_values.map((_, c) => {
      const v = value(r, c);
      const alpha = v ? (0.12 + 0.6 * (v / top)).toFixed(2) : 0;
      return el("td", { style: "background: rgba(164, 22, 26, " + alpha + ")" }, show(v));
    }),
    el("td", {}, share ? "" : pivot.row_totals[r])));
  const header = el("tr", {}, el("th", {}, "地区 \\ 年份"), pivot.column_values.map((v) => el("th", {}, name(v))), el("th", {}, share ? "" : "合计"));
  const lines = [["地区"].concat(pivot.column_values.map(name)).map(csvCell).join(",")]
    .concat(pivot.row_values.map((row, r) => [name(row)].concat(pivot.column_values.map((_, c) => value(r, c) ?? "")).map(csvCell).join(",")));
  const download = el("a", { href: URL.createObjectURL(new Blob(["\uFEFF" + lines.join("\n") + "\n"], { type: "text/csv" })), download: "fazhi-地区x年份.csv" }, "下载 CSV");
  const toggle = link(Object.assign(state(), { measure: share ? "reports" : "share" }), share ? "按报告数着色" : "按占比着色");
  return el("div", { class: "pivot" }, el("h2", {}, "地区 × 年份"), el("p", {}, toggle, "　", download), el("table", {}, header, rows));
}

function hitView(s, h) {
  const reposts = h.duplicates && h.duplicates.length ? el("div", { class: "reposts" }, "转载 " + h.duplicates.length + " 处：" + h.duplicates.slice(0, 3).join("；") + (h.duplicates.length > 3 ? " …" : "")) : null;
  return el("article", { class: "hit" },
    el("h3", {}, link(Object.assign(state(), { id: h.id }), h.title || h.path)),
    el("div", { class: "meta" }, [place(h), h.year ? h.year + " 年" : "年份不明", h.level, h.type, h.publish_date ? "发布 " + h.publish_date : null].filter(Boolean).join("　")),
    (h.snippets || []).map((sn) => el("p", { class: "snippet" }, marked(sn.text, sn.highlights))),
    reposts);
}

async function searchView(s) {
  const filtered = s.q || LIST.some((n) => s[n].length);
  if (!filtered) {
    const [stats, ...facets] = await Promise.all([api("/api/stats")].concat(LIST.map((dim) => api("/api/facets?by=" + dim))));
    const counts = {};
    LIST.forEach((dim, i) => { counts[dim] = facets[i].buckets; });
    facetPanels(s, counts);
    put("results", el("h2", {}, "共 " + stats.documents + " 篇报告"), el("p", { class: "summary" }, "输入检索式，或从左边按地区、年份、级别、类型浏览。"), chart(s, counts.year));
    return;
  }
  const p = apiParams(s);
  p.set("facets", "1");
  p.set("pivot", "region,year");
  p.set("limit", PAGE);
  p.set("offset", s.offset);
  if (s.measure === "share") p.set("measure", "share");
  const r = await api("/api/search?" + p);
  facetPanels(s, r.facets || {});
  const loose = r.match === "loose" ? el("p", { class: "note" }, "没有完全匹配的报告；这是宽松匹配的结果。") : null;
  const pager = el("div", { class: "pager" },
    s.offset > 0 ? link(Object.assign(state(), { offset: Math.max(0, s.offset - PAGE) }), "‹ 上一页") : null,
    s.offset + PAGE < r.total ? link(Object.assign(state(), { offset: s.offset + PAGE }), "下一页 ›") : null);
  const shown = r.total ? "第 " + (s.offset + 1) + "–" + (s.offset + r.hits.length) + " 篇" : "";
  put("results",
    el("p", { class: "summary" }, "共 " + r.total + " 篇" + (shown ? "，" + shown : "") + (r.terms.length ? "；检索词：" + r.terms.join("、") : "")),
    loose, chart(s, r.facets && r.facets.year), pivotTable(s, r.pivot),
    r.hits.map((h) => hitView(s, h)), pager);
}

async function reportView(s) {
  let report;
  try {
    report = await api("/api/reports/" + encodeURIComponent(s.id) + (s.q ? "?highlight=" + encodeURIComponent(s.q) : ""));
  } catch (e) {
    if (!s.q) throw e;
    report = await api("/api/reports/" + encodeURIComponent(s.id));
  }
  put("facets", el("p", {}, link(Object.assign(state(), { id: "" }), "‹ 返回结果")));
  const fields = ["title", "unit", "unit_type", "province", "city", "county", "township", "level", "year", "type", "publish_date"];
  const names = { title: "标题", unit: "单位", unit_type: "单位类型", province: "省", city: "市", county: "县", township: "乡镇", level: "级别", year: "年份", type: "类型", publish_date: "发布日期" };
  const rows = fields.filter((f) => report[f] !== null && report[f] !== undefined).flatMap((f) => {
    const c = report.confidence && report.confidence[f];
    const why = report.evidence && report.evidence[f];
    return [el("dt", {}, names[f]), el("dd", {}, String(report[f]), c !== undefined ? el("span", { class: "count" }, "（置信度 " + Number(c).toFixed(2) + "）") : null, why ? el("div", { class: "evidence" }, "依据：" + why) : null)];
  });
  const occurrences = report.occurrences && Object.keys(report.occurrences).length
    ? el("p", { class: "summary" }, "出现次数：" + Object.entries(report.occurrences).map(([t, n]) => t + " " + n + " 次").join("，")) : null;
  put("results",
    el("h2", {}, report.title || report.path),
    el("p", { class: "meta" }, report.path, report.url ? el("span", {}, "　", el("a", { href: report.url, rel: "noopener noreferrer" }, "来源")) : null),
    el("dl", { class: "fields" }, rows),
    report.duplicates && report.duplicates.length ? el("p", { class: "reposts" }, "转载：" + report.duplicates.join("；")) : null,
    occurrences,
    el("div", { class: "fulltext" }, marked(report.text, report.highlights)));
}

async function render() {
  if (inFlight) inFlight.abort();
  inFlight = new AbortController();
  const s = state();
  const input = document.getElementById("q");
  if (document.activeElement !== input) input.value = s.q;
  chips(s);
  document.title = (s.q ? s.q + " — " : "") + "法治报告检索";
  try {
    await (s.id ? reportView(s) : searchView(s));
  } catch (e) {
    if (e.name === "AbortError") return;
    put("results", el("p", { class: "error", role: "alert" }, e.message));
  }
}

// As you type: the URL follows after a pause (one request, the previous one cancelled).
let typing = null;
function typed() {
  clearTimeout(typing);
  typing = setTimeout(() => {
    const q = document.getElementById("q").value.trim();
    if (q === state().q) return;
    history.replaceState(null, "", href(change({ q })));
    render();
  }, 350);
}

document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("q");
  input.addEventListener("input", typed);
  document.getElementById("form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    history.pushState(null, "", href(change({ q: input.value.trim() })));
    render();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement !== input) {
      event.preventDefault();
      input.focus();
    }
  });
  window.addEventListener("popstate", render);
  render();
});
