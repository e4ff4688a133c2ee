//! What the build publishes for language models and other tools that read Markdown rather than HTML: a
//! Markdown twin of every page beside its `index.html` ([`twin`]), and `llms.txt` / `llms-full.txt`
//! at the site's root ([`llms`]). Rendering calls [`twin`] for each page; the site-wide files are
//! written with the other site files. It does not decide what HTML pages link to the twins: the
//! theme does, through `page.markdown_href`.

pub(crate) mod llms;
pub(crate) mod twin;
