// The Worker's page I/O in the runtime's own terms, called from `page.rs` (wasm32 only). It owns
// no decision: Rust names the keys, the cacheTtl, the time budget, the header edits and the injection
// plan; this module only awaits the runtime's promises and drives its HTMLRewriter, so a page costs no
// Rust future at all (each one costs wasm-bindgen closures and microtasks per KV call, timer and fetch).
//
// Contract (mirrored by the `extern "C"` block in page.rs):
//   servePage(assets, request, kv, firstKey, secondKey?, cacheTtl?, budgetMs, finish, fail, ticket, alive)
//       -> Promise<Response>
//     fetches the asset and reads the keys at once (two keys: one bulk get), then resolves to
//     finish(ticket, request, asset, contentType, vary, first, second, kvError), or to
//     fail(ticket, assetError) when the fetch failed. `finish` and `fail` are Rust's functions, made
//     once and reused for every page; the ticket is Rust's handle on the page's state, passed through
//     untouched. contentType and vary are the asset's headers (null when absent); first and second
//     are the values read (null for a missing key), undefined when kvError says why there are none.
//     Everything arrives as arguments, so Rust reads nothing back from JavaScript objects.
//     `alive` (a function of the module that does nothing) is called first: if the wasm instance
//     aborted while the page was on its way, that call re-creates it, and the glue then refuses the
//     old instance's `finish` and `fail` instead of running them in the new one with pointers into
//     the old memory. A refused or throwing callback resolves the page to the same plain 500 Rust
//     answers for errors, with no internal detail.
//   fetchAsset(assets, request) -> Promise<PageInputs>          the asset alone (kv fields unset)
//   readKeys(kv, firstKey, secondKey?, cacheTtl?, budgetMs) -> Promise<PageInputs>  the keys alone
//   PageInputs = { asset?: Response, first?: string|null, second?: string|null, kvError?: string }
//     kvError is set (and first/second are not) when KV failed or took longer than budgetMs: the page
//     is then served without KV content.
//   HeaderEdits = { remove: string[], set: [string, string][] }, built once by Rust
//   rewritePage(asset, edits, themeClass?, pinnedMessage?, edgeName, pinnedSelector,
//               resultsHtml?, queryValue?, titlePrefix?, resultsSelector, queryInputSelector) -> Response
//     the asset's status and edited headers, its body (consumed) streamed through HTMLRewriter:
//     `themeClass` joins the first <html>'s classes (once), `data-edge` is set, and the pinned-message
//     slot gets the text (escaped: `html: false`) and loses `hidden`. On a search results page
//     (resultsHtml set) the first results slot gets `resultsHtml` as HTML, every query input the
//     `value` queryValue, and the title `titlePrefix` as text before its own. Never buffers the body.
//   pageWithoutBody(asset, edits) -> Response                 HEAD or a body-less status: headers only
//   pageHeaders(asset, edits) -> Headers                       a copy of the asset's headers, edited
//   withEditedHeaders(asset, edits) -> Response               the asset, body untouched, headers edited

const KV_TEXT = "text";
// The body of the plain 500, as `respond` in entry.rs words it.
const UNANSWERED = "The server could not answer this request. Please try again later.";

function describe(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function kvFailure(error) {
  return { kvError: describe(error) };
}

/** Reads one key, or two with one bulk get; never rejects (a failure resolves to `{ kvError }`). */
function readUnbounded(kv, firstKey, secondKey, cacheTtl) {
  try {
    const options = cacheTtl === undefined ? { type: KV_TEXT } : { cacheTtl, type: KV_TEXT };
    const read =
      secondKey === undefined
        ? kv.get(firstKey, options).then((first) => ({ first }))
        : kv.get([firstKey, secondKey], options).then((values) => ({
            first: values.get(firstKey) ?? null,
            second: values.get(secondKey) ?? null,
          }));
    return read.catch(kvFailure);
  } catch (error) {
    return Promise.resolve(kvFailure(error));
  }
}

/** `read`, or `{ kvError }` once `budgetMs` have passed without it. */
function withinBudget(read, budgetMs) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, Math.max(0, budgetMs), { kvError: "KV reads took longer than the page's budget" });
  });
  return Promise.race([read, timeout]).then((inputs) => {
    clearTimeout(timer);
    return inputs;
  });
}

export function readKeys(kv, firstKey, secondKey, cacheTtl, budgetMs) {
  return withinBudget(readUnbounded(kv, firstKey, secondKey, cacheTtl), budgetMs);
}

export function fetchAsset(assets, request) {
  return assets.fetch(request).then((asset) => ({ asset }));
}

// The budget timer is armed only when the asset arrives before KV has answered, for what is left of
// the budget: a page whose KV answered first (the usual case, with cacheTtl) costs no timer at all.
export function servePage(assets, request, kv, firstKey, secondKey, cacheTtl, budgetMs, finish, fail, ticket, alive) {
  const started = performance.now();
  let answered;
  const read = readUnbounded(kv, firstKey, secondKey, cacheTtl).then((inputs) => (answered = inputs));
  let asset;
  try {
    asset = assets.fetch(request);
  } catch (error) {
    asset = Promise.reject(error);
  }
  return asset.then(
    (response) => {
      const headers = response.headers;
      const contentType = headers.get("content-type");
      const vary = headers.get("vary");
      const withValues = (inputs) => {
        try {
          alive();
          return finish(ticket, request, response, contentType, vary, inputs.first, inputs.second, inputs.kvError);
        } catch (error) {
          return unanswered(error);
        }
      };
      if (answered !== undefined) return withValues(answered);
      return withinBudget(read, budgetMs - (performance.now() - started)).then(withValues);
    },
    (error) => {
      try {
        alive();
        return fail(ticket, describe(error));
      } catch (failure) {
        return unanswered(failure);
      }
    },
  );
}

function unanswered(error) {
  console.error(`a page could not be finished: ${describe(error)}`);
  return new Response(UNANSWERED, { status: 500 });
}

function applyEdits(headers, edits) {
  for (const name of edits.remove) headers.delete(name);
  for (const [name, value] of edits.set) headers.set(name, value);
  return headers;
}

export function pageHeaders(asset, edits) {
  return applyEdits(new Headers(asset.headers), edits);
}

export function rewritePage(
  asset,
  edits,
  themeClass,
  pinnedMessage,
  edgeName,
  pinnedSelector,
  resultsHtml,
  queryValue,
  titlePrefix,
  resultsSelector,
  queryInputSelector,
) {
  let htmlSeen = false;
  let rewriter = new HTMLRewriter().on("html", {
    element(html) {
      if (htmlSeen) return;
      htmlSeen = true;
      if (themeClass !== undefined) {
        const classes = html.getAttribute("class") || "";
        if (!classes.split(/[ \t\n\f\r]+/).includes(themeClass)) {
          html.setAttribute("class", classes.trim() === "" ? themeClass : `${classes.trimEnd()} ${themeClass}`);
        }
      }
      html.setAttribute("data-edge", edgeName);
    },
  });
  if (pinnedMessage !== undefined) {
    rewriter = rewriter.on(pinnedSelector, {
      element(slot) {
        slot.setInnerContent(pinnedMessage, { html: false });
        slot.removeAttribute("hidden");
      },
    });
  }
  if (resultsHtml !== undefined) {
    // A search results page (see ResultsFill in src/search/results_page.rs): the results into the first
    // slot, the query (escaped by Rust but for `"`, which setAttribute escapes) into every search field,
    // and before the title (as text).
    let resultsFilled = false;
    rewriter = rewriter
      .on(resultsSelector, {
        element(slot) {
          if (resultsFilled) return;
          resultsFilled = true;
          slot.setInnerContent(resultsHtml, { html: true });
        },
      })
      .on(queryInputSelector, {
        element(input) {
          input.setAttribute("value", queryValue);
        },
      });
    if (titlePrefix !== undefined) {
      rewriter = rewriter.on("title", {
        element(title) {
          title.prepend(titlePrefix, { html: false });
        },
      });
    }
  }
  // transform() answers a new Response with the asset's status and a mutable copy of its headers, so
  // the edits go straight onto it: no second copy of the headers, no intermediate Response.
  const page = rewriter.transform(asset);
  applyEdits(page.headers, edits);
  return page;
}

export function pageWithoutBody(asset, edits) {
  return new Response(null, { status: asset.status, headers: pageHeaders(asset, edits) });
}

export function withEditedHeaders(asset, edits) {
  return new Response(asset.body, { status: asset.status, statusText: asset.statusText, headers: pageHeaders(asset, edits) });
}
