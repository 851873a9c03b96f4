//! The codes of the network: each one a newtype that can only hold a valid, normalized value.
//!
//! Parsing is the only way in, so a `Siret` or a `CommuneCode` met anywhere else in the code base
//! has already passed its checks. The checks here are about form; whether a well-formed code
//! exists in a referential (COG, ROME…) is checked elsewhere.

use utoipa::openapi::schema::{ObjectBuilder, Type};

/// Shared plumbing of a code type whose module defines `struct X(String)` and `X::parse`.
///
/// The `@sensitive` form leaves out every conversion back to a bare string (`Display`,
/// `From<X> for String`, `AsRef<str>`), so that a sensitive value only comes out through an
/// explicit `as_str()`.
macro_rules! code_type {
    ($ty:ident, $schema:expr) => {
        code_type!(@sensitive $ty, $schema);

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::convert::From<$ty> for String {
            fn from(value: $ty) -> String {
                value.0
            }
        }

        impl ::std::convert::AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
    (@sensitive $ty:ident, $schema:expr) => {
        impl $ty {
            /// The normalized value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::TryFrom<&str> for $ty {
            type Error = $crate::validation::CodeError;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::parse(value)
            }
        }

        impl ::std::convert::TryFrom<String> for $ty {
            type Error = $crate::validation::CodeError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::validation::CodeError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::parse(value)
            }
        }

        impl ::utoipa::PartialSchema for $ty {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                let schema: ::utoipa::openapi::schema::ObjectBuilder = $schema;
                schema.into()
            }
        }

        impl ::utoipa::ToSchema for $ty {}
    };
}

mod commune;
mod departement;
mod email;
mod naf;
mod nir;
mod phone;
mod postal;
mod region;
mod rome;
mod siret;

pub use commune::CommuneCode;
pub use departement::DepartementCode;
pub use email::Email;
pub use naf::NafCode;
pub use nir::{Nir, NirHash};
pub use phone::Phone;
pub use postal::PostalCode;
pub use region::RegionCode;
pub use rome::RomeCode;
pub use siret::Siret;

/// The OpenAPI schema every code shares: a string, its pattern, what it is, and an example.
fn string_schema(pattern: &str, description: &str, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .description(Some(description))
        .examples([serde_json::Value::from(example)])
}

/// Spaces people type or paste inside long numbers (French typography uses no-break spaces).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

/// Whether `value` is exactly `len` ASCII digits.
fn is_digits(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_digit())
}

/// The checks every code's tests make, written once so that each test lists only its values.
#[cfg(test)]
mod checks {
    use std::fmt::Debug;

    use regex::{Regex, RegexBuilder};
    use serde::{Serialize, de::DeserializeOwned};
    use utoipa::PartialSchema;

    use crate::validation::CodeError;

    /// `parse` refuses every one of `values` under `rule`, which `T`'s schema names: a client
    /// refused under a rule finds it in the contract.
    pub(super) fn assert_refused<T: Code>(parse: fn(&str) -> Result<T, CodeError>, rule: &str, values: &[&str]) {
        for value in values {
            assert_eq!(parse(value).unwrap_err().rule, rule, "{value:?}");
        }
        let schema = serde_json::to_value(T::schema()).unwrap();
        let description = schema["description"].as_str().unwrap_or_default();
        assert!(description.contains(&format!("`{rule}`")), "the schema does not name {rule}: {description}");
    }

    /// `parse` refuses `value` with a message that says `words`.
    pub(super) fn assert_refusal_says<T: Debug>(parse: fn(&str) -> Result<T, CodeError>, value: &str, words: &str) {
        let message = parse(value).unwrap_err().message;
        assert!(message.contains(words), "{message}");
    }

    /// The pattern `T`'s schema states, read as JSON Schema reads it (ECMA-262 without the `u`
    /// flag: `\d` is an ASCII digit, hence `unicode(false)`).
    fn pattern_of<T: PartialSchema>() -> Regex {
        let schema = serde_json::to_value(T::schema()).unwrap();
        RegexBuilder::new(schema["pattern"].as_str().unwrap()).unicode(false).build().unwrap()
    }

    /// The length bounds `T`'s schema states, in characters.
    fn length_of<T: PartialSchema>() -> (usize, usize) {
        let schema = serde_json::to_value(T::schema()).unwrap();
        let bound = |key: &str| schema[key].as_u64().and_then(|n| usize::try_from(n).ok());
        (bound("minLength").unwrap_or(0), bound("maxLength").unwrap_or(usize::MAX))
    }

    /// A code as its schema's tests see it: its normalized text.
    pub(super) trait Code: PartialSchema + Debug {
        fn text(&self) -> &str;
    }

    macro_rules! codes {
        ($($ty:ty),* $(,)?) => {$(
            impl Code for $ty {
                fn text(&self) -> &str {
                    self.as_str()
                }
            }
        )*};
    }

    codes!(
        super::CommuneCode,
        super::DepartementCode,
        super::Email,
        super::NafCode,
        super::Nir,
        super::NirHash,
        super::Phone,
        super::PostalCode,
        super::RegionCode,
        super::RomeCode,
        super::Siret,
    );

    /// The schema of `T` says what `parse` accepts, for every one of `candidates`: a candidate
    /// that matches the pattern parses, except refusals under the `described` rules (a checksum,
    /// which no pattern can state and the description does); what parses is written in a form
    /// the pattern matches; and whatever matches has a length within the schema's bounds. So a
    /// client that follows the contract is never refused for the form of a code, and every code
    /// the server answers is one the contract describes.
    pub(super) fn assert_schema_agrees<T: Code>(
        parse: fn(&str) -> Result<T, CodeError>,
        described: &[&str],
        candidates: impl IntoIterator<Item = String>,
    ) {
        let pattern = pattern_of::<T>();
        let (min, max) = length_of::<T>();
        let within_length = |text: &str| (min..=max).contains(&text.chars().count());
        for candidate in candidates {
            match parse(&candidate) {
                Ok(code) => {
                    let text = code.text();
                    assert!(
                        pattern.is_match(text) && within_length(text),
                        "{candidate:?} parses as {text:?}, outside the schema"
                    );
                }
                Err(error) if !described.contains(&error.rule) => {
                    assert!(
                        !pattern.is_match(&candidate),
                        "{candidate:?} matches {pattern} but is refused: {}",
                        error.message
                    );
                }
                Err(_) => {}
            }
            if pattern.is_match(&candidate) {
                assert!(within_length(&candidate), "{candidate:?} matches but is not {min}..={max} characters long");
            }
        }
    }

    /// Every string of `length` characters over `alphabet`: small codes are checked whole.
    pub(super) fn every_string(alphabet: &str, length: usize) -> Vec<String> {
        (0..length).fold(vec![String::new()], |prefixes, _| {
            prefixes.iter().flat_map(|prefix| alphabet.chars().map(move |c| format!("{prefix}{c}"))).collect()
        })
    }

    /// Every `prefix` followed by every `suffix`.
    pub(super) fn joined(prefixes: &[String], suffixes: &[&str]) -> Vec<String> {
        prefixes.iter().flat_map(|prefix| suffixes.iter().map(move |suffix| format!("{prefix}{suffix}"))).collect()
    }

    /// The JSON string `input` reads as a `T` that writes back as the JSON string `written`.
    pub(super) fn assert_json_round_trip<T: Serialize + DeserializeOwned>(input: &str, written: &str) {
        let value: T = serde_json::from_str(&serde_json::to_string(input).unwrap()).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), serde_json::to_string(written).unwrap());
    }

    /// The JSON string `input` is refused, with an error that says `reason`.
    pub(super) fn assert_json_refused<T: DeserializeOwned + Debug>(input: &str, reason: &str) {
        let error = serde_json::from_str::<T>(&serde_json::to_string(input).unwrap()).unwrap_err();
        assert!(error.to_string().contains(reason), "{error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    /// The example each schema shows, which must itself be a valid value.
    fn example_of<T: PartialSchema>() -> String {
        let schema = serde_json::to_value(T::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        assert!(schema["pattern"].as_str().is_some_and(|p| p.starts_with('^')));
        assert!(schema["description"].as_str().is_some_and(|d| !d.is_empty()));
        schema["examples"][0].as_str().unwrap().to_owned()
    }

    #[test]
    fn every_schema_example_parses() {
        CommuneCode::parse(&example_of::<CommuneCode>()).unwrap();
        DepartementCode::parse(&example_of::<DepartementCode>()).unwrap();
        Email::parse(&example_of::<Email>()).unwrap();
        NafCode::parse(&example_of::<NafCode>()).unwrap();
        Nir::parse(&example_of::<Nir>()).unwrap();
        NirHash::parse(&example_of::<NirHash>()).unwrap();
        Phone::parse(&example_of::<Phone>()).unwrap();
        PostalCode::parse(&example_of::<PostalCode>()).unwrap();
        RegionCode::parse(&example_of::<RegionCode>()).unwrap();
        RomeCode::parse(&example_of::<RomeCode>()).unwrap();
        Siret::parse(&example_of::<Siret>()).unwrap();
    }

    #[test]
    fn schema_names_are_the_type_names() {
        use utoipa::ToSchema;
        assert_eq!(Siret::name(), "Siret");
        assert_eq!(CommuneCode::name(), "CommuneCode");
    }
}
