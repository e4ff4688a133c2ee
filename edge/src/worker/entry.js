// The Worker's entry module (wrangler.jsonc `main`, copied next to the build by
// scripts/build-worker.sh): hands every request to the Rust handler, `EdgeWorker.fetch` in
// entry.rs, with nothing in between but `EdgeWorker.alive`, which the page path calls before
// it calls back into Rust (see page.js).
import { EdgeWorker } from "./index.js";

export default {
  fetch(request, env, context) {
    return EdgeWorker.fetch(request, env, context, EdgeWorker.alive);
  },
};
