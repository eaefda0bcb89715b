// Search in the browser (issue 3). Two modes:
//   node search.mjs BASE queries QUERY...   → prints JSON {query: [top-3 urls]} from /haku/?q=
//   node search.mjs BASE interact           → types in the header box of a chapter, checks
//     highlighted excerpts and the live region, applies a filter, follows a result by keyboard.
import { launch, Report } from './lib.mjs';

const [base, mode, ...queries] = process.argv.slice(2);
const browser = await launch();
const page = await browser.context.newPage();
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

async function results() {
  await page.waitForFunction(() => { const s = document.getElementById('haku-tila'); return s && s.textContent && !s.textContent.endsWith('…'); });
  return page.$$eval('#haku-tulokset .result-title a', (as) => as.map((a) => new URL(a.href).pathname + new URL(a.href).hash));
}

if (mode === 'queries') {
  const out = {};
  for (const q of queries) {
    await page.goto(`${base}/haku/?q=${encodeURIComponent(q)}`);
    out[q] = (await results()).slice(0, 3);
  }
  console.log(JSON.stringify(out));
  await browser.close();
  process.exit(errors.length ? 1 : 0);
}

const report = new Report('search');
await page.goto(`${base}/kasikirja/viestinta/`);
await page.focus('#hakusana');
await page.keyboard.type('kotoutumisen');
await page.keyboard.press('Enter');
await page.waitForURL(/\/haku\/\?q=kotoutumisen/);
let urls = await results();
report.check(urls.length >= 2, `typing in the header box should give results, got ${urls.length}`);
const marks = await page.$$eval('#haku-tulokset mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
report.check(marks.length > 0 && marks.every((m) => m.startsWith('kotoutu')), `highlighted words: ${marks.join(', ')}`);
const live = await page.$eval('#haku-tila', (s) => [s.getAttribute('aria-live'), s.textContent]);
report.check(live[0] === 'polite' && /\d+ hakutulosta|1 hakutulos/.test(live[1]), `live region: ${live}`);
// Apply the first topic filter.
const before = urls.length;
const box = await page.$('#haku-rajaukset fieldset input[name="topic"]');
report.check(!!box, 'topic filters are shown');
if (box) {
  const label = await page.$eval(`label[for="${await box.getAttribute('id')}"]`, (l) => l.textContent);
  const expected = Number(/\((\d+)\)/.exec(label)[1]);
  await box.focus();
  await page.keyboard.press('Space');
  await page.waitForFunction(() => location.search.includes('topic='));
  urls = await results();
  report.check(urls.length === expected && urls.length <= before, `filter "${label}": ${urls.length} results, expected ${expected}`);
}
// Follow the first result with the keyboard only.
await page.focus('#haku-q');
let reached = false;
for (let i = 0; i < 60 && !reached; i += 1) {
  await page.keyboard.press('Tab');
  reached = await page.evaluate(() => document.activeElement.closest && !!document.activeElement.closest('.result-title'));
}
report.check(reached, 'Tab reaches the first result');
const target = await page.evaluate(() => document.activeElement.href);
await page.keyboard.press('Enter');
await page.waitForURL(target);
report.check(page.url() === target, `Enter follows the result to ${target}`);
// Back button returns to the same query.
await page.goBack();
await page.waitForURL(/\/haku\/\?q=kotoutumisen/);
report.check((await page.inputValue('#haku-q')) === 'kotoutumisen', 'back button restores the query');
report.check(errors.length === 0, `console errors: ${errors.join(' | ')}`);
await browser.close();
report.finish();
