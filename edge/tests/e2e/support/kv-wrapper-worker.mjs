// Test-only entry module, never deployed: runs the built Worker with its KV binding wrapped, so the
// end-to-end tests can see which KV calls it makes (KV_MODE=record) and how it behaves when KV fails
// (KV_MODE=throw: every call rejects), never answers (KV_MODE=hang) or answers after 300 ms
// (KV_MODE=slow, to show that reads overlap). The Worker is unchanged: it
// gets a binding with the same methods and cannot tell. The harness copies this file next to the built
// Worker it tests (edge/build/ or EDGE_E2E_BUILD_DIR), hence the import of ./index.js; it calls the
// handler the way entry.js does.
import { WorkerEntrypoint } from "cloudflare:workers";
import { EdgeWorker } from "./index.js";

const calls = [];

function wrapKv(real, mode) {
  const wrap = (method) => (...args) => {
    const [first] = args;
    const keys = Array.isArray(first) ? first : typeof first === "string" ? [first] : [];
    calls.push({ method, keys, prefix: first?.prefix ?? null, options: args[1] ?? null });
    if (mode === "throw") {
      return Promise.reject(new Error("simulated KV outage: internal detail 0xDEADBEEF"));
    }
    if (mode === "hang") {
      return new Promise(() => {});
    }
    if (mode === "slow") {
      return new Promise((resolve) => setTimeout(resolve, 300)).then(() => real[method](...args));
    }
    return real[method](...args);
  };
  return {
    get: wrap("get"),
    getWithMetadata: wrap("getWithMetadata"),
    put: wrap("put"),
    list: wrap("list"),
    delete: wrap("delete"),
  };
}

export default class KvWrapper extends WorkerEntrypoint {
  async fetch(request) {
    if (new URL(request.url).pathname === "/__test/kv-calls") {
      return Response.json(calls.splice(0));
    }
    const env = { ...this.env, KV: wrapKv(this.env.KV, this.env.KV_MODE) };
    return EdgeWorker.fetch(request, env, this.ctx);
  }
}
