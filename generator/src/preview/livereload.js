// edgedocs preview: live reload and the build-error overlay. Served by `edgedocs serve` only and added
// to every page it serves; `edgedocs build` never writes it. An external file, so the edge's CSP
// (script-src 'self', no inline scripts) holds in the preview too.
//
// The server sends JSON over a WebSocket:
//   {type: "hello", generation, error}         on connect: the site's generation and any standing error
//   {type: "stylesheets", generation}          only CSS changed: swap the stylesheets, keep the page
//   {type: "pages", generation, swap, reload}  these pages changed: a tab showing one in `swap` fetches
//                                              it and replaces its <main> and title in place; one in
//                                              `reload` reloads; other tabs stay
//   {type: "reload", generation}               anything may have changed: reload
//   {type: "error", error}                     the build failed: show the overlay, keep the page
// `generation` counts good builds; the page was served at data-generation, so a tab that reconnects
// (or was opened just before a change) reloads when the site moved on without it.
//
// After replacing <main> it dispatches `edgedocs:content` (bubbling) on the new element, so the theme
// can set up what it enhances there again.
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

  let reloading = false;

  function reload() {
    reloading = true;
    saveScroll();
    location.reload();
  }

  /** Whether this tab shows one of `paths` (URL paths as the site writes them, not percent-encoded). */
  function showsOneOf(paths) {
    if (!Array.isArray(paths)) return false;
    let decoded = location.pathname;
    try {
      decoded = decodeURI(location.pathname);
    } catch {
      // Not valid percent-encoding: compare as it is.
    }
    return paths.includes(location.pathname) || paths.includes(decoded);
  }

  // --- The page's new version in place -------------------------------------------------------------
  // Only <main>, the title and the description changed (the server compared the two builds); anything
  // this cannot confirm reloads instead.
  const sameOriginAssets = (doc) =>
    Array.from(doc.querySelectorAll('link[rel~="stylesheet"][href], script[src]'))
      .map((node) => new URL(node.getAttribute("href") || node.getAttribute("src"), location.href))
      .filter((url) => url.origin === location.origin && !url.pathname.startsWith("/__edgedocs/"))
      .map((url) => url.pathname)
      .join("\n");

  async function replaceContent() {
    const response = await fetch(location.href, { cache: "no-store", credentials: "same-origin" });
    if (!response.ok || !(response.headers.get("content-type") || "").startsWith("text/html")) return false;
    const next = new DOMParser().parseFromString(await response.text(), "text/html");
    const current = document.querySelectorAll("main");
    const replacement = next.querySelectorAll("main");
    if (current.length !== 1 || replacement.length !== 1) return false;
    // Scripts inside <main> would not run when moved in; the stylesheets and scripts must be the same.
    if (replacement[0].querySelector("script") || sameOriginAssets(next) !== sameOriginAssets(document)) return false;

    const [x, y] = [window.scrollX, window.scrollY];
    const main = document.adoptNode(replacement[0]);
    current[0].replaceWith(main);
    if (next.title !== document.title) document.title = next.title;
    const description = next.querySelector('meta[name="description"]');
    const currentDescription = document.querySelector('meta[name="description"]');
    if (description && currentDescription) currentDescription.content = description.content;
    window.scrollTo(x, y);
    main.dispatchEvent(new CustomEvent("edgedocs:content", { bubbles: true }));
    return true;
  }

  // One update at a time; a change that arrives meanwhile runs once the current one is done.
  let updating = false;
  let updateAgain = false;

  async function update() {
    if (updating) {
      updateAgain = true;
      return;
    }
    updating = true;
    try {
      do {
        updateAgain = false;
        let replaced = false;
        try {
          replaced = await replaceContent();
        } catch (error) {
          console.warn("edgedocs live reload: could not update the page in place", error);
        }
        if (!replaced) return reload();
      } while (updateAgain && !reloading);
    } finally {
      updating = false;
    }
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
    if (reloading) return;
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
      case "pages":
        hideError();
        generation = message.generation;
        if (showsOneOf(message.reload)) return reload();
        if (showsOneOf(message.swap)) return update();
        return;
      case "reload":
        return reload();
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
