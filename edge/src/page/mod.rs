//! HTML pages at the edge: what to inject ([`plan`]: the KV reads a page needs, then the
//! [`InjectionPlan`]), the response headers of a rewritten page or a scriptable document
//! ([`headers`]), whether a request gets the page's Markdown twin instead ([`markdown_twin`]), and the streaming lol_html applier of the plan ([`injector`], used natively and by
//! the Worker's `worker-lol-html` build). The runtime's own HTMLRewriter applies the same plan in the
//! Worker.

mod headers;
mod injector;
mod markdown_twin;
mod plan;

#[cfg(any(target_arch = "wasm32", test))]
pub(crate) mod in_flight;

pub use headers::{
    CONTENT_SECURITY_POLICY, DOCUMENT_CONTENT_SECURITY_POLICY, PageHeaderEdits, document_header_edits,
    is_html_content_type, is_scriptable_document_type, page_header_edits, page_response_headers, security_headers,
};
pub use injector::{HtmlInjector, InjectionError, InjectionReport, PINNED_MESSAGE_SELECTOR, inject_into_html};
pub use markdown_twin::{MARKDOWN_CONTENT_TYPE, markdown_response_headers, markdown_twin_path, prefers_markdown};
pub use plan::{InjectionPlan, PendingPage, path_expects_html};
pub(crate) use plan::{finish_page, start_page};
