//! `edgedocs serve`: the live-reload preview, with the production edge running locally.
//!
//! [`serve`] starts three parts that talk only over channels: the watcher's thread, the builder's
//! thread, and the server on an async runtime.
//!
//! ```text
//! watcher --(changed paths)--> builder --(BuildEvent)--> server --(HTTP, WebSocket)--> open pages
//! ```
//!
//! 1. `watcher.rs` reports batches of changes under `content/`, `themes/`, `static/` and `site.toml`,
//!    each as soon as the save is complete (`settle.rs` holds the timing rules).
//! 2. `builder.rs` owns the [`Site`](crate::site::Site). It sorts each batch into kinds of change
//!    (`changes.rs`), turns the kinds into the stages to re-run (`plan.rs`), runs them into memory
//!    and sends the server a `BuildEvent` (`build_events.rs`): the files to publish and what the open
//!    pages should do, or the errors while the last good version stays.
//! 3. `server.rs` holds the state the request handlers share, the routes and the live-reload
//!    WebSocket. On each `BuildEvent`, `published.rs` updates the files served and words the message
//!    to the open pages: swap the stylesheets, replace pages in place (`swap.rs` says which can be),
//!    reload, or show the error overlay. The client side (script, overlay, the `<script>` tag added
//!    to pages) is `livereload.rs`.
//!
//! A request, in order:
//! - `allowed_hosts.rs` checks its `Host` and `Origin` (the defence against DNS rebinding): 421 or
//!   403 before anything runs;
//! - the preview's own files and socket under `/__edgedocs/` are answered by `server.rs`;
//! - an `/api/kv/*` request goes to the edge: `edge_http.rs` turns it into the edge core's request
//!   and the answer back into a response, and `edge_driver.rs` runs the core's steps through the
//!   edge's native driver against the local KV store (`.edgedocs/kv.sqlite3`);
//! - anything else is a file of the published site, found as a static host would (`static_host.rs`:
//!   paths, content types, caching, `ETag`/304, `HEAD`); a page goes through the edge too
//!   (`edge_http.rs`), then gets the versions of assets rewritten in place (`published.rs`) and the
//!   live-reload script.

mod allowed_hosts;
mod build_events;
mod builder;
mod changes;
mod edge_driver;
mod edge_http;
mod livereload;
mod plan;
mod published;
mod server;
mod settle;
mod static_host;
mod swap;
mod watcher;

pub use allowed_hosts::AllowedHost;

use crate::local_kv::LocalKv;
use crate::terminal::{note, say};
use allowed_hosts::HostPolicy;
use anyhow::{Context, Result};
use edge_driver::KvStore;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

/// The default port: `http://127.0.0.1:1111`.
pub const DEFAULT_PORT: u16 = 1111;

/// How to run the preview.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site's root folder.
    pub root: PathBuf,
    /// The address to listen on; loopback unless the author asks otherwise.
    pub bind: IpAddr,
    pub port: u16,
    /// Further names (and ports) the server answers to, besides its address and, on loopback or
    /// every interface, `localhost` (see `allowed_hosts.rs`).
    pub allowed_hosts: Vec<AllowedHost>,
    /// Open the site in the default browser once it is built.
    pub open: bool,
    /// `--base-url` and `--drafts`.
    pub overrides: crate::site::Overrides,
}

/// Builds the site, serves it, and rebuilds on every change until interrupted.
pub fn serve(options: &ServeOptions) -> Result<()> {
    let listener = bind(options.bind, options.port)?;
    let address = listener.local_addr().context("could not read the listening address")?;
    let root = options
        .root
        .canonicalize()
        .with_context(|| format!("the site root `{}` does not exist", options.root.display()))?;

    let kv: Option<Arc<dyn KvStore>> = match LocalKv::open(&root) {
        Ok(kv) => Some(Arc::new(kv)),
        Err(error) => {
            note(&format!(
                "warning: {error:#}\n  the edge runs without KV: pages are served without KV content and /api/kv/* answers 503"
            ));
            None
        }
    };

    let (batches_in, batches_out) = std::sync::mpsc::channel();
    let _watch = watcher::watch(&root, batches_in)?;
    let (events_in, mut events_out) = tokio::sync::mpsc::unbounded_channel();
    let builder = builder::Builder::new(&root, options.overrides.clone(), events_in);
    std::thread::Builder::new()
        .name("edgedocs builder".into())
        .spawn(move || builder.run(&batches_out))
        .context("could not start the builder thread")?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    runtime.block_on(async move {
        let hosts = HostPolicy::new(address, &options.allowed_hosts);
        let url = hosts.url();
        let state = server::ServerState::new(kv, hosts, address.to_string());
        // The first build decides what there is to serve; later ones arrive while serving.
        if let Some(first) = events_out.recv().await {
            state.apply(first);
        }
        if address.ip().is_unspecified() {
            say(&format!(
                "Serving {} at {url} and at this machine's other addresses on port {} (Ctrl+C to stop)",
                root.display(),
                address.port()
            ));
        } else {
            say(&format!("Serving {} at {url} (Ctrl+C to stop)", root.display()));
        }
        if options.open {
            open_in_browser(&url);
        }
        let pump_state = Arc::clone(&state);
        tokio::spawn(async move {
            while let Some(event) = events_out.recv().await {
                pump_state.apply(event);
            }
        });
        listener
            .set_nonblocking(true)
            .context("could not configure the listening socket")?;
        let listener = tokio::net::TcpListener::from_std(listener).context("could not listen")?;
        let app = server::router(state).into_make_service_with_connect_info::<server::LocalAddress>();
        tokio::select! {
            served = axum::serve(listener, app) => served.context("the server stopped"),
            _ = tokio::signal::ctrl_c() => {
                say("Stopped.");
                Ok(())
            }
        }
    })
}

/// Binds `address:port`; a port in use is reported with a free one to use instead.
fn bind(address: IpAddr, port: u16) -> Result<TcpListener> {
    match TcpListener::bind(SocketAddr::new(address, port)) {
        Ok(listener) => Ok(listener),
        Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
            let suggestion = free_port_near(address, port)
                .map(|free| format!("`edgedocs serve --port {free}` ({free} is free)"))
                .unwrap_or_else(|| "`edgedocs serve --port <another port>`".into());
            anyhow::bail!(
                "port {port} on {address} is already in use (is another `edgedocs serve` running?)\n  help: stop the other server, or run {suggestion}"
            )
        }
        Err(error) => Err(error).with_context(|| format!("could not listen on {address}:{port}")),
    }
}

/// The first port after `port` that can be bound now (it may be taken again before it is used).
fn free_port_near(address: IpAddr, port: u16) -> Option<u16> {
    (port.saturating_add(1)..=port.saturating_add(100))
        .find(|candidate| TcpListener::bind(SocketAddr::new(address, *candidate)).is_ok())
}

/// Hands `url` to the system's opener; the server runs on whether or not a browser comes up.
fn open_in_browser(url: &str) {
    if let Err(error) = open::that_detached(url) {
        note(&format!(
            "warning: could not open a browser: {error}\n  help: open {url} yourself"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn a_port_in_use_is_reported_with_a_free_one() {
        let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let taken = TcpListener::bind(SocketAddr::new(loopback, 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        let message = bind(loopback, port).unwrap_err().to_string();
        assert!(
            message.starts_with(&format!("port {port} on 127.0.0.1 is already in use")),
            "{message}"
        );
        assert!(message.contains("edgedocs serve --port "), "{message}");
    }
}
