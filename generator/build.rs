//! Rebuilds the generator when a file of the built-in theme or of the new-site scaffold changes:
//! `include_dir!` embeds `themes/default/` and `scaffold/`, and cargo only sees files a build script names.

fn main() {
    println!("cargo::rerun-if-changed=../themes/default");
    println!("cargo::rerun-if-changed=scaffold");
}
