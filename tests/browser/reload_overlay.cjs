// Runs src/serve/reload.js (path in argv[2]) against a minimal DOM and
// EventSource stand-in: reloads, the error overlay's structure, its Finnish
// text, keyboard dismissal, and that diagnostics are never parsed as HTML.
"use strict";
const fs = require("fs");
const assert = require("assert");
const vm = require("vm");

class El {
  constructor(tag) {
    this.tagName = tag; this.children = []; this.attrs = {}; this.style = {};
    this.listeners = {}; this.textContent = ""; this.parent = null; this.id = ""; this.type = "";
  }
  appendChild(c) { c.parent = this; this.children.push(c); return c; }
  setAttribute(k, v) { this.attrs[k] = String(v); }
  getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; }
  addEventListener(t, f) { (this.listeners[t] = this.listeners[t] || []).push(f); }
  remove() { if (this.parent) { this.parent.children = this.parent.children.filter((c) => c !== this); this.parent = null; } }
  focus() { document.activeElement = this; }
  get text() { return this.textContent + this.children.map((c) => c.text).join(""); }
  set innerHTML(_) { throw new Error("innerHTML must not be used"); }
  all() { return [this].concat(...this.children.map((c) => c.all())); }
}

const body = new El("body");
const page = new El("a");
body.appendChild(page);
const script = new El("script");
script.setAttribute("data-build", "3");
const docListeners = {};
const document = {
  currentScript: script, body, activeElement: page,
  createElement: (t) => new El(t),
  createTextNode: (t) => { const n = new El("#text"); n.textContent = t; return n; },
  getElementById: (id) => body.all().find((e) => e.id === id) || null,
  addEventListener: (t, f) => { (docListeners[t] = docListeners[t] || []).push(f); },
};
let reloads = 0;
let source = null;
class EventSource {
  constructor(url) { this.url = url; this.listeners = {}; source = this; }
  addEventListener(t, f) { (this.listeners[t] = this.listeners[t] || []).push(f); }
  fire(t, data) { (this.listeners[t] || []).forEach((f) => f({ data })); }
}
const sandbox = { document, EventSource, location: { pathname: "/luvut/a/", reload: () => { reloads += 1; } }, JSON, Object, String };
vm.runInNewContext(fs.readFileSync(process.argv[2], "utf8"), sandbox);

assert.strictEqual(source.url, "/__handbook/events");
source.fire("hello", '{"build":3}');
assert.strictEqual(reloads, 0, "same build must not reload");

const report = { errors: [{ path: "content/a.md", line: 3, col: 1, message: "<img src=x onerror=alert(1)>", help: "korjaa `weight`", source: "weight: kymmenen" }] };
source.fire("build-error", JSON.stringify(report));
source.fire("build-error", JSON.stringify(report));
const overlays = body.all().filter((e) => e.id === "handbook-virheet");
assert.strictEqual(overlays.length, 1, "one overlay however many errors arrive");
const box = overlays[0];
assert.strictEqual(box.getAttribute("role"), "alert");
const heading = document.getElementById(box.getAttribute("aria-labelledby"));
assert.ok(heading && heading.text.includes("Sivuston rakentaminen epäonnistui (1 virhe)"), heading && heading.text);
const text = box.text;
for (const want of ["content/a.md:3:1", "virhe: <img src=x onerror=alert(1)>", "3 | weight: kymmenen", "Ohje: korjaa `weight`", "viimeisimmän onnistuneen version"]) {
  assert.ok(text.includes(want), want + " missing in " + text);
}
assert.ok(!box.all().some((e) => e.tagName === "img"), "a diagnostic became markup");
const button = box.all().find((e) => e.tagName === "button");
assert.strictEqual(button.text, "Sulje (Esc)");
assert.strictEqual(document.activeElement, button, "focus moves to the close button");

docListeners.keydown.forEach((f) => f({ key: "Escape" }));
assert.strictEqual(document.getElementById("handbook-virheet"), null, "Escape closes the overlay");
assert.strictEqual(document.activeElement, page, "focus returns where it was");

// Quiet generations (search index, print page) reload only the pages they name.
source.fire("update", '{"build":4,"paths":["/haku/","/tulosta/"]}');
assert.strictEqual(reloads, 0, "an update of other pages must not reload");
source.fire("hello", '{"build":3,"latest":4,"paths":{"/tulosta/":4}}');
assert.strictEqual(reloads, 0, "a quiet generation of other pages must not reload on reconnect");
source.fire("update", '{"build":4,"paths":["/luvut/a/"]}');
assert.strictEqual(reloads, 1, "an update of this page reloads");
source.fire("hello", '{"build":3,"latest":4,"paths":{"/luvut/a/":4}}');
assert.strictEqual(reloads, 2, "a missed update of this page reloads on reconnect");
source.fire("hello", '{"build":2}');
assert.strictEqual(reloads, 3, "a restarted server (older build) reloads");

source.fire("reload", '{"build":4}');
assert.strictEqual(reloads, 4);
source.fire("hello", '{"build":5}');
assert.strictEqual(reloads, 5, "a missed rebuild reloads on reconnect");
console.log("reload.js: ok");
