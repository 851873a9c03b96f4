//! The policy itself: one row per (organization kind, resource kind, operation).
//!
//! Every combination is written out, `Nothing` included, so that a reader sees a decision for
//! each one rather than inferring it from an absence; a missing row would still deny.
//!
//! What every kind shares: offers and the training catalogue are shared information, readable by
//! all (closed offers too, for a client granted `offers:read`; the public reads by [`PUBLIC`]);
//! offers are published by every member that collects them from employers — France Travail,
//! missions locales, Cap emploi, départements, régions (their employer-relations teams,
//! propositions #69, #72), partners and employers — under the same once-for-all rules, and written
//! by their owner alone; France Travail moderates them; every organization is
//! readable, and each writes only its own record (administration of the others goes through an
//! admin scope, not this policy); indicators are computed, so nobody writes them, and national
//! ones are open data. A person's positioning on a training session is created by whoever may
//! write the person (the person rule for `Write`: the counsellor's follow-up); the rows
//! `Positioning` say who reads it and who records the provider's steps (answer, entry, exit).

use super::Operation::{Read, Write};
use super::ResourceKind::{Indicators, Offer, Organization, Person, Positioning, Training};
use super::Rule::{
    CoAccompaniedOrShared, Everything, InOwnRegion, NationalOnly, NationalOrOwnDepartements, NationalOrOwnRegion,
    NationalOrOwnTerritory, Nothing, OfPersonsItReads, OfPersonsItReadsOrOnOwnSessions, OnOwnSessions,
    OnSessionsItFunds, OpenOrPublishedBySelf, OwnedBySelf, PublishedBySelf, RegisteredBySelf,
    RegisteredCoAccompaniedOrShared, RegisteredOrOrientedToSelf, RegisteredOrientedCoAccompaniedOrShared,
    RsaResidentOfTerritory, RsaResidentOrCoAccompanied, SelfOnly,
};
use super::{Operation, ResourceKind, Row, Rule};
use plateforme_model::organization::OrganizationKind::{
    CapEmploi, Departement, Employer, FranceTravail, MissionLocale, Partner, Region, StateService, TrainingProvider,
};

#[rustfmt::skip]
pub(super) const TABLE: &[Row] = &[
    // France Travail operates the network: it registers and orients people, runs the shared
    // dossier, publishes offers and maintains the catalogue.
    (FranceTravail, Person,       Read,  Everything),
    (FranceTravail, Person,       Write, Everything),
    (FranceTravail, Offer,        Read,  Everything),
    (FranceTravail, Offer,        Write, Everything),
    (FranceTravail, Training,     Read,  Everything),
    (FranceTravail, Training,     Write, Everything),
    (FranceTravail, Positioning,  Read,  Everything),
    (FranceTravail, Positioning,  Write, Everything),
    (FranceTravail, Indicators,   Read,  Everything),
    (FranceTravail, Indicators,   Write, Nothing),
    (FranceTravail, Organization, Read,  Everything),
    (FranceTravail, Organization, Write, SelfOnly),

    // A mission locale follows the young people oriented to it or that it registered; a dossier
    // shared with it by consent, or a person it co-accompanies beside the référent (#16, #21), is
    // for reading (its own actions of the contract aside), not for acting on.
    (MissionLocale, Person,       Read,  RegisteredOrientedCoAccompaniedOrShared),
    (MissionLocale, Person,       Write, RegisteredOrOrientedToSelf),
    (MissionLocale, Offer,        Read,  Everything),
    (MissionLocale, Offer,        Write, OwnedBySelf),
    (MissionLocale, Training,     Read,  Everything),
    (MissionLocale, Training,     Write, Nothing),
    (MissionLocale, Positioning,  Read,  OfPersonsItReads),
    (MissionLocale, Positioning,  Write, Nothing),
    (MissionLocale, Indicators,   Read,  NationalOrOwnDepartements),
    (MissionLocale, Indicators,   Write, Nothing),
    (MissionLocale, Organization, Read,  Everything),
    (MissionLocale, Organization, Write, SelfOnly),

    // Cap emploi registers at its desk too (principle 1: registration at every operator's desk)
    // and follows those it registered or that are oriented to it.
    (CapEmploi,     Person,       Read,  RegisteredOrientedCoAccompaniedOrShared),
    (CapEmploi,     Person,       Write, RegisteredOrOrientedToSelf),
    (CapEmploi,     Offer,        Read,  Everything),
    (CapEmploi,     Offer,        Write, OwnedBySelf),
    (CapEmploi,     Training,     Read,  Everything),
    (CapEmploi,     Training,     Write, Nothing),
    (CapEmploi,     Positioning,  Read,  OfPersonsItReads),
    (CapEmploi,     Positioning,  Write, Nothing),
    (CapEmploi,     Indicators,   Read,  NationalOrOwnDepartements),
    (CapEmploi,     Indicators,   Write, Nothing),
    (CapEmploi,     Organization, Read,  Everything),
    (CapEmploi,     Organization, Write, SelfOnly),

    // A département orients the RSA beneficiaries living in it, and only them; it reads the
    // dossiers of the persons its social workers co-accompany (#16).
    (Departement,   Person,       Read,  RsaResidentOrCoAccompanied),
    (Departement,   Person,       Write, RsaResidentOfTerritory),
    (Departement,   Offer,        Read,  Everything),
    (Departement,   Offer,        Write, OwnedBySelf),
    (Departement,   Training,     Read,  Everything),
    (Departement,   Training,     Write, Nothing),
    (Departement,   Positioning,  Read,  OfPersonsItReads),
    (Departement,   Positioning,  Write, Nothing),
    (Departement,   Indicators,   Read,  NationalOrOwnDepartements),
    (Departement,   Indicators,   Write, Nothing),
    (Departement,   Organization, Read,  Everything),
    (Departement,   Organization, Write, SelfOnly),

    // A région funds and publishes its region's training; it reads the dossiers of the persons
    // it co-accompanies (their training) or who share theirs with it, and writes none.
    (Region,        Person,       Read,  CoAccompaniedOrShared),
    (Region,        Person,       Write, Nothing),
    (Region,        Offer,        Read,  Everything),
    (Region,        Offer,        Write, OwnedBySelf),
    (Region,        Training,     Read,  Everything),
    (Region,        Training,     Write, InOwnRegion),
    (Region,        Positioning,  Read,  OnSessionsItFunds),
    (Region,        Positioning,  Write, Nothing),
    (Region,        Indicators,   Read,  NationalOrOwnRegion),
    (Region,        Indicators,   Write, Nothing),
    (Region,        Organization, Read,  Everything),
    (Region,        Organization, Write, SelfOnly),

    // Partners (SIAE, OPCO, Apec, Afpa, PLIE, private placement operators…) see a dossier by the
    // person's consent, the persons they co-accompany, and the persons they registered — which a partner does only under an
    // accompaniment mandate (`roles::registration_needs_mandate`; principle 1, "voire de ses
    // partenaires"; propositions #14, #20). They write only what they published (offers: those
    // they own, not those they joined).
    (Partner,       Person,       Read,  RegisteredCoAccompaniedOrShared),
    (Partner,       Person,       Write, RegisteredBySelf),
    (Partner,       Offer,        Read,  Everything),
    (Partner,       Offer,        Write, OwnedBySelf),
    (Partner,       Training,     Read,  Everything),
    (Partner,       Training,     Write, PublishedBySelf),
    (Partner,       Positioning,  Read,  OfPersonsItReadsOrOnOwnSessions),
    (Partner,       Positioning,  Write, OnOwnSessions),
    (Partner,       Indicators,   Read,  NationalOnly),
    (Partner,       Indicators,   Write, Nothing),
    (Partner,       Organization, Read,  Everything),
    (Partner,       Organization, Write, SelfOnly),

    // Employers never read dossiers (they search the profile bank, under its own consent rules)
    // and publish offers, not training.
    (Employer,      Person,       Read,  Nothing),
    (Employer,      Person,       Write, Nothing),
    (Employer,      Offer,        Read,  Everything),
    (Employer,      Offer,        Write, OwnedBySelf),
    (Employer,      Training,     Read,  Everything),
    (Employer,      Training,     Write, Nothing),
    (Employer,      Positioning,  Read,  Nothing),
    (Employer,      Positioning,  Write, Nothing),
    (Employer,      Indicators,   Read,  NationalOnly),
    (Employer,      Indicators,   Write, Nothing),
    (Employer,      Organization, Read,  Everything),
    (Employer,      Organization, Write, SelfOnly),

    // The State's services that co-chair the network's committees (DREETS, DDETS, préfecture) read
    // the indicators of their territory, never a person (#86–#89).
    (StateService,     Person,       Read,  Nothing),
    (StateService,     Person,       Write, Nothing),
    (StateService,     Offer,        Read,  Everything),
    (StateService,     Offer,        Write, Nothing),
    (StateService,     Training,     Read,  Everything),
    (StateService,     Training,     Write, Nothing),
    (StateService,     Positioning,  Read,  Nothing),
    (StateService,     Positioning,  Write, Nothing),
    (StateService,     Indicators,   Read,  NationalOrOwnTerritory),
    (StateService,     Indicators,   Write, Nothing),
    (StateService,     Organization, Read,  Everything),
    (StateService,     Organization, Write, SelfOnly),

    // A training provider publishes its training and reads the dossiers of the persons it trains
    // (a `training` co-accompaniment) or who share theirs with it; it writes no dossier.
    (TrainingProvider, Person,       Read,  CoAccompaniedOrShared),
    (TrainingProvider, Person,       Write, Nothing),
    (TrainingProvider, Offer,        Read,  Everything),
    (TrainingProvider, Offer,        Write, Nothing),
    (TrainingProvider, Training,     Read,  Everything),
    (TrainingProvider, Training,     Write, PublishedBySelf),
    (TrainingProvider, Positioning,  Read,  OnOwnSessions),
    (TrainingProvider, Positioning,  Write, OnOwnSessions),
    (TrainingProvider, Indicators,   Read,  NationalOnly),
    (TrainingProvider, Indicators,   Write, Nothing),
    (TrainingProvider, Organization, Read,  Everything),
    (TrainingProvider, Organization, Write, SelfOnly),
];

/// What the public reads: callers without a token, and clients whose token lacks the scope that
/// grants the operation (they call a public operation as the public does). Open offers are
/// public; a source also reads its own offers whatever their status.
#[rustfmt::skip]
pub(super) const PUBLIC: &[(ResourceKind, Operation, Rule)] = &[
    (Offer,         Read,  OpenOrPublishedBySelf),
];
