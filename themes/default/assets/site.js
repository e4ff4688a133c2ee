// Progressive enhancement for every page: the navigation drawer, the colour-theme menu, the search
// button and its shortcuts, copy buttons on code frames, "Copy page as Markdown", tab groups that
// remember the reader's choice, and the table of contents that follows the scroll.
// Without this file the page still works: the drawer opens through #site-nav:target, tab panels
// show one after the other, the copy buttons stay hidden and "View as Markdown" is a link.
//
// What lives in the page's content (copy buttons, tab groups, wide tables, the table of contents) is
// set up again, idempotently, whenever an `edgedocs:content` event bubbles up from new content: the
// preview server's live reload sends one after replacing <main> in place.
(() => {
  "use strict";

  const root = document.documentElement;
  const TAB_STORAGE_KEY = "edgedocs:tab";
  const THEME_STORAGE_KEY = "edgedocs:theme";

  function storageGet(key) {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null;
    }
  }

  function storageSet(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch {
      // Storage can be disabled; the choice then lasts for this page only.
    }
  }

  // --- Navigation drawer (narrow screens) ---------------------------------------------------------
  function setUpNavigation() {
    const toggle = document.querySelector("[data-nav-toggle]");
    const nav = document.getElementById("site-nav");
    const close = document.querySelector("[data-nav-close]");
    if (!toggle || !nav) return;

    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-expanded", "false");

    const isOpen = () => root.classList.contains("nav-open");
    const open = () => {
      root.classList.add("nav-open");
      toggle.setAttribute("aria-expanded", "true");
      const current = nav.querySelector('[aria-current="page"]') || nav.querySelector("a[href]");
      (close || current)?.focus();
      current?.scrollIntoView({ block: "center" });
    };
    const shut = (restoreFocus) => {
      root.classList.remove("nav-open");
      toggle.setAttribute("aria-expanded", "false");
      if (window.location.hash === "#site-nav") {
        history.replaceState(null, "", window.location.pathname + window.location.search);
      }
      if (restoreFocus) toggle.focus();
    };

    toggle.addEventListener("click", (event) => {
      event.preventDefault();
      if (isOpen()) shut(true);
      else open();
    });
    toggle.addEventListener("keydown", (event) => {
      if (event.key === " ") {
        event.preventDefault();
        toggle.click();
      }
    });
    close?.addEventListener("click", (event) => {
      event.preventDefault();
      shut(true);
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && isOpen()) shut(true);
    });
    nav.addEventListener("click", (event) => {
      if (event.target.closest(".sidebar__scroll a")) shut(false);
    });
    // A page opened at #site-nav (the no-JS link) shows the drawer through :target; take it over.
    if (window.location.hash === "#site-nav" && window.matchMedia("(max-width: 49.99rem)").matches) {
      history.replaceState(null, "", window.location.pathname + window.location.search);
      open();
    }
    window.matchMedia("(min-width: 50rem)").addEventListener("change", (event) => {
      if (event.matches) shut(false);
    });
  }

  // --- Colour-theme menu ---------------------------------------------------------------------------
  // A <details> disclosure of submit buttons, one per colour theme. A choice applies at once and is
  // saved: to the edge's theme API when the edge served the page (it then puts the class in every
  // page it serves), else in localStorage, applied here on every page load.
  function setUpThemeMenu() {
    const menu = document.querySelector("[data-theme-menu]");
    const form = menu?.querySelector("form");
    if (!menu || !form) return;
    const summary = menu.querySelector("summary");
    const status = menu.querySelector("[data-theme-menu-status]");
    const options = Array.from(form.querySelectorAll('button[name="theme"]'));
    const names = options.map((option) => option.value);
    const servedByEdge = Boolean(root.dataset.edge);

    const current = () => names.find((name) => root.classList.contains(`theme-${name}`)) || null;
    const apply = (name) => {
      root.classList.remove(...names.map((each) => `theme-${each}`));
      if (name) root.classList.add(`theme-${name}`);
      for (const option of options) option.setAttribute("aria-pressed", String(option.value === name));
    };
    const close = (restoreFocus) => {
      menu.open = false;
      if (restoreFocus) summary?.focus();
    };

    if (!servedByEdge) {
      const stored = storageGet(THEME_STORAGE_KEY);
      if (stored && names.includes(stored)) apply(stored);
      window.addEventListener("storage", (event) => {
        if (event.key === THEME_STORAGE_KEY && names.includes(event.newValue)) apply(event.newValue);
      });
    }
    apply(current());
    menu.classList.add("is-ready");

    form.addEventListener("submit", async (event) => {
      const name = event.submitter?.value;
      if (!names.includes(name)) return;
      event.preventDefault();
      const previous = current();
      apply(name);
      status.textContent = "";
      if (!servedByEdge) {
        storageSet(THEME_STORAGE_KEY, name);
        close(true);
        return;
      }
      close(true);
      try {
        const response = await fetch(form.action, {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json", "Content-Type": "application/json" },
          body: JSON.stringify({ theme: name }),
        });
        if (!response.ok) throw new Error(`status ${response.status}`);
      } catch {
        apply(previous);
        menu.open = true;
        status.textContent = "The theme could not be saved. Try again.";
      }
    });

    menu.addEventListener("toggle", () => {
      if (menu.open) (options.find((option) => option.getAttribute("aria-pressed") === "true") || options[0])?.focus();
    });
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open) {
        event.preventDefault();
        close(true);
        return;
      }
      const at = options.indexOf(document.activeElement);
      if (at === -1) return;
      const last = options.length - 1;
      const moves = { ArrowDown: at === last ? 0 : at + 1, ArrowUp: at === 0 ? last : at - 1, Home: 0, End: last };
      if (!(event.key in moves)) return;
      event.preventDefault();
      options[moves[event.key]].focus();
    });
    document.addEventListener("click", (event) => {
      if (menu.open && !menu.contains(event.target)) close(false);
    });
    menu.addEventListener("focusout", (event) => {
      if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) close(false);
    });
  }

  // --- Copy buttons --------------------------------------------------------------------------------
  // Copies the code as it should be pasted: every line except removed (`del`) lines; the +/- markers
  // are CSS pseudo-elements, so they are never part of the text.
  function codeText(frame) {
    const lines = frame.querySelectorAll("code .line");
    if (lines.length === 0) return frame.querySelector("code")?.textContent ?? "";
    return Array.from(lines)
      .filter((line) => !line.classList.contains("del"))
      .map((line) => line.textContent.replace(/\n$/, "")) // a hidden line carries its line end
      .join("\n");
  }

  async function writeClipboard(text) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    if (!copied) throw new Error("copy refused");
  }

  function setUpCopyButtons(scope) {
    for (const button of scope.querySelectorAll(".code-frame__copy")) {
      const frame = button.closest(".code-frame");
      if (!frame || !button.hidden) continue; // not a frame, or set up already
      const label = frame.querySelector(".code-frame__title")?.textContent;
      button.setAttribute("aria-label", label ? `Copy ${label}` : "Copy code");
      let timer;
      button.addEventListener("click", async () => {
        let message = "Copied";
        try {
          await writeClipboard(codeText(frame));
          button.dataset.copied = "";
        } catch {
          message = "Press Ctrl+C";
          selectCode(frame);
        }
        button.textContent = message;
        button.setAttribute("aria-label", message);
        clearTimeout(timer);
        timer = setTimeout(() => {
          button.textContent = "Copy";
          button.setAttribute("aria-label", label ? `Copy ${label}` : "Copy code");
          delete button.dataset.copied;
        }, 2000);
      });
      button.hidden = false;
    }
  }

  // Rust examples keep their setup lines in the page, hidden by CSS; the toggle shows them.
  function setUpHiddenLineToggles(scope) {
    for (const button of scope.querySelectorAll(".code-frame__reveal")) {
      const frame = button.closest(".code-frame");
      if (!frame || !button.hidden) continue; // set up already
      button.addEventListener("click", () => {
        const shown = frame.classList.toggle("shows-hidden-lines");
        button.setAttribute("aria-pressed", String(shown));
        button.textContent = shown ? "Hide hidden lines" : "Show hidden lines";
      });
      button.hidden = false;
    }
  }

  function selectCode(frame) {
    const code = frame.querySelector("code");
    if (!code) return;
    const range = document.createRange();
    range.selectNodeContents(code);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
  }

  // --- Copy page as Markdown ---------------------------------------------------------------------
  // Fetches the page's Markdown twin and copies it. The fetch goes into a ClipboardItem as a promise
  // where the browser supports it, so the write still counts as part of the click (Safari requires
  // that). Where no clipboard can be written, the Markdown opens instead.
  async function copyMarkdown(href) {
    const text = fetch(href, { headers: { Accept: "text/markdown, text/plain" } }).then((response) => {
      if (!response.ok) throw new Error(`${href}: ${response.status}`);
      return response.text();
    });
    if (window.isSecureContext && navigator.clipboard?.write && "ClipboardItem" in window) {
      try {
        const blob = text.then((markdown) => new Blob([markdown], { type: "text/plain" }));
        await navigator.clipboard.write([new ClipboardItem({ "text/plain": blob })]);
        return;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith(href)) throw error;
        // Some browsers take no promise in a ClipboardItem: try the plain write below.
      }
    }
    await writeClipboard(await text);
  }

  function setUpMarkdownCopy(scope) {
    for (const button of scope.querySelectorAll("[data-copy-markdown]")) {
      if (!button.hidden) continue; // set up already
      const status = button.parentElement?.querySelector("[data-copy-markdown-status]");
      const label = button.textContent;
      let timer;
      let busy = false;
      button.addEventListener("click", async () => {
        if (busy) return;
        busy = true;
        const href = button.dataset.copyMarkdown;
        try {
          await copyMarkdown(href);
        } catch {
          window.location.assign(href);
          return;
        } finally {
          busy = false;
        }
        button.textContent = "Copied";
        button.dataset.copied = "";
        if (status) status.textContent = "Copied";
        clearTimeout(timer);
        timer = setTimeout(() => {
          button.textContent = label;
          delete button.dataset.copied;
          if (status) status.textContent = "";
        }, 2000);
      });
      button.hidden = false;
    }
  }

  // --- Tab groups ----------------------------------------------------------------------------------
  // Every group on the page follows the reader's last choice ("TypeScript" or "Rust"), which is also
  // kept in localStorage for the next page.
  let tabGroups = [];
  let tabCounter = 0;

  function selectTab(group, index, { focus = false } = {}) {
    group.tabs.forEach((tab, i) => {
      const selected = i === index;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      group.panels[i].hidden = !selected;
    });
    if (focus) group.tabs[index].focus();
  }

  function selectLabelEverywhere(label, source) {
    for (const group of tabGroups) {
      if (group === source) continue;
      const index = group.labels.indexOf(label);
      if (index !== -1) selectTab(group, index);
    }
  }

  function setUpTabs(scope) {
    const stored = storageGet(TAB_STORAGE_KEY);
    // Groups whose content was replaced are gone from the page.
    tabGroups = tabGroups.filter((group) => group.panels[0].isConnected);
    for (const container of scope.querySelectorAll("[data-tabs]")) {
      if (container.classList.contains("tabs--ready")) continue;
      const list = container.querySelector(".tabs__list");
      const panels = Array.from(container.children).filter((el) => el.matches(".tabs__panel[data-tab]"));
      if (!list || panels.length === 0) continue;
      const groupId = `tabs-${++tabCounter}`;
      const group = { tabs: [], panels, labels: panels.map((p) => p.dataset.tab) };

      panels.forEach((panel, i) => {
        const tab = document.createElement("button");
        tab.type = "button";
        tab.className = "tabs__tab";
        tab.id = `${groupId}-tab-${i}`;
        tab.setAttribute("role", "tab");
        tab.textContent = panel.dataset.tab;
        panel.id ||= `${groupId}-panel-${i}`;
        panel.setAttribute("aria-labelledby", tab.id);
        panel.tabIndex = -1;
        tab.setAttribute("aria-controls", panel.id);
        tab.addEventListener("click", () => {
          selectTab(group, i);
          storageSet(TAB_STORAGE_KEY, group.labels[i]);
          selectLabelEverywhere(group.labels[i], group);
        });
        tab.addEventListener("keydown", (event) => {
          const last = group.tabs.length - 1;
          const moves = { ArrowRight: i === last ? 0 : i + 1, ArrowLeft: i === 0 ? last : i - 1, Home: 0, End: last };
          if (!(event.key in moves)) return;
          event.preventDefault();
          group.tabs[moves[event.key]].click();
          group.tabs[moves[event.key]].focus();
        });
        list.append(tab);
        group.tabs.push(tab);
      });

      if (!list.hasAttribute("aria-label")) list.setAttribute("aria-label", `Choose a version: ${group.labels.join(", ")}`);
      const storedIndex = stored ? group.labels.indexOf(stored) : -1;
      selectTab(group, storedIndex === -1 ? 0 : storedIndex);
      list.hidden = false;
      container.classList.add("tabs--ready");
      tabGroups.push(group);
    }
  }

  // --- Table of contents: mark the section being read ----------------------------------------------
  // One table of contents per page: set up again from scratch when the content changes.
  let tocObserver = null;

  function setUpTocHighlight() {
    tocObserver?.disconnect();
    tocObserver = null;
    const links = Array.from(document.querySelectorAll(".doc__toc .toc-link"));
    if (links.length === 0 || !("IntersectionObserver" in window)) return;
    const byId = new Map(links.map((link) => [decodeURIComponent(link.hash.slice(1)), link]));
    const headings = Array.from(byId.keys())
      .map((id) => document.getElementById(id))
      .filter(Boolean);
    const visible = new Set();

    const mark = () => {
      let current = headings.find((heading) => visible.has(heading));
      if (!current) {
        // Between headings: the last one above the viewport is the one being read.
        const above = headings.filter((heading) => heading.getBoundingClientRect().top < 120);
        current = above[above.length - 1];
      }
      for (const link of links) link.removeAttribute("aria-current");
      if (current) byId.get(current.id)?.setAttribute("aria-current", "true");
    };

    tocObserver = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) visible.add(entry.target);
          else visible.delete(entry.target);
        }
        mark();
      },
      { rootMargin: "-60px 0px -55% 0px" },
    );
    headings.forEach((heading) => tocObserver.observe(heading));
  }

  // --- Tables wider than a phone scroll sideways: let the keyboard scroll them too (a diagram's frame is
  // focusable in its markup) -------------------------------------------------------------------------
  let sideScrollObserver = null;

  function setUpSideScrollers(scope) {
    const figures = scope.querySelectorAll(".prose table");
    if (figures.length === 0 || !("ResizeObserver" in window)) return;
    const update = (figure) => {
      if (figure.scrollWidth > figure.clientWidth + 1) figure.tabIndex = 0;
      else figure.removeAttribute("tabindex");
    };
    // Observing an element twice is a no-op; elements removed from the page stop reporting.
    sideScrollObserver ||= new ResizeObserver((entries) => entries.forEach((entry) => update(entry.target)));
    figures.forEach((figure) => sideScrollObserver.observe(figure));
  }

  /** Sets up what lives in `scope` (the document, or content that replaced part of it). */
  // --- Search (bootstrap) ----------------------------------------------------------------------
  // Only this stays in the page: the button, the shortcuts, and loading the search modules the first
  // time the dialog opens (or when a result link brought the reader here with ?highlight=).
  let searchModules = null;

  function loadSearch(form) {
    searchModules ??= Promise.all([import(form.dataset.searchEngine), import(form.dataset.searchDialog)]);
    return searchModules;
  }

  function typingInField(target) {
    return target instanceof Element && (target.isContentEditable || target.closest("input, textarea, select"));
  }

  function setUpSearch() {
    const form = document.querySelector("form[data-search]");
    const button = document.querySelector("[data-search-open]");
    if (!form || !button) return;
    form.hidden = true;
    button.hidden = false;
    if (/Mac|iPhone|iPad/.test(navigator.platform)) button.querySelector(".site-search__key").textContent = "⌘K";
    let opening = false;
    const open = async () => {
      if (opening) return;
      opening = true;
      const returnFocus = document.activeElement;
      // What is typed while the modules load (the first open only) becomes the query.
      let typed = "";
      const keep = (event) => {
        if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
        event.preventDefault();
        typed += event.key;
      };
      document.addEventListener("keydown", keep, true);
      try {
        const [engine, dialog] = await loadSearch(form);
        document.removeEventListener("keydown", keep, true);
        dialog.openSearch({ engine, manifestUrl: form.dataset.searchManifest, returnFocus, typed });
      } catch (error) {
        // The modules could not load (offline, a stale page): the plain form still works.
        console.warn("search: could not load the dialog:", error);
        form.hidden = false;
        button.hidden = true;
        form.querySelector("input").focus();
      } finally {
        document.removeEventListener("keydown", keep, true);
        opening = false;
      }
    };
    button.addEventListener("click", open);
    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.altKey) return;
      const modifier = event.ctrlKey || event.metaKey;
      const shortcut =
        (modifier && !event.shiftKey && event.key.toLowerCase() === "k") ||
        (!modifier && event.key === "/" && !typingInField(event.target));
      if (!shortcut || document.querySelector("dialog.search-dialog[open]")) return;
      event.preventDefault();
      open();
    });
    if (new URLSearchParams(window.location.search).has("highlight")) {
      loadSearch(form)
        .then(([engine, dialog]) => dialog.highlightOnArrival(engine))
        .catch((error) => console.warn("search: could not highlight the terms:", error));
    }
  }

  function setUpContent(scope) {
    setUpSideScrollers(scope);
    setUpCopyButtons(scope);
    setUpHiddenLineToggles(scope);
    setUpMarkdownCopy(scope);
    setUpTabs(scope);
    setUpTocHighlight();
  }

  function start() {
    setUpNavigation();
    setUpThemeMenu();
    setUpSearch();
    setUpContent(document);
    window.addEventListener("storage", (event) => {
      if (event.key === TAB_STORAGE_KEY && event.newValue) selectLabelEverywhere(event.newValue, null);
    });
    document.addEventListener("edgedocs:content", (event) => {
      if (event.target instanceof Element) setUpContent(event.target);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
