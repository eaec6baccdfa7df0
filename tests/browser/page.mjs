// The search page in a real browser (headless Debian Chromium, driven by
// playwright-core): a person types a query, clicks a province and then a
// year, and opens a report; what the page shows is checked against the
// API's answers for the same requests. A report holding
// <script>alert(1)</script> must show it as text and run nothing.
//
// Run by .ci/run: node tests/browser/page.mjs FAZHI_BINARY SCREENSHOT.png
// (playwright-core resolved from NODE_PATH).

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, copyFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const [binary, screenshot] = process.argv.slice(2);
if (!binary || !screenshot) {
  console.error("usage: node tests/browser/page.mjs FAZHI_BINARY SCREENSHOT.png");
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function check(ok, what) {
  if (!ok) throw new Error(`browser test: ${what}`);
}

/** A free port on loopback. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// The bundled reports plus one that holds markup, indexed fresh.
const work = mkdtempSync(join(tmpdir(), "fazhi-browser-"));
const docs = join(work, "docs");
mkdirSync(docs);
for (const name of readdirSync(join(root, "data", "reports"))) {
  copyFileSync(join(root, "data", "reports", name), join(docs, name));
}
writeFileSync(join(docs, "markup.txt"),
  "白沙镇2023年法治政府建设情况报告\n今年以来，我镇持续推进法治政府建设。<script>alert(1)</script>网页标记测试。\n");
const index = join(work, "index");
const env = { ...process.env, HOME: work, XDG_DATA_HOME: join(work, "data"), NO_COLOR: "1" };
const built = spawnSync(binary, ["index", docs, "--index", index], { env, encoding: "utf8" });
check(built.status === 0, `fazhi index failed: ${built.stderr}`);

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(binary, ["serve", "--index", index, "--port", String(port)], { env, stdio: ["ignore", "pipe", "pipe"] });
let serverLog = "";
server.stdout.on("data", (d) => (serverLog += d));
server.stderr.on("data", (d) => (serverLog += d));

async function api(path) {
  const response = await fetch(base + path);
  check(response.ok, `${path}: HTTP ${response.status}`);
  return response.json();
}

let browser;
try {
  // The server is up when /healthz answers.
  const start = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {}
    check(Date.now() - start < 20000, `server did not start: ${serverLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const dialogs = [];
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + "/");

  // Type a query: the answer comes as you type.
  await page.locator("#q").pressSequentially("法治政府建设", { delay: 30 });
  await page.waitForFunction(() => /^共 \d+ 篇/.test(document.querySelector("#status").textContent));
  const all = await api(`/api/search?q=${encodeURIComponent("法治政府建设")}&limit=20&facets=1`);
  const status = () => page.locator("#status").textContent();
  check((await status()).startsWith(`共 ${all.total} 篇`), `status ${await status()} for total ${all.total}`);
  check(await page.locator("#hits > li").count() === all.hits.length, "one result per hit");
  const bars = await page.locator("#years-chart .bar").count();
  check(bars === all.facets.year.filter((b) => b.value !== null).length, `a bar per year (${bars})`);
  await page.screenshot({ path: screenshot, fullPage: false });

  // Click the first province, then the first year.
  const province = all.facets.region.find((b) => b.value)?.value;
  check(province, "a province facet");
  await page.locator("#facets li button", { hasText: province }).first().click();
  await page.waitForFunction((p) => new URLSearchParams(location.search).get("region") === p, province);
  const inProvince = await api(`/api/search?q=${encodeURIComponent("法治政府建设")}&region=${encodeURIComponent(province)}&limit=20&facets=1`);
  await page.waitForFunction((t) => document.querySelector("#status").textContent.startsWith(`共 ${t} 篇`), inProvince.total);
  const year = inProvince.facets.year.find((b) => b.value)?.value;
  check(year, "a year facet");
  await page.locator("#facets li button", { hasText: String(year) }).first().click();
  const both = await api(`/api/search?q=${encodeURIComponent("法治政府建设")}&region=${encodeURIComponent(province)}&year=${year}&limit=20&facets=1`);
  await page.waitForFunction((t) => document.querySelector("#status").textContent.startsWith(`共 ${t} 篇`), both.total);
  const titles = await page.locator("#hits .hit-title").allTextContents();
  check(JSON.stringify(titles) === JSON.stringify(both.hits.map((h) => h.title || h.path.split("/").pop())), `titles ${titles}`);
  check(new URL(page.url()).searchParams.get("year") === String(year), "the year is in the URL");

  // Open the first report: its text and metadata as the API gives them.
  await page.locator("#hits .hit-title").first().click();
  await page.waitForFunction(() => !document.querySelector("#report").hidden && document.querySelector("#report-text").textContent.length > 0);
  const report = await api(`/api/reports/${both.hits[0].id}`);
  check(await page.locator("#report-text").textContent() === report.text, "the report's text");
  check(await page.locator("#report-title").textContent() === (report.title || report.path), "the report's title");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => document.querySelector("#report").hidden);

  // The shared link reproduces the state.
  const again = await browser.newPage();
  await again.goto(page.url());
  await again.waitForFunction((t) => document.querySelector("#status").textContent.startsWith(`共 ${t} 篇`), both.total);

  // A phone: one column, nothing wider than the screen.
  const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
  await phone.goto(page.url());
  await phone.waitForFunction((t) => document.querySelector("#status").textContent.startsWith(`共 ${t} 篇`), both.total);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `the page is ${overflow}px wider than a phone`);

  // Markup in a report is text.
  await page.goto(`${base}/?q=${encodeURIComponent("网页标记测试")}`);
  await page.waitForFunction(() => /^共 1 篇/.test(document.querySelector("#status").textContent));
  const snippet = await page.locator("#hits .snippet").first().textContent();
  check(snippet.includes("<script>alert(1)</script>"), `the markup shows as text: ${snippet}`);
  check(await page.locator("#hits script").count() === 0, "no script element made from a report");
  await page.locator("#hits .hit-title").first().click();
  await page.waitForFunction(() => document.querySelector("#report-text").textContent.includes("<script>"));
  check(dialogs.length === 0, `a report ran script: ${dialogs}`);
  check(errors.length === 0, `page errors: ${errors}`);
  console.log(`browser test: ok (${all.total} reports for 法治政府建设; ${province} ${year}: ${both.total}); screenshot ${screenshot}`);
} finally {
  if (browser) await browser.close();
  server.kill("SIGINT");
}
