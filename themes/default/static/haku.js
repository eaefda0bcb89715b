/* Search client of the handbook: plain JavaScript, no inline code (strict CSP).
 * Analyses the query exactly as the index was built (lower case, Snowball
 * Finnish stem from haku-stem.js, ä→a ö→o å→a), expands each word by the
 * rules of src/search/expand.rs, fetches only the shards those rules need,
 * ranks by summing the tantivy scores shipped in the shards, and fetches the
 * result chunks (titles, addresses, headings) only for the results it shows.
 * The excerpt of a result comes from its own page, fetched too: the text is
 * published once, and the page is at hand when the reader follows the link.
 * The file formats are described in src/search/export.rs.
 */
(function () {
  'use strict';
  var root = document.getElementById('haku');
  if (!root || typeof self.handbookStem !== 'function') return;
  // The constants of src/search/expand.rs.
  var MIN_PART = 5, PREFIX = 3, TAIL_LIMIT = 8, COMPOUND_REST = 3, TYPO_WORD = 5, TYPO_STEM = 4;
  var EXACT = 1, INFLECTED = 0.8, TYPO = 0.6, COMPOUND = 0.5;
  var PAGE = 10;
  var d = root.dataset;
  var t = { index: d.index, results: d.tResults, one: d.tOne, none: d.tNone, loading: d.tLoading, filters: d.tFilters, more: d.tMore,
            phase: d.tPhase, topic: d.tTopic, funder: d.tFunder, region: d.tRegion };
  var input = document.getElementById('haku-q');
  var status = document.getElementById('haku-tila');
  var list = document.getElementById('haku-tulokset');
  var filtersBox = document.getElementById('haku-rajaukset');
  var moreBox = document.getElementById('haku-lisaa');
  var dir = t.index.replace(/[^/]*$/, '');
  var cache = {};
  var utf8 = new TextDecoder();
  var runs = 0;

  function get(name, kind) {
    var key = kind + name;
    if (!cache[key]) {
      cache[key] = fetch(kind === 'page' ? name : dir + name).then(function (r) {
        if (!r.ok) throw new Error(name);
        if (kind === 'json') return r.json();
        if (kind === 'page') return r.text();
        return r.arrayBuffer().then(function (b) { return new Uint8Array(b); });
      });
    }
    return cache[key];
  }
  var entryPromise = null;
  function entry() {
    if (!entryPromise) entryPromise = get(t.index.replace(/^.*\//, ''), 'json').then(prepare);
    return entryPromise;
  }

  /* ---- binary reading (unsigned LEB128 varints, UTF-8 strings) ---- */
  function Reader(bytes) { this.b = bytes; this.i = 0; this.prev = new Uint8Array(0); }
  Reader.prototype.varint = function () {
    var v = 0, scale = 1, x;
    do { x = this.b[this.i++]; v += (x & 0x7f) * scale; scale *= 128; } while (x & 0x80);
    return v;
  };
  Reader.prototype.string = function () { var n = this.varint(); var s = utf8.decode(this.b.subarray(this.i, this.i + n)); this.i += n; return s; };
  Reader.prototype.sorted = function () {
    var shared = this.varint(), rest = this.varint();
    var key = new Uint8Array(shared + rest);
    key.set(this.prev.subarray(0, shared)); key.set(this.b.subarray(this.i, this.i + rest), shared);
    this.i += rest; this.prev = key;
    return utf8.decode(key);
  };
  function fromB64(s) { var bin = atob(s), out = new Uint8Array(bin.length); for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i); return out; }
  function varints(b64) { var r = new Reader(fromB64(b64)), out = []; while (r.i < r.b.length) out.push(r.varint()); return out; }

  function prepare(idx) {
    var counts = varints(idx.pageDocs), docPage = new Int32Array(idx.docs), at = 0;
    counts.forEach(function (n, p) { for (var k = 0; k < n; k++) docPage[at++] = p; });
    idx.docPage = docPage;
    var starts = [], s = 0;
    varints(idx.results.starts).forEach(function (delta) { s += delta; starts.push(s); });
    idx.resultStarts = starts;
    return idx;
  }

  /* ---- strings by code point, as Rust orders them ---- */
  function cp(s) { return Array.from(s); }
  function cmp(a, b) {
    var x = cp(a), y = cp(b), n = Math.min(x.length, y.length);
    for (var i = 0; i < n; i++) { if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0); }
    return x.length - y.length;
  }
  function prefixOf(s) { return cp(s).slice(0, PREFIX).join(''); }
  function reverse(s) { return cp(s).reverse().join(''); }

  /* Shards of a sorted list [[first, file], ...] that may hold keys starting with `p` (exact: equal to `p`). */
  function shardsFor(listing, p, exact) {
    var out = [];
    for (var i = 0; i < listing.length; i++) {
      var first = listing[i][0], next = i + 1 < listing.length ? listing[i + 1][0] : null;
      var startsBefore = exact ? cmp(first, p) <= 0 : (cmp(first, p) < 0 || first.indexOf(p) === 0);
      var endsAfter = next === null || (exact ? cmp(next, p) >= 0 : cmp(next, p) > 0);
      if (startsBefore && endsAfter) out.push(listing[i][1]);
    }
    return out;
  }
  function loadAll(names, parse) {
    return Promise.all(names.map(function (n) { return get(n, 'bin').then(function (b) { return parse(n, b); }); }))
      .then(function (parts) { return [].concat.apply([], parts); });
  }
  var parsed = {};
  /* A term shard: [{term, max, n, bytes, at}] (postings decoded on demand). */
  function termShard(name, bytes) {
    if (parsed[name]) return parsed[name];
    var r = new Reader(bytes), n = r.varint(), out = [];
    for (var k = 0; k < n; k++) {
      var term = r.sorted();
      var max = new DataView(bytes.buffer, bytes.byteOffset + r.i, 4).getFloat32(0, true); r.i += 4;
      var count = r.varint(), len = r.varint();
      if (len) {
        out.push({ term: term, max: max, n: count, bytes: bytes, at: r.i });
        r.i += len;
      } else {
        // A common term's postings are in a file of their own, fetched when it is used.
        out.push({ term: term, max: max, n: count, file: 'p-' + utf8.decode(bytes.subarray(r.i, r.i + 12)) + '.bin' });
        r.i += 12;
      }
    }
    return (parsed[name] = out);
  }
  function tailShard(name, bytes) {
    if (parsed[name]) return parsed[name];
    var r = new Reader(bytes), n = r.varint(), out = [];
    for (var k = 0; k < n; k++) { var rev = r.sorted(); out.push({ rev: rev, df: r.varint() }); }
    return (parsed[name] = out);
  }
  function keyShard(name, bytes) {
    if (parsed[name]) return parsed[name];
    var r = new Reader(bytes), n = r.varint(), out = [];
    for (var k = 0; k < n; k++) { var key = r.sorted(); out.push({ key: key, term: r.string() }); }
    return (parsed[name] = out);
  }
  function withPostings(e) {
    if (e.bytes) return Promise.resolve(e);
    return get(e.file, 'bin').then(function (b) { e.bytes = b; e.at = 0; return e; });
  }
  function postings(e) {
    var r = new Reader(e.bytes), doc = 0, out = [];
    r.i = e.at;
    for (var k = 0; k < e.n; k++) {
      doc += r.varint();
      var q = e.bytes[r.i] | (e.bytes[r.i + 1] << 8); r.i += 2;
      out.push(doc, q / 65535 * e.max);
    }
    return out;
  }

  /* ---- the rules of src/search/expand.rs ---- */
  function oneEdit(a, b) {
    var long = a.length >= b.length ? a : b, short = a.length >= b.length ? b : a, i;
    if (long.length - short.length === 0) {
      var diff = [];
      for (i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
      if (diff.length === 1) return true;
      return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
    }
    if (long.length - short.length !== 1) return false;
    i = 0; while (i < short.length && short[i] === long[i]) i++;
    return long.slice(i + 1).join('') === short.slice(i).join('');
  }
  function weight(stem, term, typed) {
    if (stem === term) return EXACT;
    var q = cp(stem), tt = cp(term), shorter = Math.min(q.length, tt.length), common = 0;
    while (common < shorter && q[common] === tt[common]) common++;
    if (shorter >= MIN_PART && common >= MIN_PART && common + 2 >= shorter && Math.abs(q.length - tt.length) <= 3) return INFLECTED;
    if (typed >= TYPO_WORD && shorter >= TYPO_STEM && oneEdit(q, tt)) return TYPO;
    if (q.length >= MIN_PART && common === q.length && tt.length >= q.length + COMPOUND_REST) return COMPOUND;
    return 0;
  }
  function isFrontTypo(stem, term, typed) {
    var q = cp(stem), tt = cp(term);
    return typed >= TYPO_WORD && q.length >= TYPO_STEM && tt.length >= TYPO_STEM && prefixOf(stem) !== prefixOf(term) && oneEdit(q, tt);
  }
  function typoKeys(s) {
    var c = cp(s), keys = {};
    if (c.length < TYPO_STEM) return [];
    keys[s] = 1;
    for (var i = 0; i <= Math.min(PREFIX, c.length - 1); i++) keys[c.slice(0, i).concat(c.slice(i + 1)).join('')] = 1;
    return Object.keys(keys);
  }
  /* Entries of the given terms, from the term shards. */
  function termsExactly(idx, terms) {
    var names = {};
    terms.forEach(function (x) { shardsFor(idx.terms, x, true).forEach(function (n) { names[n] = 1; }); });
    var want = {}; terms.forEach(function (x) { want[x] = 1; });
    return loadAll(Object.keys(names), termShard).then(function (es) { return es.filter(function (e) { return want[e.term]; }); });
  }
  /* [{term, weight, entry}] answering one query word (see expand::expand). */
  function expand(idx, word, stem) {
    var typed = cp(word).length, p = prefixOf(stem);
    return loadAll(shardsFor(idx.terms, p, false), termShard).then(function (es) {
      var out = new Map();
      es.forEach(function (e) { if (e.term.indexOf(p) === 0) { var w = weight(stem, e.term, typed); if (w) out.set(e.term, { term: e.term, weight: w, entry: e }); } });
      var strong = Array.from(out.values()).some(function (x) { return x.weight >= INFLECTED; });
      if (strong) return out;
      var rev = reverse(stem), qlen = cp(stem).length;
      var tails = qlen >= MIN_PART ? loadAll(shardsFor(idx.tails, rev, false), tailShard).then(function (rs) {
        var hits = rs.filter(function (r) { return r.rev.indexOf(rev) === 0 && cp(r.rev).length >= qlen + COMPOUND_REST; })
          .map(function (r) { return { term: reverse(r.rev), df: r.df }; });
        hits.sort(function (a, b) { return b.df - a.df || cmp(a.term, b.term); });
        return hits.slice(0, TAIL_LIMIT).map(function (h) { return h.term; });
      }) : Promise.resolve([]);
      var keys = typed >= TYPO_WORD ? typoKeys(stem) : [];
      var typos = keys.length ? Promise.all(keys.map(function (k) {
        return loadAll(shardsFor(idx.keys, k, true), keyShard).then(function (ks) { return ks.filter(function (x) { return x.key === k; }).map(function (x) { return x.term; }); });
      })).then(function (lists) {
        var seen = {};
        return [].concat.apply([], lists).filter(function (term) { if (seen[term] || !isFrontTypo(stem, term, typed)) return false; seen[term] = 1; return true; });
      }) : Promise.resolve([]);
      return Promise.all([tails, typos]).then(function (found) {
        var add = {}; found[0].forEach(function (x) { add[x] = COMPOUND; }); found[1].forEach(function (x) { if (!add[x]) add[x] = TYPO; });
        return termsExactly(idx, Object.keys(add).filter(function (x) { return !out.has(x); })).then(function (more) {
          more.forEach(function (e) { out.set(e.term, { term: e.term, weight: add[e.term], entry: e }); });
          return out;
        });
      });
    }).then(function (out) {
      var list = Array.from(out.values());
      return Promise.all(list.map(function (x) { return withPostings(x.entry); })).then(function () { return list; });
    });
  }

  /* ---- ranking, as SearchIndex::search ---- */
  function score(expansions) {
    var maps = expansions.filter(function (e) { return e.length; }).map(function (exps) {
      var m = new Map();
      exps.forEach(function (x) { var ps = postings(x.entry); for (var i = 0; i < ps.length; i += 2) m.set(ps[i], (m.get(ps[i]) || 0) + x.weight * ps[i + 1]); });
      return m;
    });
    if (!maps.length) return new Map();
    var all = new Map();
    if (maps.length === expansions.length) {
      maps[0].forEach(function (s, doc) {
        var total = s;
        for (var k = 1; k < maps.length; k++) { if (!maps[k].has(doc)) return; total += maps[k].get(doc); }
        all.set(doc, total);
      });
    }
    if (!all.size) maps.forEach(function (m) { m.forEach(function (s, doc) { all.set(doc, (all.get(doc) || 0) + s); }); });
    return all;
  }
  function bestPerPage(scores, idx) {
    var best = new Map();
    scores.forEach(function (s, doc) {
      var p = idx.docPage[doc], b = best.get(p);
      if (!b || s > b.score || (s === b.score && doc < b.doc)) best.set(p, { page: p, doc: doc, score: s });
    });
    return Array.from(best.values()).sort(function (a, b) { return b.score - a.score || a.page - b.page; });
  }

  /* ---- filters: OR within a group, AND across groups ---- */
  function selected(groups) {
    var params = new URLSearchParams(location.search), sel = {};
    groups.forEach(function (g) { sel[g] = params.getAll(g).map(Number); });
    return sel;
  }
  function has(facets, g, v, page) { var bits = facets[g][v].bits; return (bits[page >> 3] >> (page & 7)) & 1; }
  function passes(facets, groups, sel, page, except) {
    return groups.every(function (g) { return g === except || !sel[g].length || sel[g].some(function (v) { return facets[g][v] && has(facets, g, v, page); }); });
  }
  function loadFacets(idx) {
    return get(idx.facets, 'json').then(function (raw) {
      var out = {};
      idx.groups.forEach(function (g) { out[g] = (raw[g] || []).map(function (v) { return { name: v[0], bits: fromB64(v[1]) }; }); });
      return out;
    });
  }
  function renderFilters(idx, facets, hits, sel) {
    filtersBox.textContent = '';
    if (!hits.length) return;
    var h = document.createElement('h2'); h.textContent = t.filters; h.className = 'filters-title'; filtersBox.appendChild(h);
    idx.groups.forEach(function (g) {
      var values = facets[g];
      var counts = values.map(function () { return 0; });
      hits.forEach(function (hit) { if (passes(facets, idx.groups, sel, hit.page, g)) values.forEach(function (v, i) { if (has(facets, g, i, hit.page)) counts[i]++; }); });
      var shown = values.map(function (v, i) { return i; }).filter(function (i) { return counts[i] > 0 || sel[g].indexOf(i) >= 0; });
      if (!shown.length) return;
      var fs = document.createElement('fieldset'); var lg = document.createElement('legend');
      lg.textContent = t[g]; fs.appendChild(lg);
      shown.forEach(function (i) {
        var id = 'rajaus-' + g + '-' + i;
        var wrap = document.createElement('div'); wrap.className = 'filter';
        var cb = document.createElement('input'); cb.type = 'checkbox'; cb.id = id; cb.name = g; cb.value = String(i); cb.checked = sel[g].indexOf(i) >= 0;
        cb.addEventListener('change', function () {
          var params = new URLSearchParams(location.search);
          params.delete(g);
          fs.querySelectorAll('input:checked').forEach(function (c) { params.append(g, c.value); });
          history.replaceState(null, '', '?' + params.toString());
          run();
        });
        var lb = document.createElement('label'); lb.htmlFor = id; lb.textContent = values[i].name + ' (' + counts[i] + ')';
        wrap.appendChild(cb); wrap.appendChild(lb); fs.appendChild(wrap);
      });
      filtersBox.appendChild(fs);
    });
  }

  /* ---- results ---- */
  function words(text) {
    var out = [], re = /[\p{L}\p{N}]+/gu, m;
    while ((m = re.exec(text))) {
      var lower = m[0].toLowerCase();
      // Numbers and codes are kept whole, as in analyze.rs.
      out.push({ word: m[0], index: m.index, stem: fold(/\p{N}/u.test(lower) ? lower : self.handbookStem(lower)) });
    }
    return out;
  }
  function fold(s) { return s.replace(/[äå]/g, 'a').replace(/ö/g, 'o'); }
  /* As excerpt.rs: a word is marked when its term was searched for, or contains one (a compound). */
  function excerpt(text, marked) {
    var flat = text.replace(/\s+/g, ' ').trim();
    var ws = words(flat), long = Array.from(marked).filter(function (m) { return cp(m).length >= MIN_PART; });
    var isHit = function (w) { return marked.has(w.stem) || long.some(function (m) { return w.stem.indexOf(m) >= 0; }); };
    var first = ws.find(isHit);
    var start = first ? Math.max(0, first.index - 60) : 0;
    if (start > 0) { var sp = flat.indexOf(' ', start); start = sp >= 0 ? sp + 1 : start; }
    var end = Math.min(flat.length, start + 180);
    if (end < flat.length) { var sp2 = flat.lastIndexOf(' ', end); if (sp2 > start) end = sp2; }
    var frag = document.createDocumentFragment(), pos = start;
    if (start > 0) frag.appendChild(document.createTextNode('… '));
    ws.forEach(function (w) {
      if (w.index < start || w.index + w.word.length > end || !isHit(w)) return;
      if (w.index > pos) frag.appendChild(document.createTextNode(flat.slice(pos, w.index)));
      var mk = document.createElement('mark'); mk.textContent = w.word; frag.appendChild(mk);
      pos = w.index + w.word.length;
    });
    if (end > pos) frag.appendChild(document.createTextNode(flat.slice(pos, end)));
    if (end < flat.length) frag.appendChild(document.createTextNode(' …'));
    return frag;
  }
  /* The text of one section of a page, as markdown/mod.rs cuts it: the body
     (marked data-hakuteksti by the templates) up to its first H2/H3 for an
     empty anchor, else from the H2/H3 with that id up to the next one. */
  var BLOCK = /^(P|LI|DT|DD|TD|TH|TR|PRE|BLOCKQUOTE|DIV|SECTION|DETAILS|SUMMARY|FIGCAPTION|H[1-6]|BR|HR|UL|OL|DL|TABLE)$/;
  function sectionText(html, anchor) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var body = doc.querySelector('[data-hakuteksti]') || doc.querySelector('main') || doc.body;
    var parts = [], on = !anchor, done = false;
    (function walk(node) {
      for (var c = node.firstChild; c && !done; c = c.nextSibling) {
        if (c.nodeType === 3) { if (on) parts.push(c.data); continue; }
        if (c.nodeType !== 1 || c.getAttribute('aria-hidden') === 'true') continue;
        if (c.tagName === 'H2' || c.tagName === 'H3') {
          if (on) { done = true; return; }
          on = c.id === anchor;
          continue;
        }
        var block = BLOCK.test(c.tagName);
        if (on && block) parts.push(' ');
        walk(c);
        if (on && block) parts.push(' ');
      }
    })(body);
    return parts.join('');
  }
  function resultChunk(idx, doc) {
    var lo = 0, hi = idx.resultStarts.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (idx.resultStarts[mid] <= doc) lo = mid; else hi = mid - 1; }
    return lo;
  }
  function show(idx, hits, marked, from, token) {
    var part = hits.slice(from, from + PAGE);
    var names = {};
    part.forEach(function (h) { names[resultChunk(idx, h.doc)] = 1; });
    return Promise.all(Object.keys(names).map(function (c) {
      return get('x-' + c + '-' + idx.results.hash + '.json', 'json').then(function (chunk) { return [Number(c), chunk]; });
    })).then(function (loaded) {
      var chunks = new Map(loaded);
      // Each result's page, for its excerpt; one that cannot be fetched shows its description.
      return Promise.all(part.map(function (hit) {
        var c = resultChunk(idx, hit.doc), page = chunks.get(c).p[hit.page];
        return get(page[1], 'page').catch(function () { return null; });
      })).then(function (pages) { return [chunks, pages]; });
    }).then(function (loaded) {
      if (token !== runs) return;
      var chunks = loaded[0], pages = loaded[1];
      var firstLink = null;
      part.forEach(function (hit, k) {
        var c = resultChunk(idx, hit.doc), chunk = chunks.get(c);
        var page = chunk.p[hit.page], row = chunk.d[hit.doc - idx.resultStarts[c]];
        var li = document.createElement('li'); li.className = 'search-result';
        var h = document.createElement('h2'); h.className = 'result-title';
        var a = document.createElement('a'); a.href = page[1] + (row[0] ? '#' + row[0] : ''); a.textContent = page[0];
        h.appendChild(a); li.appendChild(h);
        if (!firstLink) firstLink = a;
        var meta = document.createElement('p'); meta.className = 'result-meta';
        meta.textContent = [page[2], row[1]].filter(Boolean).join(' › ');
        li.appendChild(meta);
        var text = pages[k] === null ? '' : sectionText(pages[k], row[0]);
        var p = document.createElement('p'); p.className = 'result-excerpt'; p.appendChild(excerpt(text.trim() ? text : page[3] || '', marked)); li.appendChild(p);
        list.appendChild(li);
      });
      moreBox.textContent = '';
      if (from + PAGE < hits.length) {
        var b = document.createElement('button'); b.type = 'button'; b.className = 'search-more'; b.textContent = t.more;
        b.addEventListener('click', function () {
          show(idx, hits, marked, from + PAGE, token).then(function (link) { if (link) link.focus(); });
        });
        moreBox.appendChild(b);
      }
      return firstLink;
    });
  }

  function run() {
    var token = ++runs;
    var q = new URLSearchParams(location.search).get('q') || '';
    input.value = q;
    var header = document.getElementById('hakusana'); if (header) header.value = q;
    list.textContent = ''; filtersBox.textContent = ''; moreBox.textContent = '';
    if (!q.trim()) { status.textContent = ''; return; }
    status.textContent = t.loading;
    entry().then(function (idx) {
      var ws = words(q);
      return Promise.all([Promise.all(ws.map(function (w) { return expand(idx, w.word.toLowerCase(), w.stem); })), loadFacets(idx)]).then(function (r) {
        if (token !== runs) return;
        var exps = r[0], facets = r[1];
        var marked = new Set();
        exps.forEach(function (e) { e.forEach(function (x) { marked.add(x.term); }); });
        var hits = bestPerPage(score(exps), idx);
        var sel = selected(idx.groups);
        renderFilters(idx, facets, hits, sel);
        var shown = hits.filter(function (h) { return passes(facets, idx.groups, sel, h.page, null); });
        var text = shown.length === 0 ? t.none : shown.length === 1 ? t.one : shown.length + ' ' + t.results;
        // Announce the count once the results are on the page.
        return show(idx, shown, marked, 0, token).then(function () { if (token === runs) status.textContent = text; });
      });
    }).catch(function () { if (token === runs) status.textContent = t.none; });
  }

  root.querySelector('form').addEventListener('submit', function (e) {
    e.preventDefault();
    history.pushState(null, '', '?q=' + encodeURIComponent(input.value));
    run();
  });
  window.addEventListener('popstate', run);
  run();
})();
