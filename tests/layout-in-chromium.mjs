// Checks the layout of pirt's pages in headless Chromium (issue 11, items 17-19), from the
// live page rather than from the HTML text, and takes the screenshots to look at:
//   - at 390 px no page is wider than the screen, and a review shows its tall lifecycle;
//   - at 1280 px dates, ids, TTR and the figures on the stats cards stay on one line, and
//     a review's body text is as wide as its headings;
//   - milestone labels of the lifecycle never overlap each other, and no stem crosses
//     another milestone's label, in either layout;
//   - in dark mode every number on a lifecycle mark has a WCAG contrast of at least 4.5
//     against its fill, computed from the colours the browser actually paints.
// Used by tests/site-in-chromium.sh, which installs playwright-core.
//
//   node layout-in-chromium.mjs OUT_DIR PAGE.html...
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import { basename } from "node:path";

const [, , out, ...pages] = process.argv;
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

function luminance([r, g, b]) {
  const c = [r, g, b].map((v) => {
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
const contrast = (a, b) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

for (const file of pages) {
  const name = basename(file, ".html");
  const url = pathToFileURL(file).href;
  for (const [label, width, scheme] of [
    ["1280", 1280, "light"],
    ["390", 390, "light"],
    ["dark", 1280, "dark"],
    ["dark-390", 390, "dark"],
  ]) {
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      colorScheme: scheme,
    });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    const where = `${name} at ${label}`;
    const facts = await page.evaluate(() => {
      const shown = (el) => el && getComputedStyle(el).display !== "none";
      // How many lines the text of an element takes.
      const lines = (el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set();
        for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
        return tops.size;
      };
      const rect = (el) => el.getBoundingClientRect();
      const overlap = (a, b) =>
        a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
      const result = {
        scrollWidth: document.documentElement.scrollWidth,
        wrapped: [],
        labelOverlaps: [],
        stemCrossings: [],
        marks: [],
        wide: shown(document.querySelector("figure.lifecycle svg.wide")),
        tall: shown(document.querySelector("figure.lifecycle svg.tall")),
        body: null,
      };
      for (const el of document.querySelectorAll(
        "#reviews td.date, #reviews td.mono, #reviews td.ttr, #reviews td.problem, .card .v, .card span.nowrap, td.when, .fact dd",
      )) {
        if (shown(el) && el.textContent.trim() && lines(el) > 1 && !el.matches(".fact dd.small"))
          result.wrapped.push(el.textContent.trim());
      }
      for (const svg of document.querySelectorAll("figure.lifecycle svg")) {
        if (!shown(svg)) continue;
        const groups = [...svg.querySelectorAll("g[class^=ms-]")];
        const labels = groups.map((g) => ({ text: g.querySelector("text"), stem: g.querySelector("line.stem") }));
        for (let i = 0; i < labels.length; i++) {
          for (let j = 0; j < labels.length; j++) {
            if (i === j) continue;
            const a = rect(labels[i].text);
            if (j > i && overlap(a, rect(labels[j].text)))
              result.labelOverlaps.push(`${labels[i].text.textContent} / ${labels[j].text.textContent}`);
            if (labels[j].stem) {
              const s = rect(labels[j].stem);
              const x = (s.left + s.right) / 2;
              if (x > a.left + 1 && x < a.right - 1 && s.top < a.bottom - 1 && s.bottom > a.top + 1)
                result.stemCrossings.push(`stem of ${labels[j].text.textContent} through ${labels[i].text.textContent}`);
            }
          }
        }
        for (const num of svg.querySelectorAll("text.ev-num")) {
          const dot = num.parentNode.querySelector("circle.dot");
          result.marks.push([getComputedStyle(num).fill, getComputedStyle(dot).fill, num.textContent]);
        }
      }
      const p = document.querySelector(".narrative p");
      const h2 = document.querySelector(".narrative h2");
      if (p && h2) result.body = [rect(p).width, rect(h2).width];
      return result;
    });
    check(facts.scrollWidth <= width, `${where}: the page is ${facts.scrollWidth}px wide`);
    check(facts.labelOverlaps.length === 0, `${where}: labels overlap: ${facts.labelOverlaps}`);
    check(facts.stemCrossings.length === 0, `${where}: ${facts.stemCrossings}`);
    if (width === 1280)
      check(facts.wrapped.length === 0, `${where}: values wrap: ${JSON.stringify(facts.wrapped)}`);
    if (name.startsWith("PIR-") || name.startsWith("review")) {
      check(width === 390 ? facts.tall && !facts.wide : facts.wide && !facts.tall, `${where}: wrong lifecycle layout`);
      if (width === 1280 && facts.body)
        check(Math.abs(facts.body[0] - facts.body[1]) <= 1, `${where}: body text ${facts.body[0]}px, headings ${facts.body[1]}px`);
    }
    const rgb = (s) => s.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
    for (const [fg, bg, n] of facts.marks) {
      const ratio = contrast(rgb(fg), rgb(bg));
      check(ratio >= 4.5, `${where}: mark ${n} has contrast ${ratio.toFixed(2)} (${fg} on ${bg})`);
    }
    if (scheme === "dark" && facts.marks.length) {
      const ratios = facts.marks.map(([fg, bg]) => contrast(rgb(fg), rgb(bg)));
      console.log(`${where}: mark numbers, lowest contrast ${Math.min(...ratios).toFixed(2)}:1`);
    }
    await page.screenshot({ path: `${out}/${name}-${label}.png`, fullPage: true });
    await context.close();
  }
}
await browser.close();
if (failures.length) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log(`ok: ${checks} layout checks on ${pages.length} pages; screenshots in ${out}`);
