//! The scopes: which operations a client may call. Which records it may touch is the
//! policy's business (`policy`).

/// Every scope of the platform, with what it grants.
pub const SCOPES: &[(&str, &str)] = &[
    ("organizations:read", "Read the organizations of the network"),
    ("organizations:write", "Update one's own organization"),
    ("dossier:read", "Read person dossiers within the policy"),
    ("dossier:write", "Write person dossiers within the policy"),
    ("dossier.social:read", "Read the sensitive sections of a dossier (social constraints, health, disability)"),
    ("dossier.social:write", "Write the sensitive sections of a dossier"),
    (
        "dossier.sanctions:read",
        "Read the breaches of a person's duties and the measures decided (droits et devoirs): sensitive, shown to \
         no one without it, not even in a person's timeline",
    ),
    ("dossier.sanctions:write", "Record breaches of a person's duties, the contradictory exchange and the measures"),
    ("offers:read", "Read job offers"),
    ("offers:write", "Publish and update one's job offers"),
    ("profiles:read", "Search the profile bank (consenting persons only)"),
    ("training:read", "Read the training catalogue"),
    ("training:write", "Publish training within the policy"),
    ("indicators:read", "Read shared indicators"),
    ("changes:read", "Read the change feed"),
    // Webhooks (issue 12, item 3).
    (
        "webhooks:write",
        "Subscribe to the change feed's events by webhook, change, replay and delete one's subscriptions (with changes:read)",
    ),
    ("journal:read", "Read the access journal"),
    ("admin", "Administer clients, keys and organizations"),
    ("me", "A person reads their own dossier and journal (person tokens only)"),
];

pub const ADMIN: &str = "admin";
pub const SANCTIONS_READ: &str = "dossier.sanctions:read";
pub const SANCTIONS_WRITE: &str = "dossier.sanctions:write";

/// The scope a record of a person's dossier needs beyond `dossier:read` wherever it shows — its
/// own operations, the person's timeline, the change feed — so that a breach never reaches, even
/// as an event, a client not granted it. `None` for the records every reader of the dossier reads.
pub fn read_scope_of(resource_type: &str) -> Option<&'static str> {
    (resource_type == plateforme_store::dossier::breaches::RESOURCE_TYPE).then_some(SANCTIONS_READ)
}
/// The scope of person tokens; never granted to a client.
pub const ME: &str = "me";

pub fn is_known(scope: &str) -> bool {
    SCOPES.iter().any(|(name, _)| *name == scope)
}

/// Parses a space-separated scope list (RFC 6749 §3.3), keeping the first of duplicates.
pub fn parse_list(text: &str) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in text.split(' ').filter(|scope| !scope.is_empty()) {
        if !scopes.iter().any(|known| known == scope) {
            scopes.push(scope.to_owned());
        }
    }
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_lists_parse() {
        assert_eq!(parse_list("offers:read  admin offers:read"), vec!["offers:read", "admin"]);
        assert!(parse_list("").is_empty());
        assert!(is_known("dossier.social:read") && !is_known("dossier:delete"));
    }
}
