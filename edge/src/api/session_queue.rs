//! One session's counted writes at a time, within one runtime instance: a request that counts what a
//! session holds before it writes (a flag POST) goes ahead only once the earlier such requests of the
//! same session have finished their writes, so concurrent requests cannot all pass the count.
//!
//! Runtime state (the Worker keeps one per isolate) with no I/O and no wakers: a request takes a
//! place and asks whether it is first, waiting in between on a timer of its own. In workerd a request
//! may not be resumed from another request's code (its I/O would run in the wrong request and the
//! runtime would cancel it as hung), so the one ahead cannot wake it; it looks again instead.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};

/// The places taken, per session, in arrival order.
#[derive(Debug, Default)]
pub(crate) struct SessionQueue {
    waiting: RefCell<HashMap<String, VecDeque<u64>>>,
    next_ticket: Cell<u64>,
}

impl SessionQueue {
    /// Takes the last place in `key`'s line.
    pub(crate) fn join(&self, key: &str) -> Place<'_> {
        let ticket = self.next_ticket.get();
        self.next_ticket.set(ticket.wrapping_add(1));
        self.waiting
            .borrow_mut()
            .entry(key.to_owned())
            .or_default()
            .push_back(ticket);
        Place {
            queue: self,
            key: key.to_owned(),
            ticket,
        }
    }

    /// How many sessions have a request waiting or running (for tests).
    #[cfg(test)]
    fn sessions(&self) -> usize {
        self.waiting.borrow().len()
    }
}

/// A request's place in its session's line; leaving (dropping it) lets the next one go.
#[derive(Debug)]
pub(crate) struct Place<'a> {
    queue: &'a SessionQueue,
    key: String,
    ticket: u64,
}

impl Place<'_> {
    /// Whether every request of the session that came earlier has left.
    pub(crate) fn is_first(&self) -> bool {
        self.queue.waiting.borrow().get(&self.key).and_then(VecDeque::front) == Some(&self.ticket)
    }
}

impl Drop for Place<'_> {
    /// Leaves the line, finished or abandoned midway; the session is forgotten when nobody is left.
    fn drop(&mut self) {
        let mut waiting = self.queue.waiting.borrow_mut();
        if let Some(line) = waiting.get_mut(&self.key) {
            line.retain(|ticket| *ticket != self.ticket);
            if line.is_empty() {
                waiting.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sessions_requests_go_one_at_a_time_in_arrival_order() {
        let queue = SessionQueue::default();
        let first = queue.join("a");
        let second = queue.join("a");
        let third = queue.join("a");
        let other = queue.join("b");
        assert!(first.is_first());
        assert!(!second.is_first() && !third.is_first(), "the later ones wait");
        assert!(other.is_first(), "another session does not wait");
        drop(first);
        assert!(second.is_first());
        assert!(!third.is_first());
        drop(second);
        assert!(third.is_first());
        drop(third);
        assert_eq!(
            queue.sessions(),
            1,
            "session a is forgotten once its last request has left"
        );
        drop(other);
        assert_eq!(queue.sessions(), 0);
    }

    #[test]
    fn a_request_abandoned_while_waiting_holds_nobody_up() {
        let queue = SessionQueue::default();
        let first = queue.join("a");
        let abandoned = queue.join("a");
        let last = queue.join("a");
        drop(abandoned);
        assert!(!last.is_first());
        drop(first);
        assert!(last.is_first(), "the abandoned place is skipped");
        drop(last);
        assert_eq!(queue.sessions(), 0, "nothing left behind");
    }
}
