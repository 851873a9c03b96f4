//! The API families a partner's team looks for, each with what it is for and who uses it:
//! the portal's pages group the contract's tags under them.

/// A text in both languages of the portal.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    pub fr: &'static str,
    pub en: &'static str,
}

const fn text(fr: &'static str, en: &'static str) -> Text {
    Text { fr, en }
}

/// One family: its path segment, names, the contract's tags it gathers, its guide and the
/// use cases per partner kind.
#[derive(Debug)]
pub struct Family {
    pub slug: &'static str,
    pub name: Text,
    pub summary: Text,
    pub tags: &'static [&'static str],
    pub guide: Option<&'static str>,
    pub uses: &'static [(Text, Text)],
}

const MISSION_LOCALE: Text = text("Mission locale", "Mission locale");
const CAP_EMPLOI: Text = text("Cap emploi", "Cap emploi");
const DEPARTEMENT: Text = text("Département", "Département");
const REGION: Text = text("Région", "Région");
const FRANCE_TRAVAIL: Text = text("France Travail", "France Travail");
const PARTNER: Text = text("Partenaire", "Partner");
const EMPLOYER: Text = text("Employeur", "Employer");
const PROVIDER: Text = text("Organisme de formation", "Training provider");

pub static FAMILIES: &[Family] = &[
    Family {
        slug: "dossier",
        name: text("Dossier unique", "Person dossier"),
        summary: text(
            "Inscrire une personne une seule fois pour tout le réseau, l'orienter, tenir son diagnostic, son contrat d'engagement et ses consentements ; chaque accès est journalisé et visible par la personne.",
            "Register a person once for the whole network, orient them, keep their diagnostic, contract of engagement and consents; every access is journaled and visible to the person.",
        ),
        tags: &["Dossier"],
        guide: Some("dossier"),
        uses: &[
            (
                MISSION_LOCALE,
                text(
                    "Retrouver un jeune déjà inscrit, suivre son contrat d'engagement.",
                    "Find a young person already registered, follow their contract.",
                ),
            ),
            (
                CAP_EMPLOI,
                text(
                    "Inscrire une personne en situation de handicap et partager son diagnostic.",
                    "Register a disabled person and share their diagnostic.",
                ),
            ),
            (
                DEPARTEMENT,
                text(
                    "Orienter les bénéficiaires du RSA et déléguer à France Travail.",
                    "Orient RSA beneficiaries and delegate to France Travail.",
                ),
            ),
            (
                FRANCE_TRAVAIL,
                text(
                    "Tenir le dossier des demandeurs d'emploi accompagnés.",
                    "Keep the dossier of the job seekers it supports.",
                ),
            ),
        ],
    },
    Family {
        slug: "offres",
        name: text("Offres d'emploi", "Job offers"),
        summary: text(
            "Publier une offre une fois pour tous, la retrouver par une recherche plein texte publique (filtres, rayon, facettes, suggestions).",
            "Publish an offer once for all and find it through a public full-text search (filters, radius, facets, suggestions).",
        ),
        tags: &["Offers"],
        guide: Some("offers"),
        uses: &[
            (
                EMPLOYER,
                text(
                    "Publier et mettre à jour ses offres, par lots NDJSON.",
                    "Publish and update its offers, in NDJSON batches.",
                ),
            ),
            (
                PARTNER,
                text(
                    "Diffuser les offres de ses clients sans doublon.",
                    "Relay its customers' offers without duplicates.",
                ),
            ),
            (MISSION_LOCALE, text("Chercher des offres près d'un jeune.", "Search offers near a young person.")),
        ],
    },
    Family {
        slug: "profils",
        name: text("Banque de profils", "Profile bank"),
        summary: text(
            "Les personnes qui le souhaitent sont visibles des recruteurs par leurs compétences, jamais par leur identité ; le contact passe par la plateforme.",
            "Persons who wish it are visible to recruiters by their skills, never by their identity; contact goes through the platform.",
        ),
        tags: &["Profiles"],
        guide: Some("profiles"),
        uses: &[
            (
                EMPLOYER,
                text(
                    "Trouver des candidats pour une offre et demander à les rencontrer.",
                    "Find candidates for an offer and ask to meet them.",
                ),
            ),
            (
                MISSION_LOCALE,
                text(
                    "Construire le profil d'un jeune qui y consent.",
                    "Build the profile of a consenting young person.",
                ),
            ),
            (
                CAP_EMPLOI,
                text(
                    "Rapprocher des employeurs engagés et des travailleurs handicapés.",
                    "Match committed employers with disabled workers.",
                ),
            ),
        ],
    },
    Family {
        slug: "formations",
        name: text("Catalogue des formations", "Training catalogue"),
        summary: text(
            "Un seul catalogue de l'offre de formation, échangé en LHEO, cherché par tous, et le parcours d'une personne vers une session.",
            "One catalogue of training offers, exchanged in LHEO, searched by all, and a person's path into a session.",
        ),
        tags: &["Training"],
        guide: Some("training"),
        uses: &[
            (
                REGION,
                text(
                    "Publier le catalogue de sa région (flux LHEO du Carif-Oref).",
                    "Publish its region's catalogue (the Carif-Oref's LHEO flow).",
                ),
            ),
            (
                PROVIDER,
                text(
                    "Publier ses sessions et répondre aux positionnements.",
                    "Publish its sessions and answer positionings.",
                ),
            ),
            (MISSION_LOCALE, text("Positionner un jeune sur une session.", "Position a young person on a session.")),
        ],
    },
    Family {
        slug: "indicateurs",
        name: text("Indicateurs et données ouvertes", "Indicators and open data"),
        summary: text(
            "Les indicateurs partagés des comités pour l'emploi et leurs données ouvertes, avec le secret statistique.",
            "The employment committees' shared indicators and their open data, under statistical secrecy.",
        ),
        tags: &["Indicators", "Open data"],
        guide: Some("indicators"),
        uses: &[
            (
                DEPARTEMENT,
                text(
                    "Suivre les orientations de son territoire (CDPE).",
                    "Follow the orientations of its territory (CDPE).",
                ),
            ),
            (REGION, text("Piloter le comité régional (CRPE).", "Steer the regional committee (CRPE).")),
            (
                PARTNER,
                text(
                    "Réutiliser les données ouvertes (Licence Ouverte 2.0).",
                    "Reuse the open data (Licence Ouverte 2.0).",
                ),
            ),
        ],
    },
    Family {
        slug: "synchronisation",
        name: text("Synchronisation", "Synchronisation"),
        summary: text(
            "Suivre le flux des changements, recevoir des webhooks signés, charger un export complet, pousser ses propres lots : un système partenaire reste à jour sans ressaisie.",
            "Follow the change feed, receive signed webhooks, load a bulk export, push its own batches: a partner system stays current without re-keying.",
        ),
        tags: &["Sync"],
        guide: Some("sync"),
        uses: &[
            (
                REGION,
                text(
                    "Tenir à jour le système régional (« dites-le nous une fois »).",
                    "Keep the regional system current (\"tell us once\").",
                ),
            ),
            (
                DEPARTEMENT,
                text(
                    "Recevoir les changements de ses bénéficiaires par webhook.",
                    "Receive its beneficiaries' changes by webhook.",
                ),
            ),
            (MISSION_LOCALE, text("Synchroniser son logiciel de suivi.", "Synchronise its case management software.")),
        ],
    },
    Family {
        slug: "acces",
        name: text("Accès et organisations", "Access and organizations"),
        summary: text(
            "Obtenir un jeton OAuth2, connaître les organisations du réseau et les référentiels (communes, ROME, NAF).",
            "Get an OAuth2 token, know the network's organizations and the referentials (communes, ROME, NAF).",
        ),
        tags: &["Access", "Organizations", "Referentials", "Administration", "Problems", "Health"],
        guide: Some("security"),
        uses: &[
            (
                PARTNER,
                text("Obtenir ses identifiants et son premier jeton.", "Get its credentials and its first token."),
            ),
            (FRANCE_TRAVAIL, text("Administrer les clients et les clés.", "Administer clients and keys.")),
        ],
    },
];

pub fn family(slug: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|family| family.slug == slug)
}
