// The review page of `translator serve`. Every text from the server (sources, translations, flags,
// glossary entries, memory matches) is put in the page as text: textContent and text nodes only,
// never innerHTML, so markup a model writes is shown, never run.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const state = { doc: null, rows: [], timers: new Map(), pending: new Map(), current: null, memory: false };

  // ------------------------------------------------------------------ helpers
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "class") node.className = v;
      else if (k === "data") for (const [dk, dv] of Object.entries(v)) node.dataset[dk] = String(dv);
      else node[k] = v;
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function showError(message) {
    $("error").textContent = message || "";
  }

  function withKey(path) {
    const key = localStorage.getItem("translator-api-key");
    if (!key) return path;
    return path + (path.includes("?") ? "&" : "?") + "api_key=" + encodeURIComponent(key);
  }

  async function api(path, options) {
    const opts = Object.assign({}, options || {});
    if (opts.json !== undefined) {
      opts.body = JSON.stringify(opts.json);
      opts.headers = { "Content-Type": "application/json" };
      delete opts.json;
    }
    const response = await fetch(withKey(path), opts);
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      throw new Error((body && typeof body.error === "string") ? body.error : "HTTP " + response.status);
    }
    return body;
  }

  // Put `text` into `node` with the spans [[start, end, term], ...] wrapped in <mark>: built from text nodes.
  function highlight(node, text, spans) {
    node.replaceChildren();
    let at = 0;
    for (const [start, end, term] of (spans || [])) {
      if (start < at || end > text.length) continue;
      if (start > at) node.append(document.createTextNode(text.slice(at, start)));
      node.append(el("mark", { class: "term", data: { term: term } }, text.slice(start, end)));
      at = end;
    }
    if (at < text.length) node.append(document.createTextNode(text.slice(at)));
  }

  function flagList(node, flags) {
    node.replaceChildren();
    for (const f of flags || []) {
      node.append(el("li", { class: "flag " + f.severity },
        el("span", { class: "badge " + f.severity }, f.severity), " ",
        el("span", { class: "check" }, f.check), " ", el("span", { class: "message" }, f.message)));
    }
  }

  function termList(node, terms) {
    node.replaceChildren();
    (terms || []).forEach((t, i) => {
      node.append(el("li", { class: t.satisfied ? "term-ok" : "term-missing", data: { term: i } },
        el("span", { lang: "zh" }, t.source), " → ", el("span", {}, t.target),
        t.satisfied ? " ✓" : " (missing)", t.status === "proposed" ? " (proposed)" : ""));
    });
  }

  // ------------------------------------------------------------------ tabs
  function showTab(name) {
    $("quick").hidden = name !== "quick";
    $("docs").hidden = name !== "docs";
    $("tab-quick").classList.toggle("active", name === "quick");
    $("tab-docs").classList.toggle("active", name === "docs");
  }

  // ------------------------------------------------------------ quick translate
  let quickSource = "";
  let quickTimer = null;

  async function quickTranslate() {
    const text = $("qt-source").value;
    if (!text.trim()) return;
    $("qt-status").textContent = "translating…";
    showError("");
    try {
      const done = await api("/v1/translate", { method: "POST", json: { text: text } });
      quickSource = text;
      $("qt-en").value = done.translation;
      await quickCheck();
      $("qt-result").hidden = false;
      $("qt-status").textContent = "";
    } catch (e) {
      $("qt-status").textContent = "";
      showError(e.message);
    }
  }

  async function quickCheck() {
    const english = $("qt-en").value;
    const checked = await api("/v1/check", { method: "POST", json: { source: quickSource, target: english } });
    highlight($("qt-zh"), quickSource, checked.highlights.source);
    highlight($("qt-en-view"), english, checked.highlights.target);
    flagList($("qt-flags"), checked.flags);
    termList($("qt-terms"), checked.terms);
  }

  // ---------------------------------------------------------------- documents
  function setProgress(done, total) {
    const bar = $("progress");
    bar.hidden = false;
    bar.max = Math.max(total || 0, 1);
    bar.value = done || 0;
  }

  async function upload() {
    const file = $("file").files[0];
    if (!file) { showError("choose a file first"); return; }
    showError("");
    const form = new FormData();
    form.append("file", file);
    $("doc-status").textContent = "uploading…";
    try {
      const doc = await api("/v1/review", { method: "POST", body: form });
      history.pushState({}, "", "/review/" + doc.id);
      await openDocument(doc.id);
    } catch (e) {
      $("doc-status").textContent = "";
      showError(e.message);
    }
  }

  async function openDocument(id) {
    showTab("docs");
    let doc = await api("/v1/review/" + encodeURIComponent(id));
    while (doc.status === "translating") {
      const p = doc.progress || { done: 0, total: 0 };
      setProgress(p.done, p.total);
      $("doc-status").textContent = "translating " + doc.name + ": " + p.done + " / " + (p.total || "?");
      await new Promise((resolve) => setTimeout(resolve, 250));
      doc = await api("/v1/review/" + encodeURIComponent(id));
    }
    if (doc.status === "failed") {
      $("progress").hidden = true;
      $("doc-status").textContent = "";
      showError(doc.name + ": " + doc.error);
      return;
    }
    $("progress").hidden = true;
    $("doc-status").textContent = "";
    state.doc = doc;
    state.memory = doc.memory;
    const body = await api("/v1/review/" + encodeURIComponent(id) + "/segments");
    renderDocument(doc, body.segments);
  }

  function renderDocument(doc, segments) {
    $("review").hidden = false;
    $("doc-name").textContent = doc.name;
    $("memory-state").textContent = doc.memory
      ? "Translation memory: on (Ctrl+Enter stores the pair)"
      : "Translation memory: off (start the server with --tm FILE to keep confirmations); confirmations are still recorded here";
    $("memory-state").classList.toggle("off", !doc.memory);
    const links = $("downloads");
    links.replaceChildren("Download: ");
    for (const fmt of doc.formats || []) {
      const href = withKey("/v1/review/" + encodeURIComponent(doc.id) + "/download?format=" + encodeURIComponent(fmt));
      links.append(el("a", { class: "button download", href: href, download: "", data: { format: fmt } }, fmt), " ");
    }
    const tbody = $("rows-body");
    tbody.replaceChildren();
    state.rows = segments.map((seg) => {
      const row = buildRow(seg);
      tbody.append(row.tr);
      return row;
    });
    updateCounts();
    applyFilters();
  }

  function buildRow(seg) {
    const tr = el("tr", { class: "seg kind-" + seg.kind, data: { index: seg.index } });
    const zh = el("div", { class: "text zh", lang: "zh" });
    const box = el("textarea", { class: "english", rows: Math.min(8, Math.max(2, Math.ceil(seg.english.length / 60))) });
    box.value = seg.english;
    box.setAttribute("aria-label", "English of segment " + seg.id);
    const preview = el("div", { class: "text preview" });
    const status = el("div", { class: "row-status" });
    const flags = el("ul", { class: "flags" });
    const terms = el("ul", { class: "terms" });
    const memory = el("ol", { class: "matches" });
    tr.append(el("td", { class: "num" }, seg.id, el("div", { class: "kind" }, seg.kind)),
      el("td", {}, zh), el("td", {}, box, preview, status), el("td", {}, flags), el("td", {}, terms),
      el("td", {}, memory));
    const row = { seg: seg, tr: tr, zh: zh, box: box, preview: preview, status: status, flags: flags, terms: terms,
      memory: memory };
    fillRow(row, seg);
    fillMatches(row, seg.matches || []);
    box.addEventListener("input", () => scheduleEdit(row));
    box.addEventListener("focus", () => { state.current = row; markCurrent(row); });
    box.addEventListener("select", () => {
      const picked = box.value.slice(box.selectionStart, box.selectionEnd).trim();
      if (picked) $("term-target").value = picked;
    });
    zh.addEventListener("mouseup", () => {
      const picked = String(window.getSelection() || "").trim();
      if (picked) { $("term-source").value = picked; state.current = row; markCurrent(row); }
    });
    return row;
  }

  function fillRow(row, seg) {
    row.seg = Object.assign(row.seg, seg);
    const s = row.seg;
    highlight(row.zh, s.source, s.highlights ? s.highlights.source : []);
    highlight(row.preview, s.english, s.highlights ? s.highlights.target : []);
    flagList(row.flags, s.flags);
    termList(row.terms, s.terms);
    const errors = (s.flags || []).some((f) => f.severity === "error");
    row.tr.classList.toggle("flagged", (s.flags || []).length > 0);
    row.tr.classList.toggle("has-error", errors);
    row.tr.classList.toggle("confirmed", !!s.confirmed);
    row.tr.classList.toggle("recheck", !!s.recheck);
    row.tr.classList.toggle("edited", !!s.edited);
    const notes = [];
    if (s.confirmed) notes.push("confirmed");
    if (s.edited) notes.push("edited");
    if (s.recheck) notes.push("re-check: a glossary term was added");
    row.status.textContent = notes.join(" · ");
  }

  function fillMatches(row, matches) {
    row.matches = matches;
    row.memory.replaceChildren();
    matches.slice(0, 5).forEach((m, i) => {
      const diff = el("div", { class: "diff" });
      for (const d of m.differences || []) {
        const what = d.op === "insert" ? ["+", d.query] : d.op === "delete" ? ["−", d.unit] : [d.unit + " → ", d.query];
        diff.append(el("span", { class: "op " + d.op }, what[0], el("b", {}, what[1])), " ");
      }
      if (!(m.differences || []).length && m.percent >= 100) diff.append("same sentence");
      const item = el("li", { class: "match", title: "Ctrl+" + (i + 1) + " takes it" },
        el("span", { class: "percent" }, m.percent + "%"), " ",
        el("span", { class: "match-target" }, m.target),
        el("div", { class: "match-source", lang: "zh" }, m.source), diff);
      item.addEventListener("click", () => takeMatch(row, i));
      row.memory.append(item);
    });
  }

  function markCurrent(row) {
    for (const r of state.rows) r.tr.classList.toggle("current", r === row);
  }

  function updateCounts() {
    const n = state.rows.length;
    const flagged = state.rows.filter((r) => (r.seg.flags || []).length).length;
    const confirmed = state.rows.filter((r) => r.seg.confirmed).length;
    $("doc-counts").textContent = n + " segments · " + flagged + " flagged · " + confirmed + " confirmed";
  }

  // ------------------------------------------------------------------ editing
  function scheduleEdit(row) {
    clearTimeout(state.timers.get(row));
    state.timers.set(row, setTimeout(() => saveEdit(row), 300));
  }

  function saveEdit(row, extra) {
    clearTimeout(state.timers.get(row));
    state.timers.delete(row);
    const previous = state.pending.get(row) || Promise.resolve();
    const next = previous.then(async () => {
      const payload = Object.assign({ english: row.box.value }, extra || {});
      try {
        const seg = await api("/v1/review/" + encodeURIComponent(state.doc.id) + "/segments/" + row.seg.index,
          { method: "PUT", json: payload });
        fillRow(row, seg);
        updateCounts();
        showError("");
      } catch (e) {
        showError("segment " + row.seg.id + ": " + e.message);
        throw e;
      }
    });
    state.pending.set(row, next.catch(() => {}));
    return next;
  }

  function visibleRows() {
    return state.rows.filter((r) => !r.tr.hidden);
  }

  function focusRow(row) {
    if (!row) return;
    state.current = row;
    markCurrent(row);
    row.box.focus();
    row.tr.scrollIntoView({ block: "center" });
  }

  async function confirmAndNext(row) {
    try {
      await saveEdit(row, { confirmed: true });
    } catch (e) {
      return;
    }
    const rows = visibleRows();
    const at = rows.indexOf(row);
    focusRow(rows[at + 1] || row);
    applyFilters(row);
  }

  function nextFlagged(from, step) {
    const rows = visibleRows();
    let at = rows.indexOf(from);
    for (let k = 0; k < rows.length; k++) {
      at = (at + step + rows.length) % rows.length;
      if ((rows[at].seg.flags || []).length) { focusRow(rows[at]); return; }
    }
  }

  function takeMatch(row, i) {
    const m = (row.matches || [])[i];
    if (!m) return;
    row.box.value = m.target;
    focusRow(row);
    saveEdit(row).catch(() => {});
  }

  // ------------------------------------------------------------------ filters
  function applyFilters(keep) {
    const flagged = $("f-flagged").checked;
    const errors = $("f-errors").checked;
    const unconfirmed = $("f-unconfirmed").checked;
    for (const r of state.rows) {
      const fl = r.seg.flags || [];
      let show = true;
      if (flagged && !fl.length) show = false;
      if (errors && !fl.some((f) => f.severity === "error")) show = false;
      if (unconfirmed && r.seg.confirmed) show = false;
      // the row being worked on stays until the reviewer moves on
      r.tr.hidden = !show && !(keep && r === keep && document.activeElement === r.box);
    }
  }

  // ------------------------------------------------------------------ glossary
  async function addTerm() {
    const source = $("term-source").value.trim();
    const target = $("term-target").value.trim();
    $("term-status").textContent = "";
    $("term-status").classList.remove("error");
    if (!source || !target) { $("term-status").textContent = "select (or type) the Chinese and its English"; return; }
    try {
      const done = await api("/v1/review/" + encodeURIComponent(state.doc.id) + "/glossary",
        { method: "POST", json: { source: source, target: target } });
      const parts = [done.outcome + ": " + source + " → " + target + " (" + done.file + ")"];
      if (done.rechecked.length) parts.push(done.rechecked.length + " segment(s) marked for re-check");
      for (const w of done.warnings) parts.push("warning: " + w);
      $("term-status").textContent = parts.join(" · ");
      const body = await api("/v1/review/" + encodeURIComponent(state.doc.id) + "/segments");
      for (const seg of body.segments) {
        const row = state.rows[seg.index];
        if (row && done.rechecked.includes(seg.index)) fillRow(row, seg);
      }
      updateCounts();
    } catch (e) {
      $("term-status").textContent = e.message;
      $("term-status").classList.add("error");
    }
  }

  // ------------------------------------------------------------------ keys
  function onKey(event) {
    const row = state.current;
    const inReview = !$("review").hidden && !$("docs").hidden;
    if (!inReview) return;
    if (event.ctrlKey && !event.shiftKey && !event.altKey && event.key === "Enter" && row) {
      event.preventDefault();
      confirmAndNext(row);
    } else if ((event.altKey && !event.ctrlKey && (event.code === "KeyN" || event.code === "KeyP")) ||
               (event.ctrlKey && event.shiftKey && (event.key === "ArrowDown" || event.key === "ArrowUp"))) {
      event.preventDefault();
      const back = event.code === "KeyP" || event.key === "ArrowUp";
      nextFlagged(row || state.rows[0], back ? -1 : 1);
    } else if ((event.ctrlKey || event.altKey) && !event.shiftKey && /^Digit[1-5]$/.test(event.code) && row) {
      event.preventDefault();
      takeMatch(row, Number(event.code.slice(5)) - 1);
    }
  }

  // ------------------------------------------------------------------ start
  function start() {
    $("api-key").value = localStorage.getItem("translator-api-key") || "";
    $("api-key").addEventListener("change", () => localStorage.setItem("translator-api-key", $("api-key").value));
    $("tab-quick").addEventListener("click", () => showTab("quick"));
    $("tab-docs").addEventListener("click", () => showTab("docs"));
    $("qt-go").addEventListener("click", quickTranslate);
    $("qt-en").addEventListener("input", () => {
      clearTimeout(quickTimer);
      quickTimer = setTimeout(() => quickCheck().catch((e) => showError(e.message)), 300);
    });
    $("upload").addEventListener("click", upload);
    for (const id of ["f-flagged", "f-errors", "f-unconfirmed"]) $(id).addEventListener("change", () => applyFilters());
    $("term-add").addEventListener("click", addTerm);
    document.addEventListener("keydown", onKey);
    const m = location.pathname.match(/^\/review\/([0-9a-f]{32})$/);
    if (m) {
      openDocument(m[1]).catch((e) => showError(e.message));
    } else {
      showTab("quick");
    }
  }

  start();
}());
