// Search in the browser (issue 3). Two modes:
//   node search.mjs BASE queries QUERY...   → prints JSON {query: [top-3 urls]} from /haku/?q=
//   node search.mjs BASE interact           → types in the header box of a chapter, checks
//     highlighted excerpts and the live region, applies a filter, follows a result by keyboard.
//   node search.mjs BASE fixture N          → on the fixture site of tests/search.rs: compound
//     parts, a section page, a late match's excerpt, "show more" paging over N results, and
//     filters (OR within a group, AND across groups).
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

if (mode === 'fixture') {
  const report = new Report('search-fixture');
  const n = Number(queries[0]);
  for (const [q, want] of [['verkosto', ['/luvut/a/', '/luvut/b/']], ['johtaminen', ['/luvut/b/']], ['toiminta', ['/luvut/c/']],
    ['kotiseutumuseo', ['/']]]) {
    await page.goto(`${base}/haku/?q=${encodeURIComponent(q)}`);
    const urls = (await results()).map((u) => u.split('#')[0]);
    report.check(want.every((w) => urls.includes(w)), `${q}: expected ${want} in ${urls}`);
  }
  await page.goto(`${base}/haku/?q=harvinaissana`);
  await results();
  const late = await page.$$eval('#haku-tulokset mark', (ms) => ms.map((m) => m.textContent));
  report.check(late.includes('harvinaissana'), `a match late in a long section is highlighted: ${late}`);
  // The excerpt is the matched section's own text, taken from the page: the
  // words around the match, not the page's other sections.
  const lateText = await page.textContent('#haku-tulokset .result-excerpt');
  report.check(lateText.includes('Lopussa on harvinaissana') && !/Pitkä luku|Johdanto|Eri aihe/.test(lateText), `excerpt of the section: "${lateText}"`);
  await page.goto(`${base}/haku/?q=yhteinen`);
  let urls = await results();
  const status = await page.textContent('#haku-tila');
  report.check(urls.length === 10 && status.startsWith(`${n} `), `first page: ${urls.length} shown, status "${status}"`);
  await page.focus('.search-more');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#haku-tulokset li').length > 10);
  urls = await page.$$eval('#haku-tulokset .result-title a', (as) => as.map((a) => a.getAttribute('href')));
  const focused = await page.evaluate(() => document.activeElement.getAttribute('href'));
  report.check(urls.length === 20 && focused === urls[10], `"show more": ${urls.length} shown, focus on ${focused}`);
  // Filters: topic Alfa OR Beta covers every card; AND phase "Kehitetty" keeps the even ones.
  const count = async () => { await page.waitForFunction(() => !document.getElementById('haku-tila').textContent.endsWith('…')); return Number((await page.textContent('#haku-tila')).split(' ')[0]) || 0; };
  const tick = async (group, name) => {
    const id = await page.$$eval(`#haku-rajaukset input[name="${group}"]`, (cs, nm) => cs.find((c) => document.querySelector(`label[for="${c.id}"]`).textContent.startsWith(nm)).id, name);
    await page.click(`#${id}`);
    await page.waitForFunction((g) => location.search.includes(`${g}=`), group);
    await page.waitForTimeout(300);
  };
  await tick('topic', 'Alfa');
  const alfa = await count();
  await tick('topic', 'Beta');
  const either = await count();
  await tick('phase', 'Kehitetty');
  const both = await count();
  const cards = n;
  const expectAlfa = [...Array(cards).keys()].filter((i) => i % 3 !== 1).length;
  const expectBoth = [...Array(cards).keys()].filter((i) => i % 2 === 0).length;
  report.check(alfa === expectAlfa, `topic Alfa: ${alfa}, expected ${expectAlfa}`);
  report.check(either === cards, `topic Alfa OR Beta: ${either}, expected ${cards}`);
  report.check(both === expectBoth, `(Alfa OR Beta) AND Kehitetty: ${both}, expected ${expectBoth}`);
  report.check(errors.length === 0, `console errors: ${errors.join(' | ')}`);
  await browser.close();
  report.finish();
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
