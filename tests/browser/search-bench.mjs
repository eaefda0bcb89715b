// Search benchmark (issue 3): this site's search against Pagefind on the same
// built site, in Chromium, served with gzip like Netlify does
// (static-server.mjs). For each query, in a fresh page with an emptied cache:
// the bytes transferred for the search (its scripts and index files), the
// bytes a second query in the same page adds, and the top-3 result paths.
// Usage: node search-bench.mjs BASE QUERIES_JSON   (QUERIES_JSON: [[query, expectedPath|null], ...])
import { readFileSync } from 'node:fs';
import { launch } from './lib.mjs';

const [base, file] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(file, 'utf8'));
const browser = await launch();
const second = { handbook: 'kunta', pagefind: 'kunta' };



async function run(page, engine, q) {
  if (engine === 'handbook') {
    await page.goto(`${base}/haku/?q=${encodeURIComponent(q)}`);
    await page.waitForFunction(() => { const s = document.getElementById('haku-tila'); return s && s.textContent && !s.textContent.endsWith('…'); });
    return page.$$eval('#haku-tulokset .result-title a', (as) => as.slice(0, 3).map((a) => new URL(a.href).pathname));
  }
  if (!page.url().endsWith('/404.html')) await page.goto(`${base}/404.html`);
  return page.evaluate(async (query) => {
    const pf = await import('/pagefind/pagefind.js');
    const res = await pf.search(query);
    // As many results as this search shows at first (ten).
    const data = await Promise.all(res.results.slice(0, 10).map((r) => r.data()));
    return data.slice(0, 3).map((d) => new URL(d.url, location.origin).pathname.replace(/index\.html$/, ''));
  }, q);
}

const rows = [];
for (const [q, want] of queries) {
  const row = { q, want };
  for (const engine of ['handbook', 'pagefind']) {
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    // Ours: the index, the scripts and the result pages fetched for excerpts.
    const counted = (r) => (engine === 'handbook'
      ? /\/haku\/|\/haku[-\w]*\.js/.test(r.url()) || r.request().resourceType() === 'fetch'
      : r.url().includes('/pagefind/'));
    // Responses of the page and of its workers (Pagefind searches in a worker).
    let bytes = 0;
    const pending = [];
    page.on('response', (r) => {
      if (!counted(r)) return;
      pending.push(r.request().sizes().then((s) => { bytes += s.responseBodySize + s.responseHeadersSize; }, () => {}));
    });
    const top = await run(page, engine, q);
    await page.waitForTimeout(300);
    await Promise.all(pending);
    const first = bytes;
    if (engine === 'handbook') {
      // A next query from the search page's own form (no new page load).
      await page.fill('#haku-q', second.handbook);
      await page.press('#haku-q', 'Enter');
      await page.waitForFunction((w) => { const s = document.getElementById('haku-tila'); return location.search.includes(w) && s.textContent && !s.textContent.endsWith('…'); }, second.handbook);
    } else {
      await run(page, engine, second.pagefind);
    }
    await page.waitForTimeout(300);
    await Promise.all(pending);
    row[engine] = { bytes: first, more: bytes - first, top, hit: want ? top.includes(want) : null };
    await page.close();
  }
  rows.push(row);
}
await browser.close();
console.log(JSON.stringify(rows));
