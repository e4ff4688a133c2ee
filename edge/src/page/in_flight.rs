//! Pages waiting for their asset and KV reads, by ticket. The Worker parks a page's [`PendingPage`]
//! when it starts the fetch and takes it back when the results arrive, so the second half of the page
//! path does not read the request's URL and cookies again and redo the core's first step.
//!
//! A page whose results never arrive (the visitor went away and the runtime dropped the request)
//! leaves its entry behind; the table is bounded and forgets the oldest tickets first. A ticket that
//! is no longer there is not an error: the caller recomputes the pending page from the request.

use super::plan::PendingPage;

/// Entries kept at most; far above the pages one instance has in flight at once.
const CAPACITY: usize = 1024;

/// A ring of slots: ticket `t` lives in slot `t % CAPACITY` until the ticket `CAPACITY` later
/// takes its place, so parking and taking are constant time and the oldest page goes first.
#[derive(Debug, Default)]
pub(crate) struct PagesInFlight {
    next_ticket: u32,
    slots: Vec<Option<(u32, PendingPage)>>,
}

impl PagesInFlight {
    /// Parks `page` and returns its ticket.
    pub(crate) fn park(&mut self, page: PendingPage) -> u32 {
        let ticket = self.next_ticket;
        self.next_ticket = self.next_ticket.wrapping_add(1);
        let slot = Self::slot(ticket);
        if slot >= self.slots.len() {
            self.slots.resize_with(slot + 1, || None);
        }
        self.slots[slot] = Some((ticket, page));
        ticket
    }

    /// The page parked under `ticket`, once; `None` when it was never parked or was forgotten.
    pub(crate) fn take(&mut self, ticket: u32) -> Option<PendingPage> {
        let slot = self.slots.get_mut(Self::slot(ticket))?;
        match slot.take() {
            Some((parked, page)) if parked == ticket => Some(page),
            other => {
                *slot = other;
                None
            }
        }
    }

    fn slot(ticket: u32) -> usize {
        ticket as usize % CAPACITY
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.iter().flatten().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;
    use crate::page::start_page;
    use crate::test_support::{OTHER_VISITOR, VISITOR, config, request};

    fn page(session: &str) -> PendingPage {
        start_page(
            &request(Method::Get, "/").with_header("cookie", format!("session={session}")),
            &config(),
        )
    }

    #[test]
    fn gives_each_page_back_once() {
        let mut pages = PagesInFlight::default();
        let first = pages.park(page(VISITOR));
        let second = pages.park(page(OTHER_VISITOR));
        assert_ne!(first, second);
        let taken = pages.take(second).expect("the second page is parked");
        assert_eq!(taken.reads, page(OTHER_VISITOR).reads);
        assert!(pages.take(second).is_none(), "a ticket is good once");
        assert!(pages.take(first).is_some());
        assert_eq!(pages.len(), 0);
    }

    #[test]
    fn forgets_the_oldest_pages_beyond_capacity() {
        let mut pages = PagesInFlight::default();
        let tickets: Vec<u32> = (0..CAPACITY + 10).map(|_| pages.park(page("none"))).collect();
        assert_eq!(pages.len(), CAPACITY);
        assert!(pages.take(tickets[0]).is_none(), "the oldest was forgotten");
        assert!(pages.take(tickets[9]).is_none());
        assert!(pages.take(tickets[10]).is_some(), "the newest are kept");
        assert!(pages.take(tickets[CAPACITY + 9]).is_some());
    }

    #[test]
    fn tickets_wrap_around_without_clashing_with_recent_ones() {
        let mut pages = PagesInFlight {
            next_ticket: u32::MAX,
            ..PagesInFlight::default()
        };
        let last = pages.park(page("none"));
        let wrapped = pages.park(page("none"));
        assert_eq!((last, wrapped), (u32::MAX, 0));
        assert!(pages.take(last).is_some() && pages.take(wrapped).is_some());
    }
}
