use std::collections::HashSet;

use plateforme_model::codes::{DepartementCode, RegionCode};
use plateforme_model::organization::OrganizationKind::{
    self, CapEmploi, Departement, Employer, FranceTravail, MissionLocale, Partner, Region, StateService,
    TrainingProvider,
};
use plateforme_model::organization::Territory;
use plateforme_model::person::co_accompaniment::CoAccompanimentRole;
use uuid::Uuid;

use super::*;

/// The organization under test, whatever its kind.
const ME: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001);
const OTHER: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0002);
const THIRD: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0003);

fn departement(code: &str) -> DepartementCode {
    DepartementCode::parse(code).unwrap()
}

fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

/// A realistic territory per kind, all in Auvergne-Rhône-Alpes (84) around the Rhône (69).
/// France Travail gets none, to show that its rules do not depend on one.
fn principal(kind: OrganizationKind) -> Principal {
    let territory = match kind {
        FranceTravail => Territory::default(),
        Region => Territory { regions: vec![region("84")], ..Territory::default() },
        _ => Territory { regions: vec![region("84")], departements: vec![departement("69")], communes: vec![] },
    };
    Principal { organization_id: ME, kind, territory }
}

/// An owned record, so that a case can be built by name and lent as a `Resource`.
enum Record {
    Person(PersonAccess),
    Offer(OfferAccess),
    Training(TrainingAccess),
    Positioning(PositioningAccess),
    Indicators(IndicatorsAccess),
    Organization(OrganizationAccess),
}

impl Record {
    fn resource(&self) -> Resource<'_> {
        match self {
            Self::Person(person) => Resource::Person(person),
            Self::Offer(offer) => Resource::Offer(offer),
            Self::Training(training) => Resource::Training(training),
            Self::Positioning(positioning) => Resource::Positioning(positioning),
            Self::Indicators(indicators) => Resource::Indicators(indicators),
            Self::Organization(organization) => Resource::Organization(organization),
        }
    }
}

/// Every record the matrix tries, named as the matrix names it. "It" is the organization under
/// test (`ME`); "its département" is 69, "its région" 84.
const CASES: [&str; 30] = [
    "person registered by it",
    "person oriented to it",
    "person sharing their dossier with it",
    "person it co-accompanies",
    "person of another organization",
    "RSA beneficiary resident in its département",
    "RSA beneficiary resident elsewhere",
    "non-RSA person resident in its département",
    "RSA beneficiary of unknown residence",
    "person with an empty dossier",
    "offer it published",
    "offer co-published by it and another",
    "offer of another organization",
    "training it published in its région",
    "training it published in another région",
    "training of another organization in its région",
    "training of another organization in another région",
    "positioning on its session of a person of another organization",
    "positioning of a person it follows on another's session",
    "positioning on another's session its région funds",
    "positioning on another's session another région funds",
    "national indicators",
    "indicators of its région",
    "indicators of its département",
    "indicators of its département, région not given",
    "indicators of another département of its région",
    "indicators of another région",
    "indicators of a département of another région",
    "its own organization",
    "another organization",
];

fn record(case: &str) -> Record {
    // Each person case differs from "person of another organization" by one attribute only, so
    // that an allowance can be traced to the attribute that grants it.
    let stranger = PersonAccess {
        registered_by: Some(OTHER),
        oriented_to: vec![OTHER],
        rsa_beneficiary: false,
        residence_departement: Some(departement("75")),
        shared_with: vec![THIRD],
        co_accompanied_by: vec![(THIRD, CoAccompanimentRole::Social)],
    };
    let person = |change: fn(&mut PersonAccess)| {
        let mut person = stranger.clone();
        change(&mut person);
        Record::Person(person)
    };
    // The first source owns the offer (it created it); the others joined it.
    let offer = |sources: &[Uuid]| {
        Record::Offer(OfferAccess {
            source_organizations: sources.to_vec(),
            owner: sources.first().copied(),
            open: true,
        })
    };
    let training = |code: &str, published_by| Record::Training(TrainingAccess { region: region(code), published_by });
    let positioning = |person: PersonAccess, provider, funding: Option<&str>| {
        Record::Positioning(PositioningAccess { person, provider, funding_region: funding.map(region) })
    };
    // Followed by every kind that accompanies: registered by it, oriented to it, an RSA
    // beneficiary living in its département.
    let followed = PersonAccess {
        registered_by: Some(ME),
        oriented_to: vec![ME],
        rsa_beneficiary: true,
        residence_departement: Some(departement("69")),
        ..stranger.clone()
    };
    let indicators = |region_code: Option<&str>, departement_code: Option<&str>| {
        Record::Indicators(IndicatorsAccess {
            region: region_code.map(region),
            departement: departement_code.map(departement),
        })
    };
    match case {
        "person registered by it" => person(|p| p.registered_by = Some(ME)),
        "person oriented to it" => person(|p| p.oriented_to = vec![THIRD, ME]),
        "person sharing their dossier with it" => person(|p| p.shared_with = vec![THIRD, ME]),
        "person it co-accompanies" => person(|p| p.co_accompanied_by.push((ME, CoAccompanimentRole::Delegated))),
        "person of another organization" => person(|_| {}),
        "RSA beneficiary resident in its département" => person(|p| {
            p.rsa_beneficiary = true;
            p.residence_departement = Some(departement("69"));
        }),
        "RSA beneficiary resident elsewhere" => person(|p| p.rsa_beneficiary = true),
        "non-RSA person resident in its département" => person(|p| p.residence_departement = Some(departement("69"))),
        "RSA beneficiary of unknown residence" => person(|p| {
            p.rsa_beneficiary = true;
            p.residence_departement = None;
        }),
        "person with an empty dossier" => Record::Person(PersonAccess::default()),
        "offer it published" => offer(&[ME]),
        "offer co-published by it and another" => offer(&[OTHER, ME]),
        "offer of another organization" => offer(&[OTHER]),
        "training it published in its région" => training("84", ME),
        "training it published in another région" => training("11", ME),
        "training of another organization in its région" => training("84", OTHER),
        "training of another organization in another région" => training("11", OTHER),
        "positioning on its session of a person of another organization" => positioning(stranger.clone(), ME, None),
        "positioning of a person it follows on another's session" => positioning(followed, OTHER, None),
        "positioning on another's session its région funds" => positioning(stranger.clone(), OTHER, Some("84")),
        "positioning on another's session another région funds" => positioning(stranger.clone(), OTHER, Some("11")),
        "national indicators" => indicators(None, None),
        "indicators of its région" => indicators(Some("84"), None),
        "indicators of its département" => indicators(Some("84"), Some("69")),
        "indicators of its département, région not given" => indicators(None, Some("69")),
        "indicators of another département of its région" => indicators(Some("84"), Some("38")),
        "indicators of another région" => indicators(Some("11"), None),
        "indicators of a département of another région" => indicators(Some("11"), Some("75")),
        "its own organization" => Record::Organization(OrganizationAccess { id: ME }),
        "another organization" => Record::Organization(OrganizationAccess { id: OTHER }),
        unknown => panic!("no record for case {unknown:?}"),
    }
}

/// Every kind's principal with every record of `CASES`, for the checks that hold for all.
fn every_kind_meeting_every_record() -> impl Iterator<Item = (OrganizationKind, Principal, &'static str, Record)> {
    OrganizationKind::ALL
        .into_iter()
        .flat_map(|kind| CASES.into_iter().map(move |case| (kind, principal(kind), case, record(case))))
}

/// The expected decisions, written out from the product issue, not derived from the table:
/// (kind, record, may read, may write).
#[rustfmt::skip]
const MATRIX: [(OrganizationKind, &str, bool, bool); 270] = [
    (FranceTravail, "person registered by it",                             true,  true),
    (FranceTravail, "person oriented to it",                               true,  true),
    (FranceTravail, "person sharing their dossier with it",                true,  true),
    (FranceTravail,"person it co-accompanies",                          true,  true),
    (FranceTravail, "person of another organization",                      true,  true),
    (FranceTravail, "RSA beneficiary resident in its département",         true,  true),
    (FranceTravail, "RSA beneficiary resident elsewhere",                  true,  true),
    (FranceTravail, "non-RSA person resident in its département",          true,  true),
    (FranceTravail, "RSA beneficiary of unknown residence",                true,  true),
    (FranceTravail, "person with an empty dossier",                        true,  true),
    (FranceTravail, "offer it published",                                  true,  true),
    (FranceTravail, "offer co-published by it and another",                true,  true),
    (FranceTravail, "offer of another organization",                       true,  true),
    (FranceTravail, "training it published in its région",                 true,  true),
    (FranceTravail, "training it published in another région",             true,  true),
    (FranceTravail, "training of another organization in its région",      true,  true),
    (FranceTravail, "training of another organization in another région",  true,  true),
    (FranceTravail, "positioning on its session of a person of another organization", true,  true),
    (FranceTravail, "positioning of a person it follows on another's session", true,  true),
    (FranceTravail, "positioning on another's session its région funds", true,  true),
    (FranceTravail, "positioning on another's session another région funds", true,  true),
    (FranceTravail, "national indicators",                                 true,  false),
    (FranceTravail, "indicators of its région",                            true,  false),
    (FranceTravail, "indicators of its département",                       true,  false),
    (FranceTravail, "indicators of its département, région not given",     true,  false),
    (FranceTravail, "indicators of another département of its région",     true,  false),
    (FranceTravail, "indicators of another région",                        true,  false),
    (FranceTravail, "indicators of a département of another région",       true,  false),
    (FranceTravail, "its own organization",                                true,  true),
    (FranceTravail, "another organization",                                true,  false),

    (MissionLocale, "person registered by it",                             true,  true),
    (MissionLocale, "person oriented to it",                               true,  true),
    (MissionLocale, "person sharing their dossier with it",                true,  false),
    (MissionLocale,"person it co-accompanies",                          true,  false),
    (MissionLocale, "person of another organization",                      false, false),
    (MissionLocale, "RSA beneficiary resident in its département",         false, false),
    (MissionLocale, "RSA beneficiary resident elsewhere",                  false, false),
    (MissionLocale, "non-RSA person resident in its département",          false, false),
    (MissionLocale, "RSA beneficiary of unknown residence",                false, false),
    (MissionLocale, "person with an empty dossier",                        false, false),
    (MissionLocale, "offer it published",                                  true,  true),
    (MissionLocale, "offer co-published by it and another",                true,  false),
    (MissionLocale, "offer of another organization",                       true,  false),
    (MissionLocale, "training it published in its région",                 true,  false),
    (MissionLocale, "training it published in another région",             true,  false),
    (MissionLocale, "training of another organization in its région",      true,  false),
    (MissionLocale, "training of another organization in another région",  true,  false),
    (MissionLocale, "positioning on its session of a person of another organization", false, false),
    (MissionLocale, "positioning of a person it follows on another's session", true,  false),
    (MissionLocale, "positioning on another's session its région funds", false, false),
    (MissionLocale, "positioning on another's session another région funds", false, false),
    (MissionLocale, "national indicators",                                 true,  false),
    (MissionLocale, "indicators of its région",                            false, false),
    (MissionLocale, "indicators of its département",                       true,  false),
    (MissionLocale, "indicators of its département, région not given",     true,  false),
    (MissionLocale, "indicators of another département of its région",     false, false),
    (MissionLocale, "indicators of another région",                        false, false),
    (MissionLocale, "indicators of a département of another région",       false, false),
    (MissionLocale, "its own organization",                                true,  true),
    (MissionLocale, "another organization",                                true,  false),

    (CapEmploi,     "person registered by it",                             true,  true),
    (CapEmploi,     "person oriented to it",                               true,  true),
    (CapEmploi,     "person sharing their dossier with it",                true,  false),
    (CapEmploi,    "person it co-accompanies",                          true,  false),
    (CapEmploi,     "person of another organization",                      false, false),
    (CapEmploi,     "RSA beneficiary resident in its département",         false, false),
    (CapEmploi,     "RSA beneficiary resident elsewhere",                  false, false),
    (CapEmploi,     "non-RSA person resident in its département",          false, false),
    (CapEmploi,     "RSA beneficiary of unknown residence",                false, false),
    (CapEmploi,     "person with an empty dossier",                        false, false),
    (CapEmploi,     "offer it published",                                  true,  true),
    (CapEmploi,     "offer co-published by it and another",                true,  false),
    (CapEmploi,     "offer of another organization",                       true,  false),
    (CapEmploi,     "training it published in its région",                 true,  false),
    (CapEmploi,     "training it published in another région",             true,  false),
    (CapEmploi,     "training of another organization in its région",      true,  false),
    (CapEmploi,     "training of another organization in another région",  true,  false),
    (CapEmploi, "positioning on its session of a person of another organization", false, false),
    (CapEmploi, "positioning of a person it follows on another's session", true,  false),
    (CapEmploi, "positioning on another's session its région funds", false, false),
    (CapEmploi, "positioning on another's session another région funds", false, false),
    (CapEmploi,     "national indicators",                                 true,  false),
    (CapEmploi,     "indicators of its région",                            false, false),
    (CapEmploi,     "indicators of its département",                       true,  false),
    (CapEmploi,     "indicators of its département, région not given",     true,  false),
    (CapEmploi,     "indicators of another département of its région",     false, false),
    (CapEmploi,     "indicators of another région",                        false, false),
    (CapEmploi,     "indicators of a département of another région",       false, false),
    (CapEmploi,     "its own organization",                                true,  true),
    (CapEmploi,     "another organization",                                true,  false),

    (Departement,   "person registered by it",                             false, false),
    (Departement,   "person oriented to it",                               false, false),
    (Departement,   "person sharing their dossier with it",                false, false),
    (Departement,  "person it co-accompanies",                          true,  false),
    (Departement,   "person of another organization",                      false, false),
    (Departement,   "RSA beneficiary resident in its département",         true,  true),
    (Departement,   "RSA beneficiary resident elsewhere",                  false, false),
    (Departement,   "non-RSA person resident in its département",          false, false),
    (Departement,   "RSA beneficiary of unknown residence",                false, false),
    (Departement,   "person with an empty dossier",                        false, false),
    (Departement,   "offer it published",                                  true,  true),
    (Departement,   "offer co-published by it and another",                true,  false),
    (Departement,   "offer of another organization",                       true,  false),
    (Departement,   "training it published in its région",                 true,  false),
    (Departement,   "training it published in another région",             true,  false),
    (Departement,   "training of another organization in its région",      true,  false),
    (Departement,   "training of another organization in another région",  true,  false),
    (Departement, "positioning on its session of a person of another organization", false, false),
    (Departement, "positioning of a person it follows on another's session", true,  false),
    (Departement, "positioning on another's session its région funds", false, false),
    (Departement, "positioning on another's session another région funds", false, false),
    (Departement,   "national indicators",                                 true,  false),
    (Departement,   "indicators of its région",                            false, false),
    (Departement,   "indicators of its département",                       true,  false),
    (Departement,   "indicators of its département, région not given",     true,  false),
    (Departement,   "indicators of another département of its région",     false, false),
    (Departement,   "indicators of another région",                        false, false),
    (Departement,   "indicators of a département of another région",       false, false),
    (Departement,   "its own organization",                                true,  true),
    (Departement,   "another organization",                                true,  false),

    (Region,        "person registered by it",                             false, false),
    (Region,        "person oriented to it",                               false, false),
    (Region,        "person sharing their dossier with it",                true,  false),
    (Region,       "person it co-accompanies",                          true,  false),
    (Region,        "person of another organization",                      false, false),
    (Region,        "RSA beneficiary resident in its département",         false, false),
    (Region,        "RSA beneficiary resident elsewhere",                  false, false),
    (Region,        "non-RSA person resident in its département",          false, false),
    (Region,        "RSA beneficiary of unknown residence",                false, false),
    (Region,        "person with an empty dossier",                        false, false),
    (Region,        "offer it published",                                  true,  true),
    (Region,        "offer co-published by it and another",                true,  false),
    (Region,        "offer of another organization",                       true,  false),
    (Region,        "training it published in its région",                 true,  true),
    (Region,        "training it published in another région",             true,  false),
    (Region,        "training of another organization in its région",      true,  true),
    (Region,        "training of another organization in another région",  true,  false),
    (Region, "positioning on its session of a person of another organization", false, false),
    (Region, "positioning of a person it follows on another's session", false, false),
    (Region, "positioning on another's session its région funds", true,  false),
    (Region, "positioning on another's session another région funds", false, false),
    (Region,        "national indicators",                                 true,  false),
    (Region,        "indicators of its région",                            true,  false),
    (Region,        "indicators of its département",                       true,  false),
    (Region,        "indicators of its département, région not given",     true,  false),
    (Region,        "indicators of another département of its région",     true,  false),
    (Region,        "indicators of another région",                        false, false),
    (Region,        "indicators of a département of another région",       false, false),
    (Region,        "its own organization",                                true,  true),
    (Region,        "another organization",                                true,  false),

    (Partner,       "person registered by it",                             true,  true),
    (Partner,       "person oriented to it",                               false, false),
    (Partner,       "person sharing their dossier with it",                true,  false),
    (Partner,      "person it co-accompanies",                          true,  false),
    (Partner,       "person of another organization",                      false, false),
    (Partner,       "RSA beneficiary resident in its département",         false, false),
    (Partner,       "RSA beneficiary resident elsewhere",                  false, false),
    (Partner,       "non-RSA person resident in its département",          false, false),
    (Partner,       "RSA beneficiary of unknown residence",                false, false),
    (Partner,       "person with an empty dossier",                        false, false),
    (Partner,       "offer it published",                                  true,  true),
    (Partner,       "offer co-published by it and another",                true,  false),
    (Partner,       "offer of another organization",                       true,  false),
    (Partner,       "training it published in its région",                 true,  true),
    (Partner,       "training it published in another région",             true,  true),
    (Partner,       "training of another organization in its région",      true,  false),
    (Partner,       "training of another organization in another région",  true,  false),
    (Partner, "positioning on its session of a person of another organization", true,  true),
    (Partner, "positioning of a person it follows on another's session", true,  false),
    (Partner, "positioning on another's session its région funds", false, false),
    (Partner, "positioning on another's session another région funds", false, false),
    (Partner,       "national indicators",                                 true,  false),
    (Partner,       "indicators of its région",                            false, false),
    (Partner,       "indicators of its département",                       false, false),
    (Partner,       "indicators of its département, région not given",     false, false),
    (Partner,       "indicators of another département of its région",     false, false),
    (Partner,       "indicators of another région",                        false, false),
    (Partner,       "indicators of a département of another région",       false, false),
    (Partner,       "its own organization",                                true,  true),
    (Partner,       "another organization",                                true,  false),

    (Employer,      "person registered by it",                             false, false),
    (Employer,      "person oriented to it",                               false, false),
    (Employer,      "person sharing their dossier with it",                false, false),
    (Employer,     "person it co-accompanies",                          false, false),
    (Employer,      "person of another organization",                      false, false),
    (Employer,      "RSA beneficiary resident in its département",         false, false),
    (Employer,      "RSA beneficiary resident elsewhere",                  false, false),
    (Employer,      "non-RSA person resident in its département",          false, false),
    (Employer,      "RSA beneficiary of unknown residence",                false, false),
    (Employer,      "person with an empty dossier",                        false, false),
    (Employer,      "offer it published",                                  true,  true),
    (Employer,      "offer co-published by it and another",                true,  false),
    (Employer,      "offer of another organization",                       true,  false),
    (Employer,      "training it published in its région",                 true,  false),
    (Employer,      "training it published in another région",             true,  false),
    (Employer,      "training of another organization in its région",      true,  false),
    (Employer,      "training of another organization in another région",  true,  false),
    (Employer, "positioning on its session of a person of another organization", false, false),
    (Employer, "positioning of a person it follows on another's session", false, false),
    (Employer, "positioning on another's session its région funds", false, false),
    (Employer, "positioning on another's session another région funds", false, false),
    (Employer,      "national indicators",                                 true,  false),
    (Employer,      "indicators of its région",                            false, false),
    (Employer,      "indicators of its département",                       false, false),
    (Employer,      "indicators of its département, région not given",     false, false),
    (Employer,      "indicators of another département of its région",     false, false),
    (Employer,      "indicators of another région",                        false, false),
    (Employer,      "indicators of a département of another région",       false, false),
    (Employer,      "its own organization",                                true,  true),
    (Employer,      "another organization",                                true,  false),

    (StateService, "person registered by it",                           false, false),
    (StateService, "person oriented to it",                             false, false),
    (StateService, "person sharing their dossier with it",              false, false),
    (StateService, "person it co-accompanies",                          false, false),
    (StateService, "person of another organization",                    false, false),
    (StateService, "RSA beneficiary resident in its département",       false, false),
    (StateService, "RSA beneficiary resident elsewhere",                false, false),
    (StateService, "non-RSA person resident in its département",        false, false),
    (StateService, "RSA beneficiary of unknown residence",              false, false),
    (StateService, "person with an empty dossier",                      false, false),
    (StateService, "offer it published",                                true,  false),
    (StateService, "offer co-published by it and another",              true,  false),
    (StateService, "offer of another organization",                     true,  false),
    (StateService, "training it published in its région",               true,  false),
    (StateService, "training it published in another région",           true,  false),
    (StateService, "training of another organization in its région",    true,  false),
    (StateService, "training of another organization in another région", true,  false),
    (StateService, "positioning on its session of a person of another organization", false, false),
    (StateService, "positioning of a person it follows on another's session", false, false),
    (StateService, "positioning on another's session its région funds", false, false),
    (StateService, "positioning on another's session another région funds", false, false),
    (StateService, "national indicators",                               true,  false),
    (StateService, "indicators of its région",                          false, false),
    (StateService, "indicators of its département",                     true,  false),
    (StateService, "indicators of its département, région not given",   true,  false),
    (StateService, "indicators of another département of its région",   false, false),
    (StateService, "indicators of another région",                      false, false),
    (StateService, "indicators of a département of another région",     false, false),
    (StateService, "its own organization",                              true,  true,),
    (StateService, "another organization",                              true,  false),

    (TrainingProvider, "person registered by it",                           false, false),
    (TrainingProvider, "person oriented to it",                             false, false),
    (TrainingProvider, "person sharing their dossier with it",              true,  false),
    (TrainingProvider, "person it co-accompanies",                          true,  false),
    (TrainingProvider, "person of another organization",                    false, false),
    (TrainingProvider, "RSA beneficiary resident in its département",       false, false),
    (TrainingProvider, "RSA beneficiary resident elsewhere",                false, false),
    (TrainingProvider, "non-RSA person resident in its département",        false, false),
    (TrainingProvider, "RSA beneficiary of unknown residence",              false, false),
    (TrainingProvider, "person with an empty dossier",                      false, false),
    (TrainingProvider, "offer it published",                                true,  false),
    (TrainingProvider, "offer co-published by it and another",              true,  false),
    (TrainingProvider, "offer of another organization",                     true,  false),
    (TrainingProvider, "training it published in its région",               true,  true,),
    (TrainingProvider, "training it published in another région",           true,  true,),
    (TrainingProvider, "training of another organization in its région",    true,  false),
    (TrainingProvider, "training of another organization in another région", true,  false),
    (TrainingProvider, "positioning on its session of a person of another organization", true,  true),
    (TrainingProvider, "positioning of a person it follows on another's session", false, false),
    (TrainingProvider, "positioning on another's session its région funds", false, false),
    (TrainingProvider, "positioning on another's session another région funds", false, false),
    (TrainingProvider, "national indicators",                               true,  false),
    (TrainingProvider, "indicators of its région",                          false, false),
    (TrainingProvider, "indicators of its département",                     false, false),
    (TrainingProvider, "indicators of its département, région not given",   false, false),
    (TrainingProvider, "indicators of another département of its région",   false, false),
    (TrainingProvider, "indicators of another région",                      false, false),
    (TrainingProvider, "indicators of a département of another région",     false, false),
    (TrainingProvider, "its own organization",                              true,  true,),
    (TrainingProvider, "another organization",                              true,  false),
];

#[test]
fn decisions_match_the_expected_matrix() {
    let mut failures = Vec::new();
    for (kind, case, may_read, may_write) in MATRIX {
        let principal = principal(kind);
        let record = record(case);
        for (operation, expected) in [(Operation::Read, may_read), (Operation::Write, may_write)] {
            let actual = allows(&principal, operation, record.resource());
            if actual != expected {
                let rule = rule(kind, record.resource().kind(), operation);
                failures.push(format!("{kind:?} {operation:?} {case:?}: expected {expected}, got {actual} ({rule:?})"));
            }
        }
    }
    assert!(failures.is_empty(), "{} wrong decisions:\n{}", failures.len(), failures.join("\n"));
}

/// The matrix has no hole: every kind meets every record, once.
#[test]
fn the_matrix_covers_every_kind_and_every_record() {
    let rows: HashSet<_> = MATRIX.iter().map(|(kind, case, _, _)| (*kind, *case)).collect();
    assert_eq!(rows.len(), MATRIX.len(), "a (kind, record) pair appears twice");
    for kind in OrganizationKind::ALL {
        for case in CASES {
            assert!(rows.contains(&(kind, case)), "{kind:?} never meets {case:?}");
        }
    }
    // ... and every resource kind is among the records.
    let kinds: HashSet<_> = CASES.iter().map(|case| record(case).resource().kind()).collect();
    assert_eq!(kinds.len(), ResourceKind::ALL.len());
}

#[test]
fn the_table_has_one_row_per_kind_resource_and_operation_in_a_stable_order() {
    assert_eq!(table().count(), 9 * 6 * 2);
    let expected: Vec<_> = OrganizationKind::ALL
        .into_iter()
        .flat_map(|kind| ResourceKind::ALL.into_iter().map(move |resource| (kind, resource)))
        .flat_map(|(kind, resource)| Operation::ALL.into_iter().map(move |operation| (kind, resource, operation)))
        .collect();
    let actual: Vec<_> = table().map(|(kind, resource, operation, _)| (kind, resource, operation)).collect();
    assert_eq!(actual, expected);
}

#[test]
fn every_row_pairs_a_rule_with_a_resource_it_applies_to() {
    for (kind, resource, operation, rule) in table() {
        assert!(rule.applies_to(resource), "{kind:?} {resource:?} {operation:?}: {rule:?} does not apply");
        assert_eq!(super::rule(kind, resource, operation), rule);
    }
}

#[test]
fn a_rule_denies_every_record_it_does_not_apply_to() {
    for (kind, principal, case, record) in every_kind_meeting_every_record() {
        for rule in Rule::ALL {
            if !rule.applies_to(record.resource().kind()) {
                assert!(!rule.admits(&principal, record.resource()), "{rule:?} admits {case:?} for {kind:?}");
            }
        }
    }
}

#[test]
fn a_missing_row_denies() {
    assert_eq!(lookup(&[], FranceTravail, ResourceKind::Person, Operation::Read), Rule::Nothing);
    let rows = [(FranceTravail, ResourceKind::Person, Operation::Read, Rule::Everything)];
    assert_eq!(lookup(&rows, FranceTravail, ResourceKind::Person, Operation::Read), Rule::Everything);
    assert_eq!(lookup(&rows, FranceTravail, ResourceKind::Person, Operation::Write), Rule::Nothing);
    assert_eq!(lookup(&rows, MissionLocale, ResourceKind::Person, Operation::Read), Rule::Nothing);
}

#[test]
fn what_every_kind_shares() {
    for kind in OrganizationKind::ALL {
        assert_eq!(rule(kind, ResourceKind::Offer, Operation::Read), Rule::Everything, "{kind:?}");
        assert_eq!(rule(kind, ResourceKind::Training, Operation::Read), Rule::Everything, "{kind:?}");
        assert_eq!(rule(kind, ResourceKind::Organization, Operation::Read), Rule::Everything, "{kind:?}");
        assert_eq!(rule(kind, ResourceKind::Organization, Operation::Write), Rule::SelfOnly, "{kind:?}");
        assert_eq!(rule(kind, ResourceKind::Indicators, Operation::Write), Rule::Nothing, "{kind:?}");
        let national = IndicatorsAccess::default();
        assert!(allows(&principal(kind), Operation::Read, Resource::Indicators(&national)), "{kind:?}");
    }
}

/// Writing a record implies being able to read it: no kind may change what it cannot see.
#[test]
fn whatever_a_kind_may_write_it_may_read() {
    for (kind, principal, case, record) in every_kind_meeting_every_record() {
        if allows(&principal, Operation::Write, record.resource()) {
            assert!(allows(&principal, Operation::Read, record.resource()), "{kind:?} writes {case:?} unseen");
        }
    }
}

#[test]
fn a_departement_covering_several_departements_sees_the_rsa_beneficiaries_of_each() {
    let principal = Principal {
        organization_id: ME,
        kind: Departement,
        territory: Territory { departements: vec![departement("69"), departement("2A")], ..Territory::default() },
    };
    for (code, expected) in [("69", true), ("2A", true), ("2B", false)] {
        let person = PersonAccess {
            rsa_beneficiary: true,
            residence_departement: Some(departement(code)),
            ..Default::default()
        };
        assert_eq!(allows(&principal, Operation::Write, Resource::Person(&person)), expected, "{code}");
    }
}

/// When an indicator's région and département disagree, the département (the finer level)
/// decides, so inconsistent data cannot widen a région's view.
#[test]
fn a_region_reads_indicators_by_their_departement_first() {
    let principal = principal(Region);
    let inconsistent = IndicatorsAccess { region: Some(region("84")), departement: Some(departement("75")) };
    assert!(!allows(&principal, Operation::Read, Resource::Indicators(&inconsistent)));
    let relabelled = IndicatorsAccess { region: Some(region("11")), departement: Some(departement("38")) };
    assert!(allows(&principal, Operation::Read, Resource::Indicators(&relabelled)));
}

/// The decision follows the organization's kind, not only its identifier: the same
/// organization id acting as another kind gets that kind's rule.
#[test]
fn the_same_record_is_judged_by_the_callers_kind() {
    let person = PersonAccess { shared_with: vec![ME], ..Default::default() };
    assert!(allows(&principal(Partner), Operation::Read, Resource::Person(&person)));
    assert!(!allows(&principal(Employer), Operation::Read, Resource::Person(&person)));
}

#[test]
fn every_rule_is_described_distinctly() {
    let descriptions: HashSet<_> = Rule::ALL.iter().map(|rule| rule.describe()).collect();
    assert_eq!(descriptions.len(), Rule::ALL.len());
    for rule in Rule::ALL {
        let description = rule.describe();
        assert!(!description.is_empty() && !description.ends_with('.'), "{rule:?}: {description:?}");
    }
    // Rule::ALL is complete: every rule of the table is in it.
    for (_, _, _, rule) in table() {
        assert!(Rule::ALL.contains(&rule), "{rule:?} missing from Rule::ALL");
    }
}

#[test]
fn kinds_and_operations_have_stable_names() {
    let resources: Vec<_> = ResourceKind::ALL.into_iter().map(ResourceKind::as_str).collect();
    assert_eq!(resources, ["person", "offer", "training", "training_positioning", "indicators", "organization"]);
    let operations: Vec<_> = Operation::ALL.into_iter().map(Operation::as_str).collect();
    assert_eq!(operations, ["read", "write"]);
}

/// The list filter of every kind, written out: what a list for action may show.
#[test]
fn the_list_filter_of_each_kind_is_its_person_rule() {
    use plateforme_store::dossier::persons::PersonCriterion::{
        CoAccompaniedBy, OrientedTo, RegisteredBy, RsaResidentIn, SharedWith,
    };
    use plateforme_store::dossier::persons::Visibility::{All, AnyOf};
    let expected = [
        (FranceTravail, All, All),
        (
            MissionLocale,
            AnyOf(vec![RegisteredBy(ME), OrientedTo(ME), CoAccompaniedBy(ME), SharedWith(ME)]),
            AnyOf(vec![RegisteredBy(ME), OrientedTo(ME)]),
        ),
        (
            CapEmploi,
            AnyOf(vec![RegisteredBy(ME), OrientedTo(ME), CoAccompaniedBy(ME), SharedWith(ME)]),
            AnyOf(vec![RegisteredBy(ME), OrientedTo(ME)]),
        ),
        (
            Departement,
            AnyOf(vec![RsaResidentIn(vec!["69".into()]), CoAccompaniedBy(ME)]),
            AnyOf(vec![RsaResidentIn(vec!["69".into()])]),
        ),
        (Region, AnyOf(vec![CoAccompaniedBy(ME), SharedWith(ME)]), AnyOf(vec![])),
        (Partner, AnyOf(vec![RegisteredBy(ME), CoAccompaniedBy(ME), SharedWith(ME)]), AnyOf(vec![RegisteredBy(ME)])),
        (Employer, AnyOf(vec![]), AnyOf(vec![])),
        (StateService, AnyOf(vec![]), AnyOf(vec![])),
        (TrainingProvider, AnyOf(vec![CoAccompaniedBy(ME), SharedWith(ME)]), AnyOf(vec![])),
    ];
    for (kind, read, write) in expected {
        assert_eq!(person_filter(&principal(kind), Operation::Read), read, "{kind:?} read");
        assert_eq!(person_filter(&principal(kind), Operation::Write), write, "{kind:?} write");
    }
}

/// Whether a person meets a criterion, as the store's SQL reads it from the derived columns.
fn meets(criterion: &plateforme_store::dossier::persons::PersonCriterion, person: &PersonAccess) -> bool {
    use plateforme_store::dossier::persons::PersonCriterion;
    match criterion {
        PersonCriterion::RegisteredBy(id) => person.registered_by == Some(*id),
        PersonCriterion::OrientedTo(id) => person.oriented_to.contains(id),
        PersonCriterion::SharedWith(id) => person.shared_with.contains(id),
        PersonCriterion::CoAccompaniedBy(id) => {
            person.co_accompanied_by.iter().any(|(organization, _)| organization == id)
        }
        PersonCriterion::RsaResidentIn(codes) => {
            person.rsa_beneficiary
                && person.residence_departement.as_ref().is_some_and(|code| codes.contains(&code.to_string()))
        }
    }
}

/// In memory, for every kind and every person of the matrix: the list filter admits exactly the
/// persons the policy admits one by one. (The SQL itself is checked against the policy on both
/// backends by the server's test `dossier_visibility`.)
#[test]
fn the_list_filter_admits_whom_the_policy_admits() {
    use plateforme_store::dossier::persons::Visibility;
    for kind in OrganizationKind::ALL {
        let principal = principal(kind);
        for operation in Operation::ALL {
            let filter = person_filter(&principal, operation);
            for case in CASES {
                let Record::Person(person) = record(case) else { continue };
                let listed = match &filter {
                    Visibility::All => true,
                    Visibility::AnyOf(criteria) => criteria.iter().any(|criterion| meets(criterion, &person)),
                };
                assert_eq!(
                    listed,
                    allows(&principal, operation, Resource::Person(&person)),
                    "{kind:?} {operation:?} {case:?}"
                );
            }
        }
    }
}

/// Every person rule is defined by at least one condition, and only person rules have any.
#[test]
fn person_rules_and_only_they_have_conditions() {
    for rule in Rule::ALL {
        let conditional_person_rule =
            rule.applies_to(ResourceKind::Person) && !matches!(rule, Rule::Everything | Rule::Nothing);
        assert_eq!(!rule.person_conditions().is_empty(), conditional_person_rule, "{rule:?}");
    }
    let used: HashSet<_> = Rule::ALL.iter().flat_map(|rule| rule.person_conditions()).collect();
    assert_eq!(used.len(), PersonCondition::ALL.len(), "every condition serves a rule");
}

#[test]
fn the_public_reads_open_offers_and_a_source_its_own() {
    let me = principal(Partner);
    let open = OfferAccess { source_organizations: vec![OTHER], owner: Some(OTHER), open: true };
    let closed = OfferAccess { open: false, ..open.clone() };
    let own_closed = OfferAccess { source_organizations: vec![OTHER, me.organization_id], ..closed.clone() };
    assert!(allows_public(None, Operation::Read, Resource::Offer(&open)));
    assert!(!allows_public(None, Operation::Read, Resource::Offer(&closed)));
    assert!(!allows_public(Some(&me), Operation::Read, Resource::Offer(&closed)));
    assert!(allows_public(Some(&me), Operation::Read, Resource::Offer(&own_closed)));
    assert!(!allows_public(Some(&me), Operation::Write, Resource::Offer(&open)), "the public writes nothing");
    assert_eq!(public_rule(ResourceKind::Person, Operation::Read), Rule::Nothing);
}

#[test]
fn an_offer_is_written_by_its_owner_and_france_travail_only() {
    let owned_by_other = OfferAccess { source_organizations: vec![OTHER, ME], owner: Some(OTHER), open: true };
    for kind in [MissionLocale, CapEmploi, Departement, Region, Partner, Employer] {
        assert!(!allows(&principal(kind), Operation::Write, Resource::Offer(&owned_by_other)), "{kind:?}");
    }
    assert!(allows(&principal(FranceTravail), Operation::Write, Resource::Offer(&owned_by_other)));
}

/// A co-accompanying organization reads the dossier within its role: the sensitive parts open to
/// social and specialised support, not to a delegated operator or a training organization —
/// unless another access (a consent, being the referent) opens them anyway.
#[test]
fn a_co_accompaniment_opens_the_sensitive_parts_by_its_role() {
    for (role, opens) in [
        (CoAccompanimentRole::Social, true),
        (CoAccompanimentRole::Specialised, true),
        (CoAccompanimentRole::Delegated, false),
        (CoAccompanimentRole::Training, false),
    ] {
        let person = PersonAccess { co_accompanied_by: vec![(ME, role)], ..Default::default() };
        assert_eq!(opens_sensitive_parts(&principal(Partner), &person), opens, "{role:?}");
        let shared = PersonAccess { shared_with: vec![ME], ..person.clone() };
        assert!(opens_sensitive_parts(&principal(Partner), &shared), "{role:?} with a consent");
    }
    assert!(opens_sensitive_parts(&principal(FranceTravail), &PersonAccess::default()));
}

/// A State service reads the indicators of its territory at its finest level: a DREETS (a région)
/// its région and the départements in it, a DDETS (a département) that département only.
#[test]
fn a_state_service_reads_the_indicators_of_its_territory() {
    let dreets = Principal {
        organization_id: ME,
        kind: StateService,
        territory: Territory { regions: vec![region("84")], ..Territory::default() },
    };
    let ddets = principal(StateService);
    let of = |region_code: Option<&str>, departement_code: Option<&str>| IndicatorsAccess {
        region: region_code.map(region),
        departement: departement_code.map(departement),
    };
    for (indicators, by_dreets, by_ddets) in [
        (of(None, None), true, true),
        (of(Some("84"), None), true, false),
        (of(Some("84"), Some("38")), true, false),
        (of(Some("84"), Some("69")), true, true),
        (of(Some("11"), None), false, false),
    ] {
        assert_eq!(allows(&dreets, Operation::Read, Resource::Indicators(&indicators)), by_dreets, "{indicators:?}");
        assert_eq!(allows(&ddets, Operation::Read, Resource::Indicators(&indicators)), by_ddets, "{indicators:?}");
    }
}
