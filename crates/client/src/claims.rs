//! What an access token says about its holder, read without checking the signature: the
//! client trusts the token endpoint it just called, and only wants to know, say, which
//! organization it acts for. Never use this to decide anything on someone else's token.

use serde_json::Value;

/// The payload of a JWT (`header.payload.signature`), when it is one.
pub(crate) fn unverified(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&base64url_decode(payload)?).ok()
}

/// Unpadded base64url (RFC 4648 §5), as JWTs use; `None` on any other character.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for character in text.bytes().filter(|&c| c != b'=') {
        let value = match character {
            b'A'..=b'Z' => character - b'A',
            b'a'..=b'z' => character - b'a' + 26,
            b'0'..=b'9' => character - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_decoded() {
        assert_eq!(base64url_decode("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64url_decode("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(base64url_decode("a+b"), None);
        let token = "eyJhbGciOiJFUzI1NiJ9.eyJzY29wZSI6ImEgYiJ9.c2ln";
        assert_eq!(unverified(token), Some(serde_json::json!({"scope": "a b"})));
        assert_eq!(unverified("opaque"), None);
    }
}
