// The site's index at scale (more reviews than one page holds), in headless Chromium
// through playwright-core, from the live page:
//   - with script: the filters show, one page of rows is made from the data block, a
//     filter through the address (#severity=…) and one chosen in its select give the
//     counts the data block implies, the pager pages (by keyboard too, focus kept), the
//     search and the sort work, and no dialog ever opens;
//   - without script: the first page lists its rows and links to index-2.html, which
//     lists the next ones;
//   - dark mode: the page and the current page's button are painted in the dark colours
//     with a contrast of at least 4.5:1.
// With --times N it only measures instead: N fresh loads, and prints the medians of the
// time to DOMContentLoaded (the script runs before it) and of a first filter (a severity
// chosen, until the next frame), as JSON.
// Used by tests/site-in-chromium.sh and benches/site.sh, which install playwright-core.
//
//   node index-in-chromium.mjs INDEX.html [--times N]
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";

const [, , file, ...args] = process.argv;
const url = pathToFileURL(file).href;
const times = args.includes("--times") ? Number(args[args.indexOf("--times") + 1]) : 0;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const failures = [];
let checks = 0;
const check = (ok, message) => {
  checks += 1;
  if (!ok) failures.push(message);
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Chooses the first severity in its select; resolves with the milliseconds until the
// frame after the change, and what the count then says.
const firstFilter = () =>
  new Promise((resolve) => {
    const select = document.querySelector('select[data-filter="severity"]');
    const t0 = performance.now();
    select.value = select.options[1].value;
    select.dispatchEvent(new Event("change"));
    requestAnimationFrame(() =>
      setTimeout(() =>
        resolve({
          ms: performance.now() - t0,
          value: select.value,
          count: document.getElementById("count").textContent,
        }),
      ),
    );
  });

async function open(hash = "", options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on("dialog", async (d) => {
    failures.push(`a ${d.type()} dialog opened: ${d.message()}`);
    await d.dismiss();
  });
  page.on("pageerror", (e) => failures.push(`script error: ${e.message}`));
  await page.goto(url + hash, { waitUntil: "load" });
  return { context, page };
}

if (times > 0) {
  const dcl = [];
  const filter = [];
  for (let i = 0; i < times; i++) {
    const { context, page } = await open();
    dcl.push(
      await page.evaluate(() => performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd),
    );
    filter.push((await page.evaluate(firstFilter)).ms);
    await context.close();
  }
  console.log(JSON.stringify({ loads: times, dcl_ms: median(dcl), filter_ms: median(filter), dcl, filter }));
  await browser.close();
  process.exit(failures.length ? 1 : 0);
}

// What the data block says: the expected counts.
const { context, page } = await open();
const data = await page.evaluate(() => JSON.parse(document.getElementById("review-data").textContent));
const total = data.reviews.length;
const size = data.page_rows;
const rows = () => page.evaluate(() => document.querySelectorAll("#reviews tbody tr").length);
const count = () => page.locator("#count").textContent();
const range = () => page.locator("#pages .range").textContent();
check(total > size, `the data block holds ${total} reviews, no more than one page (${size})`);
check(await page.locator("#filters").isVisible(), "the filters are hidden");
check((await count()) === `${total} of ${total} reviews`, `count: ${await count()}`);
check((await rows()) === size, `first page: ${await rows()} rows, expected ${size}`);
check((await range()) === `Reviews 1–${size} of ${total}.`, `range: ${await range()}`);
const current = page.locator('#pages [aria-current="page"]');
check((await current.textContent()) === "1", "page 1 is not the current one");

// A filter chosen in its select.
const chosen = await page.evaluate(firstFilter);
const severityAt = data.values.severity.indexOf(chosen.value);
const matching = data.reviews.filter((r) => r[4] === severityAt).length;
check(chosen.count === `${matching} of ${total} reviews`, `severity ${chosen.value}: ${chosen.count}, expected ${matching}`);
const badges = await page.evaluate(() =>
  [...document.querySelectorAll("#reviews tbody .badge")].map((b) => b.textContent),
);
check(badges.length === Math.min(matching, size) && badges.every((b) => b === chosen.value), `rows after the filter: ${badges.length}`);
check((await page.evaluate(() => location.hash)) === `#severity=${encodeURIComponent(chosen.value)}`, "the filter is not in the address");

// The pager, by keyboard: Tab to "Next page", Enter; the focus stays on the pager.
await page.evaluate(() => {
  document.querySelector('select[data-filter="severity"]').value = "";
  document.querySelector('select[data-filter="severity"]').dispatchEvent(new Event("change"));
});
await page.locator('#pages button[aria-label="Next page"]').focus();
await page.keyboard.press("Enter");
check((await range()) === `Reviews ${size + 1}–${Math.min(2 * size, total)} of ${total}.`, `after Next: ${await range()}`);
check((await current.textContent()) === "2", "page 2 is not the current one after Next");
check((await page.evaluate(() => location.hash)) === "#page=2", "the page is not in the address");
const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute("aria-label"));
check(focused === "Next page", `focus after Next: ${focused}`);
const firstId = await page.evaluate(() => document.querySelector("#reviews tbody tr .mono a").textContent);
check(firstId === data.reviews[size][1], `page 2 starts with ${firstId}, expected ${data.reviews[size][1]}`);

// The search and the sort.
const word = data.reviews[0][1].toLowerCase();
await page.locator("#q").fill(word);
const found = data.reviews.filter((r) => r[1].toLowerCase().includes(word) || r[10].toLowerCase().includes(word)).length;
check((await count()).startsWith(`${found} of`) || found === 0, `search ${word}: ${await count()}`);
await page.locator("#q").fill("");
await page.locator('th[data-sort="id"] button').click();
const ids = data.reviews.map((r) => r[1]).sort();
const top = await page.evaluate(() => document.querySelector("#reviews tbody tr .mono a").textContent);
check(top === ids[0], `sorted by id, first ${top}, expected ${ids[0]}`);
check((await page.locator('th[data-sort="id"]').getAttribute("aria-sort")) === "ascending", "aria-sort not set");
await context.close();

// Opened from a shared address: the filter and the page apply before anyone clicks.
{
  const sev = data.values.severity[0];
  const { context, page } = await open(`#severity=${encodeURIComponent(sev)}&page=2`);
  const n = data.reviews.filter((r) => r[4] === 0).length;
  const text = await page.locator("#count").textContent();
  check(text === `${n} of ${total} reviews`, `#severity=${sev}: ${text}`);
  if (n > size) {
    const r = await page.locator("#pages .range").textContent();
    check(r.startsWith(`Reviews ${size + 1}–`), `#page=2: ${r}`);
  }
  await context.close();
}

// Without script: the first page and the next, as written.
{
  const { context, page } = await open("", { javaScriptEnabled: false });
  const n = await page.evaluate(() => document.querySelectorAll("#reviews tbody tr").length);
  check(n === size, `without script: ${n} rows`);
  check(!(await page.locator("#filters").isVisible()), "without script the filters show");
  await page.locator('#pages a[href="index-2.html"]').first().click();
  await page.waitForLoadState("load");
  const next = await page.evaluate(() => document.querySelector("#reviews tbody tr .mono a").textContent);
  check(page.url().endsWith("index-2.html"), `the link led to ${page.url()}`);
  check(next === data.reviews[size][1], `index-2.html starts with ${next}`);
  await context.close();
}

// Dark mode: painted colours.
{
  const { context, page } = await open("", { colorScheme: "dark" });
  const colours = await page.evaluate(() => {
    const c = (el, p) => getComputedStyle(el)[p].match(/\d+/g).slice(0, 3).map(Number);
    const b = document.querySelector('#pages [aria-current="page"]');
    return { body: c(document.body, "backgroundColor"), fg: c(b, "color"), bg: c(b, "backgroundColor") };
  });
  const lum = ([r, g, b]) =>
    [r, g, b]
      .map((v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [x, y] = [lum(colours.fg), lum(colours.bg)].sort((a, b) => b - a);
  const ratio = (x + 0.05) / (y + 0.05);
  check(lum(colours.body) < 0.05, `dark mode body ${colours.body}`);
  check(ratio >= 4.5, `dark mode current page button ${ratio.toFixed(2)}:1`);
  await context.close();
}

await browser.close();
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`ok: ${checks} checks of the paged index (${total} reviews, ${size} a page)`);
