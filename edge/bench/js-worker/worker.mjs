// The benchmark's yardstick: the same page injection written as a plain JavaScript Worker with the
// runtime's HTMLRewriter. It reads the same KV keys concurrently, gives KV the same time budget (when
// the `KV_BUDGET_MS` binding is set: a timer armed only if the asset arrives before KV has answered,
// after which the page is served without KV content) and sets the same headers; it has no API routes
// (the benchmark only requests pages). Not deployed.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const DROPPED = ["content-length", "etag", "last-modified", "cache-control", "vary"];

function cookie(header, name) {
  for (const pair of header.split(";")) {
    const index = pair.indexOf("=");
    if (index > 0 && pair.slice(0, index).trim() === name) return pair.slice(index + 1).trim();
  }
  return undefined;
}

export default {
  async fetch(request, env) {
    const allowed = env.ALLOWED_THEMES.split(",");
    const cookies = request.headers.get("cookie") ?? "";
    const session = /^[0-9a-f]{32}$/.test(cookie(cookies, "session") ?? "") ? cookie(cookies, "session") : undefined;
    const hint = allowed.includes(cookie(cookies, "theme_hint")) ? cookie(cookies, "theme_hint") : undefined;
    // The same KV access as the Rust Worker: both keys in one bulk get (cacheTtl 60), or one get.
    const readKv = async () => {
      try {
        if (session && !hint) {
          const values = await env.KV.get(["pinned_message", `theme:${session}`], { cacheTtl: 60 });
          return [values.get("pinned_message"), values.get(`theme:${session}`)];
        }
        return [await env.KV.get("pinned_message", { cacheTtl: 60 }), null];
      } catch {
        return [null, null];
      }
    };
    const started = performance.now();
    let answered;
    const read = readKv().then((values) => (answered = values));
    const asset = await env.ASSETS.fetch(request);
    let values = answered;
    if (values === undefined) {
      if (env.KV_BUDGET_MS === undefined) {
        values = await read;
      } else {
        let timer;
        const budget = new Promise((resolve) => {
          timer = setTimeout(resolve, Math.max(0, Number(env.KV_BUDGET_MS) - (performance.now() - started)), [null, null]);
        });
        values = await Promise.race([read, budget]);
        clearTimeout(timer);
      }
    }
    const [pinned, stored] = values;
    if (!/^text\/html/i.test(asset.headers.get("content-type") ?? "")) return asset;
    const theme = hint ?? (allowed.includes(stored) ? stored : undefined);
    const headers = new Headers(asset.headers);
    for (const name of DROPPED) headers.delete(name);
    headers.set("content-security-policy", CSP);
    headers.set("x-content-type-options", "nosniff");
    headers.set("referrer-policy", "strict-origin-when-cross-origin");
    headers.set("cache-control", "private, no-store");
    headers.set("vary", "Cookie");
    let htmlSeen = false;
    let rewriter = new HTMLRewriter().on("html", {
      element(html) {
        if (htmlSeen) return;
        htmlSeen = true;
        if (theme) html.setAttribute("class", `${html.getAttribute("class") ?? ""} theme-${theme}`.trim());
        html.setAttribute("data-edge", "cloudflare");
      },
    });
    if (pinned && pinned.trim()) {
      rewriter = rewriter.on("div#pinned-message", {
        element(slot) {
          slot.setInnerContent(pinned, { html: false });
          slot.removeAttribute("hidden");
        },
      });
    }
    return rewriter.transform(new Response(asset.body, { status: asset.status, headers }));
  },
};
