// The status page as its applicant opens it again: the case's code kept in
// this tab's session (as the look-up page leaves it), then the case's address
// loaded under Lighthouse's mobile defaults. Lighthouse's command line cannot
// set session storage before a page loads; a user flow (puppeteer) can.
//
// node status.mjs <url> <case number> <query code> --throttling-method=<simulate|devtools> <report.json>
import fs from "node:fs";
import puppeteer from "puppeteer-core";
import { startFlow } from "lighthouse";

const [url, caseNumber, queryCode, throttling, report] = process.argv.slice(2);
const throttlingMethod = throttling.replace("--throttling-method=", "");
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH,
  args: ["--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument((name, code) => sessionStorage.setItem(name, code), `bianmin.case.${caseNumber}`,
    queryCode);
  // Storage kept (the code is the point); the fresh browser's cache is empty all the same.
  const flow = await startFlow(page, {
    flags: { onlyCategories: ["performance"], disableStorageReset: true, throttlingMethod },
  });
  await flow.navigate(url);
  const result = await flow.createFlowResult();
  fs.writeFileSync(report, JSON.stringify(result.steps[0].lhr));
} finally {
  await browser.close();
}
