//! `edgedocs serve`: the live-reload preview, with the production edge running locally.
//!
//! Three parts that talk only over channels:
//!
//! ```text
//! watcher --(batches of changed paths)--> builder --(BuildEvent)--> server --(WebSocket)--> pages
//! ```
//!
//! - [`watcher`] reports batches of file changes under `content/`, `themes/`, `static/` and `site.toml`
//!   as soon as each save is complete ([`settle`]);
//! - [`builder`] owns the [`crate::site::Site`]: it [`changes::classify`]s each batch, derives a
//!   [`plan::RebuildPlan`], re-runs those stages into memory and publishes the files, or the errors;
//! - [`server`] serves the last good files through the edge core ([`edge_driver`]) and tells the open
//!   pages to swap stylesheets, replace their content in place ([`swap`]), reload, or show the error
//!   overlay ([`livereload`]).

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
    /// every interface, `localhost` (see [`allowed_hosts`]).
    pub allowed_hosts: Vec<AllowedHost>,
    /// Open the site in the default browser once it is built.
    pub open: bool,
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
    let builder = builder::Builder::new(&root, events_in);
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
