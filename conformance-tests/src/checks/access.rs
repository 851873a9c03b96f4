//! The access matrix, one client per organization kind: who reads a person France Travail
//! registered, as the person is oriented and shares their dossier; 404 outside the remit
//! (existence is not leaked); 403 naming a missing scope; administration and other
//! organizations' records out of reach.
//!
//! The expectations are the policy of docs/security.md, written out here, not asked of the
//! server: the person is an RSA beneficiary living in Lyon (département 69).

use plateforme_client::OrganizationKind;
use plateforme_client::{Organization, RawResponse, Versioned};
use serde_json::json;
use uuid::Uuid;

use super::{Verdict, expect_error, expect_problem, expect_status, step};
use crate::fixtures;
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::{Actor, Suite};

/// Where the person lives.
const RESIDENCE_DEPARTEMENT: &str = "69";

/// What has happened to the person so far.
#[derive(Default)]
struct Facts {
    oriented_to: Option<Uuid>,
    shared_with: Option<Uuid>,
}

/// What a client must get when reading the person.
enum Expected {
    Read,
    NotFound(&'static str),
    Forbidden,
}

pub async fn run(suite: &Suite, organization: Option<&Versioned<Organization>>, report: &mut Report) {
    for actor in suite.actors().iter().filter(|actor| actor.token.is_some()) {
        report.record(format!("access.admin_only.{}", actor.kind()), admin_only(actor).await);
        if !actor.has_scope("admin") {
            let name = format!("access.update_other_organization.{}", actor.kind());
            match target_organization(suite, actor, organization) {
                Some(target) => report.record(name, update_other(actor, target).await),
                None => report.skip(name, "no other organization known (give an admin client or another kind)"),
            }
        }
    }
    let Some(france_travail) = suite.actor(Kind::Of(OrganizationKind::FranceTravail)) else {
        return skip_person_checks(suite, report, &suite.missing(Kind::Of(OrganizationKind::FranceTravail)));
    };
    let body = fixtures::person(&suite.run_id, "Acces", true);
    let key = fixtures::idempotency_key(&suite.run_id, "access");
    let created = step("register", france_travail.client.create_person(&body, Some(&key)).await);
    let (id, etag) = match created.and_then(|created| {
        let id = created.value["id"].as_str().and_then(|id| id.parse::<Uuid>().ok()).ok_or("the person has no id")?;
        Ok((id, created.etag))
    }) {
        Ok(created) => {
            report.record("access.setup", Ok(()));
            created
        }
        Err(why) => {
            report.record("access.setup", Err(why));
            return skip_person_checks(suite, report, "needs access.setup");
        }
    };
    report.record("access.unknown_person", unknown_person(france_travail).await);
    report.record("access.missing_scope", missing_scope(suite, france_travail, id).await);
    let mut facts = Facts::default();
    stage(suite, "registered", id, &facts, report).await;

    let referent = suite.actor(Kind::Of(OrganizationKind::MissionLocale)).and_then(|ml| ml.organization_id());
    match referent {
        Some(referent) => {
            // The person is an RSA beneficiary: her département decides; France Travail only by its
            // delegation, or once the département's 30 days have passed (principle 1).
            let within_delay = json!({"path_type": "socio_professionnel", "intensive": false,
                "referent_organization_id": referent, "referent_counsellor": "conformance", "decided_on": "2025-01-07"});
            let refused = france_travail.client.set_orientation(id, &within_delay, &etag).await;
            report.record("access.orient.rsa_within_delay", expect_error(refused, 403, "forbidden").map(drop));
            let orientation = json!({"path_type": "socio_professionnel", "intensive": false,
                "referent_organization_id": referent, "referent_counsellor": "conformance", "decided_on": "2025-02-10"});
            let oriented = france_travail.client.set_orientation(id, &orientation, &etag).await;
            let oriented = step("orient", oriented);
            report.record("access.orient", oriented.as_ref().map(drop).map_err(Clone::clone));
            if oriented.is_ok() {
                facts.oriented_to = Some(referent);
                stage(suite, "oriented", id, &facts, report).await;
            }
        }
        None => report.skip("access.orient", suite.missing(Kind::Of(OrganizationKind::MissionLocale))),
    }

    let partner = suite.actor(Kind::Of(OrganizationKind::Partner)).and_then(|partner| partner.organization_id());
    match partner {
        Some(partner) => {
            let sharing = json!({"kind": "dossier_sharing", "partner_organization_id": partner});
            let shared = step("share", france_travail.client.give_consent(id, &sharing, None).await);
            let consent = shared.as_ref().ok().and_then(|consent| consent.value["id"].as_str()?.parse::<Uuid>().ok());
            report.record("access.share", shared.map(drop));
            if let Some(consent) = consent {
                facts.shared_with = Some(partner);
                stage(suite, "shared", id, &facts, report).await;
                let withdrawn = step("withdraw", france_travail.client.withdraw_consent(id, consent).await);
                facts.shared_with = None;
                let verdict = match (withdrawn, suite.actor(Kind::Of(OrganizationKind::Partner))) {
                    (Ok(_), Some(actor)) => read_as_expected(actor, id, &facts).await,
                    (Err(why), _) => Err(why),
                    (Ok(_), None) => Ok(()),
                };
                report.record("access.withdrawn.partner", verdict);
            }
        }
        None => report.skip("access.share", suite.missing(Kind::Of(OrganizationKind::Partner))),
    }
}

fn skip_person_checks(suite: &Suite, report: &mut Report, why: &str) {
    for name in ["access.unknown_person", "access.missing_scope"] {
        report.skip(name, why);
    }
    for actor in suite.actors() {
        report.skip(format!("access.registered.{}", actor.kind()), why);
    }
}

/// Every given client reads the person; each gets what the policy says.
async fn stage(suite: &Suite, stage: &str, person: Uuid, facts: &Facts, report: &mut Report) {
    for actor in suite.actors().iter().filter(|actor| actor.token.is_some()) {
        report.record(format!("access.{stage}.{}", actor.kind()), read_as_expected(actor, person, facts).await);
    }
}

fn expected(actor: &Actor, facts: &Facts) -> Expected {
    if !actor.has_scope("dossier:read") {
        return Expected::Forbidden;
    }
    let own = actor.organization_id();
    let is = |organization: Option<Uuid>| own.is_some() && own == organization;
    match actor.organization_kind().as_deref() {
        Some("france_travail") => Expected::Read,
        Some("mission_locale") if is(facts.oriented_to) || is(facts.shared_with) => Expected::Read,
        Some("mission_locale") => {
            Expected::NotFound("a mission locale reads persons registered by or oriented to it, or sharing with it")
        }
        Some("cap_emploi") if is(facts.oriented_to) || is(facts.shared_with) => Expected::Read,
        Some("cap_emploi") => Expected::NotFound("Cap emploi reads persons oriented to it or sharing with it"),
        Some("departement") if actor.departements().iter().any(|code| code == RESIDENCE_DEPARTEMENT) => Expected::Read,
        Some("departement") => Expected::NotFound("a département reads the RSA beneficiaries living in its territory"),
        Some("partner") if is(facts.shared_with) => Expected::Read,
        Some("partner") => Expected::NotFound("a partner reads only dossiers shared with it"),
        _ => Expected::NotFound("régions and employers read no dossier"),
    }
}

async fn read_as_expected(actor: &Actor, person: Uuid, facts: &Facts) -> Verdict {
    let response = step("read", actor.client.get(format!("/v1/persons/{person}")).send().await)?;
    match expected(actor, facts) {
        Expected::Read => {
            expect_status(&response, 200)?;
            let body: serde_json::Value = response.json().map_err(|error| error.to_string())?;
            if body["id"] != person.to_string() {
                return Err(format!("asked for {person}, got {}", body["id"]));
            }
            Ok(())
        }
        Expected::NotFound(rule) => {
            expect_problem(&response, 404, "not_found").map(drop).map_err(|why| format!("{why} ({rule})"))
        }
        Expected::Forbidden => forbidden_naming(&response, "dossier:read"),
    }
}

/// A 403 whose detail and challenge name the scope that is missing.
fn forbidden_naming(response: &RawResponse, scope: &str) -> Verdict {
    let problem = expect_problem(response, 403, "forbidden")?;
    if !problem.detail.contains(scope) {
        return Err(format!("the 403's detail does not name {scope}: {}", problem.detail));
    }
    match response.header("www-authenticate") {
        Some(challenge) if challenge.contains("insufficient_scope") && challenge.contains(scope) => Ok(()),
        other => Err(format!("WWW-Authenticate is {other:?}, expected error=\"insufficient_scope\" naming {scope}")),
    }
}

/// An id nobody registered: 404, as a person outside the remit.
async fn unknown_person(actor: &Actor) -> Verdict {
    let path = format!("/v1/persons/{}", fixtures::unknown_id());
    let response = step("read", actor.client.get(path).send().await)?;
    expect_problem(&response, 404, "not_found").map(drop)
}

/// France Travail's own client, with a token narrowed to `organizations:read`: 403 naming
/// `dossier:read`.
async fn missing_scope(suite: &Suite, actor: &Actor, person: Uuid) -> Verdict {
    let narrowed = suite.narrowed(actor, &["organizations:read"])?;
    let response = step("read", narrowed.get(format!("/v1/persons/{person}")).send().await)?;
    forbidden_naming(&response, "dossier:read")
}

/// Administration needs `admin`.
async fn admin_only(actor: &Actor) -> Verdict {
    let response = step("list clients", actor.client.get("/v1/admin/clients").query("limit", 1).send().await)?;
    if actor.has_scope("admin") { expect_status(&response, 200) } else { forbidden_naming(&response, "admin") }
}

/// The run's organization, or another given client's: never the caller's own.
fn target_organization(suite: &Suite, actor: &Actor, created: Option<&Versioned<Organization>>) -> Option<Uuid> {
    let own = actor.organization_id();
    created
        .map(|organization| organization.value.id)
        .filter(|id| Some(*id) != own)
        .or_else(|| suite.actors().iter().filter_map(Actor::organization_id).find(|id| Some(*id) != own))
}

/// An empty merge patch (it changes nothing, whatever the answer) of another organization:
/// 403, for want of `admin`.
async fn update_other(actor: &Actor, target: Uuid) -> Verdict {
    let request =
        actor.client.patch(format!("/v1/organizations/{target}")).merge_patch(&json!({})).header("if-match", "*");
    let response = step("patch", request.send().await)?;
    expect_problem(&response, 403, "forbidden").map(drop)
}
