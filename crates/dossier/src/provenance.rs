//! Provenance: which organization set each field last, and when — kept beside the record and
//! visible in the history, so that "who told us this" always has an answer.

use std::collections::BTreeMap;

use plateforme_auth::Caller;
use plateforme_model::person::Provenance;
use serde_json::Value;

/// The leaf paths of a JSON document or merge patch (`contact.address`, `identity.family_name`…).
/// Objects are walked into; anything else (values, arrays, `null` removals) is a leaf.
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

/// Records the caller as the source of every field the change touched.
pub fn stamp(provenance: &mut BTreeMap<String, Provenance>, changes: &Value, caller: &Caller, prefix: &str) {
    let at = plateforme_model::ids::now();
    for path in leaf_paths(changes, prefix) {
        provenance.insert(
            path,
            Provenance {
                organization_id: Some(caller.principal().organization_id),
                client_id: caller.client_id().to_owned(),
                at,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
