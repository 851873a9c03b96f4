//! The indicators' definitions, the one home of what each figure means: a code, a French label,
//! a definition, a unit, the records it is computed from, and a version raised whenever the
//! computation changes (a vintage's hash covers the versions, so a new definition never passes
//! for the old one). Indicators the records cannot feed yet are declared here with the reason,
//! and computed nowhere.

use plateforme_store::indicators::compute::Measure;
use serde::Serialize;
use utoipa::ToSchema;

/// How a measure's groups become the published figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = IndicatorAggregation)]
pub enum Aggregation {
    /// The number of records (persons, decisions, contracts, offers).
    Count,
    /// The mean of a per-record quantity (days), to one decimal.
    Mean,
    /// The percentage of the records that count in the share, to one decimal.
    Share,
}

/// The unit of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = IndicatorUnit)]
pub enum Unit {
    /// Personnes.
    Persons,
    /// Décisions d'orientation.
    Decisions,
    /// Contrats d'engagement.
    Contracts,
    /// Points d'étape.
    Reviews,
    /// Offres d'emploi.
    Offers,
    /// Jours (a mean delay).
    Days,
    /// Pourcentage.
    Percent,
}

impl Unit {
    /// Its French name, for the people who read the figures (the dashboard).
    pub fn french(self) -> &'static str {
        match self {
            Unit::Persons => "personnes",
            Unit::Decisions => "décisions d'orientation",
            Unit::Contracts => "contrats d'engagement",
            Unit::Reviews => "points d'étape",
            Unit::Offers => "offres d'emploi",
            Unit::Days => "jours (moyenne)",
            Unit::Percent => "pourcentage",
        }
    }
}

/// How an indicator is computed, when the records allow it.
#[derive(Debug, Clone, Copy)]
pub struct Computation {
    pub measure: Measure,
    pub aggregation: Aggregation,
    /// Broken down into categories, with a `total` per territory and period that adds them up.
    pub categorical: bool,
    /// The records carry a commune, so the commune level is computed too.
    pub communes: bool,
}

/// One indicator.
#[derive(Debug, Clone, Copy)]
pub struct Definition {
    pub code: &'static str,
    pub label: &'static str,
    pub definition: &'static str,
    pub unit: Unit,
    /// The tables of records it is computed from.
    pub sources: &'static [&'static str],
    pub version: u32,
    /// `None`: declared, not computed yet (see `not_computed_because`).
    pub computation: Option<Computation>,
    pub not_computed_because: Option<&'static str>,
}

/// The levels published, the finest last.
const PUBLISHED_LEVELS: &[&str] = &["national", "region", "departement"];

impl Definition {
    pub fn is_computed(&self) -> bool {
        self.computation.is_some()
    }

    /// The levels of its cells as computed and kept in a vintage, the finest last.
    pub fn levels(&self) -> &'static [&'static str] {
        match self.computation {
            Some(Computation { communes: true, .. }) => &["national", "region", "departement", "commune"],
            _ => PUBLISHED_LEVELS,
        }
    }

    /// The levels of its cells that anyone may read (the catalogue, open data, the committees'
    /// read): the communes' cells are computed and kept, published to nobody (their protection
    /// does not scale to them yet: docs/indicators.md, "The communes are not published").
    pub fn published_levels(&self) -> &'static [&'static str] {
        match self.computation {
            Some(_) => PUBLISHED_LEVELS,
            None => &[],
        }
    }
}

const fn computed(measure: Measure, aggregation: Aggregation) -> Option<Computation> {
    Some(Computation { measure, aggregation, categorical: false, communes: false })
}

const fn with_communes(measure: Measure, aggregation: Aggregation) -> Option<Computation> {
    Some(Computation { measure, aggregation, categorical: false, communes: true })
}

const fn by_category(measure: Measure) -> Option<Computation> {
    Some(Computation { measure, aggregation: Aggregation::Count, categorical: true, communes: true })
}

const fn declared(
    code: &'static str,
    label: &'static str,
    definition: &'static str,
    unit: Unit,
    sources: &'static [&'static str],
    because: &'static str,
) -> Definition {
    Definition {
        code,
        label,
        definition,
        unit,
        sources,
        version: 1,
        computation: None,
        not_computed_because: Some(because),
    }
}

/// Every indicator, computed or declared, in the order of the catalogue.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        code: "inscriptions",
        label: "Inscriptions",
        definition: "Nombre de personnes inscrites dans le mois (date d'inscription), par territoire de résidence.",
        unit: Unit::Persons,
        sources: &["persons"],
        version: 1,
        computation: computed(Measure::Registrations, Aggregation::Count),
        not_computed_because: None,
    },
    Definition {
        code: "delai_orientation",
        label: "Délai moyen d'orientation",
        definition: "Nombre moyen de jours entre l'inscription et la première décision d'orientation, pour les \
                     premières orientations décidées dans le mois.",
        unit: Unit::Days,
        sources: &["orientation_decisions"],
        version: 1,
        computation: with_communes(Measure::FirstOrientationDelay, Aggregation::Mean),
        not_computed_because: None,
    },
    Definition {
        code: "part_orientes_30_jours",
        label: "Part des personnes orientées en 30 jours",
        definition: "Parmi les premières décisions d'orientation du mois, part de celles prises au plus 30 jours \
                     après l'inscription.",
        unit: Unit::Percent,
        sources: &["orientation_decisions"],
        version: 1,
        computation: with_communes(Measure::FirstOrientationWithin30Days, Aggregation::Share),
        not_computed_because: None,
    },
    Definition {
        code: "orientations_par_parcours",
        label: "Orientations par parcours",
        definition: "Nombre de décisions d'orientation du mois, par parcours décidé : emploi, socio-professionnel, \
                     social ; le total les additionne.",
        unit: Unit::Decisions,
        sources: &["orientation_decisions"],
        version: 1,
        computation: by_category(Measure::OrientationsByPath),
        not_computed_because: None,
    },
    Definition {
        code: "orientations_par_referent",
        label: "Orientations par organisme référent",
        definition: "Nombre de décisions d'orientation du mois, par nature de l'organisme référent désigné \
                     (France Travail, mission locale, Cap emploi, département…) ; le total les additionne.",
        unit: Unit::Decisions,
        sources: &["orientation_decisions"],
        version: 1,
        computation: by_category(Measure::OrientationsByReferentKind),
        not_computed_because: None,
    },
    Definition {
        code: "part_accompagnement_intensif",
        label: "Part des accompagnements intensifs",
        definition: "Parmi les décisions d'orientation du mois, part de celles qui décident un accompagnement \
                     intensif (15 à 20 heures d'activité par semaine).",
        unit: Unit::Percent,
        sources: &["orientation_decisions"],
        version: 1,
        computation: with_communes(Measure::IntensiveOrientations, Aggregation::Share),
        not_computed_because: None,
    },
    Definition {
        code: "contrats_signes",
        label: "Contrats d'engagement signés",
        definition: "Nombre de contrats d'engagement signés par la personne et par l'organisme dans le mois (date \
                     de la seconde signature), par territoire de résidence de la personne.",
        unit: Unit::Contracts,
        sources: &["contracts", "persons"],
        version: 1,
        computation: computed(Measure::ContractsSigned, Aggregation::Count),
        not_computed_because: None,
    },
    Definition {
        code: "delai_signature_contrat",
        label: "Délai moyen de signature du contrat d'engagement",
        definition: "Nombre moyen de jours entre l'inscription de la personne et la signature de son contrat \
                     d'engagement, pour les contrats signés dans le mois.",
        unit: Unit::Days,
        sources: &["contracts", "persons"],
        version: 1,
        computation: computed(Measure::ContractsSigned, Aggregation::Mean),
        not_computed_because: None,
    },
    Definition {
        code: "points_etape",
        label: "Points d'étape tenus",
        definition: "Nombre de points d'étape du contrat d'engagement tenus dans le mois, par territoire de \
                     résidence de la personne.",
        unit: Unit::Reviews,
        sources: &["reviews", "persons"],
        version: 1,
        computation: computed(Measure::ReviewsHeld, Aggregation::Count),
        not_computed_because: None,
    },
    Definition {
        code: "offres_publiees",
        label: "Offres d'emploi publiées",
        definition: "Nombre d'offres d'emploi publiées dans le mois, par territoire du lieu de travail.",
        unit: Unit::Offers,
        sources: &["offers"],
        version: 1,
        computation: with_communes(Measure::OffersPublished, Aggregation::Count),
        not_computed_because: None,
    },
    Definition {
        code: "taux_pourvoi",
        label: "Taux de pourvoi des offres",
        definition: "Parmi les offres publiées dans le mois, part de celles pourvues à la date d'arrêté des \
                     données.",
        unit: Unit::Percent,
        sources: &["offers"],
        version: 1,
        computation: with_communes(Measure::OffersPublished, Aggregation::Share),
        not_computed_because: None,
    },
    Definition {
        code: "offres_pourvues",
        label: "Offres d'emploi pourvues",
        definition: "Nombre d'offres d'emploi déclarées pourvues dans le mois.",
        unit: Unit::Offers,
        sources: &["offers"],
        version: 1,
        computation: with_communes(Measure::OffersFilled, Aggregation::Count),
        not_computed_because: None,
    },
    Definition {
        code: "delai_pourvoi",
        label: "Délai moyen de pourvoi des offres",
        definition: "Nombre moyen de jours entre la publication d'une offre et sa déclaration comme pourvue, pour \
                     les offres pourvues dans le mois.",
        unit: Unit::Days,
        sources: &["offers"],
        version: 1,
        computation: with_communes(Measure::OffersFilled, Aggregation::Mean),
        not_computed_because: None,
    },
    Definition {
        code: "personnes_par_situation",
        label: "Personnes par situation",
        definition: "Personnes inscrites à la date d'arrêté des données, par situation à cette date : non \
                     orientée, orientée sans contrat d'engagement en vigueur, avec un contrat en vigueur ; \
                     publié pour le mois de la date d'arrêté.",
        unit: Unit::Persons,
        sources: &["persons", "contracts"],
        version: 1,
        computation: Some(Computation {
            measure: Measure::PersonsBySituation,
            aggregation: Aggregation::Count,
            categorical: true,
            communes: false,
        }),
        not_computed_because: None,
    },
    declared(
        "points_etape_dans_les_delais",
        "Points d'étape tenus dans les délais",
        "Part des points d'étape tenus au plus tard à la date prévue par le contrat d'engagement.",
        Unit::Percent,
        &["reviews", "contracts"],
        "la date prévue d'un point d'étape n'est pas conservée : le contrat ne garde que la prochaine",
    ),
    declared(
        "entrees_formation_publics_prioritaires",
        "Entrées en formation des publics prioritaires",
        "Part des publics prioritaires parmi les personnes positionnées puis entrées en formation dans le mois.",
        Unit::Percent,
        &["trainings"],
        "les positionnements et entrées en formation ne sont pas encore enregistrés",
    ),
    declared(
        "retours_emploi",
        "Retours à l'emploi",
        "Nombre de personnes accompagnées ayant repris un emploi dans le mois.",
        Unit::Persons,
        &["persons"],
        "la reprise d'emploi n'est pas encore enregistrée au dossier",
    ),
    declared(
        "abandons",
        "Sorties sans solution",
        "Nombre de personnes dont l'accompagnement s'est arrêté dans le mois sans emploi ni formation.",
        Unit::Persons,
        &["persons", "contracts"],
        "le motif de fin d'accompagnement n'est pas encore enregistré",
    ),
];

/// The definition of a code.
pub fn definition(code: &str) -> Option<&'static Definition> {
    DEFINITIONS.iter().find(|definition| definition.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_each_is_computed_or_says_why_not() {
        let mut codes: Vec<_> = DEFINITIONS.iter().map(|definition| definition.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), DEFINITIONS.len());
        for definition in DEFINITIONS {
            assert_ne!(definition.is_computed(), definition.not_computed_because.is_some(), "{}", definition.code);
        }
    }
}
