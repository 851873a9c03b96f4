//! Schemas the derive cannot write: a list whose items have bounds of their own. The derive's
//! attributes take number literals only, so these are built from the same constants the checks
//! use, one home for each bound.

use std::ops::RangeInclusive;

use utoipa::openapi::schema::{Array, ArrayBuilder, ObjectBuilder, Type};

/// A list of `count` texts, each 1 to `max_length` characters and not blank (`\S`: it holds a
/// character other than a space).
pub fn text_list(description: String, count: RangeInclusive<usize>, max_length: usize) -> Array {
    let item = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max_length))
        .pattern(Some(r"\S"));
    ArrayBuilder::new()
        .items(item)
        .min_items((*count.start() > 0).then_some(*count.start()))
        .max_items(Some(*count.end()))
        .description(Some(description))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_list_states_its_bounds() {
        let schema = serde_json::to_value(text_list("Steps.".into(), 0..=20, 500)).unwrap();
        assert_eq!(schema["maxItems"], 20);
        assert!(schema.get("minItems").is_none(), "an empty list is allowed: {schema}");
        assert_eq!(schema["items"]["maxLength"], 500);
        assert_eq!(schema["items"]["minLength"], 1);
        assert_eq!(schema["description"], "Steps.");
        let required = serde_json::to_value(text_list(String::new(), 1..=20, 500)).unwrap();
        assert_eq!(required["minItems"], 1);
    }
}
