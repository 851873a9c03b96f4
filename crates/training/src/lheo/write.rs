//! Writing the catalogue back as LHEO 2.3, formation by formation, in the order of LHEO's
//! schema: what an import reads, the export writes, so that an export imported again gives
//! the same formations (the round trip of the tests). What the catalogue does not keep is not
//! written (docs/training.md).

use std::fmt::Write as _;

use quick_xml::escape::escape;

use super::read::NAMESPACE_2_3;
use crate::model::{Action, Address, Entries, Formation, Recruitment, Session, TeachingMode, XmlNode};

/// The start of an LHEO 2.3 document, up to the first formation.
pub fn header() -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lheo xmlns=\"{NAMESPACE_2_3}\">\n<offres>\n")
}

/// The end of the document, after the last formation.
pub fn footer() -> &'static str {
    "</offres>\n</lheo>\n"
}

/// Writes `content` in element `name`, when there is one.
fn element(out: &mut String, name: &str, content: Option<&str>) {
    if let Some(content) = content {
        let _ = write!(out, "<{name}>{}</{name}>", escape(content));
    }
}

/// One `formation` element, ended by a line feed.
pub fn formation(out: &mut String, formation: &Formation) {
    let _ = write!(out, "<formation numero=\"{}\">", escape(formation.numero.as_str()));
    out.push_str("<domaine-formation>");
    for (name, codes) in [
        ("code-FORMACODE", &formation.domain.formacode),
        ("code-NSF", &formation.domain.nsf),
        ("code-ROME", &formation.domain.rome),
    ] {
        for code in codes {
            match &code.version {
                Some(version) => {
                    let _ = write!(
                        out,
                        "<{name} ref=\"{}\">{}</{name}>",
                        escape(version.as_str()),
                        escape(code.code.as_str())
                    );
                }
                None => element(out, name, Some(&code.code)),
            }
        }
    }
    out.push_str("</domaine-formation>");
    element(out, "intitule-formation", Some(&formation.title));
    element(out, "objectif-formation", formation.objective.as_deref());
    element(out, "resultats-attendus", formation.expected_results.as_deref());
    element(out, "contenu-formation", formation.content.as_deref());
    element(out, "certifiante", Some(if formation.certifying { "1" } else { "0" }));
    for certification in &formation.certifications {
        out.push_str("<certification>");
        element(out, "code-RNCP", certification.rncp.as_deref());
        element(out, "code-CERTIFINFO", certification.certifinfo.as_deref());
        element(out, "code-RS", certification.rs.as_deref());
        out.push_str("</certification>");
    }
    for action in &formation.actions {
        write_action(out, action);
    }
    if let Some(organization) = &formation.responsible_organization {
        match &organization.numero {
            Some(numero) => {
                let _ = write!(out, "<organisme-formation-responsable numero=\"{}\">", escape(numero.as_str()));
            }
            None => out.push_str("<organisme-formation-responsable>"),
        }
        element(out, "numero-activite", organization.activity_number.as_deref());
        if let Some(siret) = &organization.siret {
            out.push_str("<SIRET-organisme-formation>");
            element(out, "SIRET", Some(siret));
            out.push_str("</SIRET-organisme-formation>");
        }
        element(out, "raison-sociale", organization.name.as_deref());
        out.push_str("</organisme-formation-responsable>");
    }
    for extras in &formation.extras {
        node(out, extras);
    }
    out.push_str("</formation>\n");
}

fn write_action(out: &mut String, action: &Action) {
    let _ = write!(out, "<action numero=\"{}\">", escape(action.numero.as_str()));
    for code in &action.target_publics {
        element(out, "code-public-vise", Some(code));
    }
    let mode = action.teaching_mode.map(|mode| match mode {
        TeachingMode::Presential => "0",
        TeachingMode::Mixed => "1",
        TeachingMode::Distance => "2",
    });
    element(out, "modalites-enseignement", mode);
    for site in &action.sites {
        out.push_str("<lieu-de-formation><coordonnees>");
        element(out, "nom", site.name.as_deref());
        address(out, &site.address);
        out.push_str("</coordonnees></lieu-de-formation>");
    }
    let entries = action.entries.map(|entries| match entries {
        Entries::Fixed => "0",
        Entries::Permanent => "1",
    });
    element(out, "modalites-entrees-sorties", entries);
    for session in &action.sessions {
        write_session(out, session);
    }
    element(out, "acces-handicapes", action.disability_access.as_deref());
    element(out, "prix-total-TTC", action.total_price.as_deref());
    element(out, "nombre-heures-centre", action.hours_in_centre.map(|hours| hours.to_string()).as_deref());
    element(out, "nombre-heures-entreprise", action.hours_in_company.map(|hours| hours.to_string()).as_deref());
    if let Some(siret) = &action.provider_siret {
        out.push_str("<organisme-formateur><SIRET-formateur>");
        element(out, "SIRET", Some(siret));
        out.push_str("</SIRET-formateur></organisme-formateur>");
    }
    for funder in &action.funders {
        out.push_str("<organisme-financeur>");
        element(out, "code-financeur", Some(&funder.code));
        element(out, "nb-places-financees", funder.places.map(|places| places.to_string()).as_deref());
        out.push_str("</organisme-financeur>");
    }
    for extras in &action.extras {
        node(out, extras);
    }
    out.push_str("</action>");
}

fn write_session(out: &mut String, session: &Session) {
    let _ = write!(out, "<session numero=\"{}\">", escape(session.numero.as_str()));
    out.push_str("<periode>");
    element(out, "debut", Some(&session.start.lheo));
    element(out, "fin", Some(&session.end.lheo));
    out.push_str("</periode>");
    if let Some(registration) = &session.registration_address {
        out.push_str("<adresse-inscription>");
        address(out, registration);
        out.push_str("</adresse-inscription>");
    }
    let recruitment = session.recruitment.map(|recruitment| match recruitment {
        Recruitment::Open => "1",
        Recruitment::Closed => "2",
        Recruitment::Suspended => "3",
    });
    element(out, "etat-recrutement", recruitment);
    for extras in &session.extras {
        node(out, extras);
    }
    out.push_str("</session>");
}

fn address(out: &mut String, address: &Address) {
    out.push_str("<adresse>");
    for line in &address.lines {
        element(out, "ligne", Some(line));
    }
    element(out, "codepostal", address.postal_code.as_deref());
    element(out, "ville", address.town.as_deref());
    element(out, "departement", address.departement.as_deref());
    element(out, "code-INSEE-commune", address.commune.as_deref());
    element(out, "region", address.region.as_deref());
    if address.precise
        && let (Some(latitude), Some(longitude)) = (address.latitude, address.longitude)
    {
        let _ = write!(
            out,
            "<geolocalisation><latitude>{latitude}</latitude><longitude>{longitude}</longitude></geolocalisation>"
        );
    }
    out.push_str("</adresse>");
}

/// An element kept as it came (the `extras`).
fn node(out: &mut String, node: &XmlNode) {
    let _ = write!(out, "<{}", node.name);
    for (key, value) in &node.attributes {
        let _ = write!(out, " {key}=\"{}\"", escape(value.as_str()));
    }
    out.push('>');
    out.push_str(&escape(node.text.as_str()));
    for child in &node.children {
        self::node(out, child);
    }
    let _ = write!(out, "</{}>", node.name);
}
