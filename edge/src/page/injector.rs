//! Applies an [`InjectionPlan`] to HTML as it streams, with lol_html: feed chunks with
//! [`HtmlInjector::write`], finish with [`HtmlInjector::end`]; output goes to the caller's sink chunk by
//! chunk, so a page is never held whole. Used natively (the preview server) and, when built with the
//! `worker-lol-html` feature, inside the Worker. It decides nothing: the plan says what to inject.

use std::cell::Cell;
use std::rc::Rc;

use lol_html::html_content::{ContentType, Element};
use lol_html::{HtmlRewriter, OutputSink, Settings, element};

use super::plan::InjectionPlan;

/// The selector of the pinned-message slot in the theme's base template.
pub const PINNED_MESSAGE_SELECTOR: &str = "div#pinned-message";

/// What the rewriter found and changed, so callers and tests can tell the handlers ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InjectionReport {
    /// `<html>` was seen and given `data-edge` (and the theme class, when planned).
    pub html_element_rewritten: bool,
    /// The pinned-message slot was filled and un-hidden.
    pub pinned_message_filled: bool,
}

/// The HTML could not be rewritten (lol_html gave up on the input).
#[derive(Debug, thiserror::Error)]
#[error("the HTML could not be rewritten: {0}")]
pub struct InjectionError(#[from] lol_html::errors::RewritingError);

/// A streaming injector: one per response body.
pub struct HtmlInjector<O: OutputSink> {
    rewriter: HtmlRewriter<'static, O>,
    html_element_rewritten: Rc<Cell<bool>>,
    pinned_message_filled: Rc<Cell<bool>>,
}

impl<O: OutputSink> HtmlInjector<O> {
    /// Starts rewriting; rewritten bytes go to `output` as soon as they are ready. The injector keeps
    /// its own copy of what it injects, so it can outlive the plan (a streamed response body does).
    pub fn new(plan: &InjectionPlan, output: O) -> Self {
        let theme_class = plan.theme_class.clone();
        let edge_name = plan.edge_name.clone();
        let html_element_rewritten = Rc::new(Cell::new(false));
        let pinned_message_filled = Rc::new(Cell::new(false));
        let mut settings = Settings::new()
            .with_strict(false)
            .append_element_content_handler(element!("html", {
                let seen = Rc::clone(&html_element_rewritten);
                move |html: &mut Element<'_, '_>| {
                    if seen.replace(true) {
                        return Ok(());
                    }
                    if let Some(theme_class) = &theme_class {
                        let classes = html.get_attribute("class").unwrap_or_default();
                        if !classes.split_ascii_whitespace().any(|class| class == theme_class) {
                            let joined = if classes.trim().is_empty() {
                                theme_class.clone()
                            } else {
                                format!("{} {theme_class}", classes.trim_end())
                            };
                            html.set_attribute("class", &joined)?;
                        }
                    }
                    html.set_attribute("data-edge", &edge_name)?;
                    Ok(())
                }
            }));
        if let Some(message) = plan.pinned_message.clone() {
            let filled = Rc::clone(&pinned_message_filled);
            settings = settings.append_element_content_handler(element!(PINNED_MESSAGE_SELECTOR, move |slot| {
                slot.set_inner_content(&message, ContentType::Text);
                slot.remove_attribute("hidden");
                filled.set(true);
                Ok(())
            }));
        }
        Self {
            rewriter: HtmlRewriter::new(settings, output),
            html_element_rewritten,
            pinned_message_filled,
        }
    }

    /// Feeds the next chunk of the page.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), InjectionError> {
        Ok(self.rewriter.write(chunk)?)
    }

    /// Ends the page, flushing what is left, and reports what was rewritten.
    pub fn end(self) -> Result<InjectionReport, InjectionError> {
        self.rewriter.end()?;
        Ok(InjectionReport {
            html_element_rewritten: self.html_element_rewritten.get(),
            pinned_message_filled: self.pinned_message_filled.get(),
        })
    }
}

/// Rewrites a whole page held in memory (tests, small pages); streams internally like the rest.
pub fn inject_into_html(plan: &InjectionPlan, html: &[u8]) -> Result<(Vec<u8>, InjectionReport), InjectionError> {
    let mut output = Vec::with_capacity(html.len() + 256);
    let mut injector = HtmlInjector::new(plan, |chunk: &[u8]| output.extend_from_slice(chunk));
    injector.write(html)?;
    let report = injector.end()?;
    Ok((output, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html>
<html lang="en" class="no-js docs">
<head><meta charset="utf-8"><title>KV</title></head>
<body>
<div id="pinned-message" class="pinned-message" role="status" hidden></div>
<main><p>Déjà vu — “quotes” 🚀</p><pre><code>&lt;div id="pinned-message"&gt;</code></pre></main>
</body>
</html>
"#;

    fn plan(theme_class: Option<&str>, message: Option<&str>) -> InjectionPlan {
        InjectionPlan {
            theme_class: theme_class.map(str::to_owned),
            pinned_message: message.map(str::to_owned),
            edge_name: "preview".into(),
        }
    }

    /// Feeds `input` in chunks of the given sizes (cycling), returning the output and the report.
    fn rewrite_in_chunks(plan: &InjectionPlan, input: &[u8], sizes: &[usize]) -> (String, InjectionReport) {
        let mut output = Vec::new();
        let mut injector = HtmlInjector::new(plan, |chunk: &[u8]| output.extend_from_slice(chunk));
        let mut offset = 0;
        for size in sizes.iter().cycle() {
            if offset >= input.len() {
                break;
            }
            let end = (offset + size.max(&1)).min(input.len());
            injector.write(&input[offset..end]).expect("rewrites");
            offset = end;
        }
        let report = injector.end().expect("ends");
        (String::from_utf8(output).expect("UTF-8 in, UTF-8 out"), report)
    }

    /// A small deterministic generator so the "random" chunking is reproducible.
    fn pseudo_random_sizes(seed: u64, count: usize, max: usize) -> Vec<usize> {
        let mut state = seed;
        (0..count)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (state >> 33) as usize % max + 1
            })
            .collect()
    }

    #[test]
    fn same_output_in_one_chunk_small_chunks_and_random_chunks() {
        let plan = plan(Some("theme-dark"), Some("Maintenance <b>tonight</b> & \"tomorrow\""));
        let (whole, report) = rewrite_in_chunks(&plan, PAGE.as_bytes(), &[PAGE.len()]);
        assert_eq!(
            report,
            InjectionReport {
                html_element_rewritten: true,
                pinned_message_filled: true
            }
        );
        assert!(
            whole.contains(r#"<html lang="en" class="no-js docs theme-dark" data-edge="preview">"#),
            "{whole}"
        );
        assert!(
            whole.contains(r#"<div id="pinned-message" class="pinned-message" role="status">Maintenance &lt;b&gt;tonight&lt;/b&gt; &amp; "tomorrow"</div>"#),
            "{whole}"
        );
        assert!(whole.contains("Déjà vu — “quotes” 🚀"));
        assert!(
            whole.contains(r#"<code>&lt;div id="pinned-message"&gt;</code>"#),
            "escaped text is not an element"
        );

        for sizes in [
            vec![1],
            vec![2, 3],
            vec![7],
            pseudo_random_sizes(1, 64, 40),
            pseudo_random_sizes(42, 64, 200),
        ] {
            let (chunked, chunked_report) = rewrite_in_chunks(&plan, PAGE.as_bytes(), &sizes);
            assert_eq!(chunked, whole, "chunk sizes {sizes:?}");
            assert_eq!(chunked_report, report, "chunk sizes {sizes:?}");
        }
    }

    #[test]
    fn no_message_leaves_the_slot_hidden_and_empty() {
        let (output, report) = inject_into_html(&plan(None, None), PAGE.as_bytes()).expect("rewrites");
        let output = String::from_utf8(output).expect("UTF-8");
        assert!(report.html_element_rewritten);
        assert!(!report.pinned_message_filled);
        assert!(output.contains(r#"<div id="pinned-message" class="pinned-message" role="status" hidden></div>"#));
        assert!(
            output.contains(r#"<html lang="en" class="no-js docs" data-edge="preview">"#),
            "{output}"
        );
    }

    #[test]
    fn script_in_the_message_comes_out_as_text() {
        let (output, _) =
            inject_into_html(&plan(None, Some("<script>alert(1)</script>")), PAGE.as_bytes()).expect("rewrites");
        let output = String::from_utf8(output).expect("UTF-8");
        assert!(output.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{output}");
        assert!(!output.contains("<script>"));
    }

    #[test]
    fn theme_class_is_not_duplicated_and_works_without_a_class_attribute() {
        let (output, _) = inject_into_html(
            &plan(Some("theme-dark"), None),
            br#"<html class="theme-dark"><body></body></html>"#,
        )
        .expect("rewrites");
        assert_eq!(
            String::from_utf8(output).expect("UTF-8"),
            r#"<html class="theme-dark" data-edge="preview"><body></body></html>"#
        );
        let (output, _) =
            inject_into_html(&plan(Some("theme-sepia"), None), b"<html><body></body></html>").expect("rewrites");
        assert_eq!(
            String::from_utf8(output).expect("UTF-8"),
            r#"<html class="theme-sepia" data-edge="preview"><body></body></html>"#
        );
    }

    #[test]
    fn a_large_page_comes_out_in_pieces_and_intact() {
        let mut page = String::from(r#"<html class="docs"><body><div id="pinned-message" hidden></div>"#);
        while page.len() < 1024 * 1024 {
            page.push_str("<p>Lorem ipsum dolor sit amet, <a href=\"/x/\">link</a> consectetur.</p>\n");
        }
        page.push_str("</body></html>");
        let plan = plan(Some("theme-dark"), Some("hello"));
        let mut output = Vec::new();
        let mut largest_chunk = 0;
        {
            let mut injector = HtmlInjector::new(&plan, |chunk: &[u8]| {
                largest_chunk = largest_chunk.max(chunk.len());
                output.extend_from_slice(chunk);
            });
            for chunk in page.as_bytes().chunks(16 * 1024) {
                injector.write(chunk).expect("rewrites");
            }
            injector.end().expect("ends");
        }
        assert!(
            largest_chunk < 64 * 1024,
            "output is emitted in pieces, the largest was {largest_chunk} bytes"
        );
        let expected = page
            .replace(
                r#"<html class="docs">"#,
                r#"<html class="docs theme-dark" data-edge="preview">"#,
            )
            .replace(
                r#"<div id="pinned-message" hidden></div>"#,
                r#"<div id="pinned-message">hello</div>"#,
            );
        assert_eq!(String::from_utf8(output).expect("UTF-8"), expected);
    }
}
