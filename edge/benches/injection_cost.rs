//! Measures what applying an injection plan costs natively: lol_html (the engine behind both the
//! runtime's HTMLRewriter and this crate's `HtmlInjector`) over a 100 KB page fed in 16 KiB chunks.
//! `cargo bench -p edgedocs-edge --bench injection_cost` (run by `bench/run.sh`)

use std::time::Instant;

use edgedocs_edge::{HtmlInjector, InjectionPlan};

fn page(bytes: usize) -> String {
    let mut html = String::from(
        "<!doctype html>\n<html lang=\"en\" class=\"large\">\n<head><meta charset=\"utf-8\"><title>Large</title></head>\n<body>\n\
         <div id=\"pinned-message\" class=\"pinned-message\" role=\"status\" hidden></div>\n<main>\n",
    );
    let paragraph = "<p>KV reads are cached at the edge — “sub-millisecond” on a hit. <a href=\"/storage/kv/\">More</a> &amp; more.</p>\n";
    let mut section = 0;
    while html.len() < bytes {
        html.push_str(&format!("<h2 id=\"section-{section}\">Section {section}</h2>\n"));
        html.push_str(&paragraph.repeat(20));
        section += 1;
    }
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

fn main() {
    let plan = InjectionPlan {
        theme_class: Some("theme-dark".into()),
        pinned_message: Some("Scheduled maintenance on Saturday, 10:00 UTC.".into()),
        edge_name: "cloudflare".into(),
    };
    for size in [1024, 100 * 1024, 1024 * 1024] {
        let html = page(size);
        let iterations = (20 * 1024 * 1024 / html.len()).max(10);
        let mut output_bytes = 0;
        let started = Instant::now();
        for _ in 0..iterations {
            let mut injector = HtmlInjector::new(&plan, |chunk: &[u8]| output_bytes += chunk.len());
            for chunk in html.as_bytes().chunks(16 * 1024) {
                injector.write(chunk).expect("the page rewrites");
            }
            let report = injector.end().expect("the page rewrites");
            assert!(report.html_element_rewritten && report.pinned_message_filled);
        }
        let per_page = started.elapsed().as_secs_f64() * 1000.0 / iterations as f64;
        println!(
            "{:>8} bytes: {per_page:.3} ms per page, {:.3} ms per 100 KB ({iterations} pages, {} bytes out)",
            html.len(),
            per_page * (100.0 * 1024.0) / html.len() as f64,
            output_bytes
        );
    }
}
