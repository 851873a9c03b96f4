//! The write scenarios' requests: registrations, dossier updates and contract reviews, each
//! sent as a partner's system sends them (an `Idempotency-Key` on every creation, the ETag read
//! last in `If-Match` on every update).

use std::collections::HashMap;

use chrono::{Days, NaiveDate, Utc};
use serde_json::json;

/// The dates the write bodies carry: a registration today, a review held yesterday (never in
/// the future, whatever the server's time zone, and after any generated contract's drafting).
#[derive(Debug, Clone, Copy)]
pub struct Dates {
    pub today: NaiveDate,
    pub yesterday: NaiveDate,
}

impl Dates {
    pub fn now() -> Dates {
        let today = Utc::now().date_naive();
        Dates { today, yesterday: today.checked_sub_days(Days::new(1)).unwrap_or(today) }
    }
}

/// A client's own write state: its slice of the persons (no two clients update the same
/// dossier, so no update answers 412 because of another client), the ETag of each, and a
/// counter that makes each body and key new.
pub struct Writer {
    persons: Vec<String>,
    etags: HashMap<String, String>,
    client: usize,
    sent: u64,
}

impl Writer {
    /// Client `client` of `clients` takes every `clients`-th person of `ids`.
    pub fn new(ids: &[String], client: usize, clients: usize) -> Writer {
        let persons = ids.iter().skip(client).step_by(clients.max(1)).cloned().collect();
        Writer { persons, etags: HashMap::new(), client, sent: 0 }
    }

    /// The writer, starting from the ETags of `known` for its persons (a person without one is
    /// read first).
    pub fn knowing(mut self, known: &HashMap<String, String>) -> Writer {
        self.etags = self.persons.iter().filter_map(|id| Some((id.clone(), known.get(id)?.clone()))).collect();
        self
    }

    /// The next person to update, with the ETag read last (`None`: read it first).
    pub fn next_person(&mut self) -> Option<(String, Option<String>)> {
        if self.persons.is_empty() {
            return None;
        }
        let person = self.persons[(self.sent % self.persons.len() as u64) as usize].clone();
        let etag = self.etags.get(&person).cloned();
        if etag.is_some() {
            self.sent += 1;
        }
        Some((person, etag))
    }

    /// Remembers a person's version, or forgets it (`None`: read it again before the next update).
    pub fn remember(&mut self, person: &str, etag: Option<String>) {
        match etag {
            Some(etag) => self.etags.insert(person.to_owned(), etag),
            None => self.etags.remove(person),
        };
    }

    /// A merge patch that changes the phone number every time (a patch that changes nothing is
    /// answered without a write) — in this run (`nonce`) too: on a reused database, a number
    /// made of the client and the request alone would be the one an earlier run wrote to the
    /// same person, and the update would write nothing.
    pub fn update_body(&self, nonce: &str) -> Vec<u8> {
        let run = run_number(nonce);
        let number = run.wrapping_add(self.client as u64 * 1_000_003 + self.sent) % 100_000_000;
        let phone = format!("+336{number:08}");
        json!({"contact": {"phone": phone}}).to_string().into_bytes()
    }

    /// A name for this client's current request, unique to the run (`nonce`): registrations are
    /// refused as duplicates of a person of the same name, birth date and commune, so two
    /// scenarios of one run (registration, the webhooks' writes) and two runs on a reused
    /// database must not write the same names.
    fn unique_name(&self, nonce: &str) -> String {
        let run = run_number(nonce);
        letters(run % 1_000_003 * 1_000_000_007 + self.client as u64 * 10_000_000 + self.sent)
    }

    /// A new person's registration and its idempotency key, both unique to this run (`nonce`),
    /// this client and this request.
    pub fn registration(&mut self, nonce: &str, dates: Dates) -> (String, Vec<u8>) {
        self.sent += 1;
        let key = format!("bench-{nonce}-{}-{}", self.client, self.sent);
        let body = json!({
            "identity": {
                "family_name": format!("Banc {}", self.unique_name(nonce)),
                "given_names": "Léa",
                "birth_date": "2001-06-14",
                "birth_commune": "69123",
            },
            "contact": {"address": {"commune": "69123", "line": "12 rue de la République", "postal_code": "69002"}},
            "registration": {"channel": "counter", "registered_on": dates.today},
            "statuses": {"rqth": false, "rsa_beneficiary": false},
        });
        (key, body.to_string().into_bytes())
    }

    /// An inbound batch (`POST /v1/persons/batch`) of `lines` new references, each registering
    /// a person of its own: this run's `nonce` in the reference and the name, so that a database
    /// reused by another run gets new persons again.
    pub fn push_lines(&mut self, nonce: &str, dates: Dates, lines: usize) -> Vec<u8> {
        let mut body = Vec::new();
        for _ in 0..lines {
            self.sent += 1;
            let name = self.unique_name(nonce);
            let line = json!({
                "reference": format!("bench-{nonce}-{}-{}", self.client, self.sent),
                "system": "bench",
                "version": null,
                "person": {
                    "identity": {"family_name": format!("Import {name}"), "given_names": "Léa",
                        "birth_date": "2001-06-14", "birth_commune": "69123"},
                    "contact": {"address": {"commune": "69123", "line": "12 rue de la République", "postal_code": "69002"}},
                    "registration": {"channel": "partner", "registered_on": dates.today},
                    "statuses": {"rqth": false, "rsa_beneficiary": false},
                },
            });
            body.extend_from_slice(line.to_string().as_bytes());
            body.push(b'\n');
        }
        body
    }

    /// A review (point d'étape) of a contract and its idempotency key.
    pub fn review(&mut self, nonce: &str, dates: Dates) -> (String, Vec<u8>) {
        self.sent += 1;
        let key = format!("bench-review-{nonce}-{}-{}", self.client, self.sent);
        let body = json!({
            "held_on": dates.yesterday,
            "participants": [{"name": "Léa Martin", "role": "personne accompagnée"}],
            "outcome": "CV finalisé ; deux candidatures envoyées.",
            "next_steps": ["Inscription à la session CACES de janvier"],
        });
        (key, body.to_string().into_bytes())
    }
}

/// `number` written in letters (a name holds no digits).
fn letters(mut number: u64) -> String {
    let mut out = String::new();
    loop {
        out.push(char::from(b'a' + (number % 26) as u8));
        number /= 26;
        if number == 0 {
            return out;
        }
    }
}

/// A number of the run, from its nonce: what makes the values a run writes differ from those of
/// an earlier run on the same database.
fn run_number(nonce: &str) -> u64 {
    nonce.bytes().fold(0u64, |hash, byte| hash.wrapping_mul(31).wrapping_add(u64::from(byte)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_updates_its_own_persons_and_reads_each_once() {
        let ids: Vec<String> = (0..10).map(|n| format!("p{n}")).collect();
        let mut first = Writer::new(&ids, 0, 3);
        let second = Writer::new(&ids, 1, 3);
        assert_eq!(first.persons, ["p0", "p3", "p6", "p9"]);
        assert_eq!(second.persons, ["p1", "p4", "p7"]);
        assert_eq!(first.next_person(), Some(("p0".to_owned(), None)));
        first.remember("p0", Some("\"2\"".to_owned()));
        assert_eq!(first.next_person(), Some(("p0".to_owned(), Some("\"2\"".to_owned()))));
        assert_eq!(first.next_person(), Some(("p3".to_owned(), None)));
        first.remember("p0", None);
        assert!(!first.etags.contains_key("p0"));
        assert_eq!(Writer::new(&[], 0, 16).next_person(), None);
    }

    #[test]
    fn a_client_starts_from_the_versions_known_and_reads_the_others() {
        let ids: Vec<String> = (0..4).map(|n| format!("p{n}")).collect();
        let known = HashMap::from([("p0".to_owned(), "\"3\"".to_owned()), ("p1".to_owned(), "\"5\"".to_owned())]);
        let mut writer = Writer::new(&ids, 0, 2).knowing(&known);
        assert_eq!(writer.etags, HashMap::from([("p0".to_owned(), "\"3\"".to_owned())]));
        assert_eq!(writer.next_person(), Some(("p0".to_owned(), Some("\"3\"".to_owned()))));
        assert_eq!(writer.next_person(), Some(("p2".to_owned(), None)));
    }

    #[test]
    fn registrations_are_new_every_time() {
        let dates = Dates::now();
        let mut writer = Writer::new(&[], 2, 16);
        let (first_key, first) = writer.registration("n", dates);
        let (second_key, second) = writer.registration("n", dates);
        assert_ne!(first_key, second_key);
        assert_ne!(first, second);
        let body: serde_json::Value = serde_json::from_slice(&first).expect("JSON");
        let name = body["identity"]["family_name"].as_str().expect("a name");
        assert!(name.chars().all(|c| c.is_alphabetic() || c == ' '), "{name}");
        assert_eq!(letters(0), "a");
        assert_eq!(letters(27), "bb");
    }

    #[test]
    fn two_runs_or_scenarios_register_different_names() {
        let dates = Dates::now();
        let name = |nonce: &str| {
            let (_, body) = Writer::new(&[], 0, 1).registration(nonce, dates);
            let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
            body["identity"]["family_name"].clone()
        };
        assert_ne!(name("run-1"), name("hooks-run-1"), "the webhooks' writes are not the registration scenario's");
        assert_ne!(name("run-1"), name("run-2"), "a reused database gets new persons");
    }

    #[test]
    fn two_runs_patch_different_phones() {
        let body = |nonce: &str| Writer::new(&[], 0, 1).update_body(nonce);
        assert_ne!(body("run-1"), body("run-2"), "a reused database's dossiers are changed again");
        assert_eq!(body("run-1"), body("run-1"));
    }
}
