//! A client's address as a rate limiter counts it: an IPv4 address as sent, an IPv6 address by its
//! /64. Parsed by hand, without the standard library's address types (see [`client_network`]).

/// An IPv4 address as sent; an IPv6 address as its first 64 bits (`2001:db8:1:2::/64`), since one
/// client usually holds a whole /64; an IPv4-mapped IPv6 address as its IPv4; anything else as sent.
/// Parsed by hand: the standard library's parser and printer cost the Worker 8 KiB of wasm.
pub(crate) fn client_network(address: &str) -> String {
    if !address.contains(':') {
        return address.to_owned();
    }
    if let Some((_, v4)) = address.rsplit_once(':')
        && v4.contains('.')
    {
        return v4.to_owned();
    }
    match ipv6_network(address) {
        Some([a, b, c, d]) => format!("{a:x}:{b:x}:{c:x}:{d:x}::/64"),
        None => address.to_owned(),
    }
}

/// The first four groups of an IPv6 address in its text form (`::` expanded), or `None` when it is
/// not one.
fn ipv6_network(address: &str) -> Option<[u16; 4]> {
    let groups_of = |part: &str| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        part.split(':')
            .map(|group| {
                let hex = !group.is_empty() && group.len() <= 4 && group.bytes().all(|byte| byte.is_ascii_hexdigit());
                hex.then(|| u16::from_str_radix(group, 16).ok()).flatten()
            })
            .collect()
    };
    let (head, tail, compressed) = match address.split_once("::") {
        Some((head, tail)) => (groups_of(head)?, groups_of(tail)?, true),
        None => (groups_of(address)?, Vec::new(), false),
    };
    let count = head.len() + tail.len();
    if (compressed && count > 7) || (!compressed && count != 8) {
        return None;
    }
    let mut groups = [0_u16; 8];
    groups[..head.len()].copy_from_slice(&head);
    groups[8 - tail.len()..].copy_from_slice(&tail);
    Some([groups[0], groups[1], groups[2], groups[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_counted_by_client_network() {
        for (address, network) in [
            ("203.0.113.7", "203.0.113.7"),
            ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
            ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
            ("2001:0db8:0001:0002:0000:0000:0000:0001", "2001:db8:1:2::/64"),
            ("::", "0:0:0:0::/64"),
            ("::ffff:203.0.113.7", "203.0.113.7"),
            ("1:2:3", "1:2:3"),
            ("1::2::3", "1::2::3"),
            ("12345::", "12345::"),
        ] {
            assert_eq!(client_network(address), network, "{address}");
        }
    }
}
