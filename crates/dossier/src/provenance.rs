//! Provenance: which organization set each field last, and when — kept beside the record and
//! visible in the history, so that "who told us this" always has an answer.

use std::collections::BTreeMap;

use plateforme_auth::Caller;
use plateforme_model::merge_patch::leaf_paths;
use plateforme_model::person::Provenance;
use serde_json::Value;

/// Records the caller as the source of every field the change touched.
pub fn stamp(provenance: &mut BTreeMap<String, Provenance>, changes: &Value, caller: &Caller, prefix: &str) {
    stamp_from(provenance, changes, caller, prefix, None);
}

/// [`stamp`], naming also the partner's `system` the values came from (inbound sync).
pub fn stamp_from(
    provenance: &mut BTreeMap<String, Provenance>,
    changes: &Value,
    caller: &Caller,
    prefix: &str,
    system: Option<&str>,
) {
    let at = plateforme_model::ids::now();
    for path in leaf_paths(changes, prefix) {
        provenance.insert(
            path,
            Provenance {
                organization_id: Some(caller.principal().organization_id),
                client_id: caller.client_id().to_owned(),
                at,
                system: system.map(str::to_owned),
            },
        );
    }
}
