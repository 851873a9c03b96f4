use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{KnownFormat, SchemaFormat};

use super::string_schema;
use crate::validation::CodeError;

/// An email address, checked pragmatically rather than against the whole of RFC 5322: what
/// people actually type and mail servers actually deliver. The domain is lowercased; the local
/// part is kept as typed, since only the receiving server may decide it is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

code_type!(
    Email,
    string_schema(
        r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$",
        "Email address (adresse électronique): one @, a local part of at most 64 characters \
         (dot-separated atoms of RFC 5322; letters beyond ASCII are accepted too), a domain of \
         dot-separated labels of at most 63 characters (letters, digits, inner hyphens) ending \
         in a top-level domain that starts with a letter, 254 characters at most. The domain is \
         returned in lowercase (rules `email.format`, `email.length`, `email.local`, \
         `email.domain`).",
        "prenom.nom@francetravail.fr",
    )
    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
    .max_length(Some(254))
);

impl Email {
    pub fn parse(value: &str) -> Result<Self, CodeError> {
        if value.len() > 254 {
            return Err(CodeError::new(
                "email.length",
                format!("email address {value:?} is longer than 254 characters"),
            ));
        }
        let Some((local, domain)) = value.split_once('@').filter(|(_, d)| !d.contains('@')) else {
            return Err(CodeError::new("email.format", format!("email address {value:?} must contain exactly one @")));
        };
        if let Some(problem) = local_problem(local) {
            return Err(CodeError::new("email.local", format!("email address {value:?}: the part before @ {problem}")));
        }
        if let Some(problem) = domain_problem(domain) {
            return Err(CodeError::new("email.domain", format!("email address {value:?}: the domain {problem}")));
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// The part after the `@`, in lowercase.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

/// What is wrong with the part before `@`, if anything (RFC 5322 dot-atom, plus non-ASCII
/// letters for internationalized addresses; quoted local parts are not worth their trouble).
fn local_problem(local: &str) -> Option<&'static str> {
    if local.is_empty() {
        return Some("is empty");
    }
    if local.len() > 64 {
        return Some("is longer than 64 characters");
    }
    let allowed = |c: char| {
        c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c) || (!c.is_ascii() && c.is_alphanumeric())
    };
    if !local.chars().all(allowed) {
        return Some("contains a space or a character not allowed there");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Some("has a dot at its start, at its end or twice in a row");
    }
    None
}

/// What is wrong with the part after `@`, if anything.
fn domain_problem(domain: &str) -> Option<&'static str> {
    if !domain.contains('.') {
        return Some("has no dot");
    }
    for label in domain.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Some("has an empty part or a part longer than 63 characters");
        }
        if !label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Some("may only contain letters, digits, hyphens and dots");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("has a part starting or ending with a hyphen");
        }
    }
    // An all-digit last label means an IP address, which no one in the network uses for mail.
    if domain.rsplit('.').next().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit())) {
        return Some("ends with a number instead of a top-level domain");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::checks::{
        assert_json_refused, assert_json_round_trip, assert_refused, assert_schema_agrees, joined,
    };

    #[test]
    fn the_schema_states_what_parse_accepts() {
        let locals = ["prenom.nom", "a", ".a", "a.", "a..b", "a b", "a(b)", "é", "a+b", ""].map(String::from);
        let domains =
            ["@x.fr", "@X.FR", "@x", "@-x.fr", "@x-.fr", "@x..fr", "@x.1", "@1.x", "@x_y.fr", "@x.fr@y.fr", ""];
        // Non-ASCII local parts parse but are outside the pattern: the contract is stricter there.
        let ascii = joined(&locals, &domains).into_iter().filter(|candidate| candidate.is_ascii());
        assert_schema_agrees(Email::parse, &[], ascii);
    }

    fn rule(value: &str) -> &'static str {
        Email::parse(value).unwrap_err().rule
    }

    #[test]
    fn accepts_addresses_and_lowercases_the_domain() {
        for value in [
            "prenom.nom@francetravail.fr",
            "a@b.co",
            "contact+plateforme@mission-locale.paris",
            "o'neil@cap-emploi.example.org",
            "zoé@exemple.fr",
            "x@xn--exemple-9ua.fr",
        ] {
            assert_eq!(Email::parse(value).unwrap().as_str(), value);
        }
        let email = Email::parse("Jean.Dupont@FranceTravail.FR").unwrap();
        assert_eq!(email.as_str(), "Jean.Dupont@francetravail.fr");
        assert_eq!(email.domain(), "francetravail.fr");
    }

    #[test]
    fn rejects_each_broken_rule() {
        assert_refused(Email::parse, "email.format", &["", "jean.dupont", "jean@dupont@exemple.fr"]);
        let long_local = format!("{}@exemple.fr", "a".repeat(65));
        let bad_locals = ["@exemple.fr", &long_local, "jean dupont@exemple.fr", "jean,d@exemple.fr"];
        assert_refused(Email::parse, "email.local", &bad_locals);
        let bad_dots = [".jean@exemple.fr", "jean.@exemple.fr", "je..an@exemple.fr", " jean@exemple.fr"];
        assert_refused(Email::parse, "email.local", &bad_dots);
        let bad_domains = [
            "jean@",
            "jean@localhost",
            "jean@exemple..fr",
            "jean@.exemple.fr",
            "jean@exemple.fr.",
            "jean@-exemple.fr",
            "jean@exemple-.fr",
            "jean@exem_ple.fr",
            "jean@exemple.fr ",
            "jean@exémple.fr",
            "jean@127.0.0.1",
        ];
        assert_refused(Email::parse, "email.domain", &bad_domains);
        let long_label = format!("jean@{}.fr", "a".repeat(64));
        assert_eq!(rule(&long_label), "email.domain");
        let too_long = format!("jean@{}.fr", vec!["a".repeat(60); 5].join("."));
        assert_eq!(rule(&too_long), "email.length");
    }

    #[test]
    fn serde_round_trip() {
        assert_json_round_trip::<Email>("Jean@Exemple.FR", "Jean@exemple.fr");
        assert_json_refused::<Email>("jean.exemple.fr", "exactly one @");
    }
}
