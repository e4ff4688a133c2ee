//! The site's content: discovering files under `content/`, their front matter, the tree of pages and
//! sections, and the navigation derived from it.

pub mod discover;
pub mod front_matter;
pub mod navigation;
pub mod tree;
