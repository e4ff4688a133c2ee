//! Fenced code blocks: highlighted code frames, build-time diagrams, code includes and tab groups.

use super::{MarkdownSource, RenderContext};
use crate::diagnostics::Diagnostic;
use pulldown_cmark::Event;
use std::ops::Range;

/// Replaces fenced code blocks in `events` by their rendered HTML.
pub fn process<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    _source: &MarkdownSource<'_>,
    _context: &RenderContext<'_>,
    _diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Event<'a>> {
    events.into_iter().map(|(event, _)| event).collect()
}
