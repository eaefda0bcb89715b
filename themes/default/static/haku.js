/* Search client of the handbook: plain JavaScript, no inline code (strict CSP).
 * Analyses the query exactly as the index was built (lower case, Snowball
 * Finnish stem from haku-stem.js, ä→a ö→o å→a), fetches only the term shards
 * of its words and the section chunks of the hits it shows, and ranks by
 * summing the tantivy scores shipped in the shards.
 */
(function () {
  'use strict';
  var root = document.getElementById('haku');
  if (!root || typeof self.handbookStem !== 'function') return;
  var MIN_PART = 5;
  var LIMIT = 20;
  var GROUPS = ['phase', 'topic', 'funder', 'region'];
  var d = root.dataset;
  var t = { index: d.index, results: d.tResults, one: d.tOne, none: d.tNone, loading: d.tLoading, filters: d.tFilters,
            phase: d.tPhase, topic: d.tTopic, funder: d.tFunder, region: d.tRegion };
  var input = document.getElementById('haku-q');
  var status = document.getElementById('haku-tila');
  var list = document.getElementById('haku-tulokset');
  var filtersBox = document.getElementById('haku-rajaukset');
  var cache = {};
  var entryPromise = null;

  function getJSON(url) {
    if (!cache[url]) cache[url] = fetch(url).then(function (r) { if (!r.ok) throw new Error(url); return r.json(); });
    return cache[url];
  }
  function entry() { if (!entryPromise) entryPromise = getJSON(t.index); return entryPromise; }
  function file(name) { return t.index.replace(/[^/]*$/, '') + name; }

  function fold(s) { return s.replace(/[äå]/g, 'a').replace(/ö/g, 'o'); }
  function words(text) {
    var out = [];
    var re = /[\p{L}\p{N}]+/gu, m;
    while ((m = re.exec(text))) {
      var lower = m[0].toLowerCase();
      // Numbers and codes are kept whole, as in analyze.rs.
      out.push({ word: m[0], index: m.index, stem: fold(/\p{N}/u.test(lower) ? lower : self.handbookStem(lower)) });
    }
    return out;
  }
  function editDistance1(a, b) {
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0, j = 0, edits = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (a.length > b.length) i++; else if (b.length > a.length) j++; else { i++; j++; }
    }
    return edits + (a.length - i) + (b.length - j) === 1;
  }
  /* Mirrors analyze::matches in Rust. */
  function matches(q, term) {
    if (q === term) return 1;
    var qa = Array.from(q), ta = Array.from(term);
    var shorter = Math.min(qa.length, ta.length);
    if (shorter < MIN_PART) return 0;
    var common = 0;
    while (common < shorter && qa[common] === ta[common]) common++;
    if (common + 2 >= shorter && common >= MIN_PART && Math.abs(qa.length - ta.length) <= 3) return 0.8;
    if (Math.abs(qa.length - ta.length) <= 1 && editDistance1(qa, ta)) return 0.6;
    return 0;
  }

  function expand(stem, idx) {
    var prefix = Array.from(stem).slice(0, 3).join('');
    var name = idx.shards[prefix];
    if (!name) return Promise.resolve([]);
    return getJSON(file(name)).then(function (shard) {
      var out = [];
      Object.keys(shard).forEach(function (term) { var w = matches(stem, term); if (w) out.push({ term: term, weight: w, postings: shard[term] }); });
      return out;
    });
  }

  function score(expansions) {
    var maps = expansions.filter(function (e) { return e.length; }).map(function (exps) {
      var m = new Map();
      exps.forEach(function (e) { for (var i = 0; i < e.postings.length; i += 2) { var d = e.postings[i]; m.set(d, (m.get(d) || 0) + e.weight * e.postings[i + 1]); } });
      return m;
    });
    if (!maps.length) return new Map();
    var all = new Map();
    if (maps.length === expansions.length) {
      maps[0].forEach(function (s, d) {
        var total = s;
        for (var k = 1; k < maps.length; k++) { if (!maps[k].has(d)) return; total += maps[k].get(d); }
        all.set(d, total);
      });
    }
    if (!all.size) maps.forEach(function (m) { m.forEach(function (s, d) { all.set(d, (all.get(d) || 0) + s); }); });
    return all;
  }

  function bestPerPage(scores, idx) {
    var best = new Map();
    scores.forEach(function (s, d) {
      var p = idx.docPage[d], b = best.get(p);
      if (!b || s > b.score || (s === b.score && d < b.doc)) best.set(p, { page: p, doc: d, score: s });
    });
    return Array.from(best.values()).sort(function (a, b) { return b.score - a.score || a.page - b.page; });
  }

  function pageFacets(idx, p) {
    var row = idx.pages[p];
    return { phase: row[3] >= 0 ? [row[3]] : [], topic: row[4], funder: row[5] >= 0 ? [row[5]] : [], region: row[6] >= 0 ? [row[6]] : [] };
  }
  function selected() {
    var params = new URLSearchParams(location.search), sel = {};
    GROUPS.forEach(function (g) { sel[g] = params.getAll(g).map(Number); });
    return sel;
  }
  function passes(f, sel, except) {
    return GROUPS.every(function (g) { return g === except || !sel[g].length || sel[g].some(function (v) { return f[g].indexOf(v) >= 0; }); });
  }

  function renderFilters(idx, hits, sel) {
    filtersBox.textContent = '';
    if (!hits.length) return;
    var h = document.createElement('h2'); h.textContent = t.filters; h.className = 'filters-title'; filtersBox.appendChild(h);
    GROUPS.forEach(function (g) {
      var names = idx.facets[g];
      var counts = names.map(function () { return 0; });
      hits.forEach(function (hit) { var f = pageFacets(idx, hit.page); if (passes(f, sel, g)) f[g].forEach(function (v) { counts[v]++; }); });
      var shown = names.map(function (n, i) { return i; }).filter(function (i) { return counts[i] > 0 || sel[g].indexOf(i) >= 0; });
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
          run(false);
        });
        var lb = document.createElement('label'); lb.htmlFor = id; lb.textContent = names[i] + ' (' + counts[i] + ')';
        wrap.appendChild(cb); wrap.appendChild(lb); fs.appendChild(wrap);
      });
      filtersBox.appendChild(fs);
    });
  }

  function excerpt(text, marked) {
    var flat = text.replace(/\s+/g, ' ').trim();
    var ws = words(flat);
    var isHit = function (w) { return marked.has(w.stem) || Array.from(marked).some(function (m) { return matches(m, w.stem) || (m.length >= MIN_PART && w.stem.indexOf(m) >= 0); }); };
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
      var m = document.createElement('mark'); m.textContent = w.word; frag.appendChild(m);
      pos = w.index + w.word.length;
    });
    if (end > pos) frag.appendChild(document.createTextNode(flat.slice(pos, end)));
    if (end < flat.length) frag.appendChild(document.createTextNode(' …'));
    return frag;
  }

  function show(idx, hits, marked) {
    var chunks = Array.from(new Set(hits.map(function (h) { return Math.floor(h.doc / idx.chunk); })));
    return Promise.all(chunks.map(function (c) { return getJSON(file(idx.docs[c])).then(function (rows) { return [c, rows]; }); })).then(function (loaded) {
      var rows = new Map(loaded);
      list.textContent = '';
      hits.forEach(function (hit) {
        var row = rows.get(Math.floor(hit.doc / idx.chunk))[hit.doc % idx.chunk];
        var page = idx.pages[hit.page];
        var li = document.createElement('li'); li.className = 'search-result';
        var h = document.createElement('h2'); h.className = 'result-title';
        var a = document.createElement('a'); a.href = page[1] + (row[1] ? '#' + row[1] : ''); a.textContent = page[0];
        h.appendChild(a); li.appendChild(h);
        var meta = document.createElement('p'); meta.className = 'result-meta';
        meta.textContent = page[2] + (row[2] ? ' › ' + row[2] : '');
        li.appendChild(meta);
        var p = document.createElement('p'); p.className = 'result-excerpt'; p.appendChild(excerpt(row[3], marked)); li.appendChild(p);
        list.appendChild(li);
      });
    });
  }

  function run(push) {
    var q = new URLSearchParams(location.search).get('q') || '';
    input.value = q;
    var header = document.getElementById('hakusana'); if (header) header.value = q;
    list.textContent = ''; filtersBox.textContent = '';
    if (!q.trim()) { status.textContent = ''; return; }
    status.textContent = t.loading;
    entry().then(function (idx) {
      var stems = words(q).map(function (w) { return w.stem; });
      return Promise.all(stems.map(function (s) { return expand(s, idx); })).then(function (exps) {
        var marked = new Set();
        exps.forEach(function (e) { e.forEach(function (x) { marked.add(x.term); }); });
        var hits = bestPerPage(score(exps), idx);
        var sel = selected();
        renderFilters(idx, hits, sel);
        var shown = hits.filter(function (h) { return passes(pageFacets(idx, h.page), sel, null); });
        var text = shown.length === 0 ? t.none : shown.length === 1 ? t.one : shown.length + ' ' + t.results;
        // Announce the count once the results are on the page.
        return show(idx, shown.slice(0, LIMIT), marked).then(function () { status.textContent = text; });
      });
    }).catch(function () { status.textContent = t.none; });
  }

  root.querySelector('form').addEventListener('submit', function (e) {
    e.preventDefault();
    history.pushState(null, '', '?q=' + encodeURIComponent(input.value));
    run(true);
  });
  window.addEventListener('popstate', function () { run(false); });
  run(false);
})();
