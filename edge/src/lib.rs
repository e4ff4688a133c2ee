//! The edgedocs edge middleware: decides what to inject into each HTML page and answers the KV demo APIs.
