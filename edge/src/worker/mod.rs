//! The Cloudflare Worker (wasm32 only): adapts the runtime's requests, responses, KV namespace and
//! HTMLRewriter to the sans-IO core and makes no decision of its own. `entry.js` (the Worker's entry
//! module) calls [`entry`]'s `EdgeWorker.fetch`; a page goes through `page.js` ([`page`]'s typed
//! bindings) and the runtime's HTMLRewriter ([`html`]); `/search` and a page's Markdown twin read
//! their files through [`search`]; an API through [`kv`], the one module that touches `worker::KvStore`.

mod entry;
mod html;
mod kv;
mod page;
mod search;
