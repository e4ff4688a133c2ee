// edgedocs preview: live reload and the build-error overlay. Served by `edgedocs serve` only and added
// to every page it serves; `edgedocs build` never writes it. An external file, so the edge's CSP
// (script-src 'self', no inline scripts) holds in the preview too.
//
// The server sends JSON over a WebSocket:
//   {type: "hello", generation, error}       on connect: the site's generation and any standing error
//   {type: "stylesheets", generation}        only CSS changed: swap the stylesheets, keep the page
//   {type: "reload", generation, paths}      pages changed (paths: null means every page): reload
//   {type: "error", error}                   the build failed: show the overlay, keep the page
// `generation` counts good builds; the page was served at data-generation, so a tab that reconnects
// (or was opened just before a change) reloads when the site moved on without it.
(() => {
  "use strict";

  const script = document.currentScript;
  let generation = Number((script && script.dataset.generation) || 0);
  const SOCKET_PATH = "/__edgedocs/socket";
  const OVERLAY_STYLESHEET = "/__edgedocs/livereload.css";
  const SCROLL_KEY = `edgedocs:scroll:${location.pathname}`;
  const MAX_BACKOFF_MS = 5000;

  // --- Scroll position across our own reloads ------------------------------------------------------
  function saveScroll() {
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify([window.scrollX, window.scrollY]));
    } catch {
      // Storage may be off; the browser's own scroll restoration still applies.
    }
  }

  function restoreScroll() {
    let saved = null;
    try {
      saved = sessionStorage.getItem(SCROLL_KEY);
      sessionStorage.removeItem(SCROLL_KEY);
    } catch {
      return;
    }
    if (!saved) return;
    const [x, y] = JSON.parse(saved);
    const apply = () => window.scrollTo(x, y);
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", apply, { once: true });
    else apply();
    window.addEventListener("load", apply, { once: true });
  }

  function reload() {
    saveScroll();
    location.reload();
  }

  // --- Stylesheets without a reload ----------------------------------------------------------------
  function swapStylesheets(version) {
    const links = document.querySelectorAll('link[rel~="stylesheet"][href]');
    for (const link of links) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || url.pathname.startsWith("/__edgedocs/")) continue;
      url.searchParams.set("edgedocs", String(version));
      const next = link.cloneNode();
      next.href = url.href;
      // The old sheet goes only once the new one applies, so the page never shows unstyled.
      next.addEventListener("load", () => link.remove(), { once: true });
      next.addEventListener("error", () => next.remove(), { once: true });
      link.after(next);
    }
  }

  // --- The error overlay ---------------------------------------------------------------------------
  let overlay = null;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showError(error) {
    if (!document.body) {
      document.addEventListener("DOMContentLoaded", () => showError(error), { once: true });
      return;
    }
    hideError();
    const host = element("div");
    host.id = "edgedocs-error-overlay";
    const shadow = host.attachShadow({ mode: "open" });
    const stylesheet = element("link");
    stylesheet.rel = "stylesheet";
    stylesheet.href = OVERLAY_STYLESHEET;
    const panel = element("section", "panel");
    panel.setAttribute("role", "alert");
    panel.setAttribute("aria-labelledby", "edgedocs-error-title");
    const title = element("h2", "title", "The build failed");
    title.id = "edgedocs-error-title";
    const note = element("p", "note", "The page shows the last good version. Save a fix and it updates by itself.");
    const list = element("ol", "diagnostics");
    for (const diagnostic of error.diagnostics || []) {
      const item = element("li", `diagnostic diagnostic--${diagnostic.severity}`);
      if (diagnostic.location) item.append(element("code", "location", diagnostic.location));
      item.append(element("p", "message", `${diagnostic.severity}: ${diagnostic.message}`));
      if (diagnostic.help) item.append(element("p", "help", `help: ${diagnostic.help}`));
      list.append(item);
    }
    const close = element("button", "close", "Dismiss");
    close.type = "button";
    close.addEventListener("click", hideError);
    panel.append(title, note, list, close);
    shadow.append(stylesheet, panel);
    document.body.append(host);
    overlay = host;
  }

  function hideError() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  // --- The connection ------------------------------------------------------------------------------
  function handle(message) {
    switch (message.type) {
      case "hello":
        if (message.generation !== generation) return reload();
        if (message.error) showError(message.error);
        else hideError();
        return;
      case "stylesheets":
        hideError();
        generation = message.generation;
        return swapStylesheets(message.generation);
      case "reload":
        hideError();
        if (!message.paths || message.paths.includes(location.pathname)) return reload();
        generation = message.generation;
        return;
      case "error":
        return showError(message.error);
    }
  }

  let failures = 0;

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${SOCKET_PATH}`);
    socket.addEventListener("open", () => {
      failures = 0;
    });
    socket.addEventListener("message", (event) => {
      try {
        handle(JSON.parse(event.data));
      } catch (error) {
        console.warn("edgedocs live reload: bad message", error);
      }
    });
    socket.addEventListener("close", () => {
      // Back off 100 ms, 200 ms, ... up to 5 s, with jitter so tabs do not reconnect in lockstep.
      const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures) * (0.75 + Math.random() / 2);
      failures = Math.min(failures + 1, 16);
      setTimeout(connect, delay);
    });
  }

  restoreScroll();
  connect();
})();
