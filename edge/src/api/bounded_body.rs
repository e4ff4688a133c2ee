//! Reading a request body that declares no length (chunked) without holding more of it than the API
//! accepts: decides, chunk by chunk, how many bytes to keep and when to stop reading. The Worker
//! feeds it the chunks of the body stream and cancels the stream when it says so; it does no I/O.

/// A body read chunk by chunk, keeping at most `limit` bytes.
#[derive(Debug)]
pub(crate) struct BoundedBody {
    limit: usize,
    received: usize,
    kept: Vec<u8>,
}

/// What to do with the next chunk of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NextChunk {
    /// Keep the whole chunk and read on.
    Keep,
    /// The body is longer than the limit: stop reading and cancel the stream. Nothing of this chunk
    /// is kept.
    OverLimit { received: usize },
}

impl BoundedBody {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit,
            received: 0,
            kept: Vec::new(),
        }
    }

    /// Counts a chunk of `len` bytes and says how much of it to keep. Once the body is over the limit,
    /// every further chunk is refused too.
    pub(crate) fn next_chunk(&mut self, len: usize) -> NextChunk {
        self.received = self.received.saturating_add(len);
        if self.received > self.limit {
            return NextChunk::OverLimit {
                received: self.received,
            };
        }
        NextChunk::Keep
    }

    /// Keeps bytes [`Self::next_chunk`] allowed; never more than the limit in all.
    pub(crate) fn keep(&mut self, bytes: &[u8]) {
        let room = self.limit.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// The bytes kept: the whole body when it was within the limit.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds chunks of the given sizes, as the Worker does, and returns what it kept and whether it
    /// stopped (with the bytes received then), plus how many chunks it read.
    fn feed(limit: usize, chunk_sizes: &[usize]) -> (usize, Option<usize>, usize) {
        let mut body = BoundedBody::new(limit);
        let mut read = 0;
        for &size in chunk_sizes {
            read += 1;
            match body.next_chunk(size) {
                NextChunk::Keep => body.keep(&vec![b'x'; size]),
                NextChunk::OverLimit { received } => return (body.into_bytes().len(), Some(received), read),
            }
        }
        (body.into_bytes().len(), None, read)
    }

    #[test]
    fn a_chunked_body_is_read_only_until_it_passes_the_limit() {
        // (name, limit, chunks, bytes kept, stopped with received, chunks read)
        type Case = (&'static str, usize, &'static [usize], usize, Option<usize>, usize);
        let cases: &[Case] = &[
            ("empty body", 8, &[], 0, None, 0),
            ("one chunk within", 8, &[5], 5, None, 1),
            ("exactly the limit", 8, &[4, 4], 8, None, 2),
            ("one byte over stops at that chunk", 8, &[4, 4, 1, 100], 8, Some(9), 3),
            (
                "a huge first chunk keeps nothing",
                8,
                &[1 << 20, 1 << 20],
                0,
                Some(1 << 20),
                1,
            ),
            ("empty chunks cost nothing", 8, &[0, 8, 0], 8, None, 3),
            (
                "a 100 MB stream in 64 KiB chunks is read for one chunk past 8 KiB",
                8 * 1024,
                &[64 * 1024; 1600],
                0,
                Some(64 * 1024),
                1,
            ),
        ];
        for (name, limit, chunks, kept, stopped, read) in cases {
            assert_eq!(feed(*limit, chunks), (*kept, *stopped, *read), "{name}");
        }
    }

    #[test]
    fn keep_never_holds_more_than_the_limit() {
        let mut body = BoundedBody::new(4);
        body.keep(b"abc");
        body.keep(b"defg");
        assert_eq!(body.into_bytes(), b"abcd");
    }
}
