//! A national training catalogue as an LHEO 2.3 document (`lheo > offres > formation > action >
//! session`), for the benchmark of `POST /v1/trainings/lheo`.
//!
//! The document is written as a stream, formation after formation, so a catalogue of any size
//! costs the memory of one formation. Each formation depends only on the seed and its number,
//! so a catalogue can be written in parts (`0..5000`, `5000..10000`…) that together are the
//! whole one.
//!
//! Distributions: training sites on the real communes drawn by population; ROME codes skewed
//! as the offers' are ([`rome_weight`](super::offers::rome_weight)); 1 to 3 actions per
//! formation and 1 to 9 sessions per action (10 sessions per formation on average: 100,000
//! formations make about 1,000,000 sessions); 40 % certifying. The repository holds no
//! FORMACODE or RNCP referential: those codes are synthetic, of LHEO's shape (5 digits;
//! `RNCP` + 5 digits). Every generated element is valid for the importer, with no
//! data-quality warning.

use std::io::{self, Write};
use std::ops::Range;

use chrono::{Duration, NaiveDate};
use plateforme_reference_data::{Commune, communes, rome_codes};

use super::network::siret;
use super::offers::{SKILLS, job_title, rome_table};
use super::rng::{Rng, WeightedTable, fnv1a};
use super::{DatasetError, REFERENCE_DATE};

/// The namespace of LHEO 2.3.
pub const LHEO_NAMESPACE: &str = "http://lheo.gouv.fr/2.3";

/// The SIREN series of the generated training providers (the offers' employers use another).
pub const TRAINING_SIRENS: u8 = 6;

/// Training providers the formations are spread over.
const PROVIDERS: u64 = 20_000;

/// Streets a training site stands in.
const STREETS: &[&str] =
    &["rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Pasteur", "rue de la Gare"];

/// How many elements a catalogue (or one part of it) holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatalogueCounts {
    pub formations: u64,
    pub actions: u64,
    pub sessions: u64,
}

/// The catalogue of a seed.
pub struct Catalogue {
    seed: u64,
    sites: WeightedTable,
    rome: WeightedTable,
}

impl Catalogue {
    pub fn new(seed: u64) -> Result<Catalogue, DatasetError> {
        // A site needs a postal code for its address; communes without a population count
        // (the few without a census figure) hold no training centre.
        let sites = WeightedTable::new(communes().iter().map(|commune| {
            if commune.postal_codes.is_empty() || commune.latitude.is_none() || commune.longitude.is_none() {
                0
            } else {
                commune.population.unwrap_or(0)
            }
        }))
        .ok_or_else(|| DatasetError::Invalid("no commune for a training site".into()))?;
        Ok(Catalogue { seed, sites, rome: rome_table()? })
    }

    /// Writes the LHEO document of the formations numbered `formations` (a part of the
    /// catalogue, or all of it); answers what it holds.
    pub fn write(&self, out: &mut impl Write, formations: Range<u64>) -> io::Result<CatalogueCounts> {
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(out, r#"<lheo xmlns="{LHEO_NAMESPACE}">"#)?;
        writeln!(out, "<offres>")?;
        let mut counts = CatalogueCounts::default();
        for number in formations {
            let (actions, sessions) = self.formation(out, number)?;
            counts.formations += 1;
            counts.actions += actions;
            counts.sessions += sessions;
        }
        writeln!(out, "</offres>")?;
        writeln!(out, "</lheo>")?;
        Ok(counts)
    }

    /// One `formation` element; answers its (actions, sessions).
    fn formation(&self, out: &mut impl Write, number: u64) -> io::Result<(u64, u64)> {
        // A generator per formation: any part of the catalogue is the same as in the whole.
        let mut rng = Rng::new(self.seed ^ number.wrapping_mul(0x9E37_79B9_7F4A_7C15), "trainings");
        let rome = &rome_codes()[self.rome.draw(&mut rng)];
        let title = job_title(rome);
        let formacode = 10_000 + fnv1a(rome.code.as_bytes()) % 90_000;
        let certifying = rng.chance(0.4);
        let skill = rng.pick(SKILLS);
        writeln!(out, r#"<formation numero="F{number}">"#)?;
        writeln!(
            out,
            r#"<domaine-formation><code-FORMACODE ref="V14">{formacode}</code-FORMACODE><code-ROME ref="V4">{}</code-ROME></domaine-formation>"#,
            rome.code
        )?;
        writeln!(out, "<intitule-formation>{}</intitule-formation>", escape(&format!("Formation {title}")))?;
        writeln!(
            out,
            "<objectif-formation>{}</objectif-formation>",
            escape(&format!("Exercer le métier de {title}."))
        )?;
        writeln!(
            out,
            "<resultats-attendus>{}</resultats-attendus>",
            if certifying { "Certification professionnelle." } else { "Attestation de formation." }
        )?;
        writeln!(
            out,
            "<contenu-formation>{}</contenu-formation>",
            escape(&format!("Gestes professionnels du métier, {skill}, stage en entreprise."))
        )?;
        writeln!(out, "<certifiante>{}</certifiante>", u8::from(certifying))?;
        if certifying {
            writeln!(
                out,
                "<certification><code-RNCP>RNCP{}</code-RNCP></certification>",
                30_000 + fnv1a(rome.code.as_bytes()) % 10_000
            )?;
        }
        let provider = rng.below(PROVIDERS);
        let provider_siret = siret(TRAINING_SIRENS, provider as u32, 1).map_err(io::Error::other)?.to_string();
        let actions = rng.between(1, 3) as u64;
        let mut sessions = 0;
        for action in 1..=actions {
            sessions += self.action(out, &mut rng, number, action, &provider_siret)?;
        }
        writeln!(
            out,
            r#"<organisme-formation-responsable numero="OF-{provider}"><numero-activite>{:011}</numero-activite><SIRET-organisme-formation><SIRET>{provider_siret}</SIRET></SIRET-organisme-formation><nom-organisme>Centre de formation {provider}</nom-organisme><raison-sociale>Centre de formation {provider}</raison-sociale></organisme-formation-responsable>"#,
            11_000_000_000 + provider
        )?;
        writeln!(out, "</formation>")?;
        Ok((actions, sessions))
    }

    /// One `action` (a training site, its sessions); answers its number of sessions.
    fn action(&self, out: &mut impl Write, rng: &mut Rng, formation: u64, action: u64, siret: &str) -> io::Result<u64> {
        let commune = &communes()[self.sites.draw(rng)];
        writeln!(out, r#"<action numero="F{formation}-A{action}">"#)?;
        writeln!(
            out,
            "<modalites-enseignement>{}</modalites-enseignement>",
            rng.weighted(&[(0, 70), (1, 10), (2, 20)])
        )?;
        writeln!(out, "<lieu-de-formation><coordonnees>{}</coordonnees></lieu-de-formation>", site(rng, commune))?;
        writeln!(out, "<modalites-entrees-sorties>{}</modalites-entrees-sorties>", u8::from(rng.chance(0.2)))?;
        let sessions = rng.between(1, 9) as u64;
        for session in 1..=sessions {
            let start = REFERENCE_DATE + Duration::days(rng.between(0, 540));
            let end = start + Duration::days(rng.between(20, 300));
            writeln!(
                out,
                r#"<session numero="F{formation}-A{action}-S{session}"><periode><debut>{}</debut><fin>{}</fin></periode><etat-recrutement>{}</etat-recrutement></session>"#,
                lheo_date(start),
                lheo_date(end),
                rng.weighted(&[(1, 80), (2, 15), (3, 5)])
            )?;
        }
        let hours = rng.between(70, 1_200);
        writeln!(out, "<prix-total-TTC>{}.00</prix-total-TTC>", hours * rng.between(8, 15))?;
        writeln!(out, "<nombre-heures-centre>{hours}</nombre-heures-centre>")?;
        writeln!(out, "<nombre-heures-entreprise>{}</nombre-heures-entreprise>", rng.between(0, 400))?;
        writeln!(
            out,
            "<organisme-formateur><SIRET-formateur><SIRET>{siret}</SIRET></SIRET-formateur></organisme-formateur>"
        )?;
        writeln!(
            out,
            "<organisme-financeur><code-financeur>{}</code-financeur></organisme-financeur>",
            rng.weighted(&[(2, 40), (4, 30), (10, 30)])
        )?;
        writeln!(out, "</action>")?;
        Ok(sessions)
    }
}

/// The `coordonnees` of a training site in `commune`: its address and position, to 4 decimals.
fn site(rng: &mut Rng, commune: &Commune) -> String {
    let postal_code = commune.postal_codes.first().map_or("", String::as_str);
    let position = match (commune.latitude, commune.longitude) {
        (Some(latitude), Some(longitude)) => format!(
            "<geolocalisation><latitude>{:.4}</latitude><longitude>{:.4}</longitude></geolocalisation>",
            latitude + rng.between(-50, 50) as f64 / 10_000.0,
            longitude + rng.between(-50, 50) as f64 / 10_000.0
        ),
        _ => String::new(),
    };
    format!(
        "<nom>{}</nom><adresse><ligne>{} {}</ligne><codepostal>{postal_code}</codepostal><ville>{}</ville><code-INSEE-commune>{}</code-INSEE-commune>{position}</adresse>",
        escape(&format!("Site de {}", commune.name)),
        rng.between(1, 120),
        rng.pick(STREETS),
        escape(&commune.name),
        commune.code,
    )
}

/// A date as LHEO writes it (`AAAAMMJJ`).
fn lheo_date(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// Text made safe for an XML element.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(catalogue: &Catalogue, formations: Range<u64>) -> (Vec<u8>, CatalogueCounts) {
        let mut out = Vec::new();
        let counts = catalogue.write(&mut out, formations).expect("written to memory");
        (out, counts)
    }

    #[test]
    fn same_seed_same_catalogue_and_parts_make_the_whole() {
        let catalogue = Catalogue::new(7).expect("catalogue");
        let (whole, counts) = document(&catalogue, 0..40);
        assert_eq!(whole, document(&Catalogue::new(7).expect("catalogue"), 0..40).0);
        assert_ne!(whole, document(&Catalogue::new(8).expect("catalogue"), 0..40).0);
        let (first, _) = document(&catalogue, 0..15);
        let (second, _) = document(&catalogue, 15..40);
        let body = |document: &[u8]| {
            let text = String::from_utf8(document.to_vec()).expect("UTF-8");
            let start = text.find("<offres>\n").expect("offres") + "<offres>\n".len();
            let end = text.find("</offres>").expect("end of offres");
            text[start..end].to_owned()
        };
        assert_eq!(body(&whole), body(&first) + &body(&second));
        assert_eq!(counts.formations, 40);
        assert!(counts.actions >= 40 && counts.actions <= 120, "{counts:?}");
        assert!(counts.sessions >= counts.actions && counts.sessions <= 9 * counts.actions, "{counts:?}");
    }

    #[test]
    fn the_importer_accepts_every_formation_without_warning() {
        use plateforme_training::lheo::{map, read::LheoReader};

        let catalogue = Catalogue::new(1).expect("catalogue");
        let (document, counts) = document(&catalogue, 0..200);
        let mut reader = LheoReader::open(document.as_slice()).expect("an LHEO document");
        let (mut formations, mut actions, mut sessions) = (0, 0, 0);
        let anywhere = |_: Option<&str>| true;
        while let Some(node) = reader.next_formation().expect("well-formed") {
            let draft = match map::formation(&node, &anywhere) {
                Ok(draft) => draft,
                Err(rejected) => panic!("formation rejected: {rejected:?}"),
            };
            assert!(draft.warnings.is_empty(), "{:?}", draft.warnings);
            assert!(draft.rejected.is_empty(), "{:?}", draft.rejected);
            assert!(draft.region.is_some(), "its sites are placed");
            formations += 1;
            actions += draft.formation.actions.len() as u64;
            sessions += draft.formation.actions.iter().map(|action| action.sessions.len() as u64).sum::<u64>();
        }
        assert_eq!(CatalogueCounts { formations, actions, sessions }, counts);
    }
}
