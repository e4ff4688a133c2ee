// The search dialog, loaded by site.js the first time a reader opens search: a modal <dialog> with a
// combobox and a listbox of results grouped by page (WAI-ARIA's combobox pattern: focus stays in the
// input, aria-activedescendant points at the active option), and the marking of the searched terms on
// the page a result leads to. The index itself is read by search-engine.js, passed in by site.js.
// Everything is built with DOM calls, never from HTML strings.

/** Pages shown at first, and added by each "More results": each page may need its fragment file. */
const FIRST_PAGES = 5;
const MORE_PAGES = 10;
let current = null;

function element(name, attributes = {}, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

/** The magnifier icon, as in the header's button. */
function searchIcon() {
  const namespace = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(namespace, "svg");
  const attributes = { viewBox: "0 0 24 24", width: "18", height: "18", "aria-hidden": "true", focusable: "false" };
  for (const [key, value] of Object.entries(attributes)) svg.setAttribute(key, value);
  svg.classList.add("icon");
  const circle = document.createElementNS(namespace, "circle");
  for (const [key, value] of Object.entries({ cx: "11", cy: "11", r: "6.5" })) circle.setAttribute(key, value);
  const handle = document.createElementNS(namespace, "path");
  handle.setAttribute("d", "m16 16 4.5 4.5");
  svg.append(circle, handle);
  return svg;
}

/** A result's link, carrying the matched terms so the page can mark them: `/kv/?highlight=keyspac#x`. */
export function resultHref(url, terms) {
  const hash = url.indexOf("#");
  const path = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? "" : url.slice(hash);
  if (terms.length === 0) return url;
  const joiner = path.includes("?") ? "&" : "?";
  return `${path}${joiner}highlight=${encodeURIComponent(terms.join(" "))}${fragment}`;
}

class SearchDialog {
  constructor(engine, manifestUrl) {
    const base = new URL(manifestUrl, document.baseURI);
    this.index = new engine.SearchIndex(async (name) => {
      // The manifest keeps its name when the index changes: revalidate it. The other files are
      // named by their contents.
      const response = await fetch(new URL(name, base), name === "manifest.json" ? { cache: "no-cache" } : {});
      if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
      return response.json();
    });
    // The preview replaced the page's content after a save: the index may have changed too.
    document.addEventListener("edgedocs:content", () => this.index.forgetManifest());
    this.sequence = 0;
    this.limit = FIRST_PAGES;
    this.options = [];
    this.active = -1;
    this.build();
  }

  build() {
    this.input = element("input", {
      class: "search-dialog__input",
      type: "search",
      role: "combobox",
      "aria-label": "Search the documentation",
      "aria-expanded": "false",
      "aria-controls": "search-dialog-results",
      "aria-autocomplete": "list",
      autocomplete: "off",
      spellcheck: "false",
      maxlength: "512",
      placeholder: "Search the documentation",
    });
    this.close = element("button", { class: "search-dialog__close", type: "button" }, "Close");
    this.status = element("p", { class: "search-dialog__status", role: "status", "aria-live": "polite" });
    this.listbox = element("div", {
      class: "search-dialog__results",
      id: "search-dialog-results",
      role: "listbox",
      "aria-label": "Results",
    });
    this.more = element("button", { class: "search-dialog__more", type: "button", hidden: "" }, "More results");
    const hints = element(
      "p",
      { class: "search-dialog__hints", "aria-hidden": "true" },
      element("kbd", {}, "↑"),
      element("kbd", {}, "↓"),
      " to move, ",
      element("kbd", {}, "Enter"),
      " to open, ",
      element("kbd", {}, "Esc"),
      " to close",
    );
    const bar = element(
      "div",
      { class: "search-dialog__bar" },
      searchIcon(),
      this.input,
      this.close,
    );
    this.dialog = element(
      "dialog",
      { class: "search-dialog", "aria-label": "Search" },
      bar,
      this.status,
      this.listbox,
      this.more,
      hints,
    );
    document.body.append(this.dialog);

    this.input.addEventListener("input", () => {
      this.limit = FIRST_PAGES;
      this.search();
    });
    // The first new result becomes the active option, and typing or the arrows go on from there.
    this.more.addEventListener("click", () => {
      this.limit += MORE_PAGES;
      this.search({ activate: this.options.length });
      this.input.focus();
    });
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.close.addEventListener("click", () => this.hide());
    this.dialog.addEventListener("keydown", (event) => this.trapFocus(event));
    // Escape fires `cancel`; closing by any means puts focus back where it was.
    this.dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      this.hide();
    });
    this.dialog.addEventListener("close", () => this.restoreFocus());
    // A click on the backdrop closes it: the target is then the dialog itself, but so it is for a click
    // on the dialog's own empty space (beside More results), which is inside its box.
    this.dialog.addEventListener("click", (event) => {
      if (event.target !== this.dialog) return;
      const box = this.dialog.getBoundingClientRect();
      const inside =
        event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) this.hide();
    });
    this.listbox.addEventListener("mousemove", (event) => {
      const option = event.target.closest?.("[role=option]");
      if (option) this.setActive(this.options.indexOf(option), { scroll: false });
    });
  }

  /** Opens the dialog; `typed` is what the reader typed while it was loading. */
  show(returnFocus, typed) {
    this.returnFocus = returnFocus;
    if (!this.dialog.open) this.dialog.showModal();
    this.input.focus();
    if (typed) {
      this.input.value = typed;
      this.search();
    } else {
      // The last query again: the index may have changed since (a save in the preview).
      this.input.select();
      this.limit = FIRST_PAGES;
      this.search();
    }
  }

  hide() {
    if (this.dialog.open) this.dialog.close();
  }

  restoreFocus() {
    const target = this.returnFocus;
    this.returnFocus = null;
    if (target instanceof HTMLElement && target.isConnected && target !== document.body) target.focus();
    else document.querySelector("[data-search-open]")?.focus();
  }

  /** Tab and Shift-Tab cycle through the dialog's own controls: the input, "More results", Close. */
  trapFocus(event) {
    if (event.key !== "Tab") return;
    const focusable = [this.input, this.more, this.close].filter((control) => !control.hidden);
    const index = focusable.indexOf(document.activeElement);
    event.preventDefault();
    const next = event.shiftKey ? (index <= 0 ? focusable.length - 1 : index - 1) : (index + 1) % focusable.length;
    focusable[next].focus();
  }

  onKey(event) {
    if (event.isComposing) return;
    const count = this.options.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (count === 0) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      const from = this.active < 0 && step < 0 ? 0 : this.active;
      this.setActive((from + step + count) % count);
    } else if (event.key === "Escape") {
      // A search field would clear itself first; one Escape closes the dialog.
      event.preventDefault();
      this.hide();
    } else if (event.key === "Enter") {
      event.preventDefault();
      const option = this.options[Math.max(this.active, 0)];
      if (option) this.follow(option);
    }
  }

  follow(option) {
    const href = option.getAttribute("href");
    this.dialog.close();
    window.location.assign(href);
  }

  setActive(index, { scroll = true } = {}) {
    if (index === this.active || index < 0) return;
    this.options[this.active]?.setAttribute("aria-selected", "false");
    this.active = index;
    const option = this.options[index];
    if (!option) {
      this.input.removeAttribute("aria-activedescendant");
      return;
    }
    option.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", option.id);
    if (scroll) option.scrollIntoView({ block: "nearest" });
  }

  setStatus(text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  async search({ activate = 0 } = {}) {
    const query = this.input.value;
    const sequence = ++this.sequence;
    if (query.trim() === "") {
      this.render([], [], false);
      this.setStatus("Type to search.");
      return;
    }
    let answer;
    try {
      answer = await this.index.search(query, this.limit);
    } catch (error) {
      if (sequence !== this.sequence) return;
      // The reader gets a plain sentence; the details are for the console.
      console.warn("search:", error);
      this.render([], [], false);
      this.setStatus("Search could not load the index. Check the connection and try again.");
      return;
    }
    // A slower, older query must not replace a newer one's results.
    if (sequence !== this.sequence) return;
    // A full page of results may have more behind it.
    this.render(answer.results, answer.terms, answer.results.length === this.limit);
    if (activate > 0 && activate < this.options.length) this.setActive(activate);
    const sections = this.options.length;
    const pages = answer.results.length;
    this.setStatus(
      sections === 0
        ? `No results for “${query.trim()}”.`
        : `${sections} ${sections === 1 ? "result" : "results"} on ${this.more.hidden ? "" : "the first "}${pages} ` +
            `${pages === 1 ? "page" : "pages"}.`,
    );
  }

  render(results, terms, more) {
    if (!more && document.activeElement === this.more) this.input.focus();
    this.more.hidden = !more;
    this.options = [];
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    const groups = results.map((page, pageIndex) => {
      const labelId = `search-dialog-page-${pageIndex}`;
      const options = page.sections.map((section) => {
        const id = `search-dialog-option-${this.options.length}`;
        const excerpt = element("span", { class: "search-result__excerpt" });
        for (const part of section.excerpt.parts) {
          excerpt.append(part.marked ? element("mark", {}, part.text) : part.text);
        }
        const trail = [...section.trail, section.heading].join(" › ");
        const option = element(
          "a",
          {
            class: "search-result",
            role: "option",
            id,
            href: resultHref(section.url, terms),
            tabindex: "-1",
            "aria-selected": "false",
          },
          element("span", { class: "search-result__trail" }, trail),
          excerpt,
        );
        option.addEventListener("click", (event) => {
          if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
          event.preventDefault();
          this.follow(option);
        });
        this.options.push(option);
        return option;
      });
      return element(
        "div",
        { class: "search-group", role: "group", "aria-labelledby": labelId },
        element("div", { class: "search-group__title", id: labelId, role: "presentation" }, page.title),
        ...options,
      );
    });
    this.listbox.replaceChildren(...groups);
    this.input.setAttribute("aria-expanded", String(this.options.length > 0));
    if (this.options.length > 0) this.setActive(0, { scroll: false });
  }
}

/** Opens the search dialog (made on the first call), giving focus back to `returnFocus` on close. */
export function openSearch({ engine, manifestUrl, returnFocus, typed = "" }) {
  current ??= new SearchDialog(engine, manifestUrl);
  current.show(returnFocus, typed);
  return current;
}

const SKIPPED = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEXTAREA", "MARK", "svg"]);

/**
 * Marks the terms of `?highlight=` (index terms, space-separated) in the page's content with
 * <mark class="search-highlight">, walking its text nodes, and scrolls the linked section (or the first
 * mark) into view.
 */
export function highlightOnArrival(engine) {
  const terms = new Set((new URLSearchParams(window.location.search).get("highlight") ?? "").split(/\s+/).filter(Boolean));
  const root = document.querySelector(".doc__article") ?? document.querySelector("main");
  if (terms.size === 0 || !root) return 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let parent = node.parentElement; parent && parent !== root; parent = parent.parentElement) {
        if (SKIPPED.has(parent.tagName)) return NodeFilter.FILTER_REJECT;
      }
      return node.data.trim() === "" ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
    },
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  const marks = [];
  for (const node of nodes) {
    const spans = engine
      .tokenize(node.data)
      .filter((token) => terms.has(token.term))
      .sort((a, b) => a.start - b.start);
    let cursor = node.data.length;
    let textNode = node;
    // From the end, so earlier offsets stay valid while the node is split.
    for (const span of spans.reverse()) {
      if (span.end > cursor) continue;
      textNode.splitText(span.end);
      const marked = textNode.splitText(span.start);
      const mark = document.createElement("mark");
      mark.className = "search-highlight";
      marked.replaceWith(mark);
      mark.append(marked);
      marks.unshift(mark);
      cursor = span.start;
    }
  }
  const hash = decodeURIComponent(window.location.hash.slice(1));
  const target = (hash && document.getElementById(hash)) || marks[0];
  target?.scrollIntoView({ block: "start" });
  return marks.length;
}
