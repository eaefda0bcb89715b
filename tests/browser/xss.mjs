// XSS suite (issue 7): opens every page of a site built from hostile input,
// served WITHOUT the Content-Security-Policy, so only escaping and
// sanitising stand between a payload and the reader. Any dialog, any
// `window.__pwned`, any element with an `on*` attribute, an inline `style`
// (other than table alignment) or a `javascript:` URL fails the run.
// Usage: node xss.mjs BASE PATH...
import { launch, Report } from './lib.mjs';

const [base, ...paths] = process.argv.slice(2);
const report = new Report('xss');
const browser = await launch();
const page = await browser.context.newPage();
const fired = [];
page.on('dialog', async (d) => { fired.push(`${page.url()}: dialog "${d.message()}"`); await d.dismiss(); });
for (const p of paths) {
  await page.goto(base + p, { waitUntil: 'load' });
  await page.waitForTimeout(50);
  const found = await page.evaluate(() => {
    const bad = [];
    if (window.__pwned) bad.push(`window.__pwned = ${window.__pwned}`);
    for (const e of document.querySelectorAll('*')) {
      for (const a of e.attributes) {
        if (/^on/i.test(a.name)) bad.push(`${e.tagName} ${a.name}`);
        // Inline styles could overlay the page; only table alignment is expected.
        if (a.name === 'style' && !/^text-align: (left|center|right);?$/.test(a.value.trim())) bad.push(`${e.tagName} style=${a.value}`);
        if (/^\s*(javascript|vbscript|data:text\/html)/i.test(a.value) && /href|src|action|formaction|xlink:href/i.test(a.name)) bad.push(`${e.tagName} ${a.name}=${a.value}`);
      }
      if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED'].includes(e.tagName) && !(e.tagName === 'SCRIPT' && e.src && e.src.startsWith(location.origin))) bad.push(`<${e.tagName.toLowerCase()}>`);
    }
    return bad;
  });
  report.check(found.length === 0, `${p}: ${found.join(', ')}`);
}
report.check(fired.length === 0, `payload executed: ${fired.join(' | ')}`);
console.log(`xss: ${paths.length} pages visited`);
await browser.close();
report.finish();
