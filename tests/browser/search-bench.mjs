// Search benchmark (issue 3): this site's search against Pagefind on the same
// built site, in Chromium. For each query: bytes fetched (cold cache, one
// query in a fresh page) and the top-3 result paths of both.
// Usage: node search-bench.mjs BASE QUERIES_JSON   (QUERIES_JSON: [[query, expectedPath|null], ...])
import { readFileSync } from 'node:fs';
import { launch } from './lib.mjs';

const [base, file] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(file, 'utf8'));
const browser = await launch();
const rows = [];
for (const [q, want] of queries) {
  const row = { q, want };
  for (const engine of ['handbook', 'pagefind']) {
    const page = await browser.context.newPage();
    let bytes = 0;
    page.on('response', async (r) => {
      const u = r.url();
      const counted = engine === 'handbook' ? (u.includes('/haku/') || u.includes('haku.js') || u.includes('haku-stem.js')) : u.includes('/pagefind/');
      if (counted) { try { bytes += (await r.body()).length; } catch { /* no body */ } }
    });
    let top = [];
    if (engine === 'handbook') {
      await page.goto(`${base}/haku/?q=${encodeURIComponent(q)}`);
      await page.waitForFunction(() => { const s = document.getElementById('haku-tila'); return s && s.textContent && !s.textContent.endsWith('…'); });
      top = await page.$$eval('#haku-tulokset .result-title a', (as) => as.slice(0, 3).map((a) => new URL(a.href).pathname));
    } else {
      await page.goto(`${base}/404.html`);
      top = await page.evaluate(async (query) => {
        const pf = await import('/pagefind/pagefind.js');
        const res = await pf.search(query);
        const data = await Promise.all(res.results.slice(0, 3).map((r) => r.data()));
        return data.map((d) => new URL(d.url, location.origin).pathname.replace(/index\.html$/, ''));
      }, q);
    }
    await page.waitForTimeout(200);
    row[engine] = { bytes, top, hit: want ? top.includes(want) : null };
    await page.close();
  }
  rows.push(row);
}
await browser.close();
console.log(JSON.stringify(rows));
