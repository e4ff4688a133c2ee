//! The edgedocs generator: turns `content/`, `themes/` and `site.toml` into a static site.
