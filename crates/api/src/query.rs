//! Query strings: parsed into a typed struct that refuses unknown parameters, before a
//! handler runs.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::future::{Ready, ready};

use crate::json::field_error;
use crate::text::{self, Text};
use crate::{ApiError, ErrorCode};

/// Query parameters of type `T` (which should be `deny_unknown_fields`).
#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for ValidQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(ValidQuery))
    }
}

/// For operations that take no query parameter: any parameter is refused, not ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

/// Parses a query string into `T`; a parameter holding a control character is refused
/// first, naming the parameter (see [`crate::text`]).
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = form_urlencoded::parse(query.as_bytes());
    refuse_control_characters(pairs)?;
    let deserializer = serde_urlencoded::Deserializer::new(pairs);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let error = field_error(&path, &error.into_inner().to_string());
        ApiError::new(ErrorCode::InvalidQuery, format!("{}: {}", error.field, error.message)).with_errors(vec![error])
    })
}

fn refuse_control_characters(pairs: form_urlencoded::Parse<'_>) -> Result<(), ApiError> {
    for (name, value) in pairs {
        let field = name.escape_default().to_string();
        let checked =
            text::check(&field, &name, Text::SingleLine).and_then(|()| text::check(&field, &value, Text::SingleLine));
        if let Err(error) = checked {
            return Err(ApiError::new(ErrorCode::InvalidQuery, format!("{}: {}", error.field, error.message))
                .with_errors(vec![error]));
        }
    }
    Ok(())
}

/// A query parameter listing codes, comma-separated (`rome=M1805,D1102`): each parsed by
/// `parse`, at most `max` of them (rule `list.too_long`); a bad one is named with its position
/// (`rome[1]`). What the searches of offers and trainings share.
pub fn code_list(
    value: &Option<String>,
    field: &str,
    max: usize,
    errors: &mut Vec<plateforme_model::FieldError>,
    parse: impl Fn(&str) -> Result<String, plateforme_model::CodeError>,
) -> Vec<String> {
    let Some(value) = value else { return Vec::new() };
    let items: Vec<&str> = value.split(',').map(str::trim).collect();
    if items.len() > max {
        errors.push(plateforme_model::FieldError::new(field, "list.too_long", format!("at most {max} values")));
        return Vec::new();
    }
    let mut parsed = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match parse(item) {
            Ok(code) => parsed.push(code),
            Err(error) => errors.push(error.at(format!("{field}[{index}]"))),
        }
    }
    parsed
}
