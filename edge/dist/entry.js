// The Worker's entry module (wrangler.jsonc `main`, copied next to the build by
// scripts/build-worker.sh and written beside the site by `edgedocs build`): hands every request to
// the Rust handler, `EdgeWorker.fetch` in entry.rs, with nothing in between but
// `EdgeWorker.alive`, which the page path calls before it calls back into Rust (see page.js), and
// the site's settings from ./edge-config.js (written by `edgedocs build`), which Rust reads once per
// isolate.
import { EdgeWorker } from "./index.js";
import site from "./edge-config.js";

export default {
  fetch(request, env, context) {
    return EdgeWorker.fetch(request, env, context, EdgeWorker.alive, site);
  },
};
