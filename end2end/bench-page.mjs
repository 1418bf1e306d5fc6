// Time from navigation to hydrated on the chat page, in headless Debian chromium: cold (a fresh
// browser context, empty cache) and warm (the same context again: hashed assets come from the
// cache). "Hydrated" is the moment the page's root gets data-hydrated="true", which an Effect
// sets once the WASM has hydrated it; a MutationObserver installed before any page script
// records performance.now() (ms since navigation start) at that moment.
// Then, in the cold context, the time from tapping a start prompt to its first widget drawn
// (the model's turn plus, the first time, fetching the answer renderer: ui::rich), and the same
// again in the warm context (renderer cached).
// Usage: BASE_URL=http://127.0.0.1:3098 RUNS=5 node bench-page.mjs
import { chromium } from "playwright-core";

const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const runs = Number(process.env.RUNS ?? 5);
const url = `${base}/professor-lock`;
const args = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

function watchHydration() {
  new MutationObserver((_, observer) => {
    if (document.querySelector("[data-hydrated=true]")) {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"], childList: true });
}

async function measure(page) {
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 30_000 });
  return page.evaluate(() => {
    const wasm = performance.getEntriesByType("resource").find((r) => r.name.endsWith(".wasm"));
    return {
      hydrated: window.__hydratedAt,
      wasmTransfer: wasm ? wasm.transferSize : -1,
      wasmEncoded: wasm ? wasm.encodedBodySize : -1,
    };
  });
}

// Tap → the parlay slip drawn (scripted offline model, so the turn itself is quick).
async function firstWidget(page) {
  const started = await page.evaluate(() => performance.now());
  await page.locator('[data-prompt="Build me a parlay with 3 picks"]').click();
  await page.locator("[data-item=widget] [data-widget]").first().waitFor({ timeout: 30_000 });
  return (await page.evaluate(() => performance.now())) - started;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args });
const cold = [];
const warm = [];
const coldAnswer = [];
const warmAnswer = [];
let coldWasm;
let warmWasm;
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  await context.addInitScript(watchHydration);
  const page = await context.newPage();
  const first = await measure(page);
  cold.push(first.hydrated);
  coldWasm = first;
  coldAnswer.push(await firstWidget(page));
  const again = await measure(page);
  warm.push(again.hydrated);
  warmWasm = again;
  warmAnswer.push(await firstWidget(page));
  await context.close();
}
await browser.close();
const fmt = (xs) => xs.map((x) => x.toFixed(0)).join(", ");
console.log(`navigation to hydrated, ${url}, ${runs} runs each`);
console.log(`cold (empty cache): median ${median(cold).toFixed(0)} ms  [${fmt(cold)}]`);
console.log(`  wasm over the wire: ${coldWasm.wasmTransfer} B (body ${coldWasm.wasmEncoded} B encoded)`);
console.log(`warm (cached):      median ${median(warm).toFixed(0)} ms  [${fmt(warm)}]`);
console.log(`  wasm over the wire: ${warmWasm.wasmTransfer} B (0 = from the cache, no request)`);
console.log(`tap a start prompt to its first widget drawn (turn + renderer), ${runs} runs each`);
console.log(`cold (renderer fetched): median ${median(coldAnswer).toFixed(0)} ms  [${fmt(coldAnswer)}]`);
console.log(`warm (renderer cached):  median ${median(warmAnswer).toFixed(0)} ms  [${fmt(warmAnswer)}]`);
