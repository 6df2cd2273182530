// Lighthouse over several pages with one Chromium: tests/browser/test_lighthouse.py runs it.
//
//   node lighthouse_audit.mjs CHROMIUM URL...
//
// Prints one JSON line per URL: each category's score (0-1), every audit that scored below 1
// in a category (performance: only the scored metrics), and Lighthouse's own errors.
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const [chromePath, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
});
try {
  for (const url of urls) {
    const { lhr } = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error" });
    const below = [];
    for (const [category, { auditRefs }] of Object.entries(lhr.categories)) {
      for (const { id, weight } of auditRefs) {
        const audit = lhr.audits[id];
        if (audit.score !== null && audit.score < 1 && (weight > 0 || category !== "performance")) {
          below.push({ category, id, score: audit.score, shown: audit.displayValue || "" });
        }
      }
    }
    const scores = Object.fromEntries(
      Object.entries(lhr.categories).map(([name, category]) => [name, category.score]),
    );
    const error = lhr.runtimeError ? lhr.runtimeError.message : null;
    console.log(JSON.stringify({ url, scores, below, error }));
  }
} finally {
  await chrome.kill();
}
