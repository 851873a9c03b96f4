//! One person-visibility rule: for every organization kind, the list for action
//! (`GET /v1/persons?unoriented_for_days=…`, filtered in SQL) shows exactly the persons the
//! policy admits one by one. Persons of every shape are stored directly (some kinds may not
//! register people), then each kind's list is compared with the policy's decision on each.

use std::collections::BTreeSet;

use chrono::{Days, Utc};
use plateforme_auth::policy::{self, Operation, Principal, Resource};
use plateforme_model::organization::{OrganizationKind, Territory};
use plateforme_model::person::PersonRecord;
use plateforme_model::person::co_accompaniment::{CoAccompanimentRecord, CoAccompanimentRole};
use plateforme_model::person::consent::{ConsentKind, NewConsent};
use plateforme_store::dossier::co_accompaniments;
use plateforme_store::dossier::persons::{self, StoredPerson};
use plateforme_store::{Actor, DbConnection, StoreError, WriteContext, dossier::consents, write};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, json, next_link};
use crate::on_both_backends;

on_both_backends!(the_list_for_action_shows_whom_the_policy_admits_for_every_kind);

/// The territory `TestApp::register` gives an organization of this kind.
fn territory(kind: OrganizationKind) -> Territory {
    let territory = match kind {
        OrganizationKind::Region => json!({"regions": ["84"]}),
        _ => json!({"regions": ["84"], "departements": ["69"]}),
    };
    serde_json::from_value(territory).expect("territory")
}

/// One shape of person relative to an organization ("me"): who registered them, who they are
/// oriented to, their RSA status, where they live, whether they share their dossier with me, and
/// whether I co-accompany them.
struct Shape {
    registered_by_me: bool,
    oriented_to: Option<bool>,
    rsa_beneficiary: bool,
    /// `Some(true)`: in my département (69); `Some(false)`: elsewhere (75); `None`: unknown.
    resident_here: Option<bool>,
    shared_with_me: bool,
    /// `Some(true)`: I co-accompany them today; `Some(false)`: I did, until yesterday.
    co_accompanied_by_me: Option<bool>,
}

fn every_shape() -> Vec<Shape> {
    let mut shapes = Vec::new();
    for registered_by_me in [true, false] {
        for oriented_to in [None, Some(true), Some(false)] {
            for rsa_beneficiary in [true, false] {
                for resident_here in [Some(true), Some(false), None] {
                    for shared_with_me in [true, false] {
                        for co_accompanied_by_me in [None, Some(true), Some(false)] {
                            shapes.push(Shape {
                                registered_by_me,
                                oriented_to,
                                rsa_beneficiary,
                                resident_here,
                                shared_with_me,
                                co_accompanied_by_me,
                            });
                        }
                    }
                }
            }
        }
    }
    shapes
}

fn record(name: &str, shape: &Shape, me: Uuid, other: Uuid) -> PersonRecord {
    let days_ago = |days| Utc::now().date_naive().checked_sub_days(Days::new(days)).expect("date");
    let by = |mine: bool| if mine { me } else { other };
    let address = shape.resident_here.map(|here| match here {
        true => json!({"line": "12 rue de la République", "postal_code": "69002", "commune": "69123"}),
        false => json!({"line": "1 rue de Rivoli", "postal_code": "75001", "commune": "75056"}),
    });
    let orientation = shape.oriented_to.map(|mine| {
        json!({"path_type": "emploi", "intensive": false, "referent_organization_id": by(mine),
            "referent_counsellor": null, "decided_on": days_ago(35), "decided_by": other})
    });
    let record: Value = json!({
        "identity": {"family_name": name, "given_names": "Léa", "birth_date": "1990-03-14", "birth_commune": "69123"},
        "contact": {"address": address},
        "statuses": {"rsa_beneficiary": shape.rsa_beneficiary, "rqth": false},
        "registration": {"registered_on": days_ago(40), "channel": "counter", "registered_by": by(shape.registered_by_me)},
        "orientation": orientation,
        "provenance": {}
    });
    serde_json::from_value(record).expect("a person record")
}

/// Stores one person of every shape for `me`, sharing their dossier with `me` by consent when
/// the shape says so.
fn store_persons(
    conn: &mut DbConnection,
    kind: OrganizationKind,
    me: Uuid,
    other: Uuid,
) -> Result<Vec<StoredPerson>, StoreError> {
    let context = WriteContext::of(Actor { client_id: "test".into(), organization_id: None });
    write::transaction(conn, |conn| {
        let mut stored = Vec::new();
        for (index, shape) in every_shape().iter().enumerate() {
            let name = format!("Forme {} {index}", kind.as_str());
            let person = persons::create(conn, &context, record(&name, shape, me, other), None)?;
            if shape.shared_with_me {
                let sharing = NewConsent { kind: ConsentKind::DossierSharing, partner_organization_id: Some(me) };
                consents::give(conn, &context, person.id, &sharing)?;
            }
            if let Some(today) = shape.co_accompanied_by_me {
                let day = |days| Utc::now().date_naive().checked_sub_days(Days::new(days)).expect("date");
                let record = CoAccompanimentRecord {
                    organization_id: me,
                    role: CoAccompanimentRole::Training,
                    since: day(10),
                    until: if today { None } else { Some(day(1)) },
                    acting_for: None,
                    recorded_by: other,
                };
                co_accompaniments::create(conn, &context, person.id, record)?;
            }
            stored.push(person);
        }
        Ok(stored)
    })
}

async fn the_list_for_action_shows_whom_the_policy_admits_for_every_kind(app: TestApp) {
    let other = app.admin.as_ref().expect("the administrator").organization_id;
    let (mut callers, mut stored) = (Vec::new(), Vec::new());
    for kind in OrganizationKind::ALL {
        let client = app.register(kind, &["dossier:read"]).await;
        let me = client.organization_id;
        stored.extend(app.store.run(move |conn| store_persons(conn, kind, me, other)).await.expect("store persons"));
        callers.push((kind, client));
    }
    // Read once every person is stored: a consent given for one kind is read by all.
    let everyone = app.store.run(move |conn| with_access(conn, stored)).await.expect("the persons' access");
    assert_eq!(everyone.len(), OrganizationKind::ALL.len() * every_shape().len());

    for (kind, client) in callers {
        let principal = Principal { organization_id: client.organization_id, kind, territory: territory(kind) };
        let expected: BTreeSet<Uuid> = everyone
            .iter()
            .filter(|(person, access)| {
                person.record.orientation.is_none()
                    && policy::allows(&principal, Operation::Read, Resource::Person(access))
            })
            .map(|(person, _)| person.id)
            .collect();
        let listed = list_for_action(&app, &client.token).await;
        let shown_but_refused: Vec<_> = listed.difference(&expected).collect();
        let admitted_but_left_out: Vec<_> = expected.difference(&listed).collect();
        assert!(
            shown_but_refused.is_empty() && admitted_but_left_out.is_empty(),
            "{kind:?}: listed though the policy refuses them {shown_but_refused:?}; \
             admitted by the policy but not listed {admitted_but_left_out:?}"
        );
        let sees_persons = !matches!(kind, OrganizationKind::Employer | OrganizationKind::StateService);
        assert_eq!(!expected.is_empty(), sees_persons, "{kind:?}: the shapes cover its rule");
    }
}

/// What the policy reads of each person, their consents included.
fn with_access(
    conn: &mut DbConnection,
    stored: Vec<StoredPerson>,
) -> Result<Vec<(StoredPerson, policy::PersonAccess)>, StoreError> {
    stored
        .into_iter()
        .map(|person| {
            let access = plateforme_dossier::person_access(conn, &person)?;
            Ok((person, access))
        })
        .collect()
}

/// Every page of the caller's list for action (persons registered 30 days ago or more).
async fn list_for_action(app: &TestApp, token: &str) -> BTreeSet<Uuid> {
    let mut listed = BTreeSet::new();
    let mut next = Some(app.url("/v1/persons?unoriented_for_days=30&limit=100"));
    while let Some(url) = next {
        let response = app.client.get(&url).bearer_auth(token).send().await.expect("GET /v1/persons");
        assert_eq!(response.status().as_u16(), 200, "{url}");
        next = next_link(&response).map(|link| if link.starts_with('/') { app.url(&link) } else { link });
        let page = json(response).await;
        for item in page["items"].as_array().expect("items") {
            listed.insert(item["id"].as_str().and_then(|id| id.parse().ok()).expect("an id"));
        }
    }
    listed
}
