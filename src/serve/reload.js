// handbook serve: reloads this page after every rebuild and shows the errors
// of a failed rebuild over the last good page. Added to HTML responses by
// `handbook serve` only, never written into the built files. The overlay is
// built with DOM APIs from JSON (diagnostics may contain editor text) and
// styled through the CSSOM, so a strict Content-Security-Policy keeps working.
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-build") : null;
  var ID = "handbook-virheet";
  var returnFocus = null;

  function el(tag, text, style) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (style) Object.keys(style).forEach(function (k) { e.style[k] = style[k]; });
    return e;
  }

  function close() {
    var old = document.getElementById(ID);
    if (!old) return;
    old.remove();
    if (returnFocus && returnFocus.focus) returnFocus.focus();
    returnFocus = null;
  }

  function item(err) {
    var li = el("li", null, { margin: "0 0 1em" });
    li.appendChild(el("code", err.path + ":" + err.line + ":" + err.col, { fontWeight: "bold" }));
    li.appendChild(document.createTextNode(" virhe: " + err.message));
    if (err.source) li.appendChild(el("pre", err.line + " | " + err.source, { margin: ".4em 0", whiteSpace: "pre-wrap" }));
    if (err.help) li.appendChild(el("p", "Ohje: " + err.help, { margin: ".2em 0 0" }));
    return li;
  }

  function show(report) {
    var had = document.getElementById(ID);
    if (!had) returnFocus = document.activeElement;
    else had.remove();
    var errors = report.errors || [];
    var box = el("section", null, {
      position: "fixed", top: "0", left: "0", right: "0", zIndex: "2147483647", maxHeight: "80vh", overflow: "auto",
      background: "#fff", color: "#111", borderBottom: ".4em solid #b00020", padding: "1em 1.5em",
      font: "16px/1.5 system-ui, sans-serif", boxShadow: "0 .2em 1em rgba(0,0,0,.4)"
    });
    box.id = ID;
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", ID + "-otsikko");
    var h = el("h2", "Sivuston rakentaminen epäonnistui (" + errors.length + (errors.length === 1 ? " virhe)" : " virhettä)"),
      { margin: "0 0 .5em", fontSize: "1.25em", color: "#b00020" });
    h.id = ID + "-otsikko";
    box.appendChild(h);
    box.appendChild(el("p", "Näet viimeisimmän onnistuneen version. Korjaa virhe ja tallenna: sivu päivittyy itsestään.", { margin: "0 0 1em" }));
    var list = el("ul", null, { padding: "0 0 0 1.2em", margin: "0" });
    errors.forEach(function (e) { list.appendChild(item(e)); });
    box.appendChild(list);
    var button = el("button", "Sulje (Esc)", { font: "inherit", padding: ".3em .8em", cursor: "pointer" });
    button.type = "button";
    button.addEventListener("click", close);
    box.appendChild(button);
    document.body.appendChild(box);
    button.focus();
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") close();
  });

  // The page's own path as the server names pages in `update` and `hello`.
  function here() {
    return String(location.pathname || "").replace(/index\.html$/, "");
  }

  var source = new EventSource("/__handbook/events");
  source.addEventListener("hello", function (e) {
    // A rebuild finished between loading this page and connecting: catch up.
    // `latest` and `paths` come with quiet generations (search index, print
    // page) that only the pages named in them need.
    if (build === null) return;
    var state = JSON.parse(e.data), mine = Number(build);
    var need = state.build, latest = state.latest || state.build;
    var mineToo = state.paths && state.paths[here()];
    if (mineToo && mineToo > need) need = mineToo;
    if (mine < need || mine > latest) location.reload();
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("update", function (e) {
    var paths = JSON.parse(e.data).paths || [];
    if (paths.indexOf(here()) >= 0) location.reload();
  });
  source.addEventListener("build-error", function (e) { show(JSON.parse(e.data)); });
})();
