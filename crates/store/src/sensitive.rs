//! Sensitive fields sealed at rest: the diagnostic's social part (`diagnostics.social`), the
//! disability recognition (`statuses.rqth` in the persons record) and the words of a breach's
//! contradictory exchange (what was observed, the notice, the person's answer, the decision's
//! reasons, in `breaches.record`), in their rows and in the history's `changes`. Each is sealed in place, as the JSON member it is, under the field key
//! of the key-encryption key (see [`crate::key_encryption`]):
//!
//! ```json
//! {"sealed": "<base64 of nonce, ciphertext, tag>", "kek_id": "<the KEK's fingerprint>"}
//! ```
//!
//! bound to its place (resource, id, member, and the version for a history row), so a sealed
//! value copied elsewhere does not open. No clear value of these members has that shape (a
//! social part has no member `sealed`, RQTH is a boolean), so a row written before sealing
//! still reads, and `plateforme keys rewrap` seals it ([`reseal_all`]).
//!
//! The KEK travels with the [`crate::Store`]: each unit of work (`Store::run`…) runs with the
//! store's key-encryption in scope ([`in_scope`]), so the domain queries seal and open without
//! an argument on every call; rows built apart from a connection (the dataset generator's
//! batches) are built in `Store::with_key_encryption_in_scope`. Outside both, sealing fails: a
//! value is never sealed under a key the deployment did not configure. A store no server
//! configured (a tool, a test) seals under the development KEK.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock, RwLock};

use diesel::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::key_encryption::{DEVELOPMENT_KEY_ENCRYPTION_KEY, KeyEncryption, KeyEncryptionError};
use crate::schema::{breaches, diagnostics, history, persons};
use crate::{DbConnection, StoreError};

/// The sensitive members of a resource's document, as paths from its root: what the API
/// withholds without `dossier.social:read` (`Person::withhold_sensitive`,
/// `DiagnosticRecord::view`) — for a person, RQTH and who set it. A breach's statements are read
/// only under `dossier.sanctions:read` (the record as a whole), but are sealed all the same: the
/// words of a sanction procedure are as sensitive as a social diagnostic. Its dates, measure and
/// status stay in clear, for the counts of the indicators.
pub fn sensitive_members(resource_type: &str) -> &'static [&'static [&'static str]] {
    match resource_type {
        "diagnostic" => &[&["social"]],
        "person" => &[&["statuses", "rqth"], &["provenance", "statuses.rqth"]],
        "breach" => &[&["statement"], &["notice", "statement"], &["answer", "statement"], &["decision", "statement"]],
        _ => &[],
    }
}

/// What a caller without the scope sees in place of a sensitive member of a history version:
/// that it changed, not to what.
pub fn withheld() -> Value {
    json!({"withheld": true})
}

/// The key-encryption a store seals with; shared by the store's clones, so a server that
/// installs its KEKs installs them for every handle on its store.
#[derive(Clone)]
pub(crate) struct Sealing(Arc<RwLock<Arc<KeyEncryption>>>);

static DEVELOPMENT: LazyLock<Arc<KeyEncryption>> = LazyLock::new(|| {
    Arc::new(KeyEncryption::new(DEVELOPMENT_KEY_ENCRYPTION_KEY.as_bytes(), &[]).expect("the development KEK is long"))
});

impl Default for Sealing {
    fn default() -> Self {
        Sealing(Arc::new(RwLock::new(DEVELOPMENT.clone())))
    }
}

impl Sealing {
    pub(crate) fn install(&self, encryption: Arc<KeyEncryption>) {
        *self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = encryption;
    }

    pub(crate) fn current(&self) -> Arc<KeyEncryption> {
        self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

thread_local! {
    static IN_SCOPE: RefCell<Option<Arc<KeyEncryption>>> = const { RefCell::new(None) };
}

/// Runs `work` with `encryption` as the key-encryption of the fields it seals and opens.
pub(crate) fn in_scope<T>(encryption: Arc<KeyEncryption>, work: impl FnOnce() -> T) -> T {
    let previous = IN_SCOPE.with(|scope| scope.replace(Some(encryption)));
    let answer = work();
    IN_SCOPE.with(|scope| scope.replace(previous));
    answer
}

/// The key-encryption in scope. Outside a unit of work of a `Store` there is none, and sealing
/// or opening fails rather than fall back on a key the deployment did not configure.
fn encryption() -> Result<Arc<KeyEncryption>, StoreError> {
    IN_SCOPE.with(|scope| scope.borrow().clone()).ok_or_else(|| {
        StoreError::Config(
            "a sensitive value was sealed or opened outside a unit of work of the store (Store::run, \
             Store::with_key_encryption_in_scope): no key-encryption key is in scope"
                .into(),
        )
    })
}

/// The KEK's refusals as the store's errors: a value under a KEK the configuration lacks is a
/// configuration error (the message names both KEKs and the settings); one that does not
/// open under its KEK was altered.
fn store_error(error: KeyEncryptionError) -> StoreError {
    match error {
        KeyEncryptionError::Altered { .. } => StoreError::Corrupt(error.to_string()),
        _ => StoreError::Config(error.to_string()),
    }
}

/// Where a document sits, which its sealed members are bound to.
#[derive(Debug, Clone, Copy)]
pub enum Place<'a> {
    /// The current row of a resource.
    Row { resource_type: &'a str, resource_id: &'a str },
    /// One version in the history.
    History { resource_type: &'a str, resource_id: &'a str, version: i64 },
}

impl Place<'_> {
    fn resource_type(&self) -> &str {
        match self {
            Place::Row { resource_type, .. } | Place::History { resource_type, .. } => resource_type,
        }
    }

    fn binding(&self, path: &[&str]) -> String {
        let member = path.join(".");
        match self {
            Place::Row { resource_type, resource_id } => format!("{resource_type} {resource_id} {member}"),
            Place::History { resource_type, resource_id, version } => {
                format!("{resource_type} {resource_id} version {version} {member}")
            }
        }
    }
}

/// A sealed member's parts, when `value` is one.
fn sealed_parts(value: &Value) -> Option<(&str, &str)> {
    let object = value.as_object()?;
    if object.len() != 2 {
        return None;
    }
    Some((object.get("sealed")?.as_str()?, object.get("kek_id")?.as_str()?))
}

/// The member at `path`, if the document has one.
fn member<'v>(document: &'v mut Value, path: &[&str]) -> Option<&'v mut Value> {
    path.iter().try_fold(document, |value, name| value.as_object_mut()?.get_mut(*name))
}

fn seal_value(encryption: &KeyEncryption, binding: &str, value: &Value) -> Result<Value, StoreError> {
    let clear = serde_json::to_vec(value).map_err(StoreError::corrupt)?;
    let sealed = encryption.seal_field(binding, &clear).map_err(store_error)?;
    Ok(json!({"sealed": sealed, "kek_id": encryption.current_id()}))
}

fn open_value(encryption: &KeyEncryption, binding: &str, sealed: &str, kek_id: &str) -> Result<Value, StoreError> {
    let clear = encryption.open_field(binding, kek_id, sealed).map_err(store_error)?;
    serde_json::from_slice(&clear).map_err(StoreError::corrupt)
}

/// Seals each sensitive member of `document` (a row's document, or a version's changes) that
/// is there and not `null`: `null` in a patch says a member was removed, not what it held.
pub(crate) fn seal_members(document: &mut Value, place: Place<'_>) -> Result<(), StoreError> {
    let members = sensitive_members(place.resource_type());
    if members.is_empty() {
        return Ok(()); // no key needed where nothing is sensitive
    }
    let encryption = encryption()?;
    for path in members {
        if let Some(value) = member(document, path)
            && !value.is_null()
            && sealed_parts(value).is_none()
        {
            *value = seal_value(&encryption, &place.binding(path), value)?;
        }
    }
    Ok(())
}

/// Opens each sealed member of `document`, or, when `disclose` is false, puts [`withheld`] in
/// place of each sensitive member (sealed or still clear) that is not `null`.
pub(crate) fn open_members(document: &mut Value, place: Place<'_>, disclose: bool) -> Result<(), StoreError> {
    let members = sensitive_members(place.resource_type());
    if members.is_empty() {
        return Ok(()); // no key needed where nothing is sensitive
    }
    let encryption = encryption()?;
    for path in members {
        let Some(value) = member(document, path) else { continue };
        if value.is_null() {
            continue;
        }
        if !disclose {
            *value = withheld();
        } else if let Some((sealed, kek_id)) = sealed_parts(value) {
            *value = open_value(&encryption, &place.binding(path), sealed, kek_id)?;
        }
    }
    Ok(())
}

/// A document (a `persons` record) read into its type with its sealed members opened, without
/// building the whole document as a [`Value`] first (which took most of a dossier read's
/// parsing): only the members on the way to a sensitive one are read member by member, only the
/// sensitive ones are parsed as values to open, and every other member goes to `T`'s
/// deserializer as the text it is stored as.
pub(crate) fn open_into<T: DeserializeOwned>(stored: &str, place: Place<'_>) -> Result<T, StoreError> {
    let members = sensitive_members(place.resource_type());
    if members.is_empty() {
        return serde_json::from_str(stored).map_err(StoreError::corrupt);
    }
    let encryption = encryption()?;
    let open = |path: &[&str], value: Value| match sealed_parts(&value) {
        Some((sealed, kek_id)) => open_value(&encryption, &place.binding(path), sealed, kek_id),
        None => Ok(value),
    };
    let mut opened = String::with_capacity(stored.len());
    write_opened(&mut opened, stored, members, 0, &open)?;
    serde_json::from_str(&opened).map_err(StoreError::corrupt)
}

/// What opens one sensitive member found at its path (from the document's root).
type OpenMember<'a> = dyn Fn(&[&str], Value) -> Result<Value, StoreError> + 'a;

/// Writes to `out` the JSON object `stored`, each member at the end of one of `paths` (from
/// `depth` on) passed through `open`: the members off every path are copied as their text, the
/// objects on the way to a sensitive member read member by member.
fn write_opened(
    out: &mut String,
    stored: &str,
    paths: &[&[&str]],
    depth: usize,
    open: &OpenMember<'_>,
) -> Result<(), StoreError> {
    let Ok(object) = serde_json::from_str::<BTreeMap<String, &RawValue>>(stored) else {
        // Not an object (`null`, a value written before the member was one): as it is.
        out.push_str(stored);
        return Ok(());
    };
    out.push('{');
    for (index, (name, value)) in object.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(&name).map_err(StoreError::corrupt)?);
        out.push(':');
        let passes_here = |path: &&[&str]| path.get(depth) == Some(&name.as_str());
        // Most members are off every path: copied without a list of the paths through them.
        if !paths.iter().any(passes_here) {
            out.push_str(value.get());
            continue;
        }
        match paths.iter().copied().filter(passes_here).find(|path| path.len() == depth + 1) {
            Some(path) => {
                let value = serde_json::from_str(value.get()).map_err(StoreError::corrupt)?;
                out.push_str(&open(path, value)?.to_string());
            }
            None => {
                let on_the_way: Vec<&[&str]> = paths.iter().copied().filter(passes_here).collect();
                write_opened(out, value.get(), &on_the_way, depth + 1, open)?;
            }
        }
    }
    out.push('}');
    Ok(())
}

/// Seals anew under the current KEK each sensitive member of `document` that is in clear or
/// under an earlier KEK; answers whether any was.
fn reseal_members(document: &mut Value, place: Place<'_>) -> Result<bool, StoreError> {
    let encryption = encryption()?;
    let mut resealed = false;
    for path in sensitive_members(place.resource_type()) {
        let Some(value) = member(document, path) else { continue };
        let clear = match sealed_parts(value) {
            Some((_, kek_id)) if kek_id == encryption.current_id() => continue,
            Some((sealed, kek_id)) => open_value(&encryption, &place.binding(path), sealed, kek_id)?,
            None if value.is_null() => continue,
            None => value.clone(),
        };
        *value = seal_value(&encryption, &place.binding(path), &clear)?;
        resealed = true;
    }
    Ok(resealed)
}

/// The diagnostic's social part as its column holds it: sealed.
pub(crate) fn seal_social(social: &Value, person_id: &str) -> Result<Value, StoreError> {
    let mut document = Value::Object(Map::from_iter([("social".to_owned(), social.clone())]));
    seal_members(&mut document, Place::Row { resource_type: "diagnostic", resource_id: person_id })?;
    Ok(document["social"].take())
}

/// A document (a `persons` record, a history version's `changes`) as a tool reading the table
/// gets it, with its sealed members opened, as the store reads it.
pub fn opened(stored: &str, place: Place<'_>) -> Result<Value, StoreError> {
    let mut document = serde_json::from_str(stored).map_err(StoreError::corrupt)?;
    open_members(&mut document, place, true)?;
    Ok(document)
}

/// The diagnostic's social part from its column, opened.
pub fn open_social(stored: Value, person_id: &str) -> Result<Value, StoreError> {
    let mut document = Value::Object(Map::from_iter([("social".to_owned(), stored)]));
    open_members(&mut document, Place::Row { resource_type: "diagnostic", resource_id: person_id }, true)?;
    Ok(document["social"].take())
}

// Webhooks (issue 12, item 3): a subscription's signing secret, sealed as a whole column.

/// A secret as its column holds it: `{"sealed", "kek_id"}` as JSON text, bound to `binding`.
pub(crate) fn seal_text(binding: &str, clear: &str) -> Result<String, StoreError> {
    seal_value(&*encryption()?, binding, &Value::String(clear.to_owned())).map(|sealed| sealed.to_string())
}

/// The secret a column holds, opened ([`seal_text`]'s inverse).
pub(crate) fn open_text(binding: &str, stored: &str) -> Result<String, StoreError> {
    let stored: Value = serde_json::from_str(stored).map_err(StoreError::corrupt)?;
    let (sealed, kek_id) = sealed_parts(&stored).ok_or_else(|| StoreError::corrupt("a secret not sealed"))?;
    match open_value(&*encryption()?, binding, sealed, kek_id)? {
        Value::String(clear) => Ok(clear),
        _ => Err(StoreError::corrupt("a sealed secret that is not text")),
    }
}

/// Seals anew under the current KEK every sensitive value still in clear or under an earlier
/// KEK — rows of `persons`, `diagnostics` and `breaches`, and their versions in `history` — one person
/// at a time, each in a transaction of its own; answers how many values were sealed anew.
/// Needs the earlier KEKs among the previous ones, to open what they sealed.
pub fn reseal_all(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let ids: Vec<String> = persons::table.select(persons::id).order(persons::id.asc()).load(conn)?;
    let mut resealed = 0;
    for id in ids {
        resealed += crate::write::transaction(conn, |conn| reseal_person(conn, &id))?;
    }
    // Webhooks (issue 12, item 3): the subscriptions' signing secrets.
    resealed += crate::webhooks::subscriptions::reseal_secrets(conn)?;
    Ok(resealed)
}

/// Whether a column sealed by [`seal_text`] is under an earlier KEK than the current one.
pub(crate) fn sealed_under_earlier_kek(stored: &str) -> Result<bool, StoreError> {
    let stored: Value = serde_json::from_str(stored).map_err(StoreError::corrupt)?;
    let (_, kek_id) = sealed_parts(&stored).ok_or_else(|| StoreError::corrupt("a secret not sealed"))?;
    Ok(kek_id != encryption()?.current_id())
}

fn reseal_person(conn: &mut DbConnection, id: &str) -> Result<usize, StoreError> {
    let mut resealed = 0;
    // Each row is rewritten only if still at the version read (as a write would be): a server
    // writing it meanwhile is not undone, and sealed what it wrote itself.
    let (record, version): (String, i64) =
        persons::table.find(id).select((persons::record, persons::version)).first(conn)?;
    let mut document: Value = serde_json::from_str(&record).map_err(StoreError::corrupt)?;
    if reseal_members(&mut document, Place::Row { resource_type: "person", resource_id: id })? {
        resealed += diesel::update(persons::table.find(id))
            .filter(persons::version.eq(version))
            .set(persons::record.eq(document.to_string()))
            .execute(conn)?;
    }
    let social: Option<(Option<String>, i64)> =
        diagnostics::table.find(id).select((diagnostics::social, diagnostics::version)).first(conn).optional()?;
    if let Some((Some(social), version)) = social {
        let mut document = json!({"social": serde_json::from_str::<Value>(&social).map_err(StoreError::corrupt)?});
        if reseal_members(&mut document, Place::Row { resource_type: "diagnostic", resource_id: id })? {
            resealed += diesel::update(diagnostics::table.find(id))
                .filter(diagnostics::version.eq(version))
                .set(diagnostics::social.eq(document["social"].to_string()))
                .execute(conn)?;
        }
    }
    let breach_rows: Vec<(String, String, i64)> = breaches::table
        .filter(breaches::person_id.eq(id))
        .select((breaches::id, breaches::record, breaches::version))
        .load(conn)?;
    for (breach_id, record, version) in &breach_rows {
        let mut document: Value = serde_json::from_str(record).map_err(StoreError::corrupt)?;
        if reseal_members(&mut document, Place::Row { resource_type: "breach", resource_id: breach_id })? {
            resealed += diesel::update(breaches::table.find(breach_id))
                .filter(breaches::version.eq(version))
                .set(breaches::record.eq(document.to_string()))
                .execute(conn)?;
        }
    }
    resealed += reseal_history(conn, "person", id)?;
    resealed += reseal_history(conn, "diagnostic", id)?;
    for (breach_id, _, _) in &breach_rows {
        resealed += reseal_history(conn, "breach", breach_id)?;
    }
    Ok(resealed)
}

/// Seals anew the sensitive members of every version of one resource; answers how many versions.
fn reseal_history(conn: &mut DbConnection, resource_type: &str, id: &str) -> Result<usize, StoreError> {
    let versions: Vec<(i64, String)> = history::table
        .filter(history::resource_type.eq(resource_type))
        .filter(history::resource_id.eq(id))
        .select((history::version, history::changes))
        .load(conn)?;
    let mut resealed = 0;
    for (version, changes) in versions {
        let mut document: Value = serde_json::from_str(&changes).map_err(StoreError::corrupt)?;
        if reseal_members(&mut document, Place::History { resource_type, resource_id: id, version })? {
            diesel::update(history::table.find((resource_type, id, version)))
                .set(history::changes.eq(document.to_string()))
                .execute(conn)?;
            resealed += 1;
        }
    }
    Ok(resealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERSON: Place<'static> = Place::Row { resource_type: "person", resource_id: "p1" };

    fn in_development_scope<T>(work: impl FnOnce() -> T) -> T {
        in_scope(DEVELOPMENT.clone(), work)
    }

    #[test]
    fn a_sensitive_member_is_sealed_opened_or_withheld() -> Result<(), StoreError> {
        in_development_scope(sealed_opened_or_withheld)
    }

    fn sealed_opened_or_withheld() -> Result<(), StoreError> {
        let mut document = json!({"statuses": {"rsa_beneficiary": true, "rqth": true}, "identity": {}});
        seal_members(&mut document, PERSON)?;
        assert_eq!(document["statuses"]["rsa_beneficiary"], json!(true), "only the sensitive member");
        assert!(sealed_parts(&document["statuses"]["rqth"]).is_some(), "{document}");
        let mut withheld_copy = document.clone();
        open_members(&mut withheld_copy, PERSON, false)?;
        assert_eq!(withheld_copy["statuses"]["rqth"], withheld());
        open_members(&mut document, PERSON, true)?;
        assert_eq!(document["statuses"]["rqth"], json!(true));
        Ok(())
    }

    #[test]
    fn a_document_read_into_its_type_is_the_document_opened() -> Result<(), StoreError> {
        in_development_scope(read_into_its_type)
    }

    fn read_into_its_type() -> Result<(), StoreError> {
        let clear = json!({
            "identity": {"family_name": "Lambert", "given_names": ["Léa", "Marie"]},
            "statuses": {"rsa_beneficiary": false, "rqth": true},
            "provenance": {"statuses.rqth": {"by": "o1"}, "contact.phone": {"by": "o2"}},
            "escaped \"name\"": "été",
            "orientation": null,
        });
        let mut sealed = clear.clone();
        seal_members(&mut sealed, PERSON)?;
        assert!(sealed_parts(&sealed["provenance"]["statuses.rqth"]).is_some(), "{sealed}");
        let read: Value = open_into(&sealed.to_string(), PERSON)?;
        assert_eq!(read, clear, "sealed members opened, the others as they were");
        let written_before_sealing: Value = open_into(&clear.to_string(), PERSON)?;
        assert_eq!(written_before_sealing, clear);
        let no_provenance = json!({"statuses": null, "provenance": "not an object"});
        assert_eq!(open_into::<Value>(&no_provenance.to_string(), PERSON)?, no_provenance);
        let elsewhere = Place::Row { resource_type: "person", resource_id: "p2" };
        assert!(matches!(open_into::<Value>(&sealed.to_string(), elsewhere), Err(StoreError::Corrupt(_))));
        assert!(matches!(open_into::<Value>("{\"statuses\": {", PERSON), Err(StoreError::Corrupt(_))));
        Ok(())
    }

    #[test]
    fn a_sealed_member_does_not_open_elsewhere_nor_under_another_kek() -> Result<(), StoreError> {
        in_development_scope(not_elsewhere_nor_under_another_kek)
    }

    fn not_elsewhere_nor_under_another_kek() -> Result<(), StoreError> {
        let mut document = json!({"social": {"housing": {"severity": "low"}}});
        let place = Place::History { resource_type: "diagnostic", resource_id: "p1", version: 2 };
        seal_members(&mut document, place)?;
        let mut moved = document.clone();
        let elsewhere = Place::History { resource_type: "diagnostic", resource_id: "p1", version: 3 };
        assert!(matches!(open_members(&mut moved, elsewhere, true), Err(StoreError::Corrupt(_))));
        let other = KeyEncryption::new(b"another key-encryption key of 32+ bytes", &[]).map_err(store_error)?;
        let refused = in_scope(Arc::new(other), || open_members(&mut document.clone(), place, true));
        let message = refused.err().map(|error| error.to_string()).unwrap_or_default();
        assert!(message.contains("PLATEFORME_PREVIOUS_KEY_ENCRYPTION_KEYS"), "{message}");
        Ok(())
    }

    #[test]
    fn nothing_is_sealed_outside_a_scope() {
        let mut document = json!({"statuses": {"rqth": true}});
        assert!(matches!(seal_members(&mut document, PERSON), Err(StoreError::Config(_))));
        assert_eq!(document, json!({"statuses": {"rqth": true}}));
    }

    #[test]
    fn null_and_absent_members_stay_as_they_are() -> Result<(), StoreError> {
        in_development_scope(null_and_absent_stay)
    }

    fn null_and_absent_stay() -> Result<(), StoreError> {
        let mut document = json!({"social": null, "professional": {"skills": []}});
        seal_members(&mut document, Place::Row { resource_type: "diagnostic", resource_id: "p1" })?;
        assert_eq!(document, json!({"social": null, "professional": {"skills": []}}));
        let mut other = json!({"name": "x"});
        seal_members(&mut other, Place::Row { resource_type: "offer", resource_id: "o1" })?;
        assert_eq!(other, json!({"name": "x"}));
        Ok(())
    }
}
