// Opens every page given on the command line in headless Chromium and fails if a dialog
// opens (alert/confirm/prompt from a payload) or the page asks for anything but itself
// (an image, style, script or frame from elsewhere). Each page is loaded twice: as
// written, and with its Content-Security-Policy removed, so that escaping alone must hold.
// Then every element gets the events payloads hook into (mouseover, focus, click on
// non-links, error, load, animation) and every link's scheme is checked.
// Used by tests/xss-in-chromium.sh, which installs playwright-core.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [, , ...args] = process.argv;
const pages = args.filter((a) => !a.startsWith("--allow-requests="));
const allowRequests = args
  .filter((a) => a.startsWith("--allow-requests="))
  .map((a) => a.slice("--allow-requests=".length));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const failures = [];
let checked = 0;

async function visit(file, withCsp) {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const self = pathToFileURL(file).href;
  const label = `${file}${withCsp ? "" : " (CSP removed)"}`;
  page.on("dialog", async (d) => {
    failures.push(`${label}: a ${d.type()} dialog opened: ${d.message()}`);
    await d.dismiss();
  });
  const requestsAllowed = allowRequests.some((a) => file.endsWith(a));
  await page.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.split("#")[0] === self || url === "about:blank") return route.continue();
    if (!requestsAllowed) failures.push(`${label}: a request left the page: ${url}`);
    return route.abort();
  });
  if (withCsp) {
    await page.goto(self, { waitUntil: "load" });
    const csp = await page.evaluate(
      () => document.querySelectorAll('meta[http-equiv="Content-Security-Policy"]').length,
    );
    if (csp === 0 && !file.endsWith("wiki.html")) failures.push(`${label}: no Content-Security-Policy`);
  } else {
    const html = readFileSync(file, "utf8").replace(
      /<meta http-equiv="Content-Security-Policy"[^>]*>/gi,
      "",
    );
    // Served as the file itself, so that relative links and the script stay the same.
    let served = 0;
    await page.route(self, (route) => {
      served += 1;
      return route.fulfill({ body: html, contentType: "text/html; charset=utf-8" });
    });
    await page.goto(self, { waitUntil: "load" });
    const csp = await page.evaluate(
      () => document.querySelectorAll('meta[http-equiv="Content-Security-Policy"]').length,
    );
    if (served === 0 || csp !== 0) failures.push(`${label}: the page without its CSP was not the one loaded`);
  }
  const links = await page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll("[href],[src],[action],[formaction],[xlink\\:href]")) {
      for (const attr of ["href", "src", "action", "formaction", "xlink:href"]) {
        const v = el.getAttribute(attr);
        if (v && /^\s*(javascript|vbscript|data:text)/i.test(v.replace(/[\u0000-\u001f]/g, ""))) {
          bad.push(`<${el.tagName.toLowerCase()} ${attr}="${v}">`);
        }
      }
    }
    for (const el of document.querySelectorAll("*")) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) bad.push(`<${el.tagName.toLowerCase()} ${a.name}="${a.value}">`);
      }
      for (const type of ["mouseover", "mouseenter", "focus", "error", "load", "animationstart", "toggle"]) {
        el.dispatchEvent(new Event(type));
      }
      if (!el.closest("a[href]")) el.dispatchEvent(new MouseEvent("click", { bubbles: false }));
    }
    return bad;
  });
  for (const l of links) failures.push(`${label}: an active attribute survived: ${l}`);
  await page.waitForTimeout(300);
  await context.close();
  checked += 1;
}

for (const file of pages) {
  await visit(file, true);
  await visit(file, false);
}
await browser.close();
for (const f of failures) console.error(`FAIL ${f}`);
console.log(`${checked} page loads, ${failures.length} failures`);
process.exit(failures.length ? 1 : 0);
