/* docqa chat widget: <script src="https://docqa.example/widget.js" defer></script>
 *
 * Adds a floating "Ask" button that opens a chat panel talking to this server's /api/ask.
 * Everything lives in a shadow root, so the host page's CSS cannot reach in and ours cannot leak out.
 * Answers and passages are inserted with textContent only: document text is data, never markup.
 * Options (attributes on the script tag): data-title="Ask the documents", data-position="right|left".
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector('script[src$="/widget.js"]');
  if (!script || window.__docqaWidget) return;
  window.__docqaWidget = true;
  var base = script.src.replace(/\/widget\.js(\?.*)?$/, "");
  var title = script.getAttribute("data-title") || "Ask the documents";
  var side = script.getAttribute("data-position") === "left" ? "left" : "right";

  var CSS = [
    ":host { all: initial; }",
    "* { box-sizing: border-box; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }",
    ".launcher { position: fixed; bottom: 20px; SIDE: 20px; z-index: 2147483000; border: 0; border-radius: 999px;",
    "  padding: 12px 20px; background: #2563eb; color: #fff; font-size: 15px; font-weight: 600; cursor: pointer;",
    "  box-shadow: 0 4px 14px rgba(0,0,0,.25); }",
    ".launcher:hover { background: #1d4ed8; }",
    ".panel { position: fixed; bottom: 76px; SIDE: 20px; z-index: 2147483000; width: min(400px, calc(100vw - 40px));",
    "  height: min(560px, calc(100vh - 100px)); display: none; flex-direction: column; background: #fff; color: #111;",
    "  border-radius: 12px; box-shadow: 0 10px 40px rgba(0,0,0,.3); overflow: hidden; font-size: 14px; line-height: 1.45; }",
    ".panel.open { display: flex; }",
    ".head { display: flex; align-items: center; justify-content: space-between; padding: 10px 14px; background: #2563eb; color: #fff; font-weight: 600; }",
    ".close { background: none; border: 0; color: #fff; font-size: 20px; cursor: pointer; line-height: 1; }",
    ".log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 10px; background: #f8fafc; }",
    ".msg { white-space: pre-wrap; word-wrap: break-word; padding: 8px 10px; border-radius: 10px; max-width: 92%; }",
    ".user { align-self: flex-end; background: #2563eb; color: #fff; }",
    ".bot { align-self: flex-start; background: #fff; border: 1px solid #e2e8f0; }",
    ".bot.abstain { font-style: italic; color: #78350f; background: #fffbeb; border-color: #fcd34d; }",
    ".bot.error { color: #991b1b; background: #fef2f2; border-color: #fca5a5; }",
    ".ref { color: #2563eb; font-weight: 600; font-size: .8em; vertical-align: super; }",
    ".computation { margin-top: 4px; font-family: ui-monospace, monospace; font-size: 12px; }",
    ".notes { margin: 4px 0 0 16px; padding: 0; font-size: 12px; color: #475569; }",
    ".citations { margin-top: 6px; border-top: 1px solid #e2e8f0; padding-top: 6px; display: flex; flex-direction: column; gap: 6px; }",
    ".citation { font-size: 12px; color: #334155; }",
    ".citation .where { font-weight: 600; color: #0f172a; }",
    ".citation .passage { white-space: pre-wrap; margin-top: 2px; }",
    "mark { background: #fde047; color: #111; padding: 0 1px; border-radius: 2px; }",
    "form { display: flex; gap: 6px; padding: 10px; border-top: 1px solid #e2e8f0; background: #fff; }",
    "textarea { flex: 1; resize: none; height: 40px; padding: 8px; border: 1px solid #cbd5e1; border-radius: 8px; font-size: 14px; color: #111; background: #fff; }",
    "button.send { border: 0; border-radius: 8px; padding: 0 14px; background: #2563eb; color: #fff; font-weight: 600; cursor: pointer; }",
    "button.send:disabled { opacity: .5; cursor: default; }"
  ].join("\n").replace(/SIDE/g, side);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* Text with [n] markers styled; the text itself only ever goes in as text nodes. */
  function withMarkers(parent, text) {
    var parts = String(text).split(/(\[\d{1,3}\])/);
    for (var i = 0; i < parts.length; i++) {
      if (/^\[\d{1,3}\]$/.test(parts[i])) parent.appendChild(el("span", "ref", parts[i]));
      else if (parts[i]) parent.appendChild(document.createTextNode(parts[i]));
    }
    return parent;
  }

  /* The passage with its quote in <mark>, trimmed to a window around the quote. */
  function passage(c) {
    var text = String(c.text || ""), quote = String(c.quote || "");
    var at = quote ? text.indexOf(quote) : -1;
    if (at < 0 && quote) at = text.toLowerCase().indexOf(quote.toLowerCase());
    var box = el("div", "passage");
    var from = 0, to = text.length, radius = 220;
    if (at >= 0) { from = Math.max(0, at - radius); to = Math.min(text.length, at + quote.length + radius); }
    else { to = Math.min(text.length, 2 * radius); }
    box.appendChild(document.createTextNode((from > 0 ? "…" : "") + text.slice(from, at >= 0 ? at : to)));
    if (at >= 0) {
      box.appendChild(el("mark", null, text.slice(at, at + quote.length)));
      box.appendChild(document.createTextNode(text.slice(at + quote.length, to)));
    }
    if (to < text.length) box.appendChild(document.createTextNode("…"));
    return box;
  }

  function renderAnswer(r) {
    var msg = el("div", "msg bot" + (r.kind === "none" ? " abstain" : ""));
    msg.setAttribute("data-kind", String(r.kind || ""));
    withMarkers(msg.appendChild(el("div", "answer")), r.answer || "");
    if (r.computation) msg.appendChild(el("div", "computation", "= " + r.computation));
    if (r.notes && r.notes.length) {
      var ul = msg.appendChild(el("ul", "notes"));
      r.notes.forEach(function (n) { ul.appendChild(el("li", null, n)); });
    }
    if (r.citations && r.citations.length) {
      var list = msg.appendChild(el("div", "citations"));
      r.citations.forEach(function (c) {
        var item = list.appendChild(el("div", "citation"));
        var where = (r.kind === "none" ? "Nearest passage, no answer: " : "") +
          "[" + c.n + "] " + (c.title || c.doc || "") + (c.section ? " › " + c.section : "");
        item.appendChild(el("div", "where", where));
        item.appendChild(passage(c));
      });
    }
    return msg;
  }

  function mount() {
    var host = el("div");
    host.id = "docqa-widget";
    var root = host.attachShadow({ mode: "open" });
    root.appendChild(el("style", null, CSS));
    var launcher = root.appendChild(el("button", "launcher", "Ask"));
    launcher.type = "button";
    launcher.setAttribute("aria-label", title);
    var panel = root.appendChild(el("div", "panel"));
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", title);
    var head = panel.appendChild(el("div", "head"));
    head.appendChild(el("span", null, title));
    var close = head.appendChild(el("button", "close", "×"));
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    var log = panel.appendChild(el("div", "log"));
    var form = panel.appendChild(el("form"));
    var input = form.appendChild(el("textarea"));
    input.placeholder = "Ask a question…";
    input.maxLength = 2000;
    input.setAttribute("aria-label", "Question");
    var send = form.appendChild(el("button", "send", "Send"));
    send.type = "submit";
    var history = [];

    function toggle(open) {
      panel.classList.toggle("open", open);
      if (open) input.focus();
    }
    launcher.addEventListener("click", function () { toggle(!panel.classList.contains("open")); });
    close.addEventListener("click", function () { toggle(false); });
    panel.addEventListener("keydown", function (e) { if (e.key === "Escape") toggle(false); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
    });

    function show(node) { log.appendChild(node); log.scrollTop = log.scrollHeight; }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var question = input.value.trim();
      if (!question || send.disabled) return;
      input.value = "";
      show(el("div", "msg user", question));
      send.disabled = true;
      fetch(base + "/api/ask", {
        method: "POST", mode: "cors", credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: question, history: history.slice(-20) })
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) {
          if (!res.ok) throw new Error(body.error || ("the server answered " + res.status));
          show(renderAnswer(body));
          history.push({ role: "user", content: question }, { role: "assistant", content: String(body.answer || "") });
        });
      }, function () {
        throw new Error("Could not reach the assistant at " + base + ". This page's origin (" +
          window.location.origin + ") may not be on its allow-list.");
      }).catch(function (err) {
        show(el("div", "msg bot error", err.message));
      }).then(function () { send.disabled = false; input.focus(); });
    });
    document.body.appendChild(host);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
