//! Placing an LHEO `adresse` on the map, as real catalogues write it: the INSEE code is
//! checked against the referential, a postal code given in its place (or beside a missing one)
//! is recognised with a warning, and coordinates at zero or coarse are noticed.

use std::collections::HashMap;
use std::sync::OnceLock;

use plateforme_reference_data::Commune;

use super::map::Findings;
use crate::model::{Address, XmlNode};

/// Each postal code's first commune (in code order): what a postal code given for a commune
/// is read as.
fn by_postal_code(code: &str) -> Option<&'static Commune> {
    static TABLE: OnceLock<HashMap<&'static str, &'static Commune>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = HashMap::new();
        for commune in plateforme_reference_data::communes() {
            for postal in &commune.postal_codes {
                table.entry(postal.as_str()).or_insert(commune);
            }
        }
        table
    });
    table.get(code).copied()
}

/// Whether an unknown commune makes the element unusable (a training site) or is only worth a
/// warning (a registration address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    Reject,
    Warn,
}

/// The `adresse` element read and placed.
pub fn address(node: &XmlNode, path: &str, strictness: Strictness, findings: &mut Findings) -> Address {
    let mut address = Address {
        lines: node.all("ligne").map(|line| line.text.trim().to_owned()).filter(|line| !line.is_empty()).collect(),
        postal_code: node.text_of("codepostal"),
        town: node.text_of("ville"),
        ..Address::default()
    };
    let commune = commune_of(node, &address, path, strictness, findings);
    if let Some(commune) = commune {
        address.commune = Some(commune.code.clone());
        address.departement = Some(commune.departement.clone());
        address.region = Some(commune.region.clone());
        address.latitude = commune.latitude;
        address.longitude = commune.longitude;
    }
    if let Some((latitude, longitude)) = position(node, path, findings) {
        address.latitude = Some(latitude);
        address.longitude = Some(longitude);
        address.precise = true;
    }
    address
}

fn commune_of(
    node: &XmlNode,
    address: &Address,
    path: &str,
    strictness: Strictness,
    findings: &mut Findings,
) -> Option<&'static Commune> {
    let field = format!("{path}/code-INSEE-commune");
    if let Some(code) = node.text_of("code-INSEE-commune") {
        if let Some(commune) = plateforme_reference_data::commune(&code) {
            return Some(commune);
        }
        if let Some(commune) = by_postal_code(&code) {
            findings.warn(
                &field,
                "commune.postal_code_given",
                format!("{code} is a postal code, not an INSEE code: read as {} ({})", commune.name, commune.code),
                node.line,
            );
            return Some(commune);
        }
        let message = format!("{code} is not a current commune code (see /v1/referentials/communes)");
        match strictness {
            Strictness::Reject => findings.error(&field, "commune.unknown", message, node.line),
            Strictness::Warn => findings.warn(&field, "commune.unknown", message, node.line),
        }
        return None;
    }
    let postal = address.postal_code.as_deref().and_then(by_postal_code);
    match postal {
        Some(commune) => findings.warn(
            &field,
            "commune.derived_from_postal_code",
            format!("no INSEE code: placed in {} ({}) by its postal code", commune.name, commune.code),
            node.line,
        ),
        None => findings.warn(&field, "commune.missing", "no INSEE code nor known postal code: not placed", node.line),
    }
    postal
}

/// The given `geolocalisation`, when usable: zero or out-of-range coordinates are dropped (the
/// commune's position stays), coarse ones kept, each with a warning.
fn position(node: &XmlNode, path: &str, findings: &mut Findings) -> Option<(f64, f64)> {
    let place = node.child("geolocalisation")?;
    let field = format!("{path}/geolocalisation");
    let (Some(latitude), Some(longitude)) = (place.text_of("latitude"), place.text_of("longitude")) else {
        findings.warn(&field, "position.incomplete", "a latitude or a longitude is missing: not used", place.line);
        return None;
    };
    let parsed = latitude.replace(',', ".").parse::<f64>().ok().zip(longitude.replace(',', ".").parse::<f64>().ok());
    let Some((lat, lon)) = parsed.filter(|(lat, lon)| lat.abs() <= 90.0 && lon.abs() <= 180.0) else {
        findings.warn(
            &field,
            "position.invalid",
            format!("({latitude}, {longitude}) is not a position: not used"),
            place.line,
        );
        return None;
    };
    if lat == 0.0 && lon == 0.0 {
        findings.warn(
            &field,
            "position.zero",
            "the position (0, 0) is a placeholder: the commune's is used",
            place.line,
        );
        return None;
    }
    let decimals = |text: &str| text.split(['.', ',']).nth(1).map_or(0, str::len);
    if decimals(&latitude).min(decimals(&longitude)) < 2 {
        findings.warn(
            &field,
            "position.coarse",
            format!("({latitude}, {longitude}) is given to less than 1 km: kept, to be checked"),
            place.line,
        );
    }
    Some((lat, lon))
}
