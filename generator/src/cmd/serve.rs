//! `edgedocs serve`: build the site into memory, serve it with the edge's behaviour, rebuild on change.

use clap::Args;
use edgedocs::preview::{self, AllowedHost, ServeOptions};
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// The port to listen on.
    #[arg(long, short, default_value_t = preview::DEFAULT_PORT)]
    port: u16,
    /// The address to listen on. Default: loopback only.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Also answer requests for this host name (and port, default: the one listened on), e.g. a name
    /// on the network or a port forwarded by a container. Repeatable. Requests naming any other host
    /// get 421, a defence against DNS rebinding.
    #[arg(long = "allow-host", value_name = "NAME[:PORT]")]
    allowed_hosts: Vec<AllowedHost>,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    #[command(flatten)]
    overrides: super::build::OverrideArgs,
}

pub(super) fn execute(root: &Path, args: ServeArgs) -> anyhow::Result<()> {
    preview::serve(&ServeOptions {
        root: root.to_path_buf(),
        bind: args.bind,
        port: args.port,
        allowed_hosts: args.allowed_hosts,
        open: args.open,
        overrides: args.overrides.into(),
    })
}
