//! Control characters are refused at the edge, in one place: PostgreSQL cannot store a NUL in
//! text while SQLite stores it as-is, and no field of the network's data means anything with
//! one. Every text a request carries — JSON strings, query parameters, the path, the token
//! form — is checked here before it reaches a handler or the database. Free text in a JSON
//! body may hold tabs and line breaks; nothing else may hold a control character.

use plateforme_model::FieldError;
use serde_json::Value;

/// The rule a text breaks when it holds a control character it may not.
pub const CONTROL_CHARACTER: &str = "text.control_character";

/// What kind of text a value is, which says which control characters it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// A JSON string value: free text, which may span lines (tab, line feed, carriage return).
    MultiLine,
    /// A path segment, a query parameter, a form field, a credential, a JSON object key: no
    /// control character at all.
    SingleLine,
}

impl Text {
    fn allows(self, character: char) -> bool {
        !character.is_control() || (self == Text::MultiLine && matches!(character, '\t' | '\n' | '\r'))
    }

    fn rule_text(self) -> &'static str {
        match self {
            Text::MultiLine => "text may hold tabs and line breaks, no other control character",
            Text::SingleLine => "this value may hold no control character",
        }
    }
}

/// Checks one text: the error names `field`, the character and where it is.
pub fn check(field: &str, text: &str, kind: Text) -> Result<(), FieldError> {
    let Some((position, character)) = text.chars().enumerate().find(|(_, character)| !kind.allows(*character)) else {
        return Ok(());
    };
    let message = format!(
        "holds the control character U+{:04X} at character {}; {}",
        u32::from(character),
        position + 1,
        kind.rule_text()
    );
    Err(FieldError::new(field, CONTROL_CHARACTER, message))
}

/// Checks every string of a JSON document, keys included; the error names the first
/// offending field by its path (`offer.skills[2]`), as the body's other field errors do.
pub fn check_json(value: &Value) -> Result<(), FieldError> {
    check_value("", value)
}

fn check_value(path: &str, value: &Value) -> Result<(), FieldError> {
    match value {
        Value::String(text) => check(field_name(path), text, Text::MultiLine),
        Value::Array(items) => {
            items.iter().enumerate().try_for_each(|(index, item)| check_value(&format!("{path}[{index}]"), item))
        }
        Value::Object(fields) => fields.iter().try_for_each(|(key, item)| {
            let path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            check(field_name(&path), key, Text::SingleLine)?;
            check_value(&path, item)
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

fn field_name(path: &str) -> &str {
    if path.is_empty() { "body" } else { path }
}

/// Whether JSON text may hold a control character in a string, escaped (`\u0000`) or raw
/// (DEL and the C1 controls; raw C0 controls in a string are malformed JSON already). A cheap
/// scan, so that only such bodies are read a second time to find the field.
pub fn json_may_hold_control(json: &[u8]) -> bool {
    json.iter().enumerate().any(|(index, byte)| match byte {
        0x7F => true,
        0xC2 => json.get(index + 1).is_some_and(|next| (0x80..=0x9F).contains(next)),
        b'\\' => escaped_control(json.get(index + 1..index + 6)),
        _ => false,
    })
}

/// `u` and four hex digits naming a control character other than tab and line breaks.
fn escaped_control(escape: Option<&[u8]>) -> bool {
    let Some([b'u', digits @ ..]) = escape else { return false };
    let code = std::str::from_utf8(digits).ok().and_then(|digits| u32::from_str_radix(digits, 16).ok());
    code.and_then(char::from_u32).is_some_and(|character| !Text::MultiLine.allows(character))
}

/// Checks a request path as sent (percent-encoded): the decoded path may hold no control
/// character.
pub fn check_path(raw: &str) -> Result<(), FieldError> {
    check("path", &String::from_utf8_lossy(&percent_decode(raw.as_bytes())), Text::SingleLine)
}

fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let mut decoded = Vec::with_capacity(raw.len());
    let mut index = 0;
    while index < raw.len() {
        let escaped = raw.get(index + 1..index + 3).and_then(|hex| std::str::from_utf8(hex).ok());
        match escaped.and_then(|hex| u8::from_str_radix(hex, 16).ok()).filter(|_| raw[index] == b'%') {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(raw[index]);
                index += 1;
            }
        }
    }
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn free_text_may_span_lines_but_holds_no_other_control() {
        assert!(check("description", "Boulangerie\tpâtisserie\r\nLyon", Text::MultiLine).is_ok());
        let nul = check("title", "Boulan\u{0}ger", Text::MultiLine).expect_err("a NUL");
        assert_eq!((nul.field.as_str(), nul.rule.as_str()), ("title", CONTROL_CHARACTER));
        assert!(nul.message.contains("U+0000 at character 7"), "{}", nul.message);
        assert!(check("q", "boulanger\n", Text::SingleLine).is_err());
        assert!(check("title", "caf\u{85}", Text::MultiLine).is_err(), "a C1 control");
        assert!(check("title", "Crèche « Les Lutins »\u{a0}", Text::MultiLine).is_ok());
    }

    #[test]
    fn a_json_document_names_the_offending_field() {
        let body = json!({"offer": {"title": "ok", "skills": ["a", "b\u{0}"]}});
        assert_eq!(check_json(&body).map_err(|error| error.field), Err("offer.skills[1]".to_owned()));
        let key = json!({"offer": {"ti\u{1}tle": "ok"}});
        assert_eq!(check_json(&key).map_err(|error| error.rule), Err(CONTROL_CHARACTER.to_owned()));
        assert!(check_json(&json!({"text": "line\nline", "n": 3})).is_ok());
    }

    #[test]
    fn the_scan_finds_every_escaped_or_raw_control() {
        assert!(json_may_hold_control(br#"{"a":"x\u0000"}"#));
        assert!(json_may_hold_control(br#"{"a":"x\u001F"}"#));
        assert!(json_may_hold_control("{\"a\":\"x\u{85}\"}".as_bytes()));
        assert!(json_may_hold_control("{\"a\":\"x\u{7f}\"}".as_bytes()));
        assert!(!json_may_hold_control(r#"{"a":"x\n\t\u000a\u00e9 é «»"}"#.as_bytes()));
    }

    #[test]
    fn the_path_is_decoded_before_it_is_checked() {
        assert!(check_path("/v1/admin/clients/abc%00").is_err());
        assert!(check_path("/v1/admin/clients/abc%0a").is_err());
        assert!(check_path("/v1/referentials/communes/69123%C2%85").is_err());
        assert!(check_path("/v1/referentials/communes/Saint-%C3%89tienne%20%25").is_ok());
        assert!(check_path("/v1/offers/%zz").is_ok());
    }
}
