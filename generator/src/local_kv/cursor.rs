//! The opaque list cursor: where the next page of a listing starts. It encodes the last key of the
//! previous page as hex, so it survives any transport and never needs escaping; callers treat it as
//! an opaque string, as they do Cloudflare's.

use edgedocs_edge::validate_kv_key;

/// The cursor for a page that ended at `last_key`.
pub(super) fn cursor_after(last_key: &str) -> String {
    let mut cursor = String::with_capacity(last_key.len() * 2);
    for byte in last_key.bytes() {
        cursor.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
        cursor.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
    }
    cursor
}

/// The key a cursor continues after, when the cursor is one this store made for a listing of
/// `prefix`; `None` for anything else.
pub(super) fn key_after_cursor(cursor: &str, prefix: &str) -> Option<String> {
    let digits = cursor.as_bytes();
    if digits.is_empty() || !digits.len().is_multiple_of(2) {
        return None;
    }
    let bytes = digits
        .chunks_exact(2)
        .map(|pair| Some(hex_value(pair[0])? << 4 | hex_value(pair[1])?))
        .collect::<Option<Vec<u8>>>()?;
    let key = String::from_utf8(bytes).ok()?;
    (key.starts_with(prefix) && validate_kv_key(&key).is_ok()).then_some(key)
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_any_key() {
        for key in [
            "flag:abc:t1:dark",
            "ключ/значение",
            "a",
            "emoji 🦀 key",
            &"k".repeat(512),
        ] {
            let cursor = cursor_after(key);
            assert!(cursor.bytes().all(|b| b.is_ascii_hexdigit()), "{cursor}");
            assert_eq!(key_after_cursor(&cursor, "").as_deref(), Some(key));
        }
    }

    #[test]
    fn cursors_that_this_store_did_not_make_are_refused() {
        let cases = [
            ("empty", String::new(), ""),
            ("odd length", "616".to_owned(), ""),
            ("not hex", "zz".to_owned(), ""),
            ("upper-case hex", "4A".to_owned(), ""),
            ("not UTF-8", "ff".to_owned(), ""),
            ("another prefix", cursor_after("theme:abc"), "flag:"),
            ("reserved key", cursor_after(".."), ""),
        ];
        for (name, cursor, prefix) in cases {
            assert_eq!(key_after_cursor(&cursor, prefix), None, "{name}");
        }
    }
}
