//! JSON Merge Patch (RFC 7396): applying a patch, and computing the patch between two documents
//! (what the history records as "what changed").

use serde_json::{Map, Value};

/// Applies `patch` to `target` as RFC 7396 section 2 defines it.
pub fn apply(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target) = target {
        for (name, value) in patch {
            if value.is_null() {
                target.remove(name);
            } else {
                apply(target.entry(name.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// The merge patch that turns `before` into `after`; an empty object when they are equal.
///
/// Arrays are replaced whole, as RFC 7396 has no way to patch inside them.
pub fn diff(before: &Value, after: &Value) -> Value {
    match (before, after) {
        (Value::Object(before), Value::Object(after)) => {
            let mut patch = Map::new();
            for (name, old) in before {
                match after.get(name) {
                    None => {
                        patch.insert(name.clone(), Value::Null);
                    }
                    Some(new) if new != old => {
                        patch.insert(name.clone(), diff(old, new));
                    }
                    Some(_) => {}
                }
            }
            for (name, new) in after {
                if !before.contains_key(name) {
                    patch.insert(name.clone(), new.clone());
                }
            }
            Value::Object(patch)
        }
        _ => after.clone(),
    }
}

/// The leaf paths of a JSON document or merge patch under `prefix` (`contact.address`,
/// `identity.family_name`…): the fields a change touched, as provenance records them. Objects
/// are walked into; anything else (values, arrays, `null` removals) is a leaf, and so is an
/// empty object under a prefix (`orientation`).
pub fn leaf_paths(value: &Value, prefix: &str) -> Vec<String> {
    match value {
        Value::Object(members) if !members.is_empty() => members
            .iter()
            .flat_map(|(name, member)| {
                let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
                leaf_paths(member, &path)
            })
            .collect(),
        _ if prefix.is_empty() => Vec::new(),
        _ => vec![prefix.to_owned()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The examples of RFC 7396 appendix A.
    #[test]
    fn rfc_7396_examples() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (json!({"a":"b","b":"c"}), json!({"a":null}), json!({"b":"c"})),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (json!({"a":{"b":"c"}}), json!({"a":{"b":"d","c":null}}), json!({"a":{"b":"d"}})),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (json!({}), json!({"a":{"bb":{"ccc":null}}}), json!({"a":{"bb":{}}})),
        ];
        for (mut target, patch, expected) in cases {
            apply(&mut target, &patch);
            assert_eq!(target, expected, "patch {patch}");
        }
    }

    #[test]
    fn diff_then_apply_gives_the_new_document() {
        let before = json!({"name":"A","territory":{"departements":["69"],"regions":["84"]},"gone":1});
        let after = json!({"name":"B","territory":{"departements":["69","01"],"regions":["84"]}});
        let patch = diff(&before, &after);
        assert_eq!(patch, json!({"name":"B","territory":{"departements":["69","01"]},"gone":null}));
        let mut target = before.clone();
        apply(&mut target, &patch);
        assert_eq!(target, after);
        assert_eq!(diff(&after, &after), json!({}));
    }

    #[test]
    fn leaves_are_the_fields_a_change_touched() {
        let change = json!({"identity": {"family_name": "X"}, "contact": {"address": null, "phone": "+33612345678"}});
        let mut paths = leaf_paths(&change, "");
        paths.sort();
        assert_eq!(paths, ["contact.address", "contact.phone", "identity.family_name"]);
        assert_eq!(leaf_paths(&json!({"path_type": "social"}), "orientation"), ["orientation.path_type"]);
        assert!(leaf_paths(&json!({}), "").is_empty());
    }
}
