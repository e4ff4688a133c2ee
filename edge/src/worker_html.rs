//! Applies an [`InjectionPlan`] to an HTML response body inside the Worker, streaming. By default it
//! hands the plan to the runtime's own HTMLRewriter through a few lines of JavaScript (the rules match
//! [`crate::HtmlInjector`], and the end-to-end tests check them in workerd); with the
//! `worker-lol-html` feature it streams the body through [`crate::HtmlInjector`] compiled into the wasm.
//! `bench/` measures the two against each other.

use worker::{Response, ResponseBody, web_sys};

use crate::injection::InjectionPlan;

/// Wraps `asset`'s body in a response with `headers` and the asset's status, rewritten as it streams.
pub fn inject(asset: web_sys::Response, plan: &InjectionPlan, headers: web_sys::Headers) -> worker::Result<Response> {
    imp::inject(asset, plan, headers)
}

/// A body-less response (HEAD, 304) with the page headers: there is nothing to rewrite.
pub fn without_body(asset: &web_sys::Response, headers: web_sys::Headers) -> worker::Result<Response> {
    Ok(Response::from_body(ResponseBody::Empty)?
        .with_status(asset.status())
        .with_headers(worker::Headers(headers)))
}

/// Hands a runtime `Response` back as a `worker::Response` without reading its `cf` property, which
/// `Response::from` does and which costs a deserialisation per page (a page response has no `cf`).
pub fn into_worker_response(response: web_sys::Response) -> Response {
    let builder = Response::builder()
        .with_status(response.status())
        .with_headers(worker::Headers(response.headers()));
    match response.body() {
        Some(body) => builder.stream(body),
        None => builder.empty(),
    }
}

#[cfg(not(feature = "worker-lol-html"))]
mod imp {
    use wasm_bindgen::prelude::wasm_bindgen;
    use worker::{Response, web_sys};

    use crate::html_injector::PINNED_MESSAGE_SELECTOR;
    use crate::injection::InjectionPlan;

    #[wasm_bindgen(inline_js = r#"
export function injectWithRuntimeRewriter(asset, headers, themeClass, pinnedMessage, edgeName, pinnedSelector) {
  let htmlSeen = false;
  let rewriter = new HTMLRewriter().on("html", {
    element(html) {
      if (htmlSeen) return;
      htmlSeen = true;
      if (themeClass !== undefined) {
        const classes = html.getAttribute("class") || "";
        if (!classes.split(/[ \t\n\f\r]+/).includes(themeClass)) {
          html.setAttribute("class", classes.trim() === "" ? themeClass : `${classes.trimEnd()} ${themeClass}`);
        }
      }
      html.setAttribute("data-edge", edgeName);
    },
  });
  if (pinnedMessage !== undefined) {
    rewriter = rewriter.on(pinnedSelector, {
      element(slot) {
        slot.setInnerContent(pinnedMessage, { html: false });
        slot.removeAttribute("hidden");
      },
    });
  }
  return rewriter.transform(new Response(asset.body, { status: asset.status, headers }));
}
"#)]
    extern "C" {
        #[wasm_bindgen(js_name = injectWithRuntimeRewriter, catch)]
        fn inject_with_runtime_rewriter(
            asset: web_sys::Response,
            headers: web_sys::Headers,
            theme_class: Option<String>,
            pinned_message: Option<String>,
            edge_name: &str,
            pinned_selector: &str,
        ) -> Result<web_sys::Response, wasm_bindgen::JsValue>;
    }

    /// The body goes from the asset to the runtime's rewriter without passing through the wasm.
    pub(super) fn inject(
        asset: web_sys::Response,
        plan: &InjectionPlan,
        headers: web_sys::Headers,
    ) -> worker::Result<Response> {
        let rewritten = inject_with_runtime_rewriter(
            asset,
            headers,
            plan.theme_class.clone(),
            plan.pinned_message.clone(),
            &plan.edge_name,
            PINNED_MESSAGE_SELECTOR,
        )?;
        Ok(super::into_worker_response(rewritten))
    }
}

#[cfg(feature = "worker-lol-html")]
mod imp {
    use std::cell::RefCell;
    use std::rc::Rc;

    use futures_util::{StreamExt, stream};
    use worker::{ByteStream, Response, web_sys};

    use crate::html_injector::HtmlInjector;
    use crate::injection::InjectionPlan;

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
        headers: web_sys::Headers,
    ) -> worker::Result<Response> {
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
            .with_headers(worker::Headers(headers)))
    }
}
