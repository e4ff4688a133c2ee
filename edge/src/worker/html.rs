//! Applies an [`InjectionPlan`] to an HTML response body inside the Worker, streaming. By default it
//! hands the plan to the runtime's own HTMLRewriter (`page.js`; the rules match
//! [`crate::HtmlInjector`], and the end-to-end tests check them in workerd); with the
//! `worker-lol-html` feature it streams the body through [`crate::HtmlInjector`] compiled into the wasm.
//! `bench/` measures the two against each other.

use wasm_bindgen::JsValue;
use worker::web_sys;

use crate::page::InjectionPlan;
use crate::search::ResultsFill;

/// Wraps `asset`'s body in a response with the asset's status and edited headers (`edits`, see
/// `page::header_edits`), rewritten as it streams. `fill` is a search results page's
/// [`ResultsFill`], applied in the same pass; the `worker-lol-html` build takes the page filled
/// beforehand (`SearchPage::html`) and no `fill`.
pub(super) fn inject(
    asset: web_sys::Response,
    plan: &InjectionPlan,
    edits: &JsValue,
    fill: Option<&ResultsFill>,
) -> worker::Result<web_sys::Response> {
    imp::inject(asset, plan, edits, fill)
}

#[cfg(not(feature = "worker-lol-html"))]
mod imp {
    use wasm_bindgen::JsValue;
    use worker::web_sys;

    use super::super::page;
    use crate::page::InjectionPlan;
    use crate::search::ResultsFill;

    /// The body goes from the asset to the runtime's rewriter without passing through the wasm.
    pub(super) fn inject(
        asset: web_sys::Response,
        plan: &InjectionPlan,
        edits: &JsValue,
        fill: Option<&ResultsFill>,
    ) -> worker::Result<web_sys::Response> {
        Ok(page::rewrite_page(&asset, edits, plan, fill)?)
    }
}

#[cfg(feature = "worker-lol-html")]
mod imp {
    use std::cell::RefCell;
    use std::rc::Rc;

    use futures_util::{StreamExt, stream};
    use worker::{ByteStream, Response, web_sys};

    use crate::page::HtmlInjector;
    use crate::page::InjectionPlan;

    type SharedBuffer = Rc<RefCell<Vec<u8>>>;
    type Injector = HtmlInjector<Box<dyn FnMut(&[u8])>>;

    struct Rewriting {
        input: ByteStream,
        injector: Option<Injector>,
        output: SharedBuffer,
    }

    pub(super) fn inject(
        asset: web_sys::Response,
        plan: &InjectionPlan,
        edits: &wasm_bindgen::JsValue,
        _filled_beforehand: Option<&crate::search::ResultsFill>,
    ) -> worker::Result<web_sys::Response> {
        let headers = super::super::page::page_headers(&asset, edits)?;
        let status = asset.status();
        let mut asset = Response::from(asset);
        let output: SharedBuffer = Rc::default();
        let sink = Rc::clone(&output);
        let injector = HtmlInjector::new(
            plan,
            Box::new(move |chunk: &[u8]| sink.borrow_mut().extend_from_slice(chunk)) as Box<dyn FnMut(&[u8])>,
        );
        let state = Rewriting {
            input: asset.stream()?,
            injector: Some(injector),
            output,
        };
        let body = stream::unfold(state, |mut state| async move {
            loop {
                let injector = state.injector.as_mut()?;
                let step = match state.input.next().await {
                    Some(Ok(chunk)) => injector.write(&chunk).map_err(|error| error.to_string()),
                    Some(Err(error)) => Err(error.to_string()),
                    None => {
                        let finished = state.injector.take().map(HtmlInjector::end);
                        finished.map_or(Ok(()), |result| result.map(|_| ()).map_err(|error| error.to_string()))
                    }
                };
                if let Err(error) = step {
                    state.injector = None;
                    worker::console_error!("rewriting a page failed mid-stream: {error}");
                    return Some((Err(worker::Error::RustError("page rewrite failed".into())), state));
                }
                let ready = std::mem::take(&mut *state.output.borrow_mut());
                if !ready.is_empty() || state.injector.is_none() {
                    return Some((Ok(ready), state));
                }
            }
        });
        Ok(Response::from_stream(body)?
            .with_status(status)
            .with_headers(worker::Headers(headers))
            .into())
    }
}
