// The KV page's demos: the theme picker, the pinned-message status and the keyspace (flags) demo.
// They talk to the edge's /api/kv/* endpoints. A page served without the edge (a plain static host)
// has no `data-edge` on <html>; the demos then say what they need instead of failing silently.
(() => {
  "use strict";

  const root = document.documentElement;
  const edge = root.dataset.edge || "";
  const NEEDS_EDGE =
    "This demo needs the edge: open the page through the preview server (cargo run -- serve) or the deployed Worker.";

  /** Builds an element from a tag, attributes and children (strings become text, never HTML). */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "className") node.className = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  function setStatus(node, state, ...content) {
    if (!node) return;
    if (state) node.dataset.state = state;
    else delete node.dataset.state;
    node.replaceChildren(...content);
  }

  /** Sends a request and returns the parsed JSON, or throws an Error whose message is for people. */
  async function requestJson(url, options = {}) {
    let response;
    try {
      response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json", ...(options.body ? { "Content-Type": "application/json" } : {}) },
        ...options,
      });
    } catch {
      throw new Error("The request did not reach the edge. Check your connection and try again.");
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON: reported below with the status.
    }
    if (!response.ok) {
      const error = body && body.error;
      const message = error && error.message ? error.message : `The edge answered ${response.status}.`;
      const failure = new Error(message);
      failure.code = error && error.code;
      throw failure;
    }
    return body;
  }

  // --- Theme preference ------------------------------------------------------------------------------
  function themeClassNames(names) {
    return names.map((name) => `theme-${name}`);
  }

  function currentTheme(names) {
    return names.find((name) => root.classList.contains(`theme-${name}`)) || null;
  }

  function applyTheme(name, names) {
    root.classList.remove(...themeClassNames(names));
    root.classList.add(`theme-${name}`);
  }

  function setUpThemePicker(form) {
    const buttons = Array.from(form.querySelectorAll("button[name=theme]"));
    const names = buttons.map((button) => button.value);
    const status = form.querySelector("[data-demo-status]");
    const labelOf = (name) => buttons.find((b) => b.value === name)?.textContent.trim() || name;

    const markPressed = () => {
      const active = currentTheme(names);
      for (const button of buttons) button.setAttribute("aria-pressed", String(button.value === active));
      return active;
    };

    const active = markPressed();
    if (!edge) {
      setStatus(status, null, NEEDS_EDGE, " Until then the buttons switch this page view only.");
    } else if (active) {
      setStatus(status, null, `This page arrived in the ${labelOf(active)} theme, read from KV before the HTML left the edge.`);
    } else {
      setStatus(status, null, "No theme saved for your session yet, so the page follows your system setting.");
    }

    form.addEventListener("submit", async (event) => {
      const button = event.submitter;
      if (!button || button.name !== "theme") return;
      event.preventDefault();
      const previous = currentTheme(names);
      const name = button.value;
      applyTheme(name, names);
      markPressed();

      if (!edge) {
        setStatus(status, null, `Switched to ${labelOf(name)} for this page view. `, NEEDS_EDGE);
        return;
      }
      setStatus(status, null, `Saving ${labelOf(name)}…`);
      try {
        await requestJson(form.action, { method: "POST", body: JSON.stringify({ theme: name }) });
        setStatus(
          status,
          "ok",
          "Saved under ",
          el("code", {}, "theme:<sessionId>"),
          ` with a 90-day TTL. Reload the page: it comes back ${labelOf(name)}.`,
        );
      } catch (error) {
        if (previous) applyTheme(previous, names);
        else root.classList.remove(...themeClassNames(names));
        markPressed();
        setStatus(status, "error", `Not saved: ${error.message}`);
      }
    });
  }

  // --- Pinned message ----------------------------------------------------------------------------------
  function setUpPinnedStatus(container) {
    const status = container.querySelector("[data-pinned-status]");
    const slot = document.getElementById("pinned-message");
    const message = slot && !slot.hidden ? slot.textContent.trim() : "";
    const key = el("code", {}, "pinned_message");
    if (message) {
      setStatus(
        status,
        null,
        "The note at the top of this page is the value of ",
        key,
        ": the edge read it from KV and wrote it into the HTML, so it was there on first paint.",
      );
    } else if (edge) {
      setStatus(
        status,
        null,
        "No pinned message right now: ",
        key,
        " is empty. Set it with one of the commands below and the note appears at the top of every page.",
      );
    } else {
      setStatus(status, null, "The note is written into the page by the edge. ", NEEDS_EDGE);
    }
  }

  // --- Keyspace: feature flags under a tenant prefix -------------------------------------------------
  const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

  function formatDate(value) {
    if (!value) return "—";
    const date = new Date(typeof value === "number" ? value : String(value));
    return Number.isNaN(date.getTime()) ? String(value) : dateFormat.format(date);
  }

  function setUpFlags(container) {
    const form = container.querySelector("[data-flags-form]");
    const noJs = container.querySelector("[data-flags-nojs]");
    const result = container.querySelector("[data-flags-result]");
    const status = container.querySelector("[data-flags-status]");
    const summary = container.querySelector("[data-flags-summary]");
    const call = container.querySelector("[data-flags-call]");
    const prefixHint = container.querySelector("[data-flags-prefix]");
    const table = container.querySelector("[data-flags-table]");
    const rows = container.querySelector("[data-flags-rows]");
    const listButton = container.querySelector("[data-flags-list]");
    const writeButton = container.querySelector("[data-flags-write]");
    if (!form || !result || !rows) return;

    const tenantInput = form.elements.namedItem("tenant");
    const nameInput = form.elements.namedItem("name");
    const enabledInput = form.elements.namedItem("enabled");
    const createdByInput = form.elements.namedItem("createdBy");
    // The edge scopes every tenant to the visitor's session: the real prefix is flag:<session>:<tenant>:
    const prefix = () => `flag:<session>:${tenantInput.value.trim()}:`;
    const showPrefix = () => {
      prefixHint.textContent = prefix();
      call.textContent = `list({ prefix: "${prefix()}" })`;
    };

    form.hidden = false;
    tenantInput.addEventListener("input", showPrefix);
    showPrefix();

    if (!edge) {
      setStatus(noJs, null, NEEDS_EDGE);
      listButton.disabled = true;
      writeButton.disabled = true;
      return;
    }
    noJs.hidden = true;

    let busy = false;
    const setBusy = (value) => {
      busy = value;
      result.setAttribute("aria-busy", String(value));
      listButton.disabled = value;
      writeButton.disabled = value;
    };

    const render = (flags) => {
      rows.replaceChildren(
        ...flags.map((flag) =>
          el(
            "tr",
            {},
            el("td", {}, String(flag.name)),
            el(
              "td",
              {},
              el("span", { className: `flag-state flag-state--${flag.enabled ? "on" : "off"}` }, flag.enabled ? "On" : "Off"),
            ),
            el("td", {}, formatDate(flag.createdAt)),
            el("td", {}, flag.createdBy ? String(flag.createdBy) : "—"),
            el("td", {}, formatDate(flag.expiresAt)),
          ),
        ),
      );
      table.hidden = flags.length === 0;
    };

    const list = async () => {
      if (!tenantInput.reportValidity()) return;
      result.hidden = false;
      setBusy(true);
      summary.textContent = "";
      setStatus(status, null, `Listing keys under ${prefix()}…`);
      try {
        const body = await requestJson(`/api/kv/flags?tenant=${encodeURIComponent(tenantInput.value.trim())}`);
        const flags = Array.isArray(body && body.flags) ? body.flags : [];
        render(flags);
        summary.textContent = `→ ${flags.length} ${flags.length === 1 ? "key" : "keys"}, 0 get() calls`;
        if (flags.length === 0) {
          setStatus(status, null, `No keys under ${prefix()} yet. Write a flag above and list again.`);
        } else {
          setStatus(status, null);
        }
      } catch (error) {
        render([]);
        setStatus(status, "error", `Could not list the flags: ${error.message}`);
      } finally {
        setBusy(false);
      }
    };

    listButton.addEventListener("click", () => {
      if (!busy) list();
    });

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (busy || !form.reportValidity()) return;
      const flag = {
        tenant: tenantInput.value.trim(),
        name: nameInput.value.trim(),
        enabled: enabledInput.checked,
      };
      const createdBy = createdByInput.value.trim();
      if (createdBy) flag.createdBy = createdBy;
      result.hidden = false;
      setBusy(true);
      setStatus(status, null, `Writing ${prefix()}${flag.name} with its metadata…`);
      try {
        await requestJson("/api/kv/flags", { method: "POST", body: JSON.stringify(flag) });
        setBusy(false);
        await list();
      } catch (error) {
        setBusy(false);
        setStatus(status, "error", `Could not write the flag: ${error.message}`);
      }
    });

    list();
  }

  /** Sets up the demos in `scope` that are not set up yet (new content replaces the old in place). */
  function setUpDemos(scope) {
    const fresh = (node) => {
      if (node.hasAttribute("data-demo-ready")) return false;
      node.setAttribute("data-demo-ready", "");
      return true;
    };
    for (const form of scope.querySelectorAll("[data-theme-picker]")) if (fresh(form)) setUpThemePicker(form);
    for (const container of scope.querySelectorAll('[data-demo="pinned-message"]')) {
      if (fresh(container)) setUpPinnedStatus(container);
    }
    for (const container of scope.querySelectorAll('[data-demo="kv-flags"]')) if (fresh(container)) setUpFlags(container);
  }

  function start() {
    setUpDemos(document);
    // The preview's live reload replaces the page's content in place and says so with this event.
    document.addEventListener("edgedocs:content", (event) => {
      if (event.target instanceof Element) setUpDemos(event.target);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
