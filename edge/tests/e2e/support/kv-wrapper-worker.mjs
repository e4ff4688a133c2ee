// Test-only entry module, never deployed: runs the built Worker with its KV binding wrapped, so the
// end-to-end tests can see which KV calls it makes (KV_MODE=record) and how it behaves when KV fails
// (KV_MODE=throw: every call rejects), never answers (KV_MODE=hang) or answers after 300 ms
// (KV_MODE=slow, to show that reads overlap); /__test/abort breaks the wasm instance once,
// /__test/assets-down/<path> requests <path> with an assets binding that fails, and
// /__test/streamed-post/<path>?bytes=N posts a body of N bytes without a length to <path>. The Worker is
// unchanged: it gets a binding with the same methods and cannot tell. The harness copies this file next
// to the built Worker it tests (edge/build/ or EDGE_E2E_BUILD_DIR), hence the import of ./entry.js,
// the Worker's own entry module, through which every request goes.
import { WorkerEntrypoint } from "cloudflare:workers";
import worker from "./entry.js";

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
    const { pathname } = new URL(request.url);
    if (pathname === "/__test/kv-calls") {
      return Response.json(calls.splice(0));
    }
    if (pathname === "/__test/instance") {
      // Counts the wasm instances `worker`'s start-up has run in (1, then 2 after a re-instantiation).
      return Response.json(globalThis.__worker_init_state?.instanceId ?? null);
    }
    if (pathname === "/__test/abort") {
      // Bindings that are not an object make the first binding read throw inside the wasm, which
      // aborts the instance the way a Rust panic does; the next request must find it working again.
      try {
        await worker.fetch(new Request(new URL("/", request.url)), null, this.ctx);
        return new Response("the Worker did not abort", { status: 500 });
      } catch (error) {
        return new Response(`aborted: ${error?.name}`, { status: 200 });
      }
    }
    if (pathname.startsWith("/__test/streamed-post/")) {
      // POSTs `bytes` bytes to <path> as a body without a length, produced only as the Worker reads
      // it, and reports the Worker's answer, how much of the body it pulled and whether it cancelled.
      const target = new URL(pathname.slice("/__test/streamed-post".length), request.url);
      const total = Number(new URL(request.url).searchParams.get("bytes"));
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      const seen = { pulled: 0, cancelled: false };
      const body = new ReadableStream(
        {
          pull(controller) {
            if (seen.pulled >= total) {
              controller.close();
              return;
            }
            const next = chunk.subarray(0, Math.min(chunk.length, total - seen.pulled));
            controller.enqueue(next);
            seen.pulled += next.length;
          },
          cancel() {
            seen.cancelled = true;
          },
        },
        { highWaterMark: 0 },
      );
      const env = { ...this.env, KV: wrapKv(this.env.KV, this.env.KV_MODE) };
      const response = await worker.fetch(new Request(target, { method: "POST", headers: request.headers, body }), env, this.ctx);
      const text = await response.text();
      return Response.json({ status: response.status, body: text, ...seen });
    }
    if (pathname.startsWith("/__test/assets-down/")) {
      const target = new URL(pathname.slice("/__test/assets-down".length), request.url);
      const assets = {
        fetch: () => Promise.reject(new Error("simulated assets outage: internal detail 0xDEADBEEF")),
      };
      return worker.fetch(new Request(target, request), { ...this.env, ASSETS: assets }, this.ctx);
    }
    const env = { ...this.env, KV: wrapKv(this.env.KV, this.env.KV_MODE) };
    return worker.fetch(request, env, this.ctx);
  }
}
