//! Rebuilds the generator when a file of the built-in theme changes: `include_dir!` embeds
//! `themes/default/`, and cargo only sees files a build script names.

fn main() {
    println!("cargo::rerun-if-changed=../themes/default");
}
