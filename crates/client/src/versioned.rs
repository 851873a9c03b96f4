//! Resources with their version: the `ETag` a read returns is what the next write sends in
//! `If-Match`, so the two travel together.

use std::fmt;

/// An entity tag as the server sends it, quotes included: `"3"` (or `W/"3"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ETag(String);

impl ETag {
    /// The header value as received. `None` for a value that is not an entity tag (RFC 9110
    /// §8.8.3: an optional `W/` and a quoted string).
    pub fn parse(value: &str) -> Option<ETag> {
        let value = value.trim();
        let opaque = value.strip_prefix("W/").unwrap_or(value);
        let quoted = opaque.len() >= 2 && opaque.starts_with('"') && opaque.ends_with('"');
        (quoted && !opaque[1..opaque.len() - 1].contains('"')).then(|| ETag(value.to_owned()))
    }

    /// The strong tag Plateforme gives a resource at `version`: `"3"`.
    pub fn for_version(version: u64) -> ETag {
        ETag(format!("\"{version}\""))
    }

    /// The header value, quotes included.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_weak(&self) -> bool {
        self.0.starts_with("W/")
    }

    /// The version the tag names, when it is one of Plateforme's (a number).
    pub fn version(&self) -> Option<u64> {
        self.0.trim_start_matches("W/").trim_matches('"').parse().ok()
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A resource as read, with the `ETag` to send back in `If-Match` when changing it.
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned<T> {
    pub value: T,
    pub etag: ETag,
}

/// The answer to a read with `If-None-Match`.
#[derive(Debug, Clone, PartialEq)]
pub enum Conditional<T> {
    /// The resource changed since the tag given (or the tag never matched): here it is.
    Modified(Versioned<T>),
    /// 304: the copy held is still current.
    NotModified { etag: Option<ETag> },
}

impl<T> Conditional<T> {
    pub fn is_not_modified(&self) -> bool {
        matches!(self, Conditional::NotModified { .. })
    }
}

/// The answer to a creation.
#[derive(Debug, Clone, PartialEq)]
pub struct Created<T> {
    pub value: T,
    pub etag: ETag,
    /// The path of the new resource (`Location`).
    pub location: Option<String>,
    /// True when the server replayed the first answer to the same `Idempotency-Key`
    /// (`Idempotent-Replayed: true`): nothing new was created.
    pub replayed: bool,
}

impl<T> Created<T> {
    /// The resource and its tag, to carry on with.
    pub fn into_versioned(self) -> Versioned<T> {
        Versioned { value: self.value, etag: self.etag }
    }
}

#[cfg(test)]
mod tests {
    use super::ETag;

    #[test]
    fn tags_are_read_as_sent() {
        let strong = ETag::parse("\"3\"").expect("strong");
        assert_eq!((strong.version(), strong.is_weak(), strong.as_str()), (Some(3), false, "\"3\""));
        let weak = ETag::parse("W/\"3\"").expect("weak");
        assert_eq!((weak.version(), weak.is_weak()), (Some(3), true));
        assert_eq!(ETag::for_version(7).as_str(), "\"7\"");
        assert_eq!(ETag::parse("3"), None);
        assert_eq!(ETag::parse("\"a\"b\""), None);
    }
}
