// Accessibility suite (issue 8), run on the built handbook served at BASE:
// axe-core (WCAG 2.1 A/AA) on every page of the sitemap and the generated
// pages, reflow at 320 px, whole words at 375 px, keyboard walks (a chapter, a model card, the
// search page), CSP errors, the weight of every chapter and model card, print
// media, and screenshots at 375 and 1280 px into OUT.
// Usage: node a11y.mjs BASE OUT
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { launch, Report } from './lib.mjs';

const [base, out] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const report = new Report('a11y');
mkdirSync(out, { recursive: true });

const sitemap = await (await fetch(`${base}/sitemap.xml`)).text();
const paths = [...sitemap.matchAll(/<loc>https?:\/\/[^/]+([^<]*)<\/loc>/g)].map((m) => m[1]);
paths.push('/404.html', '/tulosta/', '/saavutettavuusseloste/', '/aihealueet/', '/haku/?q=kotoutuminen');
const pages = [...new Set(paths)].sort();

const browser = await launch();
const page = await browser.context.newPage();
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`); });
const external = [];
page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) external.push(r.url()); });

// 1. axe on every page, at desktop width and at 320 px (reflow).
for (const width of [1280, 320]) {
  await page.setViewportSize({ width, height: 800 });
  for (const p of pages) {
    await page.goto(base + p, { waitUntil: 'load' });
    if (p.startsWith('/haku/')) await page.waitForFunction(() => document.querySelectorAll('#haku-tulokset li').length > 0);
    if (width === 1280) {
      await page.evaluate(axeSource);
      const result = await page.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
        return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
      });
      report.check(result.length === 0, `axe ${p}: ${result.join('; ')}`);
    } else {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      report.check(overflow <= 0, `reflow ${p}: page is ${overflow}px wider than 320px`);
    }
  }
}
console.log(`axe and reflow: ${pages.length} pages`);

// 1b. At 375 px (a common phone) no word of a title, lead or label is split
//     across lines: long Finnish compounds fit or hyphenate, and the
//     last-resort break inside a word (overflow-wrap: anywhere, for 320 px)
//     is not needed. Debian's Chromium has no hyphenation dictionaries, so
//     here any split is such a last-resort break.
await page.setViewportSize({ width: 375, height: 800 });
for (const p of pages) {
  await page.goto(base + p, { waitUntil: 'load' });
  const split = await page.evaluate(() => {
    const found = [];
    for (const e of document.querySelectorAll('h1, h2, h3, h4, .card-title, .lead, dt, dd, .breadcrumbs li, .tags a, .site-title, .main-nav a')) {
      if (!e.getClientRects().length) continue;
      const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (const m of n.data.matchAll(/[^\s\-\u2010\u2013]+/g)) { // a hyphen is a break of its own
          const r = document.createRange();
          r.setStart(n, m.index);
          r.setEnd(n, m.index + m[0].length);
          const tops = new Set([...r.getClientRects()].filter((q) => q.width > 0).map((q) => Math.round(q.top)));
          if (tops.size > 1) found.push(m[0]);
        }
      }
    }
    return [...new Set(found)];
  });
  report.check(split.length === 0, `375 px ${p}: words broken across lines: ${split.slice(0, 5).join(', ')}`);
}

// Pages by kind: chapters (/kasikirja/x/) and model cards (/toimintamallit/x/).
const isChapter = (p) => p.startsWith('/kasikirja/') && p.split('/').length > 3;
const isModel = (p) => p.startsWith('/toimintamallit/') && p.split('/').length > 3;
const chapter = pages.find(isChapter);
const model = pages.find(isModel);
const searchPage = pages.find((p) => p.startsWith('/haku/'));

// 2. Keyboard walk on a chapter, a model card and the search page: the first
//    Tab shows the skip link and Enter moves focus to main; then, from the
//    top, Tab visits elements in document order (strictly increasing
//    position), each visible with a focus indicator, until the footer's last
//    link (no trap).
await page.setViewportSize({ width: 1280, height: 800 });
const openPage = async (p) => {
  await page.goto(base + p);
  if (p.startsWith('/haku/')) await page.waitForFunction(() => document.querySelectorAll('#haku-tulokset li').length > 0);
};
for (const p of [chapter, model, searchPage]) {
  await openPage(p);
  await page.keyboard.press('Tab');
  let focused = await page.evaluate(() => ({ cls: document.activeElement.className, top: document.activeElement.getBoundingClientRect().top }));
  report.check(focused.cls === 'skip-link' && focused.top >= 0, `keyboard ${p}: first Tab should show the skip link, got ${JSON.stringify(focused)}`);
  await page.keyboard.press('Enter');
  focused = await page.evaluate(() => document.activeElement.id);
  report.check(focused === 'sisalto', `keyboard ${p}: skip link should move focus to main, got #${focused}`);

  await openPage(p);
  const lastInFooter = await page.evaluate(() => { const all = document.querySelectorAll('.site-footer a[href], .site-footer button, .site-footer input'); return all.length; });
  const problems = [];
  let steps = 0;
  let reachedEnd = false;
  for (; steps < 400 && !reachedEnd; steps += 1) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate((first) => {
      const e = document.activeElement;
      if (!e || e === document.body) return { body: true };
      const prev = window.__kbPrev;
      window.__kbPrev = e;
      const s = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      const footerLinks = [...document.querySelectorAll('.site-footer a[href], .site-footer button, .site-footer input')];
      return {
        what: `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} "${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)}"`,
        skip: e.classList.contains('skip-link'),
        // Document order: the previous focus precedes this one.
        forward: first ? true : !!(prev && prev !== e && (prev.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING)),
        indicator: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && !/rgba\(.*, 0\)/.test(s.outlineColor)) || (s.boxShadow !== 'none' && s.boxShadow !== ''),
        shown: r.width > 0 && r.height > 0 && s.visibility !== 'hidden',
        last: footerLinks.length > 0 && e === footerLinks[footerLinks.length - 1],
      };
    }, steps === 0);
    if (f.body) { problems.push(`focus left the page after ${steps} steps before the footer`); break; }
    if (steps === 0 && !f.skip) problems.push(`first focus ${f.what} is not the skip link`);
    if (!f.forward) problems.push(`focus went backwards to ${f.what}`);
    if (!f.indicator) problems.push(`no visible focus indicator on ${f.what}`);
    if (!f.shown) problems.push(`focused ${f.what} is not visible`);
    reachedEnd = f.last;
  }
  report.check(lastInFooter > 0 && reachedEnd, `keyboard ${p}: Tab never reached the footer's last link in ${steps} steps (focus trap?)`);
  report.check(problems.length === 0, `keyboard ${p}: ${problems.slice(0, 5).join('; ')}`);
  console.log(`keyboard ${p}: ${steps} Tab stops`);
}

// 3. Reduced motion: nothing animates or transitions.
await page.emulateMedia({ reducedMotion: 'reduce' });
await page.goto(base + chapter);
const moving = await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => { const s = getComputedStyle(e); return s.animationName !== 'none' || (s.transitionDuration !== '0s' && s.transitionProperty !== 'none' && s.transitionDuration !== ''); }).length);
report.check(moving === 0, `reduced motion: ${moving} elements still animate`);
await page.emulateMedia({ reducedMotion: 'no-preference' });

// 4. Print media: navigation chrome hidden on the print page; there, links to
//    chapters lead to the chapters on the same page (every in-page target
//    exists); on it, a chapter and a model card every printed link shows its
//    URL after it, internal ones as absolute URLs with the site's address
//    (from the sitemap), in-page (#) links none.
const siteOrigin = new URL(sitemap.match(/<loc>([^<]*)<\/loc>/)[1]).origin;
await page.emulateMedia({ media: 'print' });
await page.goto(base + '/tulosta/');
const chromeShown = await page.evaluate(() => ['.site-header', '.site-footer', '.breadcrumbs'].filter((s) => { const e = document.querySelector(s); return e && getComputedStyle(e).display !== 'none'; }));
report.check(chromeShown.length === 0, `print: still shown: ${chromeShown.join(', ')}`);
const printLinks = await page.evaluate(() => [...document.querySelectorAll('main a[href]')].map((a) => {
  const href = a.getAttribute('href');
  return { href, target: href.startsWith('#') ? !!document.getElementById(decodeURIComponent(href.slice(1))) : null };
}));
const toChapters = printLinks.filter((l) => isChapter(l.href.split('#')[0]));
report.check(toChapters.length === 0, `print: links to chapters that are on the page: ${toChapters.map((l) => l.href).slice(0, 5).join(', ')}`);
const dangling = printLinks.filter((l) => l.target === false);
report.check(dangling.length === 0, `print: in-page links without a target: ${dangling.map((l) => l.href).slice(0, 5).join(', ')}`);
const crossLinks = printLinks.filter((l) => l.href.startsWith('#luku-') && l.target).length;
report.check(crossLinks > pages.filter(isChapter).length, `print: only ${crossLinks} in-page links to chapters and their sections`);
for (const p of ['/tulosta/', chapter, model]) {
  await page.goto(base + p);
  const shown = await page.evaluate(() => [...document.querySelectorAll('main a[href]')].filter((a) => a.getClientRects().length > 0)
    .map((a) => ({ href: a.getAttribute('href'), url: a.classList.contains('url'), after: getComputedStyle(a, '::after').content })));
  const wrong = shown.filter((l) => {
    const want = l.href.startsWith('#') || l.url ? 'none' : `" (${l.href.startsWith('/') ? siteOrigin : ''}${l.href})"`;
    return l.after !== want;
  });
  report.check(shown.length > 0 && wrong.length === 0, `print ${p}: link URLs not shown right: ${wrong.slice(0, 4).map((l) => `${l.href} → ${l.after}`).join(', ')}`);
  if (p === '/tulosta/') report.check(shown.some((l) => l.href.startsWith('/')), 'print: no internal link to a page off the print page to check');
}
await page.emulateMedia({ media: 'screen' });

// 5. Page weight of every chapter and model card: HTML + CSS + JS
//    transferred (uncompressed, as served here, with the cache off; gzip, as
//    Netlify sends them, only reported), images and the search index
//    excluded, and no external requests (checked at the end). Figures to
//    OUT/weight.txt.
const cdp = await browser.context.newCDPSession(page);
await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
const weights = [];
for (const p of pages.filter((x) => isChapter(x) || isModel(x))) {
  const parts = { document: 0, stylesheet: 0, script: 0 };
  let gzip = 0;
  const bodies = [];
  const onResponse = (r) => {
    const t = r.request().resourceType();
    if (t in parts) bodies.push(r.body().then((b) => { parts[t] += b.length; gzip += gzipSync(b).length; }, () => { /* redirects have no body */ }));
  };
  page.on('response', onResponse);
  await page.goto(base + p, { waitUntil: 'networkidle' });
  page.off('response', onResponse);
  await Promise.all(bodies);
  weights.push({ p, total: parts.document + parts.stylesheet + parts.script, gzip, ...parts });
}
await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
weights.sort((a, b) => b.total - a.total);
const heaviest = weights[0];
const lines = weights.map((w) => `${w.p}\t${w.total}\t(HTML ${w.document}, CSS ${w.stylesheet}, JS ${w.script}; gzip ${w.gzip})`);
writeFileSync(`${out}/weight.txt`, `# Bytes transferred per page: HTML + CSS + JS, uncompressed (gzip in brackets); images and search index excluded; limit 51200\n${lines.join('\n')}\nmax\t${heaviest.p}\t${heaviest.total}\n`);
console.log(`page weight: ${weights.length} pages, heaviest ${heaviest.p} ${heaviest.total} bytes (${(heaviest.total / 1024).toFixed(1)} KB)`);
report.check(weights.some((w) => isChapter(w.p)) && weights.some((w) => isModel(w.p)), 'weight: chapters and model cards measured');
for (const w of weights) report.check(w.total <= 50 * 1024, `weight: ${w.p} transfers ${w.total} bytes > 50 KB`);

// 6. Screenshots of the home page, a chapter and a model card.
for (const [name, p] of [['etusivu', '/'], ['luku', chapter], ['toimintamalli', model]]) {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(base + p);
    await page.screenshot({ path: `${out}/${name}-${width}.png`, fullPage: true });
  }
}

report.check(external.length === 0, `external requests: ${[...new Set(external)].join(', ')}`);
report.check(consoleErrors.length === 0, `console errors (CSP?): ${consoleErrors.slice(0, 5).join(' | ')}`);
await browser.close();
report.finish();
